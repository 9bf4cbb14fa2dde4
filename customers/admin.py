"""Customer data in the admin. `customers` knows nothing of surveys: the contact and event
admins are `ExtensibleAdmin`s, to which surveys/admin/ adds its actions ("Send a survey to the
selected contacts") and pages (the CSV import of events) through `admin_extend`."""

import json

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cem_project.admin_tools import ExtensibleAdmin, ReadOnlyMixin, VisibleAccountsAdminMixin

from . import privacy
from .constants import AuditAction
from .models import (
    Account,
    AccountRevenue,
    AuditLogEntry,
    Contact,
    TouchPoint,
    TouchPointEvent,
    VerticalMarket,
)
from .services import contact_create, contact_update


class AuditedDetailMixin:
    """Opening one object's page shows personal data: log who did (customers.AuditLogEntry).
    Set `audit_subject`; `audit_contact_id(obj)` names the contact it is about."""

    audit_subject = ""

    def audit_contact_id(self, obj) -> int | None:
        return getattr(obj, "contact_id", None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = (
                response.context_data.get("original") if hasattr(response, "context_data") else None
            )
            if obj is not None:
                privacy.audit_log_record(
                    actor=request.user,
                    action=AuditAction.VIEWED,
                    subject=self.audit_subject,
                    object_id=obj.pk,
                    contact_id=self.audit_contact_id(obj),
                    via="admin",
                )
        return response


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
class ContactAdmin(AuditedDetailMixin, VisibleAccountsAdminMixin, ExtensibleAdmin):
    account_path = "account"
    list_display = ("name", "email", "account", "role", "language", "is_key_contact", "opted_out")
    list_filter = ("language", "opted_out", "is_key_contact", "account__vertical_market")
    search_fields = ("name", "email", "account__name")
    list_select_related = ("account",)
    # Not a raw id: its label would name any account whose id is typed in.
    autocomplete_fields = ("account",)
    readonly_fields = ("opted_out_at", "erased_at", "created_at")
    actions = ("erase_personal_data", "export_personal_data")
    audit_subject = "contact"

    def audit_contact_id(self, obj) -> int:
        return obj.pk

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("customers.erase_contact")

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("customers.export_contact")

    @admin.action(
        description=_("Erase the personal data of the selected contacts"),
        permissions=["erase"],
    )
    def erase_personal_data(self, request, queryset):
        count = 0
        for contact in queryset:
            privacy.contact_erase(contact=contact, actor=request.user, via="admin")
            count += 1
        self.message_user(
            request,
            ngettext(
                "Erased the personal data of %(count)d contact; the answers stay anonymised.",
                "Erased the personal data of %(count)d contacts; the answers stay anonymised.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Export everything about the selected contact (JSON)"),
        permissions=["export"],
    )
    def export_personal_data(self, request, queryset):
        contacts = list(queryset[:2])
        if len(contacts) != 1:
            self.message_user(request, _("Select exactly one contact to export."), messages.ERROR)
            return None
        data = privacy.contact_export(contact=contacts[0], actor=request.user, via="admin")
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
        )
        filename = f"contact-{contacts[0].pk}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

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


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit log: read only, and never deleted from the admin."""

    list_display = ("at", "actor_username", "action", "subject", "object_id", "contact_id", "via")
    list_filter = ("action", "subject", "via")
    search_fields = ("actor_username", "=contact_id", "=object_id")
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
