"""Loyalty outcomes and revenue at risk against hand sums.

Wave 1 (January 2026) places four accounts by NPS (at least 3 answers, billed above 10 M is
high): Atlas 20 M, NPS -100: at risk, lost after the wave; Beacon 15 M, NPS 100: model;
Cedar 2 M, NPS 100: growth; Dune 1 M, one answer: too few, lost before the wave. By wave 2
(July) Atlas bills 5 M (-75%), Beacon 18 M (+20%), Cedar 3 M (+50%).
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from customers.constants import AccountStatus
from customers.models import Account
from insights.selectors.loyalty import loyalty_outcomes, revenue_at_risk_trend
from tests.factories import AccountFactory, AccountRevenueFactory, UserFactory
from tests.insights.builders import Programme

pytestmark = pytest.mark.django_db
M = 1_000_000


def revenue(account, before, after=None):
    AccountRevenueFactory(
        account=account,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        billed=before * M,
        forecast=before * M / 10,
    )
    if after is not None:
        AccountRevenueFactory(
            account=account,
            period_start=date(2026, 7, 1),
            period_end=date(2026, 12, 31),
            billed=after * M,
        )


@pytest.fixture
def story():
    relationship = Programme()
    first, second = relationship.wave(date(2026, 1, 1)), relationship.wave(date(2026, 7, 1))
    atlas, beacon, cedar, dune = (
        AccountFactory(name=n) for n in ("Atlas", "Beacon", "Cedar", "Dune")
    )
    for account, before, after in (
        (atlas, 20, 5),
        (beacon, 15, 18),
        (cedar, 2, 3),
        (dune, 1, None),
    ):
        revenue(account, before, after)
    for account, scores in (
        (atlas, [0, 3, 6]),
        (beacon, [10, 10, 9]),
        (cedar, [9, 9, 10]),
        (dune, [10]),
    ):
        for score in scores:
            relationship.answer(first, account, nps=score)
    atlas.status = AccountStatus.LOST
    atlas.save()
    dune.status = AccountStatus.DEFECTED
    dune.save()
    Account.objects.filter(pk=dune.pk).update(status_changed_at=first.opens_at - timedelta(days=3))
    return first, second


def test_what_accounts_did_after_the_wave_by_quadrant(story):
    first, second = story

    outcomes = loyalty_outcomes(wave=first)

    assert outcomes.next_wave == second and outcomes.after == date(2026, 7, 31)
    rows = {
        g.key: (g.accounts, g.defected, g.billed_before / M, g.billed_after / M, g.revenue_change)
        for g in outcomes.by_quadrant
    }
    assert rows == {
        "model": (1, 0, 15, 18, 20.0),
        "at_risk": (1, 1, 20, 5, -75.0),
        "growth": (1, 0, 2, 3, 50.0),
        "dangling": (0, 0, 0, 0, None),
        "insufficient": (1, 0, 1, 1, 0.0),
    }
    at_risk = outcomes.by_quadrant[1]
    assert at_risk.defection_rate == 100.0
    assert (outcomes.total.accounts, outcomes.total.defected, outcomes.total.defection_rate) == (
        4,
        1,
        25.0,
    )


def test_the_same_outcomes_by_nps_band(story):
    first, _second = story

    bands = {
        g.key: (g.accounts, g.defected, g.billed_before / M, g.billed_after / M)
        for g in loyalty_outcomes(wave=first).by_band
    }

    assert bands == {
        "low": (1, 1, 20, 5),
        "middle": (0, 0, 0, 0),
        "high": (2, 0, 17, 21),
        "none": (1, 0, 1, 1),
    }


def test_revenue_at_risk_per_quadrant_and_wave(story):
    first, second = story

    trend = revenue_at_risk_trend(waves=[first, second])

    assert [point.label for point in trend] == [first.name, second.name]
    assert (
        trend[0].at_risk.billed / M,
        trend[0].at_risk.forecast / M,
        trend[0].at_risk.accounts,
    ) == (20, 2, 1)
    assert trend[0].of("model").billed / M == 15
    # Nobody answered the second wave: the two active accounts are too few answers (the lost
    # ones are gone), none at risk.
    assert trend[1].at_risk.billed == 0 and trend[1].of("insufficient").accounts == 2


def test_an_account_team_member_sees_only_its_accounts_outcomes(story):
    first, _second = story
    beacon = Account.objects.get(name="Beacon")

    outcomes = loyalty_outcomes(wave=first, account_ids=frozenset({beacon.pk}))

    assert outcomes.total.accounts == 1 and outcomes.total.billed_before / M == 15


def test_a_status_change_is_stamped_when_it_happens_and_not_otherwise():
    account = AccountFactory()
    assert account.status_changed_at is None
    account.name = "Renamed"
    account.save()
    assert Account.objects.get(pk=account.pk).status_changed_at is None

    account = Account.objects.get(pk=account.pk)
    account.status = AccountStatus.LOST
    account.save(update_fields=["status"])

    assert Account.objects.get(pk=account.pk).status_changed_at is not None


def test_the_loyalty_page_shows_the_wave_before_the_latest_and_names_it_in_its_menu(client, story):
    first, second = story
    client.force_login(UserFactory(superuser=True))

    page = client.get(reverse("insights:loyalty"))
    chosen = client.get(reverse("insights:loyalty"), {"wave": second.pk})

    assert page.context["wave"] == first  # the latest wave a later one follows
    html = page.content.decode()
    assert f'<option value="{first.pk}" selected>' in html
    assert '<option value="">' not in html
    assert chosen.context["wave"] == second
    assert page.context["outcomes"].total.accounts == 4
