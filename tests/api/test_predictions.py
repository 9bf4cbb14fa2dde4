from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cem_project.roles import ANALYST, EXECUTIVE
from insights.models import Prediction
from surveys.constants import WaveStatus
from tests.factories import UserFactory
from tests.insights.builders import Programme

pytestmark = pytest.mark.django_db

URL = "/api/v1/predictions/"


@pytest.fixture
def wave():
    created = Programme().wave(date(2026, 9, 1), opens=timezone.now() - timedelta(days=1))
    created.status = WaveStatus.OPEN
    created.save()
    return created


def _close(wave):
    wave.status = WaveStatus.CLOSED
    wave.save()


def test_the_account_team_records_a_prediction(api_a, user_a, account_a, wave):
    response = api_a.post(
        URL, {"account": account_a.pk, "wave": wave.pk, "metric": "nps", "score": 35.5}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body.keys() == {
        "id", "account", "wave", "metric", "score", "predicted_by", "created_at", "updated_at"
    }  # fmt: skip
    assert (body["score"], body["predicted_by"]) == (35.5, user_a.pk)
    assert Prediction.objects.get().predicted_by == user_a


def test_a_prediction_for_another_teams_account_is_refused_as_unknown(api_a, account_b, wave):
    response = api_a.post(URL, {"account": account_b.pk, "wave": wave.pk, "score": 10})

    assert response.status_code == 400
    assert "account" in response.json()
    assert not Prediction.objects.exists()


def test_an_analyst_sees_every_prediction_but_records_none(account_a, account_b, wave):
    Prediction.objects.create(account=account_b, wave=wave, metric="nps", score=5)
    analyst = UserFactory(username="analyst-x", roles=[ANALYST])
    client = APIClient()
    client.force_authenticate(analyst)

    assert client.get(URL).json()["count"] == 1
    response = client.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 10})

    assert response.status_code == 403  # the role holds view_prediction only
    assert Prediction.objects.count() == 1


def test_seeing_an_account_is_not_enough_to_record_its_prediction(account_a, wave):
    """A user who may add predictions and sees every account still records only for the
    accounts they serve (the service's rule beside the role's permission)."""
    from django.contrib.auth.models import Permission

    user = UserFactory(username="wide-x", roles=[ANALYST])
    user.user_permissions.add(Permission.objects.get(codename="add_prediction"))
    client = APIClient()
    client.force_authenticate(user)

    response = client.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 10})

    assert response.status_code == 400
    assert response.json() == {"account": ["Only the account's team records its predictions."]}
    assert not Prediction.objects.exists()


def test_a_closed_wave_takes_no_new_prediction_and_keeps_its_own(api_a, account_a, wave):
    created = api_a.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 10}).json()
    _close(wave)

    refused = api_a.post(
        URL, {"account": account_a.pk, "wave": wave.pk, "metric": "cx_index", "score": 70}
    )
    patched = api_a.patch(f"{URL}{created['id']}/", {"score": 50}, format="json")
    deleted = api_a.delete(f"{URL}{created['id']}/")

    assert [r.status_code for r in (refused, patched, deleted)] == [400, 400, 400]
    assert "wave" in refused.json() and "wave" in deleted.json()
    assert Prediction.objects.get().score == 10


def test_one_prediction_per_account_wave_and_metric_and_only_the_score_changes(
    api_a, account_a, wave
):
    first = api_a.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 10}).json()

    again = api_a.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 20})
    moved = api_a.patch(f"{URL}{first['id']}/", {"metric": "csat"}, format="json")
    changed = api_a.patch(f"{URL}{first['id']}/", {"score": -20}, format="json")

    assert again.status_code == 400 and moved.status_code == 400
    assert changed.status_code == 200 and changed.json()["score"] == -20.0
    assert api_a.delete(f"{URL}{first['id']}/").status_code == 204
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"score": 100.1},
        {"score": "lots"},
        {"metric": "ces", "score": 5},
        {"metric": "csat", "score": -1},
        {"wave": 10**9, "score": 1},
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(api_a, account_a, wave, payload):
    response = api_a.post(URL, {"account": account_a.pk, "wave": wave.pk, **payload})

    assert response.status_code == 400
    assert not Prediction.objects.exists()


def test_the_list_and_detail_are_scoped_to_the_users_accounts(api_a, account_a, account_b, wave):
    mine = Prediction.objects.create(account=account_a, wave=wave, metric="nps", score=1)
    theirs = Prediction.objects.create(account=account_b, wave=wave, metric="nps", score=2)

    listed = api_a.get(URL, {"wave": wave.pk}).json()

    assert [p["id"] for p in listed["results"]] == [mine.pk]
    assert api_a.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_a.patch(f"{URL}{theirs.pk}/", {"score": 9}, format="json").status_code == 404
    assert api_a.delete(f"{URL}{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.score == 2


def test_predictions_are_in_the_openapi_schema(admin_api):
    paths = admin_api.get("/api/schema/", {"format": "json"}).json()["paths"]

    assert {"get", "post"} <= set(paths[URL])
    assert {"get", "put", "patch", "delete"} <= set(paths[URL + "{id}/"])


def test_a_role_without_the_prediction_permission_reads_none_and_writes_none(account_a, wave):
    """Executives see every account in aggregate but hold only view_prediction; a staff user
    of no role holds nothing."""
    executive = APIClient()
    executive.force_authenticate(UserFactory(username="exec-x", roles=[EXECUTIVE]))
    nobody = APIClient()
    nobody.force_authenticate(UserFactory(username="nobody-x"))

    assert executive.get(URL).status_code == 200
    assert (
        executive.post(URL, {"account": account_a.pk, "wave": wave.pk, "score": 1}).status_code
        == 403
    )
    assert nobody.get(URL).status_code == 403
    assert not Prediction.objects.exists()
