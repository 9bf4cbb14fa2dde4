"""Alert rules (designed in the admin and by API) and the cases their matches open."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, Contact, TouchPoint
from surveys.constants import SurveyKind
from surveys.models import Question, Response, Survey

from .constants import (
    CaseEventKind,
    CaseState,
    ConditionKind,
    MatchMode,
    NoticeKind,
    NoticeStatus,
    NumberOperator,
    Priority,
    ReplyStatus,
    RootCause,
    RouteTarget,
    ScoreTarget,
    TextOperator,
)
from .querysets import CaseQuerySet

USER = settings.AUTH_USER_MODEL
MAX_KEYWORDS = 50


class AlertRule(models.Model):
    """Conditions on a stored response, combined with all / any, and where a match goes."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    match = models.CharField(
        _("combine conditions"), max_length=3, choices=MatchMode.choices, default=MatchMode.ALL
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    sla_hours = models.PositiveIntegerField(
        _("acknowledge within (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("The response-time target: a case not acknowledged by then is escalated."),
    )
    resolve_hours = models.PositiveIntegerField(
        _("resolve within (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Optional target for resolving the case, counted from its opening."),
    )
    route_to = models.CharField(
        _("route to"), max_length=20, choices=RouteTarget.choices, default=RouteTarget.SPECIALIST
    )
    route_user = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named user"),
    )
    route_team = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    override_quadrants = models.JSONField(
        _("value override: quadrants"),
        default=list,
        blank=True,
        help_text=_("Accounts in these quadrants of the customer matrix go to the override."),
    )
    override_billed_above = models.DecimalField(
        _("value override: billed revenue above"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Accounts whose latest billed revenue is above this go to the override."),
    )
    override_route_to = models.CharField(
        _("value override: route to"), max_length=20, choices=RouteTarget.choices, blank=True
    )
    override_user = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("value override: named user"),
    )
    override_team = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("value override: team"),
    )
    fallback_user = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fallback owner"),
        help_text=_(
            "Owner when the route finds nobody (no specialist or general manager set) "
            "and the account has no general manager."
        ),
    )
    created_by = models.ForeignKey(
        USER,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")
        constraints = [
            models.CheckConstraint(condition=Q(sla_hours__gte=1), name="cases_alertrule_sla_set"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_override(self) -> bool:
        return bool(self.override_route_to) and (
            bool(self.override_quadrants) or self.override_billed_above is not None
        )

    def clean(self) -> None:
        from surveys.constants import Quadrant

        errors = {}
        for target, user, team, prefix in (
            (self.route_to, self.route_user_id, self.route_team_id, "route"),
            (self.override_route_to, self.override_user_id, self.override_team_id, "override"),
        ):
            if target == RouteTarget.USER and not user:
                errors[f"{prefix}_user"] = _("Choose the user this route names.")
            if target == RouteTarget.TEAM and not team:
                errors[f"{prefix}_team"] = _("Choose the team this route names.")
        quadrants = self.override_quadrants
        if not isinstance(quadrants, list) or not set(quadrants) <= set(Quadrant.values):
            errors["override_quadrants"] = _("Choose quadrants of the customer matrix.")
        has_value_test = bool(quadrants) or self.override_billed_above is not None
        if self.override_route_to and not has_value_test:
            errors["override_route_to"] = _(
                "A value override needs quadrants or a billed-revenue figure."
            )
        if has_value_test and not self.override_route_to:
            errors["override_route_to"] = _("Choose where the value override routes.")
        if errors:
            raise ValidationError(errors)


class AlertCondition(models.Model):
    """One condition of a rule. Which fields count depends on `kind` (see `clean`)."""

    rule = models.ForeignKey(
        AlertRule, on_delete=models.CASCADE, related_name="conditions", verbose_name=_("rule")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("condition"), max_length=30, choices=ConditionKind.choices)
    # A deleted survey, touch point or question would silently widen an "all" rule: PROTECT.
    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("survey")
    )
    survey_kind = models.CharField(
        _("survey kind"), max_length=20, choices=SurveyKind.choices, blank=True
    )
    touch_point = models.ForeignKey(
        TouchPoint, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("touch point")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("question"),
        help_text=_("One question; leave empty to read every answer of the score type."),
    )
    score_target = models.CharField(
        _("score type"), max_length=20, choices=ScoreTarget.choices, blank=True
    )
    number_operator = models.CharField(
        _("score operator"), max_length=5, choices=NumberOperator.choices, blank=True
    )
    number = models.SmallIntegerField(_("score"), null=True, blank=True)
    choice_value = models.SlugField(
        _("choice value"),
        max_length=60,
        blank=True,
        help_text=_("The choice's value, e.g. 'no' for 'Was your issue resolved?'"),
    )
    attribute = models.CharField(
        _("event attribute"),
        max_length=100,
        blank=True,
        help_text=_("The attribute's name, e.g. technician or channel."),
    )
    text_operator = models.CharField(
        _("text operator"), max_length=12, choices=TextOperator.choices, blank=True
    )
    text = models.TextField(
        _("words or value"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Free text: words or phrases, one per line (any one matches, ignoring case). "
            "Event attribute: the value compared."
        ),
    )
    quadrants = models.JSONField(_("quadrants"), default=list, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["rule", "position", "id"]
        verbose_name = _("alert condition")
        verbose_name_plural = _("alert conditions")

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.get_kind_display()}"

    def keywords(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]

    def clean(self) -> None:  # noqa: C901 (one branch per kind, read as a table)
        from surveys.constants import CHOICE_TYPES, SCALE_TYPES, Quadrant

        k, errors = self.kind, {}

        def need(field: str, message) -> None:
            value = getattr(self, field)
            if value in (None, "", []):
                errors[field] = message

        if k == ConditionKind.SURVEY:
            need("survey", _("Choose a survey."))
        elif k == ConditionKind.SURVEY_KIND:
            need("survey_kind", _("Choose a survey kind."))
        elif k == ConditionKind.TOUCH_POINT:
            need("touch_point", _("Choose a touch point."))
        elif k == ConditionKind.ANSWER_NUMBER:
            if not self.question_id and not self.score_target:
                errors["score_target"] = _("Choose a question or a score type.")
            if self.question_id and self.question.type not in SCALE_TYPES:
                errors["question"] = _("This question has no score.")
            need("number_operator", _("Choose how the score compares."))
            need("number", _("Enter the score to compare with."))
        elif k == ConditionKind.ANSWER_CHOICE:
            need("choice_value", _("Enter the choice's value."))
            if self.question_id:
                if self.question.type not in CHOICE_TYPES:
                    errors["question"] = _("This question has no choices.")
                elif not self.question.choices.filter(value=self.choice_value).exists():
                    errors["choice_value"] = _("This question has no choice with that value.")
        elif k == ConditionKind.TEXT_CONTAINS:
            words = self.keywords()
            if not words:
                errors["text"] = _("Enter at least one word or phrase.")
            elif len(words) > MAX_KEYWORDS:
                errors["text"] = _("At most %(n)d words or phrases.") % {"n": MAX_KEYWORDS}
        elif k == ConditionKind.EVENT_ATTRIBUTE:
            need("attribute", _("Enter the attribute's name."))
            need("text_operator", _("Choose how the value compares."))
            need("text", _("Enter the value to compare with."))
        elif k == ConditionKind.ACCOUNT_QUADRANT:
            quadrants = self.quadrants
            if not quadrants or not isinstance(quadrants, list):
                errors["quadrants"] = _("Choose at least one quadrant.")
            elif not set(quadrants) <= set(Quadrant.values):
                errors["quadrants"] = _("Unknown quadrant.")
        elif k in (ConditionKind.ACCOUNT_BILLED_ABOVE, ConditionKind.ACCOUNT_FORECAST_ABOVE):
            need("amount", _("Enter the revenue figure."))
            if self.amount is not None and self.amount < 0:
                errors["amount"] = _("The figure must not be negative.")
        if errors:
            raise ValidationError(errors)


class ReplyTemplate(models.Model):
    """The rule's reply to the respondent in one language, edited by the owner before sending.

    Placeholders: {contact.name}, {contact.first_name}, {account.name}, {survey.title},
    {owner.name}, {case.reference}.
    """

    rule = models.ForeignKey(
        AlertRule, on_delete=models.CASCADE, related_name="reply_templates", verbose_name=_("rule")
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), max_length=10000)

    class Meta:
        ordering = ["rule", "language"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "language"], name="cases_replytemplate_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} ({self.language})"


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


class ResponseEvaluation(models.Model):
    """Marks a response whose rules ran; the sweep evaluates completed responses without one.
    Inserting it first also makes a second, concurrent evaluation of the response a no-op."""

    response = models.OneToOneField(
        Response,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="case_evaluation",
        verbose_name=_("response"),
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    rules_checked = models.PositiveIntegerField(_("rules checked"), default=0)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)

    class Meta:
        verbose_name = _("response evaluation")
        verbose_name_plural = _("response evaluations")

    def __str__(self) -> str:
        return f"{self.response_id} @ {self.evaluated_at:%Y-%m-%d %H:%M}"


class StaffProfile(models.Model):
    """A staff user's preferences for case mail: the language (else LANGUAGE_CODE) and
    whether to receive one daily digest instead of a mail per case."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    digest_only = models.BooleanField(
        _("daily digest only"),
        default=False,
        help_text=_("One mail a day listing new cases instead of a mail per case."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
