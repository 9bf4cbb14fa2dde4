"""The seeded demo tells the HiTouch story: what a new user sees on the matrix, the corridor
and the perception gap right after `make demo`."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import Account
from insights.metrics import INSUFFICIENT
from insights.selectors.corridor import CorridorScope, corridor, period_start
from insights.selectors.gaps import perception_gap, waves_with_predictions
from insights.selectors.matrix import (
    MatrixScope,
    customer_matrix,
    matrix_movement,
    matrix_scope_for,
    quadrant_changes,
    relationship_waves,
)
from surveys.constants import Quadrant
from surveys.demo.generator import WEAK_TECHNICIAN
from surveys.demo.texts import COMMENTS
from surveys.models import Answer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("seed_demo", "--force")


def test_the_demo_matrix_its_movement_and_the_perception_gap_tell_the_story(demo):
    _matrix_story()
    _movement_story()
    _prediction_story()


def test_the_demo_corridor_shows_its_weak_step_and_comments_fit_their_touch_point(demo):
    _corridor_story()
    _comments_story()


def _matrix_story():
    matrix = customer_matrix(scope=matrix_scope_for(UserFactory(superuser=True)))

    counts = Counter(a.quadrant for a in matrix.accounts)
    assert min(counts[q] for q in Quadrant.values) >= 5, counts
    northbridge = next(a for a in matrix.accounts if a.name == "Northbridge Health System")
    assert northbridge.quadrant == Quadrant.AT_RISK
    assert northbridge.billed_revenue > 20_000_000


def _movement_story():
    """Accounts that acted on the first wave moved up, one that was neglected moved down."""
    after, before = list(relationship_waves())[:2]

    moves = matrix_movement(
        before=customer_matrix(scope=MatrixScope(wave=before)),
        after=customer_matrix(scope=MatrixScope(wave=after)),
    )

    changed = {m.after.name: (m.before.quadrant, m.after.quadrant) for m in quadrant_changes(moves)}
    assert changed["Beijing Huaxia Hospital"] == (Quadrant.AT_RISK, Quadrant.MODEL)
    assert changed["Medivale Diagnostics"] == (Quadrant.MODEL, Quadrant.AT_RISK)
    insufficient = [m for m in moves if m.after.quadrant == INSUFFICIENT]
    assert len(insufficient) < len(moves) / 4  # most accounts answer a wave enough


def _corridor_story():
    """Installation hurt in the last complete quarter, most at one technician's jobs."""
    today = timezone.localdate()  # the demo's "now", from which its weak quarter is counted
    quarter = period_start(today, "quarter")
    previous = period_start(quarter - timedelta(days=1), "quarter")
    since = period_start(previous - timedelta(days=1), "quarter")
    result = corridor(
        scope=CorridorScope(
            since=since, until=today, period="quarter", attribute="technician"
        )  # fmt: skip
    )

    index = result.periods.index(previous)
    totals = {line.touch_point.code: line for line in result.lines if line.is_total}
    installation = totals["installation"].cells[index]
    assert installation.weakest
    assert installation.change["low_share"] >= 10
    technicians = [
        line for line in result.lines
        if line.touch_point.code == "installation" and not line.is_total
    ]  # fmt: skip
    worst = max(technicians, key=lambda line: line.cells[index].low_share or 0)
    assert worst.value == WEAK_TECHNICIAN and worst.cells[index].weakest


def _prediction_story():
    """The account teams rated their accounts higher than the customers did."""
    wave = waves_with_predictions().first()

    gap = perception_gap(wave=wave)

    assert wave == relationship_waves().first()
    assert gap.overall.compared >= 30
    assert gap.overall.predicted_high_share >= 75
    assert gap.overall.predicted_high_share - gap.overall.actual_high_share >= 15
    assert gap.overall.gap >= 20


def _comments_story():
    """No "transferred three times" under Installation."""
    wrong = {
        "installation": "I was transferred three times before anyone could help.",
        "call-center": "Installation was postponed twice and nobody called to tell us.",
    }
    for code, other_text in wrong.items():
        texts = set(
            Answer.objects.filter(touch_point__code=code)
            .exclude(text="")
            .values_list("text", flat=True)
        )
        allowed = {t for language in COMMENTS.values() for tone in language[code].values()
                   for t in tone}  # fmt: skip
        assert texts and texts <= allowed
        assert other_text not in texts
    assert Account.objects.filter(name="Northbridge Health System").exists()
