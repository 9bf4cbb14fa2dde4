"""What was answered: responses and their typed answers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, Contact, TouchPoint, TouchPointEvent

from ..constants import QuestionType, ResponseStatus
from ..querysets import AnswerQuerySet, ResponseQuerySet
from .invitations import Distribution, Invitation
from .surveys import Choice, Question, Survey


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
