"""Wave send: create a 100,000-contact relationship-style send, then mail part of it for real.

    .venv/bin/python bench/wave_send.py [--contacts 100000] [--send 10000] [--workers 2]
        [--timeout 120]

Set-up: a PostgreSQL database of its own (cem_bench_wave, recreated each run; metrics_scale.py
owns cem_bench), 10 contacts per account, one live relationship survey. Production settings
(DEBUG off), the rules on (opt-out, contact fatigue, account budget: 10 contacts per account
stays within CEM_ACCOUNT_MAX_INVITATIONS=10).

1. Creation: `distribution_create` for all contacts, timed from the call to the commit: the
   rule queries, one token per row from the CSPRNG, bulk INSERTs. Goal >= 20,000 rows/s.
2. Publishing: the first --send ids published to Redis (127.0.0.1:6379/12, a queue of its
   own) by `invitations_enqueue`, as chunk tasks of SEND_CHUNK_SIZE ids, timed; the rest stay
   PENDING for the dispatcher (not run here).
3. Sending: --workers Celery worker processes (prefork) on that queue mail the published
   invitations to a local SMTP sink (aiosmtpd in a subprocess on 127.0.0.1, counting
   messages and connections). Timed from the first to the last SENT row; stops after
   --timeout seconds.

Prints rows/s for creation, ids/s for publishing and emails/s for sending, the count in the
sink against the SENT rows, the SMTP connections used, the time the whole 100,000 would take
at that rate, and the load average before and after (a shared 2-core machine: note it).
Loopback only; the queue is deleted and the workers stopped at the end.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from _common import ROOT, bench_env, database_recreate, django_setup, migrate  # noqa: E402

DB_NAME = os.environ.get("BENCH_WAVE_DB", "cem_bench_wave")
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
CONTACTS_PER_ACCOUNT = 10
GOAL_CREATE_RATE = 20_000

SINK = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from aiosmtpd.controller import Controller

    count_file = Path(sys.argv[2])

    class Counter:
        count = 0
        connections = 0
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            session.host_name = hostname
            Counter.connections += 1
            return responses
        async def handle_DATA(self, server, session, envelope):
            Counter.count += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    try:
        while True:
            count_file.write_text(f"{Counter.count} {Counter.connections}")
            time.sleep(0.2)
    finally:
        controller.stop()
    """
)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(contacts: int) -> None:
    from django.db import connection

    from customers.models import VerticalMarket
    from surveys.constants import SurveyKind, SurveyStatus
    from surveys.models import Survey

    market = VerticalMarket.objects.create(name="Bench", code="bench")
    accounts = -(-contacts // CONTACTS_PER_ACCOUNT)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO customers_account (name, external_id, vertical_market_id, status,
                   created_at)
               SELECT 'Account ' || n, 'BENCH-' || n, %s, 'active', now()
               FROM generate_series(1, %s) AS n""",
            [market.pk, accounts],
        )
        cursor.execute(
            """INSERT INTO customers_contact (account_id, name, email, language, role,
                   is_key_contact, opted_out, created_at)
               SELECT a.id, 'Contact ' || a.id || '-' || k, 'c' || a.id || '-' || k
                   || '@bench.example', 'en', '', k = 1, false, now()
               FROM customers_account a CROSS JOIN generate_series(1, %s) AS k
               ORDER BY a.id, k LIMIT %s""",
            [CONTACTS_PER_ACCOUNT, contacts],
        )
        cursor.execute("ANALYZE")
    Survey.objects.create(
        kind=SurveyKind.RELATIONSHIP,
        title="Relationship bench",
        slug="relationship-bench",
        status=SurveyStatus.LIVE,
    )


def create(contacts: int) -> tuple[int, float, list[int]]:
    """distribution_create over every contact; the enqueue after commit is captured, not run."""
    from django.db import transaction

    from customers.models import Contact
    from surveys.models import Survey
    from surveys.services.invitations import distribution_create, ledger

    captured: list[int] = []
    real_enqueue = ledger.invitations_enqueue
    ledger.invitations_enqueue = lambda *, invitation_ids: captured.extend(invitation_ids)
    try:
        audience = list(Contact.objects.all()[:contacts])
        started = time.perf_counter()
        with transaction.atomic():
            distribution = distribution_create(
                survey=Survey.objects.get(), contacts=audience, name="Bench wave"
            )
        elapsed = time.perf_counter() - started
    finally:
        ledger.invitations_enqueue = real_enqueue
    return distribution.invitations.count(), elapsed, captured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    queue = f"bench-wave-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = bench_env(
        DB_NAME,
        CELERY_TASK_ALWAYS_EAGER="false",
        CELERY_BROKER_URL=BROKER_URL,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="false",
        CEM_SEND_LEASE_SECONDS="660",
    )
    print(f"Database {DB_NAME}: recreating and migrating...", flush=True)
    database_recreate(DB_NAME)
    migrate(env)
    django_setup(env)

    from celery import current_app
    from django.db.models import Max, Min

    from surveys.constants import InvitationStatus
    from surveys.models import Invitation
    from surveys.services.invitations import SEND_CHUNK_SIZE, invitations_enqueue

    print(f"Load average at the start: {load_average()}")
    started = time.perf_counter()
    seed(args.contacts)
    print(f"Seeded {args.contacts:,} contacts in {time.perf_counter() - started:.1f} s")

    rows, elapsed, pending_ids = create(args.contacts)
    rate = rows / elapsed
    verdict = "meets" if rate >= GOAL_CREATE_RATE else "MISSES"
    print(
        f"Created {rows:,} invitations in {elapsed:.2f} s: {rate:,.0f} rows/s"
        f" ({verdict} the goal of {GOAL_CREATE_RATE:,}/s)"
    )

    to_send = pending_ids[: args.send]
    current_app.conf.update(task_default_queue=queue, broker_url=BROKER_URL)
    started = time.perf_counter()
    invitations_enqueue(invitation_ids=to_send)
    elapsed = time.perf_counter() - started
    chunks = -(-len(to_send) // SEND_CHUNK_SIZE)
    print(
        f"Published {len(to_send):,} ids as {chunks:,} chunk tasks of {SEND_CHUNK_SIZE} in"
        f" {elapsed:.2f} s: {len(to_send) / elapsed:,.0f} ids/s"
    )

    work = Path(tempfile.mkdtemp(prefix="cem-bench-wave-"))
    count_file = work / "count"
    sink = subprocess.Popen(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", SINK, str(port), str(count_file)], cwd=ROOT
    )
    worker_log = (work / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603 (fixed argv)
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cem_project",
            "worker",
            "--pool=prefork",
            f"--concurrency={args.workers}",
            f"--queues={queue}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sent_rows = Invitation.objects.filter(pk__in=to_send, status=InvitationStatus.SENT)
    deadline = time.monotonic() + args.timeout
    try:
        while sent_rows.count() < len(to_send) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        os.kill(worker.pid, signal.SIGTERM)  # warm shutdown: the main process only
        worker.wait(timeout=30)
        time.sleep(0.5)
        sink.terminate()
        sink.wait(timeout=10)
        import redis

        redis.Redis.from_url(BROKER_URL).delete(queue)

    sent = sent_rows.count()
    span = sent_rows.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    counts = count_file.read_text().split() if count_file.exists() else []
    in_sink, connections = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    if sent < 2:
        print(f"Only {sent} sent before the timeout; see {work / 'worker.log'}")
        return 1
    seconds = (span["last"] - span["first"]).total_seconds()
    send_rate = (sent - 1) / seconds
    print(
        f"Sent {sent:,} of {len(to_send):,} with {args.workers} worker processes in"
        f" {seconds:.1f} s: {send_rate:,.0f} emails/s; the SMTP sink counted {in_sink:,}"
        f" messages over {connections:,} connections"
    )
    print(
        f"At that rate the whole wave of {rows:,} takes about {rows / send_rate / 60:.1f} min"
        f" (extrapolated, not measured)"
    )
    duplicates = in_sink - sent
    print(f"Sink minus SENT rows: {duplicates} (0 means no message was sent twice or lost)")
    print(f"Load average at the end: {load_average()}")
    return 0 if rate >= GOAL_CREATE_RATE and duplicates == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
