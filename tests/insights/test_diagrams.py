"""The charts of the insights pages: what goes in, and the text alternative."""

from datetime import date

import pytest
from django.urls import reverse

from insights import diagrams
from insights.selectors.corridor import CorridorScope, corridor
from insights.selectors.matrix import MatrixScope, customer_matrix, matrix_movement
from surveys.constants import QuestionType
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointFactory,
)

from .builders import Programme, local, scored_responses

pytestmark = pytest.mark.django_db


def test_the_matrix_chart_links_each_placed_account_and_draws_its_movement(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    relationship = Programme()
    autumn, spring = relationship.wave(date(2025, 9, 1)), relationship.wave(date(2026, 3, 1))
    mover = AccountFactory(name="Mover & Sons")
    AccountRevenueFactory(account=mover, billed=20_000_000, forecast=5_000_000)
    relationship.answer(autumn, mover, nps=0)
    relationship.answer(spring, mover, nps=10)
    quiet = AccountFactory(name="Quiet")  # too few answers: not drawn
    before = customer_matrix(scope=MatrixScope(wave=autumn))
    after = customer_matrix(scope=MatrixScope(wave=spring))

    svg = diagrams.customer_matrix_svg(after, matrix_movement(before=before, after=after))

    assert reverse("insights:account", args=[mover.pk]) in svg
    assert reverse("insights:account", args=[quiet.pk]) not in svg
    assert "<title>Mover &amp; Sons</title>" in svg
    assert 'id="customer-matrix-move-0"' in svg
    assert "1 accounts placed" in svg and "Model: 1" in svg and "1 with too few answers" in svg
    assert "An arrow shows where 1 account was in the compared wave." in svg


def test_the_matrix_chart_draws_the_largest_accounts_beyond_its_limit(settings, monkeypatch):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    monkeypatch.setattr(diagrams, "MATRIX_CHART_MAX_ACCOUNTS", 2)
    relationship = Programme()
    wave = relationship.wave(date(2026, 3, 1))
    accounts = []
    for forecast in (1, 3, 2):
        account = AccountFactory()
        AccountRevenueFactory(account=account, forecast=forecast * 1_000_000)
        relationship.answer(wave, account, nps=9)
        accounts.append(account)

    svg = diagrams.customer_matrix_svg(customer_matrix(scope=MatrixScope(wave=wave)))

    drawn = {a.pk for a in accounts if reverse("insights:account", args=[a.pk]) in svg}
    assert drawn == {accounts[1].pk, accounts[2].pk}
    assert "The 2 accounts with the largest forecast revenue are drawn" in svg


def test_the_corridor_chart_highlights_the_weakest_step(settings):
    settings.CEM_CORRIDOR_MIN_ANSWERS = 1
    account = AccountFactory()
    for code, position, scores in (("installation", 1, [0, 0, 9]), ("repair", 2, [9, 9, 9])):
        question = QuestionFactory(
            survey=SurveyFactory(
                transaction=True,
                touch_point=TouchPointFactory(
                    code=code, name=code.title(), corridor_position=position
                ),
            ),
            type=QuestionType.NPS,
        )
        scored_responses(account, question, scores, submitted_at=local(date(2026, 2, 1)))
    result = corridor(
        scope=CorridorScope(since=date(2026, 1, 1), until=date(2026, 3, 31), period="quarter")
    )

    svg = diagrams.corridor_svg(result, period_label="2026 Q1")

    assert "Share of low scores, 2026 Q1" in svg
    assert "Installation 66.7%; Repair 0.0%. Weakest step: Installation." in svg
    assert svg.count("fill: #c4450c") + svg.count("fill:#c4450c") >= 1  # the highlight colour
