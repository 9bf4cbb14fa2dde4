import pytest
from rest_framework.authtoken.models import Token

from cem_project.roles import ANALYST
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_token_is_issued_for_a_good_password_and_authenticates_requests(api_client):
    user = UserFactory(username="ana", roles=[ANALYST])

    response = api_client.post(TOKEN_URL, {"username": "ana", "password": "pass-word-123"})

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/touch-points/").status_code == 200


def test_token_is_refused_for_a_bad_password(api_client):
    UserFactory(username="ana")

    response = api_client.post(TOKEN_URL, {"username": "ana", "password": "wrong"})

    assert response.status_code == 400
    assert "token" not in response.json()


def test_token_is_refused_for_a_non_staff_user_like_a_bad_password(api_client):
    UserFactory(username="customer", is_staff=False)

    response = api_client.post(TOKEN_URL, {"username": "customer", "password": "pass-word-123"})

    assert response.status_code == 400
    assert not Token.objects.exists()


def test_bad_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert api_client.get("/api/v1/accounts/").status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/accounts/",
        "/api/v1/contacts/",
        "/api/v1/touch-points/",
        "/api/v1/vertical-markets/",
        "/api/v1/surveys/",
        "/api/v1/responses/",
        "/api/v1/metrics/",
    ],
)
def test_anonymous_requests_are_401(api_client, url):
    assert api_client.get(url).status_code == 401


def test_non_staff_users_are_403(api_client):
    api_client.force_authenticate(UserFactory(username="plain", is_staff=False))

    assert api_client.get("/api/v1/accounts/").status_code == 403
