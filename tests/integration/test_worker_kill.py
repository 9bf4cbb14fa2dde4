"""Fault injection with a real prefork worker on Redis and a real, slow SMTP server.

security-and-faults cases 18, 21 and 22: `kill -9` of a worker mid-send, and Redis losing its
queue mid-wave. The database is the ledger: after recovery every invitation is SENT and the
SMTP server holds exactly one accepted message per invitation.

How the kill is aimed: the SMTP sink itself pulls the trigger while it holds a message in DATA
(it sleeps 50 ms per message), so the worker always dies mid-conversation, the hardest moment.
The sink accepts a message only if the client is still connected when it answers (aiosmtpd
cancels the handler when the connection drops); a message whose sender died before the "250"
is counted as abandoned. What remains impossible in SMTP, for anyone: a crash after the server's
"250" and before our UPDATE ... SENT would resend that one message (with the same Message-ID,
which mailbox providers collapse); the send marks SENT before QUIT to keep that window to one
UPDATE, and this test never aims there.

The sends travel as chunk tasks (`invitations_send_chunk`: one SMTP connection per chunk, a
claim and a SENT mark per row), so a kill lands in the middle of a chunk: the redelivered
chunk must send the rest of it and nothing it already sent, and the row in flight comes back
through the dispatcher when its lease runs out.

Time-bounded: 200 invitations, short leases (CEM_SEND_LEASE_SECONDS) and visibility timeout
set through the environment; each test gives up after DEADLINE_SECONDS.
"""

import asyncio
import base64
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from surveys.constants import InvitationStatus
from surveys.models import Invitation
from surveys.services.invitations import distribution_create, invitations_claim_due
from surveys.services.invitations import invitations_enqueue as enqueue
from tests.conftest import free_port
from tests.factories import ContactFactory, SurveyFactory
from tests.integration.test_celery_worker import (  # noqa: F401 (queue is a fixture)
    BROKER_URL,
    _database_url,
    _redis,
    queue,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

INVITATIONS = 200
LEASE_SECONDS = 5
VISIBILITY_TIMEOUT = 8
DEADLINE_SECONDS = 75
DATA_DELAY = 0.05


class SlowSink:
    """aiosmtpd handler: every DATA takes 50 ms; `on_message(n)` runs as message n arrives."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", free_port()
        self.accepted: list[tuple[str, str]] = []  # (Message-ID, recipient)
        self.abandoned = 0
        self.arrived = 0
        self.on_message = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        import email
        from email import policy

        with self.lock:
            self.arrived += 1
            number = self.arrived
        if self.on_message is not None:
            self.on_message(number)
        try:
            await asyncio.sleep(DATA_DELAY)
        except asyncio.CancelledError:  # the client vanished mid-DATA
            self.abandoned += 1
            raise
        if server.transport is None or server.transport.is_closing():
            self.abandoned += 1
            return "421 Connection lost"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted.append((message["Message-ID"], ",".join(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def slow_sink():
    from aiosmtpd.controller import Controller

    sink = SlowSink()
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def short_lease(settings):
    settings.CEM_SEND_LEASE_SECONDS = LEASE_SECONDS


class Worker:
    """A prefork worker (concurrency 1) in its own process group, restartable."""

    def __init__(self, queue_name: str, sink: SlowSink) -> None:
        self.queue = queue_name
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cem_project.settings.test",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CEM_SEND_LEASE_SECONDS": str(LEASE_SECONDS),
            "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": sink.host,
            "EMAIL_PORT": str(sink.port),
            "EMAIL_USE_TLS": "false",
            "LOG_LEVEL": "WARNING",
        }
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the fixture)
        self.process: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        command = [
            sys.executable, "-m", "celery", "-A", "cem_project", "worker",
            "--pool=prefork", "--concurrency=1", f"--queues={self.queue}",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel=WARNING", f"--hostname=kill-test-{self.starts}@%h",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 (fixed argv)
            command,
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1

    def children(self) -> list[int]:
        pid = self.process.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def kill_child(self) -> None:
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)

    def kill_all(self) -> None:
        """Main process and children at once, as if the machine died."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill_all()

    def tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]


@pytest.fixture
def worker_factory(queue, slow_sink):  # noqa: F811
    workers: list[Worker] = []

    def make() -> Worker:
        worker = Worker(queue, slow_sink)
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()
        worker.log.close()


def _send_wave() -> list[int]:
    contacts = ContactFactory.create_batch(INVITATIONS)
    distribution = distribution_create(survey=SurveyFactory(), contacts=contacts)
    return list(distribution.invitations.values_list("pk", flat=True))


def _run_until_sent(ids: list[int], worker: Worker, *, tick=None) -> None:
    """Act as beat: run the dispatcher every second until every row is SENT."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    rows = Invitation.objects.filter(pk__in=ids)
    while rows.exclude(status=InvitationStatus.SENT).exists():
        assert time.monotonic() < deadline, (
            f"timed out: {Counter(rows.values_list('status', flat=True))}\n{worker.tail()}"
        )
        if tick is not None:
            tick()
        enqueue(invitation_ids=invitations_claim_due())
        time.sleep(1)


def _assert_exactly_once(sink: SlowSink, ids: list[int]) -> None:
    rows = Invitation.objects.filter(pk__in=ids).select_related("contact")
    assert Counter(rows.values_list("status", flat=True)) == {InvitationStatus.SENT: INVITATIONS}
    by_message_id = Counter(message_id for message_id, _rcpt in sink.accepted)
    by_recipient = Counter(rcpt for _mid, rcpt in sink.accepted)
    assert len(sink.accepted) == INVITATIONS, f"duplicates: {by_message_id.most_common(3)}"
    assert set(by_message_id.values()) == {1}
    assert set(by_recipient) == {row.contact.email for row in rows}
    assert set(by_recipient.values()) == {1}


def test_kill_9_of_the_worker_mid_send_loses_and_duplicates_nothing(
    short_lease, slow_sink, worker_factory
):
    worker = worker_factory()
    kills: list[str] = []

    def aim(number: int) -> None:
        # Message 40 is in DATA: kill the pool process that is sending it.
        if number == 40:
            kills.append("child")
            worker.kill_child()
        # Message 120: the whole worker, main process included, dies mid-DATA.
        elif number == 120:
            kills.append("worker")
            os.killpg(worker.process.pid, signal.SIGKILL)

    slow_sink.on_message = aim
    worker.start()
    ids = _send_wave()

    def restart_if_dead() -> None:
        if worker.process.poll() is not None:
            worker.start()

    _run_until_sent(ids, worker, tick=restart_if_dead)

    assert kills == ["child", "worker"]
    assert worker.starts == 2
    assert slow_sink.abandoned >= 2  # both kills landed mid-DATA
    time.sleep(2)  # a redelivered duplicate task, if any, runs now and must be a no-op
    _assert_exactly_once(slow_sink, ids)
    attempts = Counter(Invitation.objects.filter(pk__in=ids).values_list("attempts", flat=True))
    assert attempts[1] >= INVITATIONS - 2
    assert sum(attempts.values()) == INVITATIONS


def _invitation_ids(message: dict) -> list[int]:
    """The invitation ids a chunk task message carries (kombu: base64 JSON [args, kwargs])."""
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    return list(args[0])


def test_redis_losing_its_queue_mid_wave_is_recovered_by_the_dispatcher(
    short_lease,
    slow_sink,
    worker_factory,
    queue,  # noqa: F811
    monkeypatch,
):
    from surveys.services.invitations import ledger

    monkeypatch.setattr(ledger, "SEND_CHUNK_SIZE", 20)  # ten chunk tasks for the wave
    worker = worker_factory()
    broker = _redis()
    purged: list[int] = []  # ids in the lost messages, queued ones first

    def purge(number: int) -> None:
        # Redis restarts without persistence: the queue and this queue's unacked messages vanish.
        if number != 40:
            return
        for payload in broker.lrange(queue, 0, -1):
            purged.extend(_invitation_ids(json.loads(payload)))
        broker.delete(queue)
        for tag, payload in broker.hgetall("unacked").items():
            message, _exchange, routing_key = json.loads(payload)
            if routing_key == queue:
                purged.extend(_invitation_ids(message))
                broker.hdel("unacked", tag)
                broker.zrem("unacked_index", tag)

    slow_sink.on_message = purge
    worker.start()
    ids = _send_wave()

    _run_until_sent(ids, worker)

    # Most of the wave was still queued when it was lost (message 40 is in the second chunk).
    assert len(purged) >= INVITATIONS - 40 and len(set(purged)) == len(purged)
    time.sleep(2)
    _assert_exactly_once(slow_sink, ids)
    assert slow_sink.abandoned == 0
