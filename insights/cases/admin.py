"""Alert rules are designed here: a rule with a formset of condition rows (each validated by
`AlertCondition.clean`, as the API does), reply templates per language, and actions for the
back catalogue. Cases are read here; they are worked on their own pages (/cases/)."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cem_project.admin_tools import ReadOnlyMixin, VisibleAccountsAdminMixin
from surveys.constants import Quadrant

from .evaluation import rule_dry_run
from .models import AlertCondition, AlertRule, Case, CaseEvent, ReplyTemplate, StaffProfile
from .querysets import routed_to_q


class QuadrantsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Quadrant.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class AlertConditionForm(forms.ModelForm):
    quadrants = QuadrantsField(label=_("Quadrants"))

    class Meta:
        model = AlertCondition
        fields = (
            "kind", "position", "survey", "survey_kind", "touch_point", "question",
            "score_target", "number_operator", "number", "choice_value", "attribute",
            "text_operator", "text", "quadrants", "amount",
        )  # fmt: skip


class AlertConditionInline(admin.StackedInline):
    model = AlertCondition
    form = AlertConditionForm
    extra = 0
    min_num = 1
    autocomplete_fields = ("survey", "question")
    fieldsets = (
        (None, {"fields": (("kind", "position"),)}),
        (
            _("Survey, kind or touch point"),
            {"fields": (("survey", "survey_kind", "touch_point"),)},
        ),
        (
            _("An answer: a score, a choice or words in free text"),
            {
                "fields": (
                    ("question", "score_target"),
                    ("number_operator", "number"),
                    "choice_value",
                )
            },
        ),
        (
            _("Free text or an event attribute"),
            {"fields": (("attribute", "text_operator"), "text")},
        ),
        (_("The account's value"), {"fields": (("quadrants", "amount"),)}),
    )


class ReplyTemplateInline(admin.StackedInline):
    model = ReplyTemplate
    extra = 0
    fields = ("language", "subject", "body")


class AlertRuleForm(forms.ModelForm):
    override_quadrants = QuadrantsField(label=_("Value override: quadrants"))

    class Meta:
        model = AlertRule
        fields = (
            "name", "description", "is_active", "match", "priority", "sla_hours",
            "resolve_hours", "route_to", "route_user", "route_team", "fallback_user",
            "override_quadrants", "override_billed_above", "override_route_to", "override_user",
            "override_team",
        )  # fmt: skip


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    form = AlertRuleForm
    inlines = (AlertConditionInline, ReplyTemplateInline)
    list_display = ("name", "is_active", "match", "priority", "sla_hours", "route_to", "open_cases")
    list_filter = ("is_active", "route_to", "priority")
    search_fields = ("name", "description")
    autocomplete_fields = ("route_user", "override_user", "fallback_user")
    readonly_fields = ("created_by", "created_at", "updated_at")
    actions = ("dry_run", "backfill")
    fieldsets = (
        (None, {"fields": ("name", "description", "is_active", "match")}),
        (
            _("Priority and response-time target"),
            {"fields": ("priority", "sla_hours", "resolve_hours")},
        ),
        (_("Route"), {"fields": ("route_to", "route_user", "route_team", "fallback_user")}),
        (
            _("Value override: valuable accounts go elsewhere"),
            {
                "fields": (
                    "override_quadrants",
                    "override_billed_above",
                    "override_route_to",
                    "override_user",
                    "override_team",
                )
            },
        ),
        (_("History"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        from django.db.models import Count, Q

        from .constants import OPEN_STATES

        return (
            super()
            .get_queryset(request)
            .annotate(n_open=Count("cases", filter=Q(cases__state__in=OPEN_STATES)))
        )

    @admin.display(description=_("open cases"), ordering="n_open")
    def open_cases(self, rule: AlertRule) -> str:
        url = f"{reverse('cases:queue')}?scope=all&rule={rule.pk}"
        return format_html('<a href="{}">{}</a>', url, rule.n_open)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Dry run: how many cases would these rules have opened?"))
    def dry_run(self, request, queryset):
        for rule in queryset:
            result = rule_dry_run(rule=rule)
            self.message_user(
                request,
                _(
                    "%(rule)s would have opened %(n)d cases (%(matches)d matching responses, "
                    "%(existing)d already with a case)."
                )
                % {
                    "rule": rule,
                    "n": result.would_open,
                    "matches": result.matches,
                    "existing": result.with_case,
                },
                messages.INFO,
            )

    @admin.action(
        description=_("Open the cases these rules find in the back catalogue"),
        permissions=("change",),
    )
    def backfill(self, request, queryset):
        from .tasks import rule_backfill_task

        ids = list(queryset.values_list("pk", flat=True))
        try:
            for pk in ids:
                rule_backfill_task.apply_async(args=[pk], retry=False)
        except Exception:  # the broker is down: say so rather than fail the page
            self.message_user(
                request, _("The task queue is unreachable; try again later."), messages.ERROR
            )
            return
        self.message_user(
            request,
            ngettext(
                "The back catalogue of %(n)d rule is being evaluated; its cases appear in the "
                "queues.",
                "The back catalogue of %(n)d rules is being evaluated; their cases appear in the "
                "queues.",
                len(ids),
            )
            % {"n": len(ids)},
            messages.SUCCESS,
        )


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "from_state", "to_state", "note")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(VisibleAccountsAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: cases change through their page, where every change is recorded. Rows: the
    visible accounts' cases and those routed to the user, as on the queue pages."""

    account_path = "account"

    list_display = ("__str__", "state", "priority", "account", "touch_point", "owner", "due_at")
    list_filter = ("state", "priority", "rule", "touch_point")
    list_select_related = ("rule", "account", "touch_point", "owner")
    search_fields = ("account__name", "contact__email", "rule__name")
    date_hierarchy = "opened_at"
    inlines = (CaseEventInline,)
    readonly_fields = ("work_on_page",)

    def visible_also(self, request):
        return routed_to_q(request.user)

    @admin.display(description=_("work on it"))
    def work_on_page(self, case: Case) -> str:
        return format_html('<a href="{}">{}</a>', case.get_absolute_url(), _("Open the case page"))

    def get_fields(self, request, obj=None):
        return ("work_on_page", "rule", "response", "account", "contact", "touch_point", "owner",
                "team", "escalated_to", "state", "priority", "routing_note", "opened_at", "due_at",
                "resolve_due_at", "acknowledged_at", "resolved_at", "closed_at", "escalated_at",
                "root_cause", "customer_contacted")  # fmt: skip

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "digest_only")
    autocomplete_fields = ("user",)
    search_fields = ("user__username", "user__email")
