"""Alert rules: how fast 50 rules evaluate stored responses, and whether submits slow down.

    .venv/bin/python bench/alerts.py [--responses 5000] [--rules 50]
        [--invitations 8000] [--duration 15] [--skip-submit] [--skip-evaluate]

Part 1, the evaluator (PostgreSQL database cem_bench_alerts, recreated): 50 accounts with
general managers and revenue, an installation NPS survey and a call-center effort survey,
--responses completed responses with answers (scores, choices, comments in four languages)
and event attributes, and --rules active rules of every condition kind (scores, choices,
phrases, event attributes, quadrant, revenue; a third with a value override). It prints:

- `response_evaluate` one response after another, as the Celery task runs it (marker, facts,
  50 rules, cases opened and their owners' notices published to Redis): responses/s, and
  queries per response;
- the pure evaluator alone over preloaded facts: responses x rules per second;
- loading facts in batches of 500 (what the sweep and the backfill read): responses/s;
- one dry run per rule over the whole catalogue (SQL COUNTs): median ms.

Part 2, the submit (database cem_bench_alerts_submit, recreated per run): bench/submit_load's
fixtures, gunicorn and wrk script, with the product's real configuration: not eager, tasks
published to Redis (BENCH_BROKER_URL, default db 8). Runs, for --duration seconds each:
no rules; 50 rules (a real worker drains the evaluations after the load, timed); 50 rules with
the worker evaluating during the load. Prints submits/s and p50/p95 of each and the time until
every stored response was evaluated. Traffic stays on 127.0.0.1.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import (  # noqa: E402
    ROOT,
    bench_env,
    database_recreate,
    django_setup,
    load_average,
    migrate,
)

EVAL_DB = os.environ.get("BENCH_ALERTS_DB", "cem_bench_alerts")
SUBMIT_DB = os.environ.get("BENCH_ALERTS_SUBMIT_DB", "cem_bench_alerts_submit")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/8")
WORK_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"

COMMENTS = (
    "Quick and tidy installation.",
    "Technician was late and left a mess.",
    "I was transferred three times.",
    "安装师傅迟到了三个小时",
    "客服态度很好",
    "Technik był spóźniony, ale miły.",
    "Wszystko w porządku.",
    "نصب با تاخیر زیاد انجام شد",
    "پشتیبانی عالی بود",
    "",
    "",
    "",
)
KEYWORDS = (
    ("late", "spóźniony", "迟到"),
    ("mess", "bałagan", "乱"),
    ("transferred", "转接", "کند"),
    ("rude", "niemiły", "无礼"),
    ("never again", "nigdy więcej", "再也不"),
)
TECHNICIANS = ("K. Adams", "R. Nowak", "S. Li", "P. Moradi", "J. Ortiz", "D. Kim")
AGENTS = ("Amy", "Bartek", "Chen", "Darya", "Ethan")


# ------------------------------------------------------------------ rules


def rules_create(*, count: int, touch_points: list, questions: dict, seed: int = 7) -> int:
    """`count` active rules cycling through every condition kind; every third one routes
    valuable accounts (At risk, or billed above 15M) to their general manager."""
    from decimal import Decimal

    from insights.cases.constants import (
        ConditionKind,
        MatchMode,
        NumberOperator,
        RouteTarget,
        ScoreTarget,
        TextOperator,
    )
    from insights.cases.models import AlertCondition, AlertRule

    rng = random.Random(seed)
    conditions = []
    for index in range(count):
        override = {}
        if index % 3 == 0:
            override = {
                "override_quadrants": ["at_risk"],
                "override_billed_above": Decimal(15_000_000),
                "override_route_to": RouteTarget.GENERAL_MANAGER,
            }
        rule = AlertRule.objects.create(
            name=f"Bench rule {index}",
            match=MatchMode.ALL,
            route_to=rng.choice([RouteTarget.SPECIALIST, RouteTarget.ACCOUNT_TEAM]),
            sla_hours=rng.choice([4, 8, 24]),
            **override,
        )
        touch_point = touch_points[index % len(touch_points)]
        # Each rule is as selective as a designer's: a touch point and one or two narrow tests.
        rows = [{"kind": ConditionKind.TOUCH_POINT, "touch_point": touch_point}]
        kind = index % 6
        if kind == 0:
            rows += [
                {"kind": ConditionKind.ANSWER_NUMBER, "score_target": ScoreTarget.NPS,
                 "number_operator": NumberOperator.LTE, "number": rng.randint(0, 2)},
                {"kind": ConditionKind.EVENT_ATTRIBUTE, "attribute": "technician",
                 "text_operator": TextOperator.EQUALS, "text": rng.choice(TECHNICIANS)},
            ]  # fmt: skip
        elif kind == 1 and "effort" in questions:
            rows += [
                {"kind": ConditionKind.ANSWER_NUMBER, "question": questions["effort"],
                 "number_operator": NumberOperator.LTE, "number": 1},
                {"kind": ConditionKind.EVENT_ATTRIBUTE, "attribute": "agent",
                 "text_operator": TextOperator.EQUALS, "text": rng.choice(AGENTS)},
            ]  # fmt: skip
        elif kind == 2:
            rows.append(
                {"kind": ConditionKind.TEXT_CONTAINS, "text": "\n".join(rng.choice(KEYWORDS))}
            )
        elif kind == 3:
            rows += [
                {"kind": ConditionKind.EVENT_ATTRIBUTE, "attribute": "technician",
                 "text_operator": TextOperator.CONTAINS, "text": rng.choice(TECHNICIANS)[-3:]},
                {"kind": ConditionKind.ANSWER_NUMBER, "score_target": ScoreTarget.RATING,
                 "number_operator": NumberOperator.LTE, "number": 1},
            ]  # fmt: skip
        elif kind == 4:
            rows += [
                {"kind": ConditionKind.ACCOUNT_QUADRANT, "quadrants": ["at_risk"]},
                {"kind": ConditionKind.ANSWER_NUMBER, "score_target": ScoreTarget.NPS,
                 "number_operator": NumberOperator.LTE, "number": rng.randint(0, 3)},
            ]  # fmt: skip
        else:
            rows.append({"kind": ConditionKind.ACCOUNT_BILLED_ABOVE,
                         "amount": Decimal(rng.choice([15, 20, 24]) * 10**6)})  # fmt: skip
            if "resolved" in questions:
                rows.append({"kind": ConditionKind.ANSWER_CHOICE, "question": questions["resolved"],
                             "choice_value": "no"})  # fmt: skip
            else:
                rows.append({"kind": ConditionKind.ANSWER_NUMBER, "score_target": ScoreTarget.NPS,
                             "number_operator": NumberOperator.EQ, "number": 0})  # fmt: skip
        conditions += [
            AlertCondition(rule=rule, position=position, **row) for position, row in enumerate(rows)
        ]
    AlertCondition.objects.bulk_create(conditions)
    return count


# ------------------------------------------------------------------ part 1: the evaluator


def catalogue_create(responses: int, seed: int = 11) -> dict:
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from customers.models import Account, AccountRevenue, Contact, TouchPoint, TouchPointEvent
    from customers.models import VerticalMarket as Vertical
    from surveys.constants import QuestionType, SurveyStatus
    from surveys.models import Answer, Response
    from surveys.services.templates import survey_create_from_template

    rng = random.Random(seed)
    User = get_user_model()
    vertical = Vertical.objects.create(name="Bench", code="bench")
    managers = User.objects.bulk_create(
        User(username=f"gm{i}", email=f"gm{i}@bench.example", is_staff=True) for i in range(5)
    )
    accounts = Account.objects.bulk_create(
        Account(
            name=f"Account {i}",
            external_id=f"A-{i}",
            vertical_market=vertical,
            general_manager=managers[i % 5],
        )  # fmt: skip
        for i in range(50)
    )
    AccountRevenue.objects.bulk_create(
        AccountRevenue(account=a, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31),
                       billed=Decimal(rng.uniform(0.5, 25) * 10**6).quantize(Decimal(1)),
                       forecast=Decimal(rng.uniform(0.1, 8) * 10**6).quantize(Decimal(1)))
        for a in accounts
    )  # fmt: skip
    contacts = Contact.objects.bulk_create(
        Contact(account=accounts[i % 50], name=f"Contact {i}", email=f"c{i}@bench.example",
                language=rng.choice(["en", "pl", "zh-hans", "fa"]))
        for i in range(500)
    )  # fmt: skip
    specialist = User.objects.create(username="specialist", email="s@bench.example", is_staff=True)
    installation = TouchPoint.objects.create(code="installation", name="Installation",
                                             channel="field", owning_function="it",
                                             specialist=specialist)  # fmt: skip
    call_center = TouchPoint.objects.create(code="call-center", name="Call center",
                                            channel="phone", owning_function="it",
                                            specialist=specialist)  # fmt: skip
    nps_survey = survey_create_from_template(
        template="nps_transaction", title="Installation", touch_point=installation,
        status=SurveyStatus.LIVE,
    )  # fmt: skip
    effort_survey = survey_create_from_template(
        template="effort", title="Call center", touch_point=call_center, status=SurveyStatus.LIVE
    )
    questions = {
        survey.pk: list(survey.questions.prefetch_related("choices"))
        for survey in (nps_survey, effort_survey)
    }
    now = timezone.now()
    events, rows = [], []
    for i in range(responses):
        survey = nps_survey if i % 2 else effort_survey
        contact = contacts[rng.randrange(len(contacts))]
        attributes = (
            {"technician": rng.choice(TECHNICIANS), "order": f"SO-{i}"}
            if survey is nps_survey
            else {"agent": rng.choice(AGENTS), "channel": rng.choice(["phone", "chat"])}
        )
        event = TouchPointEvent(external_id=f"E-{i}", account_id=contact.account_id,
                                contact=contact, touch_point=survey.touch_point,
                                occurred_at=now - timedelta(days=rng.uniform(0, 300)),
                                attributes=attributes)  # fmt: skip
        events.append(event)
        rows.append(Response(survey=survey, contact=contact, account_id=contact.account_id,
                             touch_point=survey.touch_point, event=event, status="completed",
                             language=contact.language,
                             submitted_at=event.occurred_at + timedelta(hours=20)))  # fmt: skip
    TouchPointEvent.objects.bulk_create(events, batch_size=2000)
    Response.objects.bulk_create(rows, batch_size=2000)
    answers = []
    for response in rows:
        common = {"response": response, "survey_id": response.survey_id,
                  "account_id": response.account_id, "touch_point_id": response.touch_point_id,
                  "submitted_at": response.submitted_at}  # fmt: skip
        for question in questions[response.survey_id]:
            answer = Answer(**common, question=question, question_type=question.type)
            if question.type == QuestionType.NPS:
                answer.number = rng.randint(0, 10)
            elif question.type == QuestionType.RATING:
                answer.number = rng.randint(1, 5)
            elif question.type == QuestionType.EFFORT:
                answer.number = rng.randint(1, 7)
            elif question.type == QuestionType.SINGLE_CHOICE:
                answer.choice = rng.choice(list(question.choices.all()))
            else:
                answer.text = rng.choice(COMMENTS)
                if not answer.text:
                    continue
            answers.append(answer)
    Answer.objects.bulk_create(answers, batch_size=5000)
    effort_questions = {q.type: q for q in questions[effort_survey.pk]}
    return {
        "touch_points": [installation, call_center],
        "questions": {
            "effort": effort_questions[QuestionType.EFFORT],
            "resolved": effort_questions[QuestionType.SINGLE_CHOICE],
        },
        "response_ids": [r.pk for r in rows],
        "answers": len(answers),
    }


def evaluate_part(args) -> None:
    env = bench_env(EVAL_DB, CELERY_TASK_ALWAYS_EAGER="false", CELERY_BROKER_URL=BROKER_URL)
    print(f"Creating {EVAL_DB}: {args.responses:,} responses, {args.rules} rules ...", flush=True)
    database_recreate(EVAL_DB)
    migrate(env)
    django_setup(env)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cem_project.celery import app
    from insights.cases.evaluation import response_evaluate, rule_dry_run
    from insights.cases.evaluator import rules_matching
    from insights.cases.facts import active_rules, response_facts
    from insights.cases.models import AlertRule, Case

    data = catalogue_create(args.responses)
    rules_create(count=args.rules, touch_points=data["touch_points"], questions=data["questions"])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    ids = data["response_ids"]
    print(f"  {len(ids):,} responses, {data['answers']:,} answers; load average {load_average()}")

    # The pure evaluator over preloaded facts.
    specs, _rules = active_rules.get()
    facts = response_facts(ids, quadrants=True, revenue=True)
    started = time.perf_counter()
    matched = sum(len(rules_matching(specs, f)) for f in facts.values())
    pure = time.perf_counter() - started
    print(
        f"pure evaluator   {len(ids) / pure:,.0f} responses/s x {len(specs)} rules "
        f"({len(ids) * len(specs) / pure:,.0f} rule checks/s; {matched:,} matches)"
    )

    started = time.perf_counter()
    for start in range(0, len(ids), 500):
        response_facts(ids[start : start + 500], quadrants=True, revenue=True)
    loading = time.perf_counter() - started
    print(f"facts, batched   {len(ids) / loading:,.0f} responses/s (500 per batch, 4 queries)")

    app.conf.task_default_queue = "cem-bench-alerts"
    with CaptureQueriesContext(connection) as sample:
        response_evaluate(response_id=ids[0])
    by_cases: dict[int, list[float]] = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    for response_id in ids[1:]:
        one = time.perf_counter()
        opened = len(response_evaluate(response_id=response_id))
        by_cases.setdefault(min(opened, 2), []).append(time.perf_counter() - one)
    seconds = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu_started) * 1000 / (len(ids) - 1)
    cases = Case.objects.count()
    print(
        f"response_evaluate {(len(ids) - 1) / seconds:,.0f} responses/s with {len(specs)} rules, "
        f"one after another ({cases:,} cases opened, {cases / len(ids):.2f} per response; "
        f"{len(sample)} queries for the first response, which opened "
        f"{Case.objects.filter(response_id=ids[0]).count()} cases)"
    )
    print(
        f"  CPU {cpu_ms:.1f} ms per response in this process (the rest of the wall time waits on"
        f" PostgreSQL and its durable commit: more worker processes overlap those waits)"
    )
    print(
        "  per response: "
        + ", ".join(
            f"{statistics.median(times) * 1000:.1f} ms when it opens "
            f"{'2 or more' if n == 2 else n} case{'s' if n != 1 else ''} ({len(times):,})"
            for n, times in sorted(by_cases.items())
        )
    )
    import redis

    redis.Redis.from_url(BROKER_URL).delete("cem-bench-alerts")

    samples = []
    for rule in AlertRule.objects.all()[:20]:
        started = time.perf_counter()
        rule_dry_run(rule=rule)
        samples.append(time.perf_counter() - started)
    print(
        f"dry run          median {statistics.median(samples) * 1000:.0f} ms, "
        f"max {max(samples) * 1000:.0f} ms per rule over {len(ids):,} responses (20 rules)"
    )
    submit_inprocess(data, blocks=args.blocks)
    print(f"load average     {load_average()}")
    connection.close()


def submit_inprocess(data: dict, *, blocks: int, per_block: int = 200) -> None:
    """`response_submit` in this process, publishing each answer's evaluation to Redis (no
    worker), in alternated blocks with the rules active and inactive: CPU per submit."""
    from datetime import timedelta

    from django.utils import timezone

    from cem_project.celery import app
    from customers.models import Contact
    from insights.cases.models import AlertRule
    from surveys.constants import QuestionType
    from surveys.models import Invitation, Survey
    from surveys.selectors.questions import survey_questions
    from surveys.services.responses import response_submit

    app.conf.task_default_queue = "cem-bench-alerts"
    survey = Survey.objects.get(touch_point=data["touch_points"][0])
    questions = {q.type: q.pk for q in survey_questions(survey=survey)}
    now = timezone.now()
    accounts = list(Contact.objects.values_list("account_id", flat=True).distinct())
    contacts = Contact.objects.bulk_create(
        Contact(account_id=accounts[i % len(accounts)], name=f"Respondent {i}",
                email=f"r{i}@bench.example")
        for i in range(blocks * 2 * per_block)
    )  # fmt: skip
    invitations = Invitation.objects.bulk_create(
        Invitation(survey=survey, contact=contact, status="sent", sent_at=now,
                   expires_at=now + timedelta(days=30), attempts=1)
        for contact in contacts
    )  # fmt: skip
    rng = random.Random(3)
    samples: dict[bool, list[float]] = {True: [], False: []}
    for block in range(blocks * 2):
        active = block % 4 in (1, 2)  # off, on, on, off, ...: no order effect
        AlertRule.objects.update(is_active=active)
        batch = invitations[block * per_block : (block + 1) * per_block]
        started = time.process_time()
        for invitation in batch:
            answers = {questions[QuestionType.NPS]: rng.randint(0, 10),
                       questions[QuestionType.RATING]: rng.randint(1, 5)}  # fmt: skip
            response_submit(invitation=invitation, answers=answers, language="en")
        samples[active].append((time.process_time() - started) * 1000 / len(batch))
    import redis

    redis.Redis.from_url(BROKER_URL).delete("cem-bench-alerts")
    print(
        f"submit, in-process  CPU per submit {statistics.median(samples[False]):.2f} ms with the "
        f"rules inactive, {statistics.median(samples[True]):.2f} ms with {args_rules()} active "
        f"(median of {blocks} blocks of {per_block} each; the answer's evaluation is published)"
    )


def args_rules() -> int:
    from insights.cases.models import AlertRule

    return AlertRule.objects.count()


# ------------------------------------------------------------------ part 2: the submit


def worker_start(env: dict, log_name: str, concurrency: int = 2) -> subprocess.Popen:
    log = open(WORK_DIR / log_name, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cem_project", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def worker_stop(process: subprocess.Popen) -> None:
    import signal

    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def backend_pids() -> list[int]:
    """PostgreSQL backends serving the submit database (a local server: /proc is theirs)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [SUBMIT_DB],
        )
        pids = [row[0] for row in cursor.fetchall()]
    connection.close()
    return pids


def submit_run(args, *, rules: int, worker_during: bool) -> dict:
    import redis
    import submit_load as sl

    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()  # BENCH_BROKER_URL is this benchmark's own Redis database
    env = bench_env(
        SUBMIT_DB, CELERY_TASK_ALWAYS_EAGER="false", CELERY_BROKER_URL=BROKER_URL,
        EMAIL_FILE_PATH=str(WORK_DIR / "mail"),
    )  # fmt: skip
    database_recreate(SUBMIT_DB)
    migrate(env)
    django_setup(env)
    from django.contrib.auth import get_user_model
    from django.db import connections

    from customers.models import TouchPoint
    from insights.cases.models import Case, ResponseEvaluation
    from surveys.models import Response

    fixtures = sl.fixtures_create(args.invitations)
    touch_point = TouchPoint.objects.get(code="installation")
    touch_point.specialist = get_user_model().objects.create(
        username="specialist", email="s@bench.example", is_staff=True
    )
    touch_point.save()
    rules_create(count=rules, touch_points=[touch_point], questions={})
    connections.close_all()
    tokens = fixtures["tokens"]
    (WORK_DIR / "tokens.txt").write_text("\n".join(tokens) + "\n")
    script = WORK_DIR / "submit.lua"
    script.write_text(sl.LUA % {"tokens": WORK_DIR / "tokens.txt", "threads": 2,
                                "q_nps": fixtures["q_nps"], "q_rating": fixtures["q_rating"],
                                "q_text": fixtures["q_text"]})  # fmt: skip
    worker = worker_start(env, "alerts-worker.log") if worker_during else None
    gunicorn = sl.gunicorn_start(env, args.port, 2, 1)
    load_before = load_average()
    try:
        subprocess.run([args.wrk, "-t1", "-c2", "-d2s", f"http://{HOST}:{args.port}/admin/login/"],
                       stdout=subprocess.DEVNULL, check=True)  # fmt: skip
        workers = sl.worker_pids(gunicorn.pid)
        cpu_before = sl.cpu_seconds(workers), sl.cpu_seconds(backend_pids())
        run = subprocess.run(
            [args.wrk, "-t2", f"-c{args.connections}", f"-d{args.duration}s", "--timeout", "10s",
             "-s", str(script), f"http://{HOST}:{args.port}"],
            capture_output=True, text=True, timeout=args.duration + 60, check=False,
        )  # fmt: skip
        cpu_after = sl.cpu_seconds(workers), sl.cpu_seconds(backend_pids())
    finally:
        sl.gunicorn_stop(gunicorn)
    load_after = load_average()
    line = next((ln for ln in run.stdout.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if line is None:
        print(run.stdout, run.stderr)
        sys.exit("wrk printed no result")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    stored = Response.objects.filter(survey_id=fixtures["survey_id"]).count()
    started = time.monotonic()
    worker = worker or worker_start(env, "alerts-worker.log")
    try:
        deadline = started + 300
        while ResponseEvaluation.objects.count() < stored and time.monotonic() < deadline:
            time.sleep(0.5)
        drained = time.monotonic() - started
    finally:
        worker_stop(worker)
    evaluated = ResponseEvaluation.objects.count()
    cases = Case.objects.count()
    connections.close_all()
    ok = result["statuses"].get("200", 0)
    return {
        "cpu_ms": sl.cpu_used(cpu_before[0], cpu_after[0]) * 1000 / max(ok, 1),
        "pg_ms": sl.cpu_used(cpu_before[1], cpu_after[1]) * 1000 / max(ok, 1),
        "rules": rules,
        "worker_during": worker_during,
        "rate": ok / (result["duration_us"] / 1e6),
        "p50": result["p50_us"] / 1000,
        "p95": result["p95_us"] / 1000,
        "stored": stored,
        "evaluated": evaluated,
        "cases": cases,
        "drained": drained,
        "load": f"{load_before} -> {load_after}",
    }


def submit_part(args) -> None:
    import submit_load as sl

    args.wrk = sl.wrk_ensure()
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    # Alternated, so that both configurations see the same background load; CPU per submit
    # (gunicorn workers and their PostgreSQL backends, from /proc) is the load-independent figure.
    pair = [(0, False), (args.rules, False)]
    runs = [*(pair if n % 2 == 0 else pair[::-1] for n in range(args.rounds))]
    runs = [run for p in runs for run in p] + [(args.rules, True)]
    results = []
    for rules, during in runs:
        label = f"{rules} rules" + (", worker during the load" if during else "")
        print(f"\nSubmit load, {label}: {args.duration} s, {args.connections} connections ...",
              flush=True)  # fmt: skip
        r = submit_run(args, rules=rules, worker_during=during)
        results.append((label, r))
        print(
            f"  submits/s {r['rate']:,.0f}   p50 {r['p50']:.0f} ms   p95 {r['p95']:.0f} ms   "
            f"CPU/submit {r['cpu_ms']:.1f} ms gunicorn + {r['pg_ms']:.1f} ms PostgreSQL   "
            f"stored {r['stored']:,}, evaluated {r['evaluated']:,} "
            f"({'all' if r['evaluated'] == r['stored'] else 'NOT all'}), {r['cases']:,} cases; "
            f"evaluations done {r['drained']:.1f} s after the load; load average {r['load']}"
        )
    print("\nsummary (median of the runs of each configuration)")
    by_label: dict[str, list[dict]] = {}
    for label, r in results:
        by_label.setdefault(label, []).append(r)
    for label, rows in by_label.items():
        med = {k: statistics.median(r[k] for r in rows) for k in ("rate", "p95", "cpu_ms", "pg_ms")}
        print(
            f"  {label:<40} {med['rate']:>6,.0f} submits/s, p95 {med['p95']:.0f} ms, "
            f"CPU/submit {med['cpu_ms']:.1f} + {med['pg_ms']:.1f} ms ({len(rows)} runs)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--invitations", type=int, default=8000)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--rounds", type=int, default=2, help="alternated no-rules/rules runs")
    parser.add_argument("--blocks", type=int, default=3, help="in-process submit blocks each")
    parser.add_argument("--skip-submit", action="store_true")
    parser.add_argument("--skip-evaluate", action="store_true")
    args = parser.parse_args()
    if not 10 <= args.responses <= 200_000 or not 1 <= args.rules <= 500:
        sys.exit("--responses must be 10..200,000 and --rules 1..500")
    if args.duration > 120 or not 3 <= args.invitations <= 200_000:
        sys.exit("--duration is capped at 120 s, --invitations at 200,000")
    print(f"load average {load_average()} ({os.cpu_count()} CPUs)")
    if not args.skip_evaluate:
        # Each part sets up Django for its own database: run them in child processes.
        child = [sys.executable, __file__, *sys.argv[1:], "--skip-submit"]
        if not args.skip_submit:
            subprocess.run(child, check=True)
        else:
            evaluate_part(args)
    if not args.skip_submit:
        submit_part(args)
    return 0


if __name__ == "__main__":
    Path(WORK_DIR).mkdir(parents=True, exist_ok=True)
    sys.exit(main())
