"""The analyst's drill-down: completed responses in a scope, each with its scores and
comment, down to a single response with every answer."""

from django.db.models import OuterRef, QuerySet, Subquery

from customers.selectors import visible_account_ids
from surveys.constants import QuestionType
from surveys.models import Answer, Response

from ..metrics import ANSWER_BANDS, QUESTION_METRIC
from .aggregates import ResultFilter, responses_in

# Individual responses and their comments are for the roles that hold it (cem_project/roles.py:
# every role serving accounts, analysts); executives see aggregates only.
READS_RESPONSES = "surveys.view_response"


def user_reads_responses(user) -> bool:
    """Whether `user` may read single responses and comments (of the accounts they see)."""
    return user.has_perm(READS_RESPONSES)


def _first(question_type: str, field: str) -> Subquery:
    answers = Answer.objects.filter(response_id=OuterRef("pk"), question_type=question_type)
    if question_type == QuestionType.TEXT:
        answers = answers.exclude(text="")
    return Subquery(answers.order_by("question__page", "question__position").values(field)[:1])


def response_list(
    result_filter: ResultFilter, *, vertical_market_id: int | None = None
) -> QuerySet[Response]:
    """Completed responses, newest first, with their NPS, CES and first comment annotated
    (correlated subqueries on the answer indexes: one query per page of rows)."""
    responses = responses_in(result_filter)
    if vertical_market_id is not None:
        responses = responses.filter(account__vertical_market_id=vertical_market_id)
    return (
        responses.select_related("survey", "account", "touch_point", "contact")
        .annotate(
            nps=_first(QuestionType.NPS, "number"),
            ces=_first(QuestionType.EFFORT, "number"),
            comment=_first(QuestionType.TEXT, "text"),
        )
        .order_by("-submitted_at", "-pk")
    )


def response_for(*, user, pk: int) -> Response | None:
    """One completed response the user may see (its account among the visible ones)."""
    responses = Response.objects.completed().select_related(
        "survey", "account", "touch_point", "contact", "event"
    )
    account_ids = visible_account_ids(user)
    if account_ids is not None:
        responses = responses.filter(account_id__in=account_ids)
    return responses.filter(pk=pk).first()


def response_answers(response: Response) -> QuerySet[Answer]:
    return response.answers.select_related("question", "choice").order_by(
        "question__page", "question__position", "question_id", "choice__position"
    )


SCORED_TYPES = tuple(QUESTION_METRIC)


def with_scores(comments: QuerySet[Answer]) -> QuerySet[Answer]:
    """Comments annotated with their response's headline score: the first scale answer in
    the survey's order (`score`) and its question type (`score_type`)."""
    scored = Answer.objects.filter(
        response_id=OuterRef("response_id"), question_type__in=SCORED_TYPES, number__isnull=False
    ).order_by("question__page", "question__position", "question_id")
    return comments.annotate(
        score=Subquery(scored.values("number")[:1]),
        score_type=Subquery(scored.values("question_type")[:1]),
    )


def in_band(comments: QuerySet[Answer], *, metric: str | None, band: str | None):
    """Scored comments whose score lies in `band` of `metric`'s scale (all without a band)."""
    if not band or metric not in ANSWER_BANDS or band not in ANSWER_BANDS[metric]:
        return comments
    low, high = ANSWER_BANDS[metric][band]
    return comments.filter(score__gte=low, score__lte=high)
