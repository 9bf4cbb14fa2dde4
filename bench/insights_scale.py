"""The customer matrix and the touch-point corridor at scale: load 100,000 and then 1,000,000
completed responses into PostgreSQL and time their pages and API endpoints beside a raw SQL
query for the same figures, with the number of SQL queries each makes.

    .venv/bin/python bench/insights_scale.py [--sizes 100000,1000000] [--runs 5] [--reuse]
        [--accounts 2000]

Rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series) in a database of
their own (`cem_bench_insights`): `--accounts` accounts (5 contacts and two revenue periods
each, a tenth of them billed above 10 million), the six touch points of the corridor, four
live surveys (installation NPS with a technician on each event, call-center effort with an
agent, repair CSAT, relationship with NPS and the CX index in two waves), about three numeric
answers per response, submitted over the last 365 days.

Cases (median of --runs after one warm-up): the matrix API of the last year (superuser, and an
account-team member who sees 10 accounts), of a wave by CX index, the matrix page of a wave
compared with the one before (two matrices and the SVG chart), the corridor API per month,
per quarter cut by technician, and its page. "raw" is one hand-written SQL statement per
figure set, run through the same connection. Goal on 2 cores: under 1 s at 1,000,000 and
within 2x of raw SQL; the number of queries per page does not depend on the number of
accounts (printed for the 10-account user beside the superuser).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (  # noqa: E402
    bench_env,
    database_prepare,
    django_setup,
    load_average,
    migrate,
    timed,
)

DB_NAME = os.environ.get("BENCH_INSIGHTS_DB", "cem_bench_insights")
CONTACTS_PER_ACCOUNT = 5
GOAL_SECONDS = 1.0
TECHNICIANS = ["K. Adams", "R. Nowak", "S. Li", "P. Moradi", "J. Ortiz", "D. Kim"]


def fixtures_create(accounts: int) -> None:
    """Accounts with revenue, contacts, the corridor, four live surveys, two waves, users."""
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from customers.models import Account, TouchPoint, VerticalMarket
    from surveys.constants import DistributionOrigin, QuestionType, SurveyStatus, WaveStatus
    from surveys.models import Distribution, Question, RelationshipProgramme, Wave
    from surveys.services.templates import survey_create_from_template

    markets = [
        VerticalMarket.objects.create(name=name, code=name.lower())
        for name in ("Healthcare", "Manufacturing", "Retail", "Public")
    ]
    Account.objects.bulk_create(
        Account(name=f"Bench account {i:05d}", external_id=f"B-{i}", vertical_market=markets[i % 4])
        for i in range(accounts)
    )
    with connection.cursor() as cursor:
        this_year = timezone.localdate().year
        cursor.execute(
            """
            INSERT INTO customers_contact (account_id, name, email, language, role,
                is_key_contact, opted_out, created_at)
            SELECT a.id, 'Contact ' || a.id || '-' || j, 'c' || a.id || '-' || j || '@b.example',
                   'en', '', j = 0, false, now()
            FROM customers_account a, generate_series(0, %(per)s - 1) AS j
            """,
            {"per": CONTACTS_PER_ACCOUNT},
        )
        cursor.execute(
            """
            INSERT INTO customers_accountrevenue (account_id, period_start, period_end, billed,
                forecast, currency)
            SELECT a.id, make_date(y, 1, 1), make_date(y, 12, 31),
                   CASE WHEN a.id %% 10 = 0 THEN 12000000 + (a.id %% 7) * 1000000
                        ELSE 200000 + (a.id %% 97) * 90000 END,
                   100000 + (a.id %% 13) * 250000, 'USD'
            FROM customers_account a, unnest(ARRAY[%(last)s, %(this)s]) AS y
            """,
            {"last": this_year - 1, "this": this_year},
        )
    points = {}
    for position, (code, channel) in enumerate(
        (("ordering", "web"), ("delivery", "field"), ("installation", "field"),
         ("billing", "mail"), ("repair", "field"), ("call-center", "phone")),
        start=1,
    ):  # fmt: skip
        points[code] = TouchPoint.objects.create(
            code=code, name=code.title(), channel=channel, owning_function="it",
            corridor_position=position,
        )  # fmt: skip
    live = {"status": SurveyStatus.LIVE}
    survey_create_from_template(
        template="nps_transaction", title="Installation", touch_point=points["installation"],
        **live,
    )  # fmt: skip
    survey_create_from_template(
        template="effort", title="Call center", touch_point=points["call-center"], **live
    )
    repair = survey_create_from_template(
        template="nps_transaction", title="Repair", touch_point=points["repair"], **live
    )
    Question.objects.filter(survey=repair, type=QuestionType.NPS).delete()  # CSAT only
    relationship = survey_create_from_template(
        template="relationship_cx", title="Relationship", **live
    )
    programme = RelationshipProgramme.objects.create(
        name="Bench programme", survey=relationship, cadence_months=6,
        first_wave_on=date(this_year - 1, 7, 1),
    )  # fmt: skip
    now = timezone.now()
    for number, days_ago in ((1, 300), (2, 120)):
        opens = now - timedelta(days=days_ago)
        send = Distribution.objects.create(
            survey=relationship, name=f"Wave {number}", origin=DistributionOrigin.WAVE,
            closes_at=opens + timedelta(days=30),
        )  # fmt: skip
        Wave.objects.create(
            programme=programme, distribution=send, name=f"Wave {number}",
            period_start=(opens - timedelta(days=1)).date(), opens_at=opens,
            closes_at=opens + timedelta(days=30), status=WaveStatus.CLOSED,
        )  # fmt: skip

    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", "admin@bench.example", "x")
    member = User.objects.create_user("bench-am", "am@bench.example", "x", is_staff=True)
    for account in Account.objects.order_by("pk")[:10]:
        account.account_team.add(member)
    Token.objects.create(user=admin)
    Token.objects.create(user=member)


def responses_load(target: int) -> float:
    """Tops the database up to `target` completed responses; returns the seconds it took."""
    import psycopg
    from django.conf import settings
    from django.db import connection

    from customers.models import Contact
    from surveys.models import Distribution, Response, Survey

    have = Response.objects.count()
    if have >= target:
        return 0.0
    started = time.perf_counter()
    surveys = list(
        Survey.objects.exclude(title="Relationship")
        .order_by("pk")
        .values_list("pk", "touch_point_id", "title")
    )
    relationship = Survey.objects.get(title="Relationship")
    waves = list(
        Distribution.objects.filter(wave__isnull=False)
        .order_by("pk")
        .values_list("pk", "wave__opens_at")
    )
    contacts = list(Contact.objects.order_by("pk").values_list("pk", "account_id"))
    max_before = Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET session_replication_role = replica")  # consistent rows, no FK checks
        if not have:
            # Each wave: at most one response per contact (seven in ten answer), in its field
            # period; the rest of the responses are transaction surveys' (as in real data).
            for send, opens in waves:
                cursor.execute(
                    """
                    INSERT INTO surveys_response (survey_id, contact_id, account_id,
                        distribution_id, status, language, attributes, started_at,
                        submitted_at)
                    SELECT %(survey)s, c.id, c.account_id, %(send)s, 'completed', 'en',
                           '{}'::jsonb, x.ts - interval '3 minutes', x.ts
                    FROM customers_contact c,
                         LATERAL (SELECT %(opens)s::timestamptz
                                         + random() * interval '30 days' AS ts) AS x
                    WHERE random() < 0.7
                    """,
                    {"survey": relationship.pk, "send": send, "opens": opens},
                )
            cursor.execute("SELECT count(*) FROM surveys_response")
            have = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO surveys_response (survey_id, contact_id, account_id, touch_point_id,
                distribution_id, status, language, attributes, started_at, submitted_at)
            SELECT s.survey_id, c.contact_id, c.account_id, s.touch_point_id,
                   NULL, 'completed', 'en',
                   CASE s.title
                       WHEN 'Installation' THEN jsonb_build_object(
                           'technician', (%(technicians)s::text[])[1 + x.g %% 6])
                       WHEN 'Call center' THEN jsonb_build_object('agent', 'A' || x.g %% 9)
                       ELSE '{}'::jsonb END,
                   x.ts - interval '3 minutes', x.ts
            FROM (
                SELECT g, now() - random() * interval '365 days' AS ts,
                       1 + (g %% %(n_surveys)s) AS s_idx,
                       1 + ((g * 7919) %% %(n_contacts)s) AS c_idx
                FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
            ) AS x
            JOIN unnest(%(survey_ids)s::bigint[], %(tp_ids)s::bigint[], %(titles)s::text[])
                 WITH ORDINALITY AS s(survey_id, touch_point_id, title, idx) ON s.idx = x.s_idx
            JOIN unnest(%(contact_ids)s::bigint[], %(account_ids)s::bigint[])
                 WITH ORDINALITY AS c(contact_id, account_id, idx) ON c.idx = x.c_idx
            """,
            {
                "start": have + 1,
                "stop": target,
                "n_surveys": len(surveys),
                "n_contacts": len(contacts),
                "contact_ids": [c[0] for c in contacts],
                "account_ids": [c[1] for c in contacts],
                "survey_ids": [s[0] for s in surveys],
                "tp_ids": [s[1] for s in surveys],
                "titles": [s[2] for s in surveys],
                "technicians": TECHNICIANS,
            },
        )
        # Scores lean positive like real ones: the square root of a uniform draw.
        cursor.execute(
            """
            INSERT INTO surveys_answer (response_id, question_id, question_type, survey_id,
                account_id, touch_point_id, submitted_at, number, text, choice_id)
            SELECT r.id, q.id, q.type, r.survey_id, r.account_id, r.touch_point_id,
                   r.submitted_at,
                   COALESCE(q.scale_min, CASE q.type WHEN 'nps' THEN 0 ELSE 1 END)
                   + floor(sqrt(random()) * (
                       COALESCE(q.scale_max, CASE q.type WHEN 'nps' THEN 10
                                                         WHEN 'effort' THEN 7 ELSE 5 END)
                       - COALESCE(q.scale_min, CASE q.type WHEN 'nps' THEN 0 ELSE 1 END) + 1)),
                   '', NULL
            FROM surveys_response r
            JOIN surveys_question q ON q.survey_id = r.survey_id
            WHERE r.id > %(max_before)s
              AND q.type IN ('nps', 'rating', 'effort', 'cx_needs', 'cx_ease', 'cx_emotion')
            """,
            {"max_before": max_before},
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None, autocommit=True,
    ) as conn:  # fmt: skip
        for table in ("surveys_response", "surveys_answer", "customers_accountrevenue"):
            conn.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


# ------------------------------------------------------------------ raw SQL for the figures

RAW_MATRIX = """
    SELECT a.id, a.name, r.billed, r.forecast, s.promoters, s.detractors, s.n
    FROM customers_account a
    LEFT JOIN (
        SELECT account_id, count(*) FILTER (WHERE number >= 9) AS promoters,
               count(*) FILTER (WHERE number <= 6) AS detractors, count(*) AS n
        FROM surveys_answer
        WHERE question_type = 'nps' AND submitted_at >= %(since)s AND submitted_at < %(until)s
          AND account_id IS NOT NULL
        GROUP BY account_id
    ) AS s ON s.account_id = a.id
    LEFT JOIN LATERAL (
        SELECT billed, forecast FROM customers_accountrevenue
        WHERE account_id = a.id AND period_start <= %(as_of)s
        ORDER BY period_start DESC LIMIT 1
    ) AS r ON true
    WHERE a.status = 'active' OR s.account_id IS NOT NULL
    ORDER BY a.name, a.id
"""
RAW_CORRIDOR = """
    SELECT touch_point_id, date_trunc(%(period)s, submitted_at AT TIME ZONE %(tz)s) AS p,
           count(*) FILTER (WHERE question_type = 'nps' AND number >= 9),
           count(*) FILTER (WHERE question_type = 'nps' AND number <= 6),
           count(*) FILTER (WHERE question_type = 'nps'),
           count(*) FILTER (WHERE question_type = 'rating' AND number >= 4),
           count(*) FILTER (WHERE question_type = 'rating' AND number <= 2),
           count(*) FILTER (WHERE question_type = 'rating'),
           avg(number) FILTER (WHERE question_type = 'effort'),
           count(*) FILTER (WHERE question_type = 'effort' AND number <= 3),
           count(*) FILTER (WHERE question_type = 'effort')
    FROM surveys_answer
    WHERE question_type IN ('nps', 'rating', 'effort') AND touch_point_id IS NOT NULL
      AND submitted_at >= %(since)s AND submitted_at < %(until)s
    GROUP BY 1, 2
"""
RAW_CORRIDOR_RESPONSES = """
    SELECT touch_point_id, date_trunc(%(period)s, submitted_at AT TIME ZONE %(tz)s), count(*)
    FROM surveys_response
    WHERE status = 'completed' AND touch_point_id IS NOT NULL
      AND submitted_at >= %(since)s AND submitted_at < %(until)s
    GROUP BY 1, 2
"""
RAW_CORRIDOR_CUT = """
    SELECT a.touch_point_id, r.attributes ->> %(attribute)s,
           date_trunc(%(period)s, a.submitted_at AT TIME ZONE %(tz)s) AS p,
           count(*) FILTER (WHERE a.question_type = 'nps' AND a.number >= 9),
           count(*) FILTER (WHERE a.question_type = 'nps' AND a.number <= 6),
           count(*) FILTER (WHERE a.question_type = 'nps'),
           avg(a.number) FILTER (WHERE a.question_type = 'effort'),
           count(*) FILTER (WHERE a.question_type IN ('nps', 'rating', 'effort'))
    FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
    WHERE a.question_type IN ('nps', 'rating', 'effort') AND a.touch_point_id IS NOT NULL
      AND a.submitted_at >= %(since)s AND a.submitted_at < %(until)s
    GROUP BY 1, 2, 3
"""


def raw(statements: list[tuple[str, dict]]):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def cases() -> list[dict]:
    from datetime import datetime
    from datetime import time as dtime

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from insights.selectors.corridor import corridor_scope_for
    from surveys.models import Wave

    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    start_of = lambda day: timezone.make_aware(datetime.combine(day, dtime.min), tz)  # noqa: E731
    year = {"since": start_of(today - timedelta(days=365)), "until": start_of(today) + timedelta(1),
            "as_of": today}  # fmt: skip
    waves = list(Wave.objects.order_by("period_start"))
    superuser = get_user_model().objects.get(username="bench-admin")
    month = corridor_scope_for(superuser, period="month", today=today)
    quarter = corridor_scope_for(superuser, period="quarter", today=today)

    def corridor_params(scope):
        return {"period": scope.period, "tz": settings.TIME_ZONE, "since": start_of(scope.since),
                "until": start_of(scope.until) + timedelta(days=1)}  # fmt: skip

    wave_matrix = RAW_MATRIX.replace(
        "WHERE question_type = 'nps' AND submitted_at >= %(since)s AND submitted_at < %(until)s",
        "WHERE question_type IN ('cx_needs', 'cx_ease', 'cx_emotion') AND response_id IN "
        "(SELECT id FROM surveys_response WHERE distribution_id = %(send)s) "
        "AND survey_id = (SELECT survey_id FROM surveys_distribution WHERE id = %(send)s)",
    )
    return [
        {
            "name": "matrix API, last year, NPS",
            "url": "/api/v1/customer-matrix/",
            "params": {},
            "raw": [(RAW_MATRIX, year)],
        },
        {
            "name": "matrix API, wave, CX index",
            "url": "/api/v1/customer-matrix/",
            "params": {"wave": waves[-1].pk, "metric": "cx_index"},
            "raw": [
                (
                    wave_matrix,
                    {"send": waves[-1].distribution_id, "as_of": waves[-1].closes_at.date()},
                )
            ],  # fmt: skip
        },
        {
            "name": "matrix page, wave vs previous",
            "url": "/insights/matrix/",
            "params": {"wave": waves[-1].pk},
            "raw": [
                (wave_matrix, {"send": w.distribution_id, "as_of": w.closes_at.date()})
                for w in waves[-2:]
            ],
            "page": True,
        },
        {
            "name": "corridor API, month",
            "url": "/api/v1/corridor/",
            "params": {},
            "raw": [
                (RAW_CORRIDOR, corridor_params(month)),
                (RAW_CORRIDOR_RESPONSES, corridor_params(month)),
            ],  # fmt: skip
        },
        {
            "name": "corridor API, quarter by technician",
            "url": "/api/v1/corridor/",
            "params": {"period": "quarter", "attribute": "technician"},
            "raw": [
                (RAW_CORRIDOR, corridor_params(quarter)),
                (RAW_CORRIDOR_RESPONSES, corridor_params(quarter)),
                (RAW_CORRIDOR_CUT, {**corridor_params(quarter), "attribute": "technician"}),
            ],
        },
        {
            "name": "corridor page, month",
            "url": "/insights/corridor/",
            "params": {},
            "raw": [
                (RAW_CORRIDOR, corridor_params(month)),
                (RAW_CORRIDOR_RESPONSES, corridor_params(month)),
            ],  # fmt: skip
            "page": True,
        },
    ]


def measure(runs: int, size: int, bench_cases: list[dict], *, cold: bool = False) -> list[dict]:
    """Each case for the superuser and the 10-account user: median and max seconds, queries,
    and the raw SQL's median beside the superuser's; with `cold`, a page once more after the
    cache is cleared (its charts drawn anew: the cost of a page whose figures changed)."""
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    tokens = {t.user.username: t.key for t in Token.objects.select_related("user")}
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith="bench")}
    rows = []
    for case in bench_cases:
        raw_seconds, _ = timed(raw(case["raw"]), runs=runs)
        for username in ("bench-admin", "bench-am"):
            if case.get("page"):
                client = Client()
                client.force_login(users[username])
            else:
                client = Client(HTTP_AUTHORIZATION=f"Token {tokens[username]}")

            def request(client=client, case=case):
                response = client.get(case["url"], case["params"])
                assert response.status_code == 200, (response.status_code, response.content[:300])
                return response

            seconds, samples = timed(request, runs=runs)
            cold_seconds = None
            if cold and case.get("page"):
                cache.clear()
                cold_seconds, _ = timed(request, runs=1)
            with CaptureQueriesContext(connection) as queries:
                request()
            rows.append(
                {
                    "size": size,
                    "case": case["name"],
                    "user": "superuser" if username == "bench-admin" else "team (10 accounts)",
                    "seconds": seconds,
                    "max": max(samples),
                    "cold": cold_seconds,
                    "queries": len(queries),
                    "raw": raw_seconds if username == "bench-admin" else None,
                }
            )
    return rows


def _ms(seconds: float | None, width: int = 6) -> str:
    return f"{seconds * 1000:{width}.0f}ms" if seconds is not None else " " * (width + 2)


def run(*, doc: str, db_name: str, bench_cases, cold: bool = False) -> int:
    """The command line of this bench and of dashboards_scale.py: load, measure, print."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep an existing bench database and top it up."
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    env = bench_env(db_name)
    database_prepare(db_name, reuse=args.reuse)
    migrate(env)
    django_setup(env)

    from customers.models import Account
    from insights import rollup
    from surveys.models import Answer, Survey

    if not Survey.objects.exists():
        fixtures_create(args.accounts)

    print(f"Load average (1, 5, 15 min) at the start: {load_average()} on {os.cpu_count()} CPUs.")
    print(f"{Account.objects.count():,} accounts.")
    cold_header = f" {'cold':>8}" if cold else ""
    header = (
        f"\n{'responses':>10} {'case':<36} {'user':<19} {'median':>8} {'max':>8}{cold_header} "
        f"{'raw SQL':>8} {'ratio':>6} {'queries':>7}"
    )
    worst: list[dict] = []
    for size in sizes:
        seconds = responses_load(size)
        if seconds:
            print(
                f"(loaded up to {size:,} responses, {Answer.objects.count():,} answers "
                f"in {seconds:.1f} s)",
                flush=True,
            )
        if rollup.enabled():  # a load bypasses the rollup's triggers: rebuild it then
            rollup.refresh(rebuild=bool(seconds) or rollup.state() is None)
        print(header, flush=True)
        for row in measure(args.runs, size, bench_cases(), cold=cold):
            ratio = f"{row['seconds'] / row['raw']:5.1f}x" if row["raw"] else f"{'':>6}"
            cold_text = f" {_ms(row['cold'])}" if cold else ""
            print(
                f"{size:>10,} {row['case']:<36} {row['user']:<19} "
                f"{_ms(row['seconds'])} {_ms(row['max'])}{cold_text} {_ms(row['raw'])} "
                f"{ratio} {row['queries']:>7}",
                flush=True,
            )
            if size == max(sizes):
                worst.append(row)
    print(f"\nLoad average (1, 5, 15 min) at the end: {load_average()} on {os.cpu_count()} CPUs.")
    slowest = max(worst, key=lambda row: row["seconds"])
    ratios = [row["seconds"] / row["raw"] for row in worst if row["raw"]]
    print(
        f"Slowest at {max(sizes):,} responses: {slowest['case']} ({slowest['user']}) "
        f"{slowest['seconds'] * 1000:.0f} ms; "
        f"{'meets' if slowest['seconds'] < GOAL_SECONDS else 'MISSES'} the goal of < 1 s. "
        f"Worst ratio to raw SQL: {max(ratios):.1f}x (median {statistics.median(ratios):.1f}x)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(run(doc=__doc__, db_name=DB_NAME, bench_cases=cases))
