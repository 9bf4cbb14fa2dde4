"""Sends and what came of them: distributions with their progress, the invitation ledger,
responses with their answers. The ledger and the answers are read-only: services write them.

Each shows only what concerns the accounts the user may see: the invitations and responses of
their accounts, the sends that reached one of them (or that they made), with figures counted
over their accounts alone."""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cem_project.admin_tools import ReadOnlyMixin, VisibleAccountsAdminMixin
from customers.admin import AuditedDetailMixin

from ..constants import InvitationStatus
from ..models import Answer, Distribution, Invitation, Response
from ..selectors.invitations import response_rate
from ..selectors.progress import annotated_progress, visible_progress_counts
from .common import PROGRESS_COLUMNS, progress_table


@admin.register(Distribution)
class DistributionAdmin(VisibleAccountsAdminMixin, admin.ModelAdmin):
    account_path = "invitations__contact__account"
    list_display = (
        "name",
        "survey",
        "origin",
        "created_at",
        *(f"{status.value}_count" for status in PROGRESS_COLUMNS),
        "response_rate",
    )
    list_filter = ("origin", "survey")
    search_fields = ("name", "survey__title")
    list_select_related = ("survey",)
    readonly_fields = ("progress", "invitations_link", "created_by", "created_at", "origin")
    fields = ("survey", "name", "origin", "closes_at", "progress", "invitations_link")
    raw_id_fields = ("survey",)
    date_hierarchy = "created_at"

    def visible_also(self, request):
        return Q(created_by=request.user)  # your own send, its figures still of your accounts

    def get_queryset(self, request):
        counts = visible_progress_counts(user=request.user, prefix="invitations__")
        return super().get_queryset(request).annotate(**counts)

    def has_add_permission(self, request) -> bool:
        return False  # sends are made from a survey or from the contacts list

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "survey") if obj else self.readonly_fields

    @admin.display(description=_("Progress"))
    def progress(self, distribution: Distribution) -> str:
        # The object comes from get_queryset: annotated with the counts the user may see.
        return progress_table(annotated_progress(distribution))

    @admin.display(description=_("Invitations"))
    def invitations_link(self, distribution: Distribution) -> str:
        url = reverse("admin:surveys_invitation_changelist")
        return format_html(
            '<a href="{}?distribution__id__exact={}">{}</a>',
            url,
            distribution.pk,
            _("See the invitations of this send"),
        )

    @admin.display(description=_("Response rate"))
    def response_rate(self, distribution: Distribution) -> str:
        rate = response_rate(completed=distribution.completed, delivered=distribution.delivered)
        return "–" if rate is None else f"{rate}%"


def _count_column(status: InvitationStatus):
    @admin.display(description=status.label, ordering=status.value)
    def column(self, distribution: Distribution) -> int:
        return getattr(distribution, status.value)

    return column


for _status in PROGRESS_COLUMNS:
    setattr(DistributionAdmin, f"{_status.value}_count", _count_column(_status))


@admin.register(Invitation)
class InvitationAdmin(VisibleAccountsAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """The ledger, read-only. The token is a bearer secret: it is never displayed."""

    account_path = "contact__account"

    list_display = (
        "contact",
        "survey",
        "distribution",
        "status",
        "skip_reason",
        "send_after",
        "sent_at",
        "attempts",
    )
    list_filter = ("status", "skip_reason", "survey", "distribution__origin")
    search_fields = ("contact__email", "contact__name")
    list_select_related = ("contact", "survey", "distribution")
    date_hierarchy = "created_at"
    fields = (
        "survey",
        "distribution",
        "contact",
        "event",
        "status",
        "skip_reason",
        "send_after",
        "sent_at",
        "opened_at",
        "completed_at",
        "failed_at",
        "expires_at",
        "attempts",
        "error",
        "reminders_sent",
        "last_reminded_at",
        "created_at",
    )
    readonly_fields = fields


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = Answer
    fields = ("question", "question_type", "number", "choice", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Response)
class ResponseAdmin(AuditedDetailMixin, VisibleAccountsAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    account_path = "account"
    audit_subject = "response"
    list_display = ("__str__", "survey", "contact", "account", "status", "language", "submitted_at")
    list_filter = ("status", "survey", "touch_point", "language")
    search_fields = ("contact__email", "account__name")
    list_select_related = ("survey", "contact", "account")
    date_hierarchy = "submitted_at"
    fields = (
        "survey",
        "contact",
        "account",
        "touch_point",
        "event",
        "distribution",
        "status",
        "language",
        "attributes",
        "started_at",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = (AnswerInline,)
