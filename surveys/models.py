import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, Contact, TouchPoint, TouchPointEvent, VerticalMarket

from .constants import (
    FIXED_SCALES,
    Audience,
    ConditionOperator,
    DistributionOrigin,
    Driver,
    InquiryKind,
    InvitationStatus,
    QuestionType,
    ResponseStatus,
    SkipReason,
    SurveyKind,
    SurveyStatus,
    WaveStatus,
)
from .logic import question_logic_errors
from .querysets import AnswerQuerySet, InvitationQuerySet, ResponseQuerySet, SurveyQuerySet


def default_languages() -> list[str]:
    return [Language.ENGLISH]


def new_token() -> str:
    """256 random bits from the OS CSPRNG, URL-safe; never derived from ids."""
    return secrets.token_urlsafe(32)


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
    title = models.CharField(_("title"), max_length=200)
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
        """Skip logic must stay sound (surveys.logic): the admin's question forms call this."""
        super().clean()
        if self.survey_id is None:
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


class Distribution(models.Model):
    """One send of a survey: by hand, a relationship wave, a pulse, or the stream of events."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="distributions",
        verbose_name=_("survey"),
    )
    name = models.CharField(_("name"), max_length=200)
    origin = models.CharField(
        _("origin"),
        max_length=20,
        choices=DistributionOrigin.choices,
        default=DistributionOrigin.MANUAL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("send")
        verbose_name_plural = _("sends")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """The ledger row of one personal link: the database, not the broker, says who was invited."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("survey"),
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("send"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("contact"),
    )
    event = models.ForeignKey(
        TouchPointEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("event"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    skip_reason = models.CharField(
        _("skip reason"),
        max_length=20,
        choices=SkipReason.choices,
        blank=True,
    )
    send_after = models.DateTimeField(
        _("send after"),
        null=True,
        blank=True,
        help_text=_("The schedule: not mailed before this time (empty: at once)."),
    )
    leased_until = models.DateTimeField(
        _("leased until"),
        null=True,
        blank=True,
        help_text=_(
            "Queued or being sent: the dispatcher leaves the row alone until then, and treats"
            " it as lost afterwards."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "contact"],
                condition=Q(distribution__isnull=False, event__isnull=True),
                name="surveys_invitation_one_per_contact_per_send",
            ),
            models.UniqueConstraint(
                fields=["survey", "event"],
                condition=Q(event__isnull=False),
                name="surveys_invitation_one_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="surveys_inv_due_idx"),
            models.Index(fields=["status", "leased_until"], name="surveys_inv_lease_idx"),
            models.Index(fields=["contact", "sent_at"], name="surveys_inv_contact_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.contact}"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/s/{self.token}/"


class Response(models.Model):
    """At most one per invitation, enforced by the database (OneToOne is a unique index)."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("survey"),
    )
    invitation = models.OneToOneField(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="response",
        verbose_name=_("invitation"),
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("send"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("contact"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("account"),
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("touch point"),
    )
    event = models.ForeignKey(
        TouchPointEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("event"),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ResponseStatus.choices,
        default=ResponseStatus.COMPLETED,
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default="en"
    )
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        # The metrics count completed responses per scope; with status included (or as the
        # partial condition) that count is an index-only scan, without reading the table.
        indexes = [
            models.Index(
                fields=["survey", "submitted_at"],
                include=["status"],
                name="surveys_resp_survey_cov_idx",
            ),
            models.Index(
                fields=["account", "submitted_at"],
                include=["status"],
                name="surveys_resp_account_cov_idx",
            ),
            models.Index(
                fields=["submitted_at"],
                condition=Q(status=ResponseStatus.COMPLETED),
                name="surveys_resp_completed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    """A typed value. Survey, account, touch point and time are copied from the response so
    that every dashboard is one GROUP BY on this table, without joins."""

    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("response"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("question"),
    )
    question_type = models.CharField(
        _("question type"), max_length=20, choices=QuestionType.choices
    )
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(
        _("submitted at"),
        null=True,
        blank=True,
        help_text=_("Empty while the response is in progress."),
    )
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    choice = models.ForeignKey(
        Choice,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    text = models.TextField(_("text"), blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="surveys_answer_one_value_per_question",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="surveys_answer_one_row_per_choice",
            ),
            models.CheckConstraint(
                condition=~Q(question_type=QuestionType.NPS) | Q(number__gte=0, number__lte=10),
                name="surveys_answer_nps_range",
            ),
            models.CheckConstraint(
                condition=~Q(question_type=QuestionType.EFFORT) | Q(number__gte=1, number__lte=7),
                name="surveys_answer_effort_range",
            ),
            models.CheckConstraint(
                condition=~Q(
                    question_type__in=[
                        QuestionType.CX_NEEDS,
                        QuestionType.CX_EASE,
                        QuestionType.CX_EMOTION,
                    ]
                )
                | Q(number__gte=1, number__lte=5),
                name="surveys_answer_cx_range",
            ),
        ]
        # The metric aggregates read (question_type, submitted_at, question_id, number) of
        # submitted answers, per scope; these cover them, so PostgreSQL answers index-only.
        indexes = [
            models.Index(
                fields=["survey", "question_type", "submitted_at"],
                include=["question", "number"],
                condition=Q(submitted_at__isnull=False),
                name="surveys_ans_survey_cov_idx",
            ),
            models.Index(
                fields=["question_type", "submitted_at"],
                include=["question", "number"],
                condition=Q(submitted_at__isnull=False),
                name="surveys_ans_type_cov_idx",
            ),
            models.Index(
                fields=["account", "question_type", "submitted_at"],
                include=["question", "number"],
                condition=Q(submitted_at__isnull=False),
                name="surveys_ans_account_cov_idx",
            ),
            models.Index(
                fields=["touch_point", "question_type", "submitted_at"],
                include=["question", "number"],
                condition=Q(submitted_at__isnull=False),
                name="surveys_ans_tp_cov_idx",
            ),
            models.Index(fields=["question", "number"], name="surveys_ans_question_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.question_id}={self.number if self.number is not None else self.text[:20]}"


class RelationshipProgramme(models.Model):
    """Present patterns: a relationship survey sent in periodic waves to an audience."""

    name = models.CharField(_("name"), max_length=200)
    survey = models.ForeignKey(
        Survey,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("survey"),
    )
    cadence_months = models.PositiveSmallIntegerField(
        _("every (months)"),
        default=12,
        help_text=_("6 for half-yearly waves, 12 for yearly."),
    )
    first_wave_on = models.DateField(_("first wave on"))
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.ALL_ACCOUNTS,
    )
    vertical_markets = models.ManyToManyField(
        VerticalMarket,
        blank=True,
        related_name="programmes",
        verbose_name=_("vertical markets"),
    )
    field_period_days = models.PositiveSmallIntegerField(_("field period (days)"), default=30)
    reminder_after_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=7)
    max_reminders = models.PositiveSmallIntegerField(_("at most reminders"), default=2)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("relationship programme")
        verbose_name_plural = _("relationship programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_months__gte=1),
                name="surveys_programme_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """One run of a programme; unique per period so a restarted or doubled beat starts it once."""

    programme = models.ForeignKey(
        RelationshipProgramme,
        on_delete=models.CASCADE,
        related_name="waves",
        verbose_name=_("programme"),
    )
    distribution = models.OneToOneField(
        Distribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wave",
        verbose_name=_("send"),
    )
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WaveStatus.choices,
        default=WaveStatus.SCHEDULED,
    )

    class Meta:
        ordering = ["programme", "-period_start"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start"],
                name="surveys_wave_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="surveys_wave_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PulseSegment(models.Model):
    """Potential patterns: a saved filter of contacts, with an optional reproducible sample."""

    name = models.CharField(_("name"), max_length=200)
    vertical_markets = models.ManyToManyField(
        VerticalMarket,
        blank=True,
        related_name="+",
        verbose_name=_("vertical markets"),
    )
    quadrants = models.JSONField(_("matrix quadrants"), default=list, blank=True)
    touch_points = models.ManyToManyField(
        TouchPoint,
        blank=True,
        related_name="+",
        verbose_name=_("touch points experienced"),
    )
    experienced_since = models.DateField(_("experienced since"), null=True, blank=True)
    experienced_until = models.DateField(_("experienced until"), null=True, blank=True)
    roles = models.JSONField(_("contact roles"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    key_contacts_only = models.BooleanField(_("key contacts only"), default=False)
    sample_size = models.PositiveIntegerField(_("random sample size"), null=True, blank=True)
    seed = models.IntegerField(_("sample seed"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pulse segment")
        verbose_name_plural = _("pulse segments")

    def __str__(self) -> str:
        return self.name


class Inquiry(models.Model):
    """Qualitative research beside the pulse surveys: interview or focus-group notes."""

    kind = models.CharField(_("kind"), max_length=20, choices=InquiryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"), blank=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("account"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("related pulse survey"),
    )
    themes = models.CharField(
        _("themes"), max_length=300, blank=True, help_text=_("Comma-separated.")
    )
    notes = models.TextField(_("notes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return self.title
