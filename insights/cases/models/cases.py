"""Cases: the problem a rule found in one response, its history, replies and staff mail."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, Contact, TouchPoint
from surveys.models import Response

from ..constants import (
    CaseEventKind,
    CaseState,
    NoticeKind,
    NoticeStatus,
    Priority,
    ReplyStatus,
    RootCause,
)
from ..querysets import CaseQuerySet
from .rules import AlertRule

USER = settings.AUTH_USER_MODEL


class Case(models.Model):
    """A problem a rule found in one response, worked by its owner until closed."""

    rule = models.ForeignKey(
        AlertRule, on_delete=models.PROTECT, related_name="cases", verbose_name=_("rule")
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="cases", verbose_name=_("response")
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contact"),
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("touch point"),
    )
    owner = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("owner"),
    )
    team = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
    )
    escalated_to = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_cases",
        verbose_name=_("escalated to"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    routing_note = models.CharField(_("why this owner"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    due_at = models.DateTimeField(_("acknowledge by"))
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    root_cause = models.CharField(
        _("root cause"), max_length=20, choices=RootCause.choices, blank=True
    )
    customer_contacted = models.BooleanField(_("customer contacted"), null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Granted by name (querysets.WORKS_EVERY_CASE); no role holds it by default.
        permissions = [("work_every_case", _("Works every case it sees"))]
        constraints = [
            # Evaluation runs at least once per response (tasks are redelivered, the sweep and
            # the back catalogue run it again); this makes it open at most one case per rule.
            models.UniqueConstraint(
                fields=["rule", "response"], name="cases_case_one_per_rule_and_response"
            ),
            models.CheckConstraint(
                condition=~Q(state=CaseState.CLOSED)
                | (~Q(root_cause="") & Q(customer_contacted__isnull=False)),
                name="cases_case_closed_has_root_cause",
            ),
            models.CheckConstraint(
                condition=Q(due_at__gte=models.F("opened_at")), name="cases_case_due_after_open"
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "state", "due_at"], name="cases_case_owner_idx"),
            models.Index(fields=["team", "state", "due_at"], name="cases_case_team_idx"),
            models.Index(fields=["account", "opened_at"], name="cases_case_account_idx"),
            models.Index(fields=["opened_at"], name="cases_case_opened_idx"),
            models.Index(
                fields=["due_at"],
                condition=Q(state=CaseState.NEW, escalated_at__isnull=True),
                name="cases_case_escalation_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.rule}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"#{self.pk}"


class CaseEvent(models.Model):
    """Every change of a case: who, when, what and a note."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CaseEventKind.choices)
    actor = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for the system (rules, escalation)."),
    )
    from_state = models.CharField(
        _("from state"), max_length=20, choices=CaseState.choices, blank=True
    )
    to_state = models.CharField(_("to state"), max_length=20, choices=CaseState.choices, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=4000)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class CaseReply(models.Model):
    """A mail the owner sent the respondent from the case."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="replies", verbose_name=_("case")
    )
    sent_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("sent by")
    )
    to_email = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10000)
    status = models.CharField(
        _("status"), max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.SENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("reply to the customer")
        verbose_name_plural = _("replies to the customer")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_email}"


class CaseNotice(models.Model):
    """The ledger of mails to staff about a case: one per event (opening, reassignment,
    escalation) and recipient, so a redelivered task or a doubled beat mails nobody twice."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notices", verbose_name=_("case")
    )
    event = models.ForeignKey(
        "CaseEvent", on_delete=models.CASCADE, related_name="notices", verbose_name=_("event")
    )
    recipient = models.ForeignKey(
        USER, on_delete=models.CASCADE, related_name="case_notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("case notice")
        verbose_name_plural = _("case notices")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient"], name="cases_casenotice_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "recipient"], name="cases_notice_status_idx"),
            models.Index(fields=["recipient", "created_at"], name="cases_notice_recipient_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} → {self.recipient_id}"
