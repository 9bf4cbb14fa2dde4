"""Daily rollups of answers and completed responses, so that metrics over a whole table read
thousands of rows instead of millions (PostgreSQL only).

`insights_answerday` and `insights_responseday` hold, for every local day before
`RollupState.through`, the counts per survey, touch point, question and value. They are exact:
statement-level triggers on surveys_answer and surveys_response (migration insights 0001) add
and subtract every inserted, updated or deleted row submitted before `through`, cascades
included; rows from `through` on (today's submits) are not touched by the triggers and are
read raw. Accounts are not a dimension: per account a day holds a handful of answers, so such
a rollup would be nearly as large as the answers (1.5 M rows for 2.3 M answers at 1 M
responses); scoped to accounts, the metrics read the covering indexes instead.

`refresh()` (the `metrics_rollup` management command; run it daily, e.g. shortly after
midnight) moves `through` to the start of today and adds the days in between; `--rebuild`
recomputes everything. Both take a SHARE lock on the two tables so that no write is missed:
submits wait for the refresh (milliseconds for a day, a few seconds for a rebuild of 1 M).
Without a refresh the rollup stays exact; only the raw part grows.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import RollupState


@dataclass(frozen=True)
class State:
    through: datetime
    time_zone: str


def enabled() -> bool:
    return connection.vendor == "postgresql"


def state() -> State | None:
    """The rollup's extent when it can serve the current time zone's days, else None."""
    if not enabled():
        return None
    row = RollupState.objects.order_by("pk").values("through", "time_zone").first()
    if row is None or row["time_zone"] != timezone.get_current_timezone_name():
        return None
    return State(**row)


def _start_of_today(tz_name: str) -> datetime:
    tz = ZoneInfo(tz_name)
    today = timezone.now().astimezone(tz).date()
    return timezone.make_aware(datetime.combine(today, time.min), tz)


# Both read the rows submitted in [since, through); since NULL means from the beginning.
AGGREGATE_ANSWERS = """
    INSERT INTO insights_answerday AS r
        (day, survey_id, touch_point_id, question_id, question_type, number, count)
    SELECT (submitted_at AT TIME ZONE %(tz)s)::date, survey_id, touch_point_id, question_id,
           question_type, number, count(*)
    FROM surveys_answer
    WHERE submitted_at < %(through)s
      AND (%(since)s::timestamptz IS NULL OR submitted_at >= %(since)s::timestamptz)
    GROUP BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (day, survey_id, touch_point_id, question_id, number)
    DO UPDATE SET count = r.count + EXCLUDED.count
"""
AGGREGATE_RESPONSES = """
    INSERT INTO insights_responseday AS r (day, survey_id, touch_point_id, count)
    SELECT (submitted_at AT TIME ZONE %(tz)s)::date, survey_id, touch_point_id, count(*)
    FROM surveys_response
    WHERE status = 'completed' AND submitted_at < %(through)s
      AND (%(since)s::timestamptz IS NULL OR submitted_at >= %(since)s::timestamptz)
    GROUP BY 1, 2, 3
    ON CONFLICT (day, survey_id, touch_point_id)
    DO UPDATE SET count = r.count + EXCLUDED.count
"""


def refresh(*, rebuild: bool = False) -> tuple[datetime, bool]:
    """Extends the rollup to the start of today (TIME_ZONE); returns (through, rebuilt)."""
    if not enabled():
        raise RuntimeError("The metric rollup needs PostgreSQL.")
    tz_name = settings.TIME_ZONE
    with transaction.atomic(), connection.cursor() as cursor:
        # SHARE conflicts with every INSERT/UPDATE/DELETE: writers in flight commit first (and
        # are then read below), later ones wait and their triggers see the new `through`.
        cursor.execute("LOCK TABLE surveys_response, surveys_answer IN SHARE MODE")
        current = RollupState.objects.select_for_update().order_by("pk").first()
        through = _start_of_today(tz_name)
        rebuild = rebuild or current is None or current.time_zone != tz_name
        if rebuild:
            cursor.execute("DELETE FROM insights_answerday")
            cursor.execute("DELETE FROM insights_responseday")
            RollupState.objects.all().delete()
            since = None
        elif through > current.through:
            since = current.through
        else:
            return current.through, False
        params = {"tz": tz_name, "through": through, "since": since}
        cursor.execute(AGGREGATE_ANSWERS, params)
        cursor.execute(AGGREGATE_RESPONSES, params)
        if rebuild:
            RollupState.objects.create(
                through=through, time_zone=tz_name, refreshed_at=timezone.now()
            )
        else:
            current.through, current.refreshed_at = through, timezone.now()
            current.save(update_fields=["through", "refreshed_at"])
    return through, rebuild
