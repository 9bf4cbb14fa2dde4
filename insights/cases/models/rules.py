"""Alert rules, designed in the admin and by API: conditions and where a match goes."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import TouchPoint
from surveys.constants import SurveyKind
from surveys.models import Question, Survey

from ..constants import (
    ConditionKind,
    MatchMode,
    NumberOperator,
    Priority,
    RouteTarget,
    ScoreTarget,
    TextOperator,
)

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
