"""Key drivers: which touch points and which questions move the relationship score.

Two analyses, each one grouped SQL aggregate of sums of products (Σx_i, Σx_i·x_j over the
same complete rows), per vertical market; the statistics (correlations, standardised betas,
Johnson's relative weights, the too-small rule) come from `insights.stats.key_drivers`.

- `touch_points`: one row per account. The outcome is the account's mean relationship answer
  (the 0-10 recommendation of NPS, or the mean CX item of the CX index) in the period; each
  driver is the account's mean transaction score at one touch point and question type (NPS,
  CSAT, CES). A driver answered for fewer than half the accounts with an outcome is left out
  (listwise deletion would otherwise empty the table) and named in `sparse`.
- `questions`: one row per response of one survey. The outcome is its NPS question, or the
  mean of its three CX items; the drivers are its other scale questions.

Correlation and weights do not depend on a variable's scale, so means on 0-10, 1-5 and 1-7
scales sit side by side. Only rows with every variable answered count (listwise).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import CharField as CharValue
from django.db.models import F, IntegerField, Q, Value
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from customers.models import TouchPoint, VerticalMarket
from customers.selectors import visible_account_ids
from surveys.constants import CX_INDEX_TYPES, QuestionType, SurveyKind
from surveys.models import Question, Survey

from .. import stats
from ..metrics import METRICS
from .aggregates import CSAT_FILTER, ResultFilter, answers_in

ANALYSES = {"touch_points": _("Touch points"), "questions": _("Questions of one survey")}
OUTCOMES = ("nps", "cx_index")
OUTCOME = "outcome"
SCALE_TYPES = (QuestionType.NPS, QuestionType.RATING, QuestionType.EFFORT, *CX_INDEX_TYPES)
DRIVER_TYPES = (QuestionType.NPS, QuestionType.RATING, QuestionType.EFFORT)
TYPE_METRIC = {QuestionType.NPS: "nps", QuestionType.RATING: "csat", QuestionType.EFFORT: "ces"}
MIN_COVERAGE = 0.5
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class DriverScope:
    since: date
    until: date
    analysis: str = "touch_points"
    outcome: str = "nps"
    survey_id: int | None = None  # the survey of the `questions` analysis
    vertical_market_id: int | None = None
    account_ids: frozenset[int] | None = None  # visibility; None: every account

    def __post_init__(self):
        if self.analysis not in ANALYSES:
            raise ValueError(f"Not a driver analysis: {self.analysis!r}")
        if self.outcome not in OUTCOMES:
            raise ValueError(f"Not a driver outcome: {self.outcome!r}")


def driver_scope_for(user, *, since=None, until=None, today=None, **options) -> DriverScope:
    """The scope `user` may see; by default the last year up to today."""
    until = until or today or timezone.localdate()
    return DriverScope(
        since=since or until - WINDOW,
        until=until,
        account_ids=visible_account_ids(user),
        **options,
    )


@dataclass(frozen=True)
class DriverGroup:
    """One vertical market's analysis (key None: every market in scope together)."""

    key: int | None
    label: str
    n: int
    analysis: stats.DriverAnalysis | None  # None: fewer than two complete rows


@dataclass(frozen=True)
class DriverReport:
    scope: DriverScope
    survey: Survey | None
    outcome_label: str
    labels: dict[str, str]  # driver name -> label, in display order
    sparse: list[str] = field(default_factory=list)  # labels of drivers left out (coverage)
    groups: list[DriverGroup] = field(default_factory=list)

    @property
    def overall(self) -> DriverGroup | None:
        return self.groups[0] if self.groups else None


def _result_filter(scope: DriverScope) -> ResultFilter:
    return ResultFilter(since=scope.since, until=scope.until, account_ids=scope.account_ids)


def _scoped(scope: DriverScope, **filters):
    answers = answers_in(_result_filter(scope)).filter(account__isnull=False, number__isnull=False)
    if scope.vertical_market_id is not None:
        answers = answers.filter(account__vertical_market_id=scope.vertical_market_id)
    return answers.filter(**filters)


def _sql(queryset) -> tuple[str, tuple]:
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def _fetch(sql: str, params: tuple) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# Sums of products over the complete rows (`unit` ids having every variable), per market:
# (market, x, y, n, Σx, Σx·y); rows(unit, vm, var, value) come from the scoped answers.
PRODUCTS_SQL = """
    WITH m AS ({rows}),
    complete AS (SELECT unit FROM m GROUP BY unit HAVING COUNT(*) = %s)
    SELECT x.vm, x.var, y.var, COUNT(*), SUM(x.value), SUM(x.value * y.value)
    FROM m x JOIN m y ON y.unit = x.unit
    WHERE x.unit IN (SELECT unit FROM complete)
    GROUP BY x.vm, x.var, y.var
"""


def _products(rows_sql: str, params: tuple, variables: int) -> dict:
    """{market: (n, {var: Σx}, {(x, y): Σx·y})} from PRODUCTS_SQL."""
    grouped: dict = defaultdict(lambda: [0, {}, {}])
    for vm, x, y, n, total, product in _fetch(
        PRODUCTS_SQL.format(rows=rows_sql), (*params, variables)
    ):
        entry = grouped[vm]
        if x == y:
            entry[0] = int(n)
            entry[1][str(x)] = float(total)
        entry[2][(str(x), str(y))] = float(product)
    return grouped


# ------------------------------------------------------------------ touch points (accounts)


def _touch_point_rows(scope: DriverScope, variables: list[tuple[int, str]] | None):
    """SQL of (unit=account, vm, var, value=the account's mean) over outcome and drivers."""
    outcome_types = (QuestionType.NPS,) if scope.outcome == "nps" else CX_INDEX_TYPES
    drivers = _scoped(scope, survey__kind=SurveyKind.TRANSACTION, touch_point__isnull=False)
    drivers = drivers.filter(
        Q(question_type__in=(QuestionType.NPS, QuestionType.EFFORT)) | CSAT_FILTER
    )
    if variables is not None:
        chosen = Q(pk__in=[])
        for touch_point_id, question_type in variables:
            chosen |= Q(touch_point_id=touch_point_id, question_type=question_type)
        drivers = drivers.filter(chosen)
    driver_rows = drivers.order_by().values(
        "number",
        unit=F("account_id"),
        vm=F("account__vertical_market_id"),
        tp=F("touch_point_id"),
        qt=F("question_type"),
    )
    outcome_rows = (
        _scoped(scope, survey__kind=SurveyKind.RELATIONSHIP, question_type__in=outcome_types)
        .order_by()
        .values(
            "number",
            unit=F("account_id"),
            vm=F("account__vertical_market_id"),
            tp=Value(0, output_field=IntegerField()),
            qt=Value(OUTCOME, output_field=CharValue()),
        )
    )
    driver_sql, driver_params = _sql(driver_rows)
    outcome_sql, outcome_params = _sql(outcome_rows)
    # Both parts are SQL compiled by Django with their values as parameters, never inlined.
    union = f"SELECT * FROM ({driver_sql}) d UNION ALL SELECT * FROM ({outcome_sql}) o"  # noqa: S608
    return union, (*driver_params, *outcome_params)


COVERAGE_SQL = """
    SELECT s.tp, s.qt, COUNT(DISTINCT s.unit) FROM ({rows}) s GROUP BY s.tp, s.qt
"""
MEANS_SQL = """
    SELECT s.unit AS unit, s.vm AS vm,
           CASE WHEN s.qt = %s THEN %s ELSE s.qt || ':' || CAST(s.tp AS VARCHAR(20)) END AS var,
           AVG(s.number * 1.0) AS value
    FROM ({rows}) s GROUP BY s.unit, s.vm, s.qt, s.tp
"""


def _touch_point_variable(touch_point_id: int, question_type: str) -> str:
    return f"{question_type}:{touch_point_id}"


def _touch_point_report(scope: DriverScope) -> tuple[dict, dict, list[str], list[str]]:
    rows_sql, params = _touch_point_rows(scope, None)
    coverage = {(tp, qt): n for tp, qt, n in _fetch(COVERAGE_SQL.format(rows=rows_sql), params)}
    with_outcome = coverage.pop((0, OUTCOME), 0)
    touch_points = {
        tp.pk: tp for tp in TouchPoint.objects.filter(pk__in={tp for tp, _qt in coverage})
    }
    ordered = sorted(
        coverage,
        key=lambda key: (touch_points[key[0]].corridor_position, touch_points[key[0]].code, key[1]),
    )

    def label(key) -> str:
        return f"{touch_points[key[0]].name} · {METRICS[TYPE_METRIC[key[1]]].label}"

    kept = [key for key in ordered if with_outcome and coverage[key] >= MIN_COVERAGE * with_outcome]
    sparse = [label(key) for key in ordered if key not in kept]
    labels = {_touch_point_variable(*key): label(key) for key in kept}
    if not kept:
        return {}, labels, sparse, []
    rows_sql, params = _touch_point_rows(scope, kept)
    means_sql = MEANS_SQL.format(rows=rows_sql)
    grouped = _products(means_sql, (OUTCOME, OUTCOME, *params), len(kept) + 1)
    return grouped, labels, sparse, [*labels, OUTCOME]


# ------------------------------------------------------------------ questions (responses)


def _questions_report(scope: DriverScope, survey: Survey):
    questions = list(
        Question.objects.filter(survey=survey, type__in=SCALE_TYPES).order_by(
            "page", "position", "pk"
        )
    )
    if scope.outcome == "nps":
        outcome_ids = [q.pk for q in questions if q.type == QuestionType.NPS][:1]
    else:
        outcome_ids = [q.pk for q in questions if q.type in CX_INDEX_TYPES]
    if not outcome_ids:
        return {}, {}, [], []
    drivers = [q for q in questions if q.pk not in outcome_ids]
    labels = {str(q.pk): Truncator(q.text).chars(70) for q in drivers}
    ids = [q.pk for q in drivers] + outcome_ids
    rows = (
        _scoped(scope, survey_id=survey.pk, question_id__in=ids)
        .order_by()
        .values(
            unit=F("response_id"),
            vm=F("account__vertical_market_id"),
            var=F("question_id"),
            value=F("number"),
        )
    )
    rows_sql, params = _sql(rows)
    grouped = _products(rows_sql, params, len(ids))
    # The outcome as a variable of its own: the NPS question, or the mean of the CX items.
    weight = 1.0 / len(outcome_ids)
    outcome_names = [str(pk) for pk in outcome_ids]
    for _vm, entry in grouped.items():
        n, sums, products = entry
        sums[OUTCOME] = weight * sum(sums.get(name, 0.0) for name in outcome_names)
        for name in [*labels]:
            products[(name, OUTCOME)] = weight * sum(
                products.get((name, o), 0.0) for o in outcome_names
            )
        products[(OUTCOME, OUTCOME)] = (
            weight
            * weight
            * sum(products.get((a, b), 0.0) for a in outcome_names for b in outcome_names)
        )
    return grouped, labels, [], [*labels, OUTCOME]


def default_driver_survey(scope: DriverScope) -> Survey | None:
    """The survey a question analysis reads: the one named, else the latest relationship one."""
    surveys = Survey.objects.filter(questions__type__in=SCALE_TYPES).distinct()
    if scope.survey_id is not None:
        return surveys.filter(pk=scope.survey_id).first()
    return surveys.filter(kind=SurveyKind.RELATIONSHIP).order_by("-created_at", "-pk").first()


# ------------------------------------------------------------------ the report


def _analyse(variables: list[str], n: int, sums: dict, products: dict):
    if n < 2:
        return None
    return stats.key_drivers(
        variables=variables,
        outcome=OUTCOME,
        n=n,
        sums=[sums.get(name, 0.0) for name in variables],
        products=stats.product_matrix(variables, products),
    )


def key_driver_report(*, scope: DriverScope) -> DriverReport:
    """The analysis over every market in scope, then per vertical market (by name)."""
    survey = None
    if scope.analysis == "questions":
        survey = default_driver_survey(scope)
        grouped, labels, sparse, variables = (
            _questions_report(scope, survey) if survey else ({}, {}, [], [])
        )
    else:
        grouped, labels, sparse, variables = _touch_point_report(scope)
    outcome_label = METRICS[scope.outcome].label
    report = DriverReport(
        scope=scope, survey=survey, outcome_label=outcome_label, labels=labels, sparse=sparse
    )
    if not variables:
        return report
    total_n, total_sums, total_products = 0, defaultdict(float), defaultdict(float)
    for n, sums, products in grouped.values():
        total_n += n
        for key, value in sums.items():
            total_sums[key] += value
        for key, value in products.items():
            total_products[key] += value
    report.groups.append(
        DriverGroup(
            key=None,
            label=str(_("All vertical markets")),
            n=total_n,
            analysis=_analyse(variables, total_n, total_sums, total_products),
        )
    )
    markets = VerticalMarket.objects.filter(pk__in=[k for k in grouped if k is not None])
    for market in markets.order_by("name"):
        n, sums, products = grouped[market.pk]
        report.groups.append(
            DriverGroup(
                key=market.pk,
                label=market.name,
                n=n,
                analysis=_analyse(variables, n, sums, products),
            )
        )
    return report
