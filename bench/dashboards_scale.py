"""Trends and the executive dashboard at scale: the data of `insights_scale.py` (accounts with
revenue, the corridor, four live surveys, two relationship waves; 100,000 and then 1,000,000
completed responses over the last year) in a database of its own, and the time of

- GET /api/v1/trends/ (NPS per month over the last year; CES per quarter of one survey;
  the same for an account-team member who sees 10 accounts), and
- GET /insights/, the executive dashboard (headline trends, each survey's headline metric
  and response rate, the matrix of the latest wave against the one before, revenue at risk,
  the corridor's weakest step, and its three SVG charts),

each beside hand-written SQL for the same figures run through the same connection, with the
number of SQL queries a request makes (printed for the superuser, who sees every account, and
the 10-account user: the count does not depend on the number of accounts).

    .venv/bin/python bench/dashboards_scale.py [--sizes 100000,1000000] [--runs 5] [--reuse]
        [--accounts 2000]

Goal on 2 cores: under 1 s at 1,000,000 responses and within 2x of raw SQL.
"""

import os
import sys
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from insights_scale import (  # noqa: E402
    RAW_CORRIDOR,
    RAW_CORRIDOR_RESPONSES,
    RAW_MATRIX,
    run,
)

DB_NAME = os.environ.get("BENCH_DASHBOARDS_DB", "cem_bench_dashboards")

# Per period: NPS counts, CSAT share, and count / sum / sum of squares of every mean metric.
RAW_TRENDS = """
    SELECT date_trunc(%(period)s, submitted_at AT TIME ZONE %(tz)s) AS p,
           count(*) FILTER (WHERE question_type = 'nps' AND number >= 9),
           count(*) FILTER (WHERE question_type = 'nps' AND number <= 6),
           count(*) FILTER (WHERE question_type = 'nps'),
           count(*) FILTER (WHERE question_type = 'rating' AND number >= 4),
           count(*) FILTER (WHERE question_type = 'rating'),
           sum(number) FILTER (WHERE question_type = 'rating'),
           sum(number * number) FILTER (WHERE question_type = 'rating'),
           count(*) FILTER (WHERE question_type = 'effort'),
           sum(number) FILTER (WHERE question_type = 'effort'),
           sum(number * number) FILTER (WHERE question_type = 'effort'),
           count(*) FILTER (WHERE question_type IN ('cx_needs', 'cx_ease', 'cx_emotion')),
           sum(number) FILTER (WHERE question_type IN ('cx_needs', 'cx_ease', 'cx_emotion')),
           sum(number * number)
               FILTER (WHERE question_type IN ('cx_needs', 'cx_ease', 'cx_emotion'))
    FROM surveys_answer
    WHERE question_type IN ('nps', 'rating', 'effort', 'cx_needs', 'cx_ease', 'cx_emotion')
      AND submitted_at >= %(since)s AND submitted_at < %(until)s {extra}
    GROUP BY 1
"""
RAW_HEADLINE_ANSWERS = """
    SELECT survey_id,
           count(*) FILTER (WHERE question_type = 'nps' AND number >= 9),
           count(*) FILTER (WHERE question_type = 'nps' AND number <= 6),
           count(*) FILTER (WHERE question_type = 'nps'),
           count(*) FILTER (WHERE question_type = 'rating' AND number >= 4),
           count(*) FILTER (WHERE question_type = 'rating'),
           avg(number) FILTER (WHERE question_type = 'effort'),
           avg(number) FILTER (WHERE question_type IN ('cx_needs', 'cx_ease', 'cx_emotion'))
    FROM surveys_answer
    WHERE question_type IN ('nps', 'rating', 'effort', 'cx_needs', 'cx_ease', 'cx_emotion')
    GROUP BY 1
"""
RAW_HEADLINE_RESPONSES = """
    SELECT survey_id, count(*) FROM surveys_response WHERE status = 'completed' GROUP BY 1
"""
RAW_RESPONSE_RATES = """
    SELECT survey_id,
           count(*) FILTER (WHERE sent_at IS NOT NULL OR status = 'completed'),
           count(*) FILTER (WHERE status = 'completed')
    FROM surveys_invitation GROUP BY 1
"""
WAVE_MATRIX = RAW_MATRIX.replace(
    "WHERE question_type = 'nps' AND submitted_at >= %(since)s AND submitted_at < %(until)s",
    "WHERE question_type = 'nps' AND response_id IN "
    "(SELECT id FROM surveys_response WHERE distribution_id = %(send)s) "
    "AND survey_id = (SELECT survey_id FROM surveys_distribution WHERE id = %(send)s)",
)


def cases() -> list[dict]:
    from datetime import datetime
    from datetime import time as dtime

    from django.conf import settings
    from django.utils import timezone

    from insights.selectors.trends import period_start
    from surveys.models import Survey, Wave

    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start_of = lambda day: timezone.make_aware(datetime.combine(day, dtime.min), tz)  # noqa: E731
    until = start_of(today) + timedelta(days=1)

    def months_back(day, months):
        index = day.year * 12 + day.month - 1 - months
        return day.replace(year=index // 12, month=index % 12 + 1, day=1)

    month_since = start_of(months_back(period_start(today, "month"), 11))
    quarter_since = start_of(months_back(period_start(today, "quarter"), 9))
    effort = Survey.objects.get(slug="call-center")
    waves = list(Wave.objects.order_by("period_start"))
    trends = RAW_TRENDS.format(extra="")
    one_survey = RAW_TRENDS.format(extra="AND survey_id = %(survey)s")
    dashboard_raw = [
        (trends, {"period": "quarter", "tz": settings.TIME_ZONE, "since": quarter_since,
                  "until": until}),
        (RAW_HEADLINE_ANSWERS, {}),
        (RAW_HEADLINE_RESPONSES, {}),
        (RAW_RESPONSE_RATES, {}),
        *[(WAVE_MATRIX, {"send": w.distribution_id, "as_of": w.closes_at.date()})
          for w in waves[-2:]],
        *[(sql, {"period": "month", "tz": settings.TIME_ZONE,
                 "since": start_of(months_back(period_start(today, "month"), 1)),
                 "until": start_of(period_start(today, "month"))})
          for sql in (RAW_CORRIDOR, RAW_CORRIDOR_RESPONSES)],
    ]  # fmt: skip
    return [
        {
            "name": "trends API, NPS per month, year",
            "url": "/api/v1/trends/",
            "params": {"metric": "nps"},
            "raw": [
                (
                    trends,
                    {
                        "period": "month",
                        "tz": settings.TIME_ZONE,
                        "since": month_since,
                        "until": until,
                    },
                )
            ],  # fmt: skip
        },
        {
            "name": "trends API, CES per quarter, survey",
            "url": "/api/v1/trends/",
            "params": {"metric": "ces", "period": "quarter", "survey": effort.pk},
            "raw": [
                (
                    one_survey,
                    {
                        "period": "quarter",
                        "tz": settings.TIME_ZONE,
                        "since": quarter_since,
                        "until": until,
                        "survey": effort.pk,
                    },
                )
            ],  # fmt: skip
        },
        {
            "name": "executive dashboard /insights/",
            "url": "/insights/",
            "params": {},
            "raw": dashboard_raw,
            "page": True,
        },
    ]


if __name__ == "__main__":
    sys.exit(run(doc=__doc__, db_name=DB_NAME, bench_cases=cases, cold=True))
