"""A real Celery worker on Redis sends a real distribution to a real SMTP server.

The worker is a subprocess using the test settings; it opens the test database through
DATABASE_URL (a file for SQLite, the test_ database for PostgreSQL), so the test commits for
real (`transactional_db`). It consumes a queue of its own, so other workers on the same Redis
database cannot take its messages.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from urllib.parse import quote

import kombu.pools
import pytest
from django.conf import settings
from django.db import connection

from cem_project.celery import app
from surveys.constants import InvitationStatus
from surveys.models import Invitation
from surveys.services.invitations import distribution_create, invitations_enqueue
from tests.factories import ContactFactory, SurveyFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BROKER_URL = os.environ.get("CEM_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
DEADLINE_SECONDS = 25


def _redis():
    import redis

    client = redis.Redis.from_url(BROKER_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is unreachable at {BROKER_URL}: {exc}")
    return client


def _database_url() -> str:
    """The test database as the worker must see it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def queue():
    """Publish from this process to Redis, not eagerly, on a queue of this test's own."""
    redis_client = _redis()
    name = f"cem-test-{uuid.uuid4().hex[:8]}"
    saved = {
        key: app.conf[key] for key in ("task_always_eager", "broker_url", "task_default_queue")
    }
    app.conf.update(task_always_eager=False, broker_url=BROKER_URL, task_default_queue=name)
    # Connections made for another broker URL must not be reused; kombu also keeps producer
    # pools per URL process-wide, bound to the connection pool an earlier test closed.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield name
    finally:
        app.conf.update(saved)
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        kombu.pools.reset()
        redis_client.delete(name)


@pytest.fixture
def worker(queue, smtp_sink):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cem_project.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": smtp_sink.host,
        "EMAIL_PORT": str(smtp_sink.port),
        "EMAIL_USE_TLS": "false",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cem_project",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        f"--queues={queue}",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 (fixed argv)
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        process.log = log
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def _worker_log(process) -> str:
    process.log.seek(0)
    return process.log.read().decode(errors="replace")[-4000:]


def _wait_for(condition, process) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        assert process.poll() is None, f"worker exited:\n{_worker_log(process)}"
        assert time.monotonic() < deadline, f"timed out; worker log:\n{_worker_log(process)}"
        time.sleep(0.2)


def test_a_real_worker_sends_each_invitation_of_a_distribution_exactly_once(
    worker, queue, smtp_sink
):
    contacts = ContactFactory.create_batch(5)
    distribution = distribution_create(survey=SurveyFactory(), contacts=contacts)
    invitations = distribution.invitations.all()
    # Redelivery: every send task published a second time must not mail anyone twice.
    invitations_enqueue(invitation_ids=list(invitations.values_list("pk", flat=True)))

    def all_sent() -> bool:
        statuses = list(invitations.values_list("status", flat=True))
        return statuses == [InvitationStatus.SENT] * 5 and len(smtp_sink.messages) >= 5

    _wait_for(all_sent, worker)
    broker = _redis()
    _wait_for(lambda: broker.llen(queue) == 0, worker)
    time.sleep(1)  # the last duplicate may still be in the worker's hands

    recipients = sorted(m["X-Envelope-To"] for m in smtp_sink.messages)
    assert recipients == sorted(c.email for c in contacts)
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == 5
    assert set(Invitation.objects.values_list("attempts", flat=True)) == {1}
    # One chunk task over one SMTP connection; the duplicate chunk found nothing to send.
    assert smtp_sink.connections == 1
