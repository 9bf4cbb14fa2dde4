"""What a newcomer sees from `manage.py check` and `migrate` on the embedded SQLite setup."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_check_with_the_database_prints_no_w047_for_the_postgresql_only_rollups():
    # migrate runs the checks with the database too: that is where W047 showed up.
    out, err = io.StringIO(), io.StringIO()

    call_command("check", databases=["default"], stdout=out, stderr=err)

    printed = out.getvalue() + err.getvalue()
    assert "models.W047" not in printed
