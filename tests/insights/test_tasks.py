import pytest
from django.db import connection
from django.utils import timezone

from insights import rollup
from insights.tasks import metrics_rollup_refresh_task

pytestmark = pytest.mark.django_db


def test_metrics_rollup_refresh_task_extends_the_rollup_to_today_on_postgresql():
    result = metrics_rollup_refresh_task.apply().get()

    if connection.vendor != "postgresql":
        assert result is None
        return
    assert result == timezone.localdate().isoformat() or result.startswith(
        timezone.localdate().isoformat()
    )
    assert rollup.state() is not None
