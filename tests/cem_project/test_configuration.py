"""Configuration that once failed open: production without a real key, public schema and
docs, staff pages without a CSP."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

CHECK = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]


def _production(secret_key: str | None) -> subprocess.CompletedProcess:
    # Not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set for this process): no deployment has it.
    unset = ("SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(DJANGO_SETTINGS_MODULE="cem_project.settings.production", ALLOWED_HOSTS="cem.test")
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        CHECK, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    "secret_key",
    [None, "", settings.DEV_SECRET_KEY, "short"],
    ids=["missing", "empty", "the repository's", "short"],
)
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    result = _production(secret_key)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _production("k" * 20 + "-a-random-enough-value-for-tests-0123456789")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_schema_and_the_docs_are_for_staff_only(client, path):
    anonymous = client.get(path)

    assert anonymous.status_code in (302, 401, 403)
    assert b"openapi" not in anonymous.content


def test_the_docs_send_anonymous_visitors_to_the_login(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_get_the_schema_with_a_session_or_a_token(staff_client, admin_api):
    assert staff_client.get("/api/schema/").status_code == 200
    assert admin_api.get("/api/schema/").status_code == 200
    assert staff_client.get("/api/docs/").status_code == 200


@pytest.mark.parametrize("name", ["admin:index", "insights:index", "admin:login"])
def test_staff_pages_send_a_content_security_policy(staff_client, name):
    csp = staff_client.get(reverse(name))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'self'"


def test_public_pages_keep_their_own_stricter_policy(client):
    csp = client.get("/s/unknown-token/")["Content-Security-Policy"]

    assert "frame-ancestors 'none'" in csp
    assert "base-uri 'none'" in csp
