"""Customer data in the admin. `customers` knows nothing of surveys: the contact and event
admins are `ExtensibleAdmin`s, to which surveys/admin/ adds its actions ("Send a survey to the
selected contacts") and pages (the CSV import of events) through `admin_extend`."""

from django.contrib import admin

from cem_project.admin_tools import ExtensibleAdmin, ReadOnlyMixin, VisibleAccountsAdminMixin

from .models import Account, AccountRevenue, Contact, TouchPoint, TouchPointEvent, VerticalMarket
from .services import contact_create, contact_update


@admin.register(VerticalMarket)
class VerticalMarketAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    filter_horizontal = ("general_managers",)


class AccountRevenueInline(admin.TabularInline):
    model = AccountRevenue
    fields = ("period_start", "period_end", "billed", "forecast", "currency")
    extra = 0


@admin.register(Account)
class AccountAdmin(VisibleAccountsAdminMixin, admin.ModelAdmin):
    account_path = "pk"
    list_display = ("name", "external_id", "vertical_market", "status", "general_manager")
    list_filter = ("vertical_market", "status")
    search_fields = ("name", "external_id")
    list_select_related = ("vertical_market", "general_manager")
    filter_horizontal = ("account_team",)
    raw_id_fields = ("general_manager",)
    inlines = (AccountRevenueInline,)


@admin.register(Contact)
class ContactAdmin(VisibleAccountsAdminMixin, ExtensibleAdmin):
    account_path = "account"
    list_display = ("name", "email", "account", "role", "language", "is_key_contact", "opted_out")
    list_filter = ("language", "opted_out", "is_key_contact", "account__vertical_market")
    search_fields = ("name", "email", "account__name")
    list_select_related = ("account",)
    # Not a raw id: its label would name any account whose id is typed in.
    autocomplete_fields = ("account",)
    readonly_fields = ("opted_out_at", "created_at")

    def save_model(self, request, obj, form, change):
        # Through the services, as the API and the unsubscribe page: opting out here stamps
        # the date and skips the contact's waiting invitations.
        if change:
            contact_update(contact=obj, data={f: form.cleaned_data[f] for f in form.changed_data})
        else:
            obj.pk = contact_create(**form.cleaned_data).pk
            obj.refresh_from_db()


@admin.register(TouchPoint)
class TouchPointAdmin(admin.ModelAdmin):
    list_display = ("corridor_position", "name", "code", "channel", "owning_function", "is_active")
    list_display_links = ("name",)
    list_filter = ("channel", "owning_function", "is_active")
    search_fields = ("name", "code")
    ordering = ("corridor_position", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(TouchPointEvent)
class TouchPointEventAdmin(VisibleAccountsAdminMixin, ReadOnlyMixin, ExtensibleAdmin):
    """Events arrive from source systems through the API; the admin only reads them."""

    account_path = "account"

    list_display = ("external_id", "touch_point", "account", "contact", "occurred_at")
    list_filter = ("touch_point", "account__vertical_market")
    search_fields = ("external_id", "contact__email", "account__name")
    list_select_related = ("touch_point", "account", "contact")
    date_hierarchy = "occurred_at"
    fields = (
        "external_id",
        "touch_point",
        "account",
        "contact",
        "occurred_at",
        "attributes",
        "received_at",
    )
    readonly_fields = fields
