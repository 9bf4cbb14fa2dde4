"""Metrics at scale: load 100,000 and then 1,000,000 completed responses (with their answers)
into PostgreSQL and time the metrics, overall, per survey, per account and over a date range.

    .venv/bin/python bench/metrics_scale.py [--sizes 100000,1000000] [--runs 5] [--reuse]
        [--no-rollup]

Rows are generated inside PostgreSQL (INSERT ... SELECT over generate_series), about three
numeric answers and one comment in ten per response, spread over the last 365 days across 200
accounts and three surveys (NPS transaction, customer effort, relationship with CX index).

For each case it prints the median of --runs calls (after one warm-up) of
`insights.selectors.metric_summary` and of GET /api/v1/metrics/ through Django's full request
stack (token authentication, serializers; the in-process test client, so no network), and the
number of SQL queries one request makes. Goal on 2 cores: under 1 s at 1,000,000 responses.

The load bypasses triggers, so the daily metric rollup (insights.rollup) is rebuilt after it;
--no-rollup measures without it (every metric from the raw rows and covering indexes).
"""

import argparse
import os
import sys
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

DB_NAME = os.environ.get("BENCH_METRICS_DB", "cem_bench")
ACCOUNTS = 200
CONTACTS_PER_ACCOUNT = 10
GOAL_SECONDS = 1.0


def fixtures_create() -> dict:
    """Accounts, contacts, touch points, three live surveys and two API users."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from customers.models import Account, Contact, TouchPoint, VerticalMarket
    from surveys.constants import SurveyStatus
    from surveys.services.templates import survey_create_from_template

    vertical = VerticalMarket.objects.create(name="Bench", code="bench")
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench account {i}", external_id=f"B-{i}", vertical_market=vertical)
        for i in range(ACCOUNTS)
    )
    Contact.objects.bulk_create(
        Contact(account=a, name=f"Contact {a.pk}-{j}", email=f"c{a.pk}-{j}@bench.example")
        for a in accounts
        for j in range(CONTACTS_PER_ACCOUNT)
    )
    installation = TouchPoint.objects.create(
        code="installation", name="Installation", channel="field", owning_function="it"
    )
    call_center = TouchPoint.objects.create(
        code="call-center", name="Call center", channel="phone", owning_function="it"
    )
    live = {"status": SurveyStatus.LIVE}
    survey_create_from_template(
        template="nps_transaction", title="Installation", touch_point=installation, **live
    )
    survey_create_from_template(
        template="effort", title="Call center", touch_point=call_center, **live
    )
    survey_create_from_template(template="relationship_cx", title="Relationship", **live)

    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", "admin@bench.example", "x")
    manager = User.objects.create_user("bench-am", "am@bench.example", "x", is_staff=True)
    for account in accounts[:10]:
        account.account_team.add(manager)
    Token.objects.create(user=admin)
    Token.objects.create(user=manager)
    return {}


def responses_load(target: int) -> float:
    """Tops the database up to `target` completed responses; returns the seconds it took."""
    import time

    from django.db import connection

    from customers.models import Contact
    from surveys.models import Response, Survey

    have = Response.objects.count()
    if have >= target:
        return 0.0
    started = time.perf_counter()
    surveys = list(Survey.objects.order_by("pk").values_list("pk", "touch_point_id"))
    contacts = list(Contact.objects.order_by("pk").values_list("pk", "account_id"))
    max_before = Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        # The rows are generated consistent; skipping the per-row foreign-key triggers makes the
        # load several times faster (needs a superuser, as the local `postgres` is).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(
            """
            INSERT INTO surveys_response (survey_id, contact_id, account_id, touch_point_id,
                status, language, attributes, started_at, submitted_at)
            SELECT s.survey_id, c.contact_id, c.account_id, s.touch_point_id,
                'completed', 'en', '{}'::jsonb, x.ts - interval '3 minutes', x.ts
            FROM (
                SELECT g, now() - random() * interval '365 days' AS ts,
                       1 + (g %% %(n_surveys)s) AS s_idx,
                       1 + ((g * 7919) %% %(n_contacts)s) AS c_idx
                FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS g
            ) AS x
            JOIN unnest(%(survey_ids)s::bigint[], %(tp_ids)s::bigint[])
                 WITH ORDINALITY AS s(survey_id, touch_point_id, idx) ON s.idx = x.s_idx
            JOIN unnest(%(contact_ids)s::bigint[], %(account_ids)s::bigint[])
                 WITH ORDINALITY AS c(contact_id, account_id, idx) ON c.idx = x.c_idx
            """,
            {
                "start": have + 1,
                "stop": target,
                "n_surveys": len(surveys),
                "n_contacts": len(contacts),
                "survey_ids": [s[0] for s in surveys],
                "tp_ids": [s[1] for s in surveys],
                "contact_ids": [c[0] for c in contacts],
                "account_ids": [c[1] for c in contacts],
            },
        )
        # Scores lean positive like real ones: the sum of two uniform draws, skewed up.
        cursor.execute(
            """
            INSERT INTO surveys_answer (response_id, question_id, question_type, survey_id,
                account_id, touch_point_id, submitted_at, number, text, choice_id)
            SELECT r.id, q.id, q.type, r.survey_id, r.account_id, r.touch_point_id,
                   r.submitted_at,
                   CASE WHEN q.type = 'text' THEN NULL
                        ELSE COALESCE(q.scale_min, CASE q.type WHEN 'nps' THEN 0 ELSE 1 END)
                             + floor(sqrt(random()) * (
                                 COALESCE(q.scale_max, CASE q.type WHEN 'nps' THEN 10
                                                                   WHEN 'effort' THEN 7
                                                                   ELSE 5 END)
                                 - COALESCE(q.scale_min, CASE q.type WHEN 'nps' THEN 0 ELSE 1 END)
                                 + 1))
                   END,
                   CASE WHEN q.type = 'text' THEN 'Bench comment ' || r.id ELSE '' END,
                   NULL
            FROM surveys_response r
            JOIN surveys_question q ON q.survey_id = r.survey_id
            WHERE r.id > %(max_before)s
              AND (q.type IN ('nps', 'rating', 'effort', 'cx_needs', 'cx_ease', 'cx_emotion')
                   OR (q.type = 'text' AND r.id %% 10 = 0))
            """,
            {"max_before": max_before},
        )
        cursor.execute("SET session_replication_role = DEFAULT")
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432,
        password=db["PASSWORD"] or None, autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute("VACUUM ANALYZE surveys_response")
        conn.execute("VACUUM ANALYZE surveys_answer")
    return time.perf_counter() - started


def rollup_prepare(*, enabled: bool, rebuild: bool) -> str:
    """The load bypasses triggers (session_replication_role), so the daily rollup is rebuilt
    after it, as `manage.py metrics_rollup --rebuild` would; --no-rollup drops it instead."""
    import time

    from insights import rollup
    from insights.models import AnswerDay, RollupState

    if not enabled:
        RollupState.objects.all().delete()
        return "(rollup off: every metric reads the raw rows)"
    if rebuild or rollup.state() is None:
        started = time.perf_counter()
        rollup.refresh(rebuild=True)
        return (
            f"(rollup rebuilt in {time.perf_counter() - started:.1f} s: "
            f"{AnswerDay.objects.count():,} answer-day rows)"
        )
    through, _ = rollup.refresh()
    return f"(rollup through {through:%Y-%m-%d}: {AnswerDay.objects.count():,} answer-day rows)"


def cases() -> list[tuple[str, dict]]:
    from django.db.models import Count
    from django.utils import timezone

    from surveys.models import Response, Survey

    survey = Survey.objects.get(slug="installation")
    busiest = (
        Response.objects.values("account_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("account_id", flat=True)
        .first()
    )
    today = timezone.localdate()
    since = today - timedelta(days=90)
    return [
        ("overall", {}),
        ("per survey", {"survey": survey.pk}),
        ("per account", {"account": busiest}),
        ("last 90 days", {"since": since.isoformat(), "until": today.isoformat()}),
        (
            "survey + 90 days",
            {"survey": survey.pk, "since": since.isoformat(), "until": today.isoformat()},
        ),
    ]


def measure(runs: int, size: int) -> list[dict]:
    from datetime import date

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from insights.selectors import ResultFilter, metric_summary

    tokens = {t.user.username: t.key for t in Token.objects.select_related("user")}
    rows = []
    for user in ("bench-admin", "bench-am"):
        client = Client(HTTP_AUTHORIZATION=f"Token {tokens[user]}")
        for name, params in cases():
            if user == "bench-am" and "account" in params:
                continue  # the busiest account is not necessarily one of the manager's

            def request(client=client, params=params):
                response = client.get("/api/v1/metrics/", params)
                assert response.status_code == 200, (response.status_code, response.content)
                return response

            http, _ = timed(request, runs=runs)
            with CaptureQueriesContext(connection) as queries:
                body = request().json()
            row = {
                "size": size,
                "user": "superuser" if user == "bench-admin" else "account team (10 accounts)",
                "case": name,
                "http": http,
                "queries": len(queries),
                "n": body["n"],
                "nps": body["nps"],
            }
            if user == "bench-admin":
                result_filter = ResultFilter(
                    survey_id=params.get("survey"),
                    account_id=params.get("account"),
                    since=date.fromisoformat(params["since"]) if "since" in params else None,
                    until=date.fromisoformat(params["until"]) if "until" in params else None,
                )
                row["selector"], _ = timed(lambda f=result_filter: metric_summary(f), runs=runs)
            rows.append(row)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep an existing bench database and top it up."
    )
    parser.add_argument(
        "--no-rollup",
        action="store_true",
        help="Measure without the daily rollup (drops its state: every metric reads raw rows).",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    env = bench_env(DB_NAME)
    database_prepare(DB_NAME, reuse=args.reuse)
    migrate(env)
    django_setup(env)

    from surveys.models import Answer, Survey

    if not Survey.objects.exists():
        fixtures_create()

    print(f"Load average (1, 5, 15 min) at the start: {load_average()} on {os.cpu_count()} CPUs.")
    print(
        f"\n{'responses':>10} {'user':<27} {'case':<17} {'selector':>9} {'HTTP':>9} "
        f"{'queries':>7} {'n':>9}",
        flush=True,
    )
    worst = 0.0
    for size in sizes:
        seconds = responses_load(size)
        if seconds:
            print(
                f"(loaded up to {size:,} responses, {Answer.objects.count():,} answers "
                f"in {seconds:.1f} s)",
                flush=True,
            )
        rollup_note = rollup_prepare(enabled=not args.no_rollup, rebuild=bool(seconds))
        print(rollup_note, flush=True)
        for row in measure(args.runs, size):
            selector = f"{row['selector'] * 1000:7.0f}ms" if "selector" in row else f"{'-':>9}"
            print(
                f"{size:>10,} {row['user']:<27} {row['case']:<17} {selector} "
                f"{row['http'] * 1000:7.0f}ms {row['queries']:>7} {row['n']:>9,}",
                flush=True,
            )
            if size == max(sizes):
                worst = max(worst, row["http"])
    print(f"\nLoad average (1, 5, 15 min) at the end: {load_average()} on {os.cpu_count()} CPUs.")
    verdict = "meets" if worst < GOAL_SECONDS else "MISSES"
    print(
        f"\nSlowest GET /api/v1/metrics/ at {max(sizes):,} responses: {worst * 1000:.0f} ms "
        f"(median of {args.runs}); {verdict} the goal of < {GOAL_SECONDS:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
