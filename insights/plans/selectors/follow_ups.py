"""Before and after of a done action: the scores of the contacts it concerned, from their
answers before the follow-up pulse was scheduled and from their answers to that pulse."""

from collections.abc import Collection
from datetime import date, datetime

from surveys.models import Answer, Response

from ...selectors.aggregates import METRIC_TYPES, metric_aggregates, summary_from_aggregates
from ..models import ActionFollowUp

SCORE_KEYS = ("n", "nps", "nps_n", "csat", "csat_n", "ces", "ces_n", "cx_index", "cx_n")


def _summary(answers, responses) -> dict:
    row = answers.filter(question_type__in=METRIC_TYPES).aggregate(**metric_aggregates())
    summary = summary_from_aggregates(row, n=responses.count()).as_dict()
    return {key: summary[key] for key in SCORE_KEYS}


def contacts_scores_before(*, contact_ids: Collection[int], since: date, until: datetime) -> dict:
    """Every completed answer of these contacts from `since` to `until` (the scheduling)."""
    answers = Answer.objects.submitted().filter(
        response__contact_id__in=list(contact_ids),
        submitted_at__date__gte=since,
        submitted_at__lt=until,
    )
    responses = Response.objects.completed().filter(
        contact_id__in=list(contact_ids), submitted_at__date__gte=since, submitted_at__lt=until
    )
    return _summary(answers, responses)


def follow_up_after(follow_up: ActionFollowUp) -> dict | None:
    """The answers to the follow-up pulse (None until it has a send)."""
    if follow_up.distribution_id is None:
        return None
    answers = Answer.objects.submitted().filter(response__distribution_id=follow_up.distribution_id)
    responses = Response.objects.completed().filter(distribution_id=follow_up.distribution_id)
    return _summary(answers, responses)


def follow_up_progress(follow_up: ActionFollowUp) -> dict:
    """How far the pulse got: invited, skipped (fatigue, opt-out), answered."""
    from django.db.models import Count, Q

    from surveys.constants import InvitationStatus

    if follow_up.distribution_id is None:
        return {"invited": 0, "skipped": 0, "answered": 0}
    counts = follow_up.distribution.invitations.aggregate(
        invited=Count("pk", filter=~Q(status=InvitationStatus.SKIPPED)),
        skipped=Count("pk", filter=Q(status=InvitationStatus.SKIPPED)),
        answered=Count("pk", filter=Q(status=InvitationStatus.COMPLETED)),
    )
    return counts
