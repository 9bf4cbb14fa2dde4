"""Wave-to-wave comparison of a relationship programme: overall, per vertical market, per account.

Every figure is a grouped database aggregate (one query per level and source, GROUP BY send and
market or account); the formulas are those of `insights.metrics` via `summary_from_aggregates`.
"""

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import Count

from customers.models import Account, VerticalMarket
from surveys.models import Answer, Invitation, RelationshipProgramme, Response, Wave
from surveys.rates import completed_q
from surveys.selectors.waves import (
    EMPTY_COVERAGE,
    programme_waves,
    wave_coverage,
    wave_coverage_by,
)

from .. import metrics
from .aggregates import metric_aggregates, summary_from_aggregates

# The compared figures, in column order; each has a delta to the previous wave.
FIGURES = ("n", "response_rate", "nps", "cx_index", "csat", "coverage_accounts", "coverage_billed")


@dataclass(frozen=True)
class WaveCell:
    wave: Wave
    n: int
    sent: int
    response_rate: float | None
    nps: float | None
    cx_index: float | None
    csat: float | None
    coverage_accounts: float | None
    coverage_billed: float | None
    delta: dict[str, float | None] = field(default_factory=dict)

    def figures(self) -> list[tuple[str, float | None, float | None]]:
        """(name, value, delta) in column order, for templates."""
        return [(name, getattr(self, name), self.delta.get(name)) for name in FIGURES]


@dataclass(frozen=True)
class WaveGroup:
    """One line of the comparison (overall, a market or an account) with a cell per wave."""

    key: int | None
    label: str
    cells: list[WaveCell]


@dataclass(frozen=True)
class WaveComparison:
    programme: RelationshipProgramme
    waves: list[Wave]
    overall: WaveGroup
    vertical_markets: list[WaveGroup]
    accounts: list[WaveGroup]


# Per level: the grouping column on answers/responses, on invitations, and on accounts.
LEVELS = {
    "overall": (None, None, None),
    "vertical_market": (
        "account__vertical_market_id",
        "contact__account__vertical_market_id",
        "vertical_market_id",
    ),
    "account": ("account_id", "contact__account_id", "pk"),
}


def _group_rows(queryset, send_field: str, key_field: str | None, aggregates: dict) -> dict:
    fields = [send_field] + ([key_field] if key_field else [])
    rows = queryset.order_by().values(*fields).annotate(**aggregates)
    return {(row[send_field], row[key_field] if key_field else None): row for row in rows}


def _delta(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None:
        return None
    return round(float(current) - float(previous), 1)


def _level_cells(
    *, waves: list[Wave], level: str, account_ids: Collection[int] | None
) -> dict[int | None, list[WaveCell]]:
    """{group key: one cell per wave} for one level, from three grouped queries plus one
    coverage query per wave."""
    answer_key, invitation_key, account_key = LEVELS[level]
    send_ids = [wave.distribution_id for wave in waves]
    answers = Answer.objects.submitted().filter(response__distribution_id__in=send_ids)
    responses = Response.objects.completed().filter(distribution_id__in=send_ids)
    invitations = Invitation.objects.delivered().filter(distribution_id__in=send_ids)
    if account_ids is not None:
        answers = answers.filter(account_id__in=account_ids)
        responses = responses.filter(account_id__in=account_ids)
        invitations = invitations.filter(contact__account_id__in=account_ids)

    metric_rows = _group_rows(answers, "response__distribution_id", answer_key, metric_aggregates())
    n_rows = _group_rows(responses, "distribution_id", answer_key, {"n": Count("id")})
    sent_rows = _group_rows(
        invitations,
        "distribution_id",
        invitation_key,
        {
            "sent": Count("id"),
            "completed": Count("id", filter=completed_q()),
        },
    )
    coverage = {
        wave.pk: (
            {None: wave_coverage(wave=wave, account_ids=account_ids)}
            if account_key is None
            else wave_coverage_by(wave=wave, field=account_key, account_ids=account_ids)
        )
        for wave in waves
    }

    keys = {key for (_send, key) in sent_rows} | {key for (_send, key) in n_rows}
    if account_key is None:
        keys = {None}
    cells: dict[int | None, list[WaveCell]] = {}
    for key in keys:
        previous = None
        line = []
        for wave in waves:
            send = wave.distribution_id
            row = metric_rows.get((send, key))
            n = n_rows.get((send, key), {}).get("n", 0)
            summary = summary_from_aggregates(row, n=n) if row else None
            sent = sent_rows.get((send, key), {"sent": 0, "completed": 0})
            cover = coverage[wave.pk].get(key, EMPTY_COVERAGE)
            cell = WaveCell(
                wave=wave,
                n=n,
                sent=sent["sent"],
                response_rate=metrics.response_rate(sent["completed"], sent["sent"]),
                nps=summary.nps if summary else None,
                cx_index=summary.cx_index if summary else None,
                csat=summary.csat if summary else None,
                coverage_accounts=cover.accounts_share,
                coverage_billed=cover.billed_share,
            )
            if previous is not None:
                cell.delta.update(
                    {name: _delta(getattr(cell, name), getattr(previous, name)) for name in FIGURES}
                )
            line.append(cell)
            previous = cell
        cells[key] = line
    return cells


def programme_wave_comparison(
    *, programme: RelationshipProgramme, account_ids: Collection[int] | None = None
) -> WaveComparison:
    """Waves of `programme`, oldest first, compared overall, per market and per account.

    `account_ids` is the caller's visibility scope (None: every account).
    """
    waves = list(programme_waves(programme=programme))
    if not waves:
        empty = WaveGroup(key=None, label="", cells=[])
        return WaveComparison(programme, [], empty, [], [])

    overall = _level_cells(waves=waves, level="overall", account_ids=account_ids)
    by_market = _level_cells(waves=waves, level="vertical_market", account_ids=account_ids)
    by_account = _level_cells(waves=waves, level="account", account_ids=account_ids)

    markets = VerticalMarket.objects.filter(pk__in=[k for k in by_market if k is not None])
    accounts = Account.objects.filter(pk__in=[k for k in by_account if k is not None])
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    return WaveComparison(
        programme=programme,
        waves=waves,
        overall=WaveGroup(key=None, label="", cells=overall[None]),
        vertical_markets=[
            WaveGroup(key=m.pk, label=m.name, cells=by_market[m.pk])
            for m in markets.order_by("name")
        ],
        accounts=[
            WaveGroup(key=a.pk, label=a.name, cells=by_account[a.pk])
            for a in accounts.order_by("name", "pk")
        ],
    )
