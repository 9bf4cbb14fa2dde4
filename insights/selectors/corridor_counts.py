"""The counts behind the corridor: answers and completed responses per touch point, truncated
period and (for a cut) event attribute value, as sums that add up across sources.

Totals over every account read the daily rollup on PostgreSQL for the days it holds and the
raw rows from `through` on (today), like `metric_summary`; scoped to accounts, or without the
rollup, they read the raw rows (covering indexes). A cut reads only the responses whose event
carried the attribute (joined to their answers); the responses without it are the total less
the values, so that the join never runs over the touch points that have no such attribute.
"""

from datetime import timedelta

from django.db.models import Count, DateField, F, Q, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils import timezone

from surveys.constants import QuestionType

from .. import metrics, rollup
from ..models import AnswerDay, ResponseDay
from .aggregates import CSAT_FILTER, ResultFilter, answers_in, responses_in

# Period name: (truncation, months per period).
PERIODS = {"month": (TruncMonth, 1), "quarter": (TruncQuarter, 3)}
CORRIDOR_TYPES = (QuestionType.NPS, QuestionType.RATING, QuestionType.EFFORT)
Key = tuple[int, str | None, object]  # touch point id, attribute value, period start


def _sums(*, rows, total, values) -> dict:
    """The corridor's figures as additive sums: rows(q) counts the answers matching q,
    total(q) sums their numbers, values(q) counts their numbers."""
    nps, effort = Q(question_type=QuestionType.NPS), Q(question_type=QuestionType.EFFORT)
    low = (
        (nps & Q(number__lte=metrics.DETRACTOR_MAX))
        | (CSAT_FILTER & Q(number__lte=metrics.LOW_CSAT_MAX))
        | (effort & Q(number__lte=metrics.LOW_CES_MAX))
    )
    return {
        "promoters": rows(nps & Q(number__gte=metrics.PROMOTER_MIN)),
        "detractors": rows(nps & Q(number__lte=metrics.DETRACTOR_MAX)),
        "nps_n": rows(nps),
        "csat_n": rows(CSAT_FILTER),
        "csat_satisfied": rows(CSAT_FILTER & Q(number__gte=metrics.CSAT_SATISFIED_MIN)),
        "ces_n": rows(effort),
        "ces_total": total(effort),
        "ces_values": values(effort),
        "low": rows(low),
        "scored": rows(nps | CSAT_FILTER | effort),
    }


RAW_SUMS = {
    "rows": lambda q: Count("question_type", filter=q),
    "total": lambda q: Sum("number", filter=q),
    "values": lambda q: Count("number", filter=q),
}


def corridor_aggregates() -> dict:
    """The corridor's sums over raw answers, for `.annotate()` per group: what action plans
    read per touch point over one account's window (the same low-score rule)."""
    return _sums(**RAW_SUMS)


ROLLED_SUMS = {
    "rows": lambda q: Sum("count", filter=q),
    "total": lambda q: Sum(F("number") * F("count"), filter=q),
    "values": lambda q: Sum("count", filter=q & Q(number__isnull=False)),
}


def _add(into: dict[Key, dict], rows, keys: tuple[str, ...]) -> None:
    for row in rows:
        key = (row["touch_point_id"], row.get("value"), row["p"])
        sums = {name: int(value or 0) for name, value in row.items() if name not in keys}
        if key in into:
            sums = {name: into[key][name] + value for name, value in sums.items()}
        into[key] = sums


def _raw(scope, *, since_moment=None, cut: bool = False) -> tuple[dict, dict]:
    truncate = PERIODS[scope.period][0]
    result_filter = ResultFilter(
        since=scope.since, until=scope.until, account_ids=scope.account_ids
    )
    answers = answers_in(result_filter).filter(
        question_type__in=CORRIDOR_TYPES, touch_point__isnull=False
    )
    responses = responses_in(result_filter).filter(touch_point__isnull=False)
    if since_moment is not None:
        answers = answers.filter(submitted_at__gte=since_moment)
        responses = responses.filter(submitted_at__gte=since_moment)
    keys = {"p": truncate("submitted_at", output_field=DateField())}
    answer_keys, response_keys = dict(keys), dict(keys)
    if cut:
        answers = answers.filter(response__attributes__has_key=scope.attribute)
        responses = responses.filter(attributes__has_key=scope.attribute)
        answer_keys["value"] = KeyTextTransform(scope.attribute, "response__attributes")
        response_keys["value"] = KeyTextTransform(scope.attribute, "attributes")
    response_rows = (
        responses.order_by()
        .annotate(**response_keys)
        .values("touch_point_id", *response_keys)
        .annotate(responses=Count("id"))
    )
    by_answers: dict[Key, dict] = {}
    by_responses: dict[Key, dict] = {}
    _add(by_responses, response_rows, ("touch_point_id", "value", "p"))
    if cut:
        # The responses tell which touch points' events carried the attribute: only their
        # answers are joined (an index range each), not every answer of the period.
        carried = {tp for (tp, value, _p) in by_responses if value is not None}
        if not carried:
            return by_answers, by_responses
        answers = answers.filter(touch_point_id__in=sorted(carried))
    answer_rows = (
        answers.order_by()
        .annotate(**answer_keys)
        .values("touch_point_id", *answer_keys)
        .annotate(**_sums(**RAW_SUMS))
    )
    _add(by_answers, answer_rows, ("touch_point_id", "value", "p"))
    return by_answers, by_responses


def _rolled(scope, through) -> tuple[dict, dict]:
    """The days before `through` from the rollup, the rest raw."""
    truncate = PERIODS[scope.period][0]
    last_rolled_day = timezone.localtime(through).date() - timedelta(days=1)
    until = min(scope.until, last_rolled_day)
    keys = ("touch_point_id", "p")
    answer_rows = (
        AnswerDay.objects.filter(
            day__gte=scope.since,
            day__lte=until,
            question_type__in=CORRIDOR_TYPES,
            touch_point_id__isnull=False,
        )
        .order_by()
        .annotate(p=truncate("day", output_field=DateField()))
        .values(*keys)
        .annotate(**_sums(**ROLLED_SUMS))
    )
    response_rows = (
        ResponseDay.objects.filter(
            day__gte=scope.since, day__lte=until, touch_point_id__isnull=False
        )
        .order_by()
        .annotate(p=truncate("day", output_field=DateField()))
        .values(*keys)
        .annotate(responses=Sum("count"))
    )
    by_answers: dict[Key, dict] = {}
    by_responses: dict[Key, dict] = {}
    _add(by_answers, answer_rows, keys)
    _add(by_responses, response_rows, keys)
    if scope.until > last_rolled_day:
        raw_answers, raw_responses = _raw(scope, since_moment=through)
        for into, raw in ((by_answers, raw_answers), (by_responses, raw_responses)):
            for key, sums in raw.items():
                into[key] = (
                    {name: into[key][name] + value for name, value in sums.items()}
                    if key in into
                    else sums
                )
    return by_answers, by_responses


def corridor_totals(scope) -> tuple[dict[Key, dict], dict[Key, dict]]:
    """({(touch point, None, period): answer sums}, {...: {"responses": n}}) of `scope`."""
    if scope.account_ids is None:
        state = rollup.state()
        if state is not None and scope.since < timezone.localtime(state.through).date():
            return _rolled(scope, state.through)
    return _raw(scope)


def corridor_cut(scope, totals: tuple[dict, dict]) -> tuple[dict[Key, dict], dict[Key, dict]]:
    """The same sums per value of `scope.attribute` at the touch points whose events carried
    it; the responses there whose event lacked it (value None, a JSON null included) are the
    touch point's total less its named values."""
    result = []
    for by_value, by_total in zip(_raw(scope, cut=True), totals, strict=True):
        named = {key: sums for key, sums in by_value.items() if key[1] is not None}
        carried = {tp for (tp, _value, _p) in named}
        rest: dict[Key, dict] = {}
        for (tp, _none, p), sums in by_total.items():
            if tp not in carried:
                continue
            left = dict(sums)
            for (value_tp, _value, value_p), value_sums in named.items():
                if (value_tp, value_p) == (tp, p):
                    left = {name: left[name] - value_sums[name] for name in left}
            if any(left.values()):
                rest[(tp, None, p)] = left
        result.append({**named, **rest})
    return result[0], result[1]
