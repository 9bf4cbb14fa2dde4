import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    # --fail-on-warn raises on any warning of drf-spectacular (unnamed enum, untyped field...).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    schema = (tmp_path / "s.yml").read_text()
    for path in ("/api/v1/metrics/", "/api/v1/responses/{id}/", "/api/v1/auth/token/"):
        assert path in schema


def test_schema_and_docs_are_served_to_staff(admin_client):
    assert admin_client.get("/api/schema/").status_code == 200
    assert admin_client.get("/api/docs/").status_code == 200
