from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from insights.models import Prediction
from surveys.constants import WaveStatus
from tests.factories import AccountFactory, UserFactory

from .builders import Programme

pytestmark = pytest.mark.django_db

ADD = reverse("admin:insights_prediction_add")
LIST = reverse("admin:insights_prediction_changelist")


@pytest.fixture
def wave():
    created = Programme().wave(date(2026, 9, 1), opens=timezone.now() - timedelta(days=1))
    created.status = WaveStatus.OPEN
    created.save()
    return created


@pytest.fixture
def team_member(client):
    """A staff user on one account's team, with the admin rights on predictions."""
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="insights", codename__endswith="_prediction"
        )
    )
    client.force_login(user)
    return user


def test_a_team_member_records_a_prediction_in_the_admin(client, team_member, wave):
    account = AccountFactory(name="Northbridge")
    account.account_team.add(team_member)

    form = client.get(ADD).content.decode()
    response = client.post(
        ADD, {"account": account.pk, "wave": wave.pk, "metric": "nps", "score": "25.0"}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    prediction = Prediction.objects.get()
    assert (prediction.account, prediction.score, prediction.predicted_by) == (
        account,
        25,
        team_member,
    )
    assert "Northbridge" in form


def test_the_admin_offers_and_shows_only_the_members_own_accounts(client, team_member, wave):
    mine = AccountFactory(name="Mine Industries")
    mine.account_team.add(team_member)
    theirs = AccountFactory(name="Other Team Corp")
    Prediction.objects.create(account=mine, wave=wave, metric="nps", score=1)
    hidden = Prediction.objects.create(account=theirs, wave=wave, metric="nps", score=2)

    listing = client.get(LIST).content.decode()
    form = client.get(ADD).content.decode()
    refused = client.post(ADD, {"account": theirs.pk, "wave": wave.pk, "metric": "csat",
                                "score": "50"})  # fmt: skip

    assert "Mine Industries" in listing and "Other Team Corp" not in listing
    assert "Other Team Corp" not in form
    assert refused.status_code == 200 and Prediction.objects.count() == 2
    change = reverse("admin:insights_prediction_change", args=[hidden.pk])
    assert client.get(change).status_code in (302, 404)


def test_the_admin_refuses_a_prediction_for_a_closed_wave(client, team_member, wave):
    account = AccountFactory()
    account.account_team.add(team_member)
    wave.status = WaveStatus.CLOSED
    wave.save()

    response = client.post(
        ADD, {"account": account.pk, "wave": wave.pk, "metric": "nps", "score": "10"}
    )

    assert response.status_code == 200
    assert "This wave has closed" in response.content.decode()
    assert not Prediction.objects.exists()
