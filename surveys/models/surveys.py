"""What a survey asks: the survey, its questions and their choices, and its translated texts."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import TouchPoint
from customers.validators import no_line_breaks

from ..constants import (
    FIXED_SCALES,
    ConditionOperator,
    Driver,
    QuestionType,
    SurveyKind,
    SurveyStatus,
)
from ..logic import question_logic_errors
from ..querysets import SurveyQuerySet


def default_languages() -> list[str]:
    return [Language.ENGLISH]


class Survey(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=SurveyKind.choices)
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("touch point"),
        help_text=_("Required for transaction surveys."),
    )
    # The title is the mail subject: no line breaks (customers.validators).
    title = models.CharField(_("title"), max_length=200, validators=[no_line_breaks])
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    intro = models.TextField(_("introduction"), blank=True)
    thank_you = models.TextField(_("thank-you text"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SurveyStatus.choices,
        default=SurveyStatus.DRAFT,
    )
    default_language = models.CharField(
        _("default language"),
        max_length=10,
        choices=Language.choices,
        default=Language.ENGLISH,
    )
    languages = models.JSONField(
        _("languages"),
        default=default_languages,
        help_text=_("Languages the survey is offered in."),
    )
    send_delay = models.DurationField(
        _("send delay"),
        default=timedelta(0),
        help_text=_("Transaction surveys: time between the event and the invitation."),
    )
    field_period_days = models.PositiveSmallIntegerField(
        _("field period (days)"),
        default=settings.CEM_INVITATION_TTL_DAYS,
        help_text=_("Invitations expire this many days after they are sent."),
    )
    fatigue_window_days = models.PositiveSmallIntegerField(
        _("contact fatigue window (days)"),
        null=True,
        blank=True,
        help_text=_("Override of the global window; transaction surveys may use a shorter one."),
    )
    open_link_enabled = models.BooleanField(_("anonymous open link"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=SurveyKind.TRANSACTION) | Q(touch_point__isnull=False),
                name="surveys_survey_transaction_has_touch_point",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The languages are a list of known codes, and the default language is among them."""
        super().clean()
        languages = self.languages
        if not isinstance(languages, list) or not languages:
            raise ValidationError(
                {"languages": _("Offer the survey in at least one language.")},
                code="no_languages",
            )
        unknown = [code for code in languages if code not in Language.values]
        if unknown:
            raise ValidationError(
                {
                    "languages": _("Unknown language code: %(codes)s.")
                    % {"codes": ", ".join(map(str, unknown))}
                },
                code="unknown_language",
            )
        if self.default_language not in languages:
            raise ValidationError(
                {
                    "default_language": _(
                        "The default language must be one of the languages the survey is "
                        "offered in: add %(language)s to them, or choose another default."
                    )
                    % {"language": Language(self.default_language).label}
                    if self.default_language in Language.values
                    else _("Choose a default language.")
                },
                code="default_language_not_offered",
            )

    @property
    def is_live(self) -> bool:
        return self.status == SurveyStatus.LIVE


class Question(models.Model):
    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("survey"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    type = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    text = models.TextField(_("question text"))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)
    driver = models.CharField(_("driver"), max_length=20, choices=Driver.choices, blank=True)
    scale_min = models.SmallIntegerField(_("scale minimum"), null=True, blank=True)
    scale_max = models.SmallIntegerField(_("scale maximum"), null=True, blank=True)
    min_label = models.CharField(_("label of the lowest value"), max_length=80, blank=True)
    max_label = models.CharField(_("label of the highest value"), max_length=80, blank=True)
    condition_question = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependents",
        verbose_name=_("show only if question"),
    )
    condition_operator = models.CharField(
        _("condition"),
        max_length=10,
        choices=ConditionOperator.choices,
        blank=True,
    )
    condition_value = models.CharField(_("condition value"), max_length=100, blank=True)

    class Meta:
        ordering = ["survey", "page", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_min__isnull=True)
                | Q(scale_max__isnull=True)
                | Q(scale_max__gt=models.F("scale_min")),
                name="surveys_question_scale_order",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        """Skip logic must stay sound (surveys.logic): the admin's question forms call this.
        The survey page's inline checks all its rows at once instead, and says so by setting
        `logic_checked_with_survey` (a row alone cannot be judged while others move)."""
        super().clean()
        if self.survey_id is None or getattr(self, "logic_checked_with_survey", False):
            return
        questions = list(
            Question.objects.filter(survey_id=self.survey_id).prefetch_related("choices")
        )
        errors = question_logic_errors(self, questions)
        if errors:
            # Non-field errors: the inline on the survey page does not show the condition fields.
            raise ValidationError(errors)

    @property
    def scale(self) -> tuple[int, int] | None:
        if self.type in FIXED_SCALES:
            return FIXED_SCALES[self.type]
        if self.type == QuestionType.RATING:
            return (
                self.scale_min if self.scale_min is not None else 1,
                self.scale_max if self.scale_max is not None else 5,
            )
        return None


class Choice(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="choices",
        verbose_name=_("question"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    value = models.SlugField(_("value"), max_length=60)
    label = models.CharField(_("label"), max_length=200)

    class Meta:
        ordering = ["question", "position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value"],
                name="surveys_choice_unique_value",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class SurveyTranslation(models.Model):
    """One translated text of a survey, keyed like `title`, `question:12:text`, `choice:7:label`."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("survey"),
    )
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    key = models.CharField(_("key"), max_length=80)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "language", "key"],
                name="surveys_surveytranslation_unique_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language}:{self.key}"
