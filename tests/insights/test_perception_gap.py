"""Predictions and the perception gap; every share and mean is computed by hand below."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from cem_project.roles import ANALYST
from insights.models import Prediction
from insights.selectors.gaps import perception_gap
from insights.services import prediction_create, prediction_delete, prediction_update
from surveys.constants import WaveStatus
from tests.factories import AccountFactory, UserFactory, VerticalMarketFactory

from .builders import Programme, visible_text

pytestmark = pytest.mark.django_db

FIGURE = '<bdi dir="ltr" class="figure">'


@pytest.fixture
def story(settings):
    """Five accounts the teams rated: 4 of 5 high (NPS >= 0), where 2 of 5 customers did."""
    settings.CEM_MATRIX_MIN_ANSWERS = 2
    relationship = Programme()
    wave = relationship.wave(date(2026, 3, 1))
    health, retail = VerticalMarketFactory(name="Healthcare"), VerticalMarketFactory(name="Retail")
    olivia = UserFactory(username="am.olivia", first_name="Olivia", last_name="Brooks")
    wei = UserFactory(username="am.wei", first_name="Zhang", last_name="Wei")
    plan = [
        # name, market, team, predicted, two NPS answers -> actual
        ("Northbridge", health, [olivia], 40, (9, 0), 0.0),  # 1-1 of 2: 0, high
        ("Aurelia", health, [olivia], 30, (6, 7), -50.0),
        ("Pars", health, [olivia, wei], 20, (5, 5), -100.0),
        ("Harbor", retail, [wei], 10, (8, 3), -50.0),
        ("Metro", retail, [wei], -10, (2, 9), 0.0),  # the one the team rated low: high
    ]
    accounts = {}
    for name, market, team, predicted, answers, _actual in plan:
        account = AccountFactory(name=name, vertical_market=market)
        account.account_team.add(*team)
        for score in answers:
            relationship.answer(wave, account, nps=score)
        Prediction.objects.create(
            account=account, wave=wave, metric="nps", score=predicted, predicted_by=team[0]
        )
        accounts[name] = account
    silent = AccountFactory(name="Silent", vertical_market=retail)
    relationship.answer(wave, silent, nps=10)  # one answer: too few to compare
    Prediction.objects.create(account=silent, wave=wave, metric="nps", score=50)
    return {"wave": wave, "accounts": accounts, "silent": silent, "olivia": olivia, "wei": wei}


def test_the_gap_sets_the_teams_ratings_beside_their_customers(story):
    gap = perception_gap(wave=story["wave"])

    rows = {row.account: (row.predicted, row.actual, row.gap) for row in gap.rows}
    assert rows == {
        "Northbridge": (40.0, 0.0, 40.0),
        "Aurelia": (30.0, -50.0, 80.0),
        "Pars": (20.0, -100.0, 120.0),
        "Harbor": (10.0, -50.0, 60.0),
        "Metro": (-10.0, 0.0, -10.0),
        "Silent": (50.0, None, None),
    }
    overall = gap.overall
    assert (overall.accounts, overall.compared) == (6, 5)
    # Rated high by the teams: 4 of the 5 compared (80%); by their customers: 2 of 5 (40%).
    assert (overall.predicted_high_share, overall.actual_high_share) == (80.0, 40.0)
    # Means over the compared accounts: (40+30+20+10-10)/5 = 18; (0-50-100-50+0)/5 = -40.
    assert (overall.predicted_mean, overall.actual_mean, overall.gap) == (18.0, -40.0, 58.0)


def test_the_gap_per_team_member_and_vertical_market(story):
    gap = perception_gap(wave=story["wave"])

    teams = {g.label: (g.compared, g.predicted_mean, g.actual_mean, g.predicted_high_share)
             for g in gap.by_team}  # fmt: skip
    # Olivia: Northbridge, Aurelia, Pars -> 30 vs -50; Wei: Pars, Harbor, Metro -> 6.7 vs -50.
    assert teams == {
        "Olivia Brooks": (3, 30.0, -50.0, 100.0),
        "Zhang Wei": (3, 6.7, -50.0, 66.7),
        "No account team": (0, None, None, None),  # Silent: predicted, too few answers
    }
    markets = {g.label: (g.accounts, g.compared, g.gap, g.actual_high_share)
               for g in gap.by_vertical_market}  # fmt: skip
    # Healthcare: 30 vs -50 (80); Retail: Harbor and Metro 0 vs -25 (25), Silent not compared.
    assert markets == {"Healthcare": (3, 3, 80.0, 33.3), "Retail": (3, 2, 25.0, 50.0)}


def test_the_gap_is_scoped_to_the_users_accounts_in_four_queries(story, django_assert_num_queries):
    olivia_accounts = frozenset(
        story["accounts"][name].pk for name in ("Northbridge", "Aurelia", "Pars")
    )
    with django_assert_num_queries(4):
        gap = perception_gap(wave=story["wave"], account_ids=olivia_accounts)

    assert [row.account for row in gap.rows] == ["Aurelia", "Northbridge", "Pars"]
    assert gap.overall.predicted_high_share == 100.0 and gap.overall.actual_high_share == 33.3


# ------------------------------------------------------------------ recording predictions


@pytest.fixture
def open_wave():
    relationship = Programme()
    opens = timezone.now() - timedelta(days=1)
    wave = relationship.wave(date(2026, 9, 1), opens=opens)
    wave.status = WaveStatus.OPEN
    wave.save()
    return wave


def test_the_account_team_records_and_changes_a_prediction_until_the_wave_closes(open_wave):
    member = UserFactory()
    account = AccountFactory()
    account.account_team.add(member)

    prediction = prediction_create(
        account=account, wave=open_wave, metric="nps", score=Decimal("35"), predicted_by=member
    )
    prediction_update(prediction=prediction, score=Decimal("20.5"), predicted_by=member)
    prediction.refresh_from_db()
    assert (prediction.score, prediction.predicted_by) == (Decimal("20.5"), member)

    open_wave.status = WaveStatus.CLOSED
    open_wave.save()
    with pytest.raises(ValidationError) as closed:
        prediction_update(prediction=prediction, score=Decimal("10"), predicted_by=member)
    assert closed.value.error_dict["wave"][0].code == "wave_closed"
    with pytest.raises(ValidationError):
        prediction_delete(prediction=prediction, user=member)


def test_someone_off_the_team_cannot_record_a_prediction(open_wave):
    analyst = UserFactory(roles=[ANALYST])
    account = AccountFactory()

    with pytest.raises(ValidationError) as refused:
        prediction_create(
            account=account, wave=open_wave, metric="nps", score=10, predicted_by=analyst
        )
    assert refused.value.error_dict["account"][0].code == "not_account_team"
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(("metric", "score"), [("nps", "-100.1"), ("cx_index", "-1"),
                                               ("csat", "100.1")])  # fmt: skip
def test_a_score_outside_the_metrics_scale_is_refused(open_wave, metric, score):
    user = UserFactory(superuser=True)
    with pytest.raises(ValidationError):
        prediction_create(
            account=AccountFactory(), wave=open_wave, metric=metric, score=Decimal(score),
            predicted_by=user,
        )  # fmt: skip


def test_the_database_holds_one_prediction_per_account_wave_and_metric(open_wave):
    account = AccountFactory()
    Prediction.objects.create(account=account, wave=open_wave, metric="nps", score=1)
    Prediction.objects.create(account=account, wave=open_wave, metric="cx_index", score=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.create(account=account, wave=open_wave, metric="nps", score=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Prediction.objects.create(account=account, wave=open_wave, metric="csat", score=-5)


# ------------------------------------------------------------------ the page


def test_the_perception_gap_page_shows_the_two_shares(staff_client, story):
    page = staff_client.get(reverse("insights:perception_gap"), {"wave": story["wave"].pk})

    html = page.content.decode()
    assert page.status_code == 200
    shares = html[html.index('id="gap-shares"') :]
    shares = shares[: shares.index("</section>")]
    assert f'data-share="predicted">{FIGURE}80.0%</bdi>' in shares
    assert f'data-share="actual">{FIGURE}40.0%</bdi>' in shares
    row = html[html.index(f'data-account="{story["accounts"]["Pars"].pk}"') :]
    assert "+120.0" in visible_text(row[: row.index("</tr>")])
    assert "Too few answers" in html  # Silent


def test_an_account_team_member_sees_only_their_accounts_on_the_gap_page(client, story):
    client.force_login(story["olivia"])

    html = client.get(reverse("insights:perception_gap"), {"wave": story["wave"].pk}).content
    html = html.decode()

    assert "Northbridge" in html and "Harbor" not in html and "Metro" not in html
    assert f'data-share="predicted">{FIGURE}100.0%</bdi>' in html


def test_the_gap_page_opens_on_the_latest_wave_with_predictions(staff_client, story):
    Programme("Another").wave(date(2026, 9, 1))  # newer, without predictions

    page = staff_client.get(reverse("insights:perception_gap"))

    assert page.context["gap"].wave == story["wave"]
