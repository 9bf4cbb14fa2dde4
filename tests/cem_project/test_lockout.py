"""Password guessing: django-axes locks a username and address after repeated failures, on the
admin login and the API token endpoint alike; a per-address limit counts every attempt; a
rotating X-Forwarded-For changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery-staple"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def staff():
    user = UserFactory(username="ops", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _admin_login(client, password, **extra):
    return client.post(reverse("admin:login"), {"username": "ops", "password": password}, **extra)


def _token(client, password, **extra):
    return client.post(TOKEN_URL, {"username": "ops", "password": password}, **extra)


def test_the_admin_login_locks_a_username_and_address_after_five_failures(settings, staff):
    client = Client(REMOTE_ADDR="203.0.113.5")

    failures = [_admin_login(client, f"wrong-{n}").status_code for n in range(5)]
    right = _admin_login(client, PASSWORD)

    assert failures == [200] * 4 + [429]  # the form again with its error, then locked
    assert right.status_code == 429
    assert "Sign-in locked" in right.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address may still sign in as that user (no lockout of the user by strangers).
    assert _admin_login(Client(REMOTE_ADDR="198.51.100.1"), PASSWORD).status_code == 302


def test_the_token_endpoint_refuses_the_right_password_after_repeated_failures(staff):
    client = APIClient(REMOTE_ADDR="203.0.113.5")

    failures = [_token(client, f"wrong-{n}").status_code for n in range(5)]
    right = _token(client, PASSWORD)

    assert failures == [400] * 4 + [429]
    assert right.status_code == 429
    assert "token" not in right.json()


def test_the_admin_and_the_token_endpoint_share_the_lockout(staff):
    address = {"REMOTE_ADDR": "203.0.113.5"}
    for n in range(5):
        _admin_login(Client(**address), f"wrong-{n}")

    assert _token(APIClient(**address), PASSWORD).status_code == 429


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(staff):
    client = APIClient(REMOTE_ADDR="203.0.113.5")

    for n in range(5):
        _token(client, f"wrong-{n}", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    right = _token(client, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.200")

    assert right.status_code == 429


def test_a_success_before_the_limit_resets_the_failures(staff):
    client = APIClient(REMOTE_ADDR="203.0.113.5")
    for n in range(4):
        _token(client, f"wrong-{n}")

    assert _token(client, PASSWORD).status_code == 200
    assert [_token(client, f"again-{n}").status_code for n in range(4)] == [400] * 4
    assert _token(client, PASSWORD).status_code == 200


def test_every_password_attempt_counts_against_the_address(settings, staff):
    settings.CEM_LOGIN_ATTEMPTS_PER_MINUTE = 6
    address = "203.0.113.77"
    # Different usernames: no lockout, only the per-address count.
    statuses = [
        Client(REMOTE_ADDR=address)
        .post(reverse("admin:login"), {"username": f"user{n}", "password": "x"})
        .status_code
        for n in range(4)
    ]
    statuses += [
        APIClient(REMOTE_ADDR=address)
        .post(TOKEN_URL, {"username": f"other{n}", "password": "x"})
        .status_code
        for n in range(3)
    ]

    assert statuses == [200, 200, 200, 200, 400, 400, 429]
    assert _admin_login(Client(REMOTE_ADDR=address), PASSWORD).status_code == 429
    assert _admin_login(Client(REMOTE_ADDR="198.51.100.1"), PASSWORD).status_code == 302


def test_rotating_x_forwarded_for_does_not_escape_the_token_endpoints_limit(settings):
    settings.CEM_LOGIN_ATTEMPTS_PER_MINUTE = 3
    client = APIClient(REMOTE_ADDR="203.0.113.5")

    statuses = [
        client.post(
            TOKEN_URL,
            {"username": f"someone{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.8.8.{n}",
        ).status_code
        for n in range(5)
    ]

    assert statuses == [400, 400, 400, 429, 429]
