"""The closed loop with a real Celery worker on Redis and a real SMTP server: an answer is
stored, the worker evaluates the rules after commit, opens the case for the right owner and
mails them; duplicates open nothing; the SLA escalates to the general manager once.

The worker is a subprocess on the test database (see test_celery_worker.py, whose `queue`
fixture is reused). Unlike the sending tests, the worker here publishes tasks itself (the
owner's mail after the case's commit), so it is started with this test's queue as its
default queue too.
"""

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F
from rest_framework.test import APIClient

from insights.cases.constants import CaseEventKind, CaseState, RootCause
from insights.cases.models import Case, CaseEvent, ResponseEvaluation
from insights.cases.tasks import cases_escalate_due_task, response_evaluate_task
from tests.insights.cases.conftest import _fresh_rules, at_risk_history, world  # noqa: F401
from tests.integration.test_celery_worker import (  # noqa: F401 (fixtures)
    BROKER_URL,
    _database_url,
    _redis,
    _wait_for,
    _worker_log,
    queue,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

WORKER = """
import sys
from cem_project.celery import app
app.conf.task_default_queue = sys.argv[1]
app.worker_main(["worker", "--pool=solo", "--concurrency=1", "--queues=" + sys.argv[1],
                 "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"])
"""


@pytest.fixture
def worker(queue, smtp_sink):  # noqa: F811
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
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 (fixed argv)
            [sys.executable, "-c", WORKER, queue],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
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


def _drain(queue_name, worker) -> None:  # noqa: F811
    broker = _redis()
    _wait_for(lambda: broker.llen(queue_name) == 0, worker)
    time.sleep(1)  # the last message may still be in the worker's hands


def test_a_detractor_opens_one_case_for_the_right_owner_and_mails_them(
    world,  # noqa: F811
    worker,
    queue,  # noqa: F811
    smtp_sink,
):
    detractor = world.submit(nps=2, comment="The installer left a mess.")
    _wait_for(lambda: Case.objects.exists() and len(smtp_sink.messages) >= 1, worker)

    case = Case.objects.get()
    assert (case.response, case.owner, case.rule) == (detractor, world.specialist, world.rule)
    [mail] = smtp_sink.messages
    assert mail["X-Envelope-To"] == world.specialist.email
    body = mail.get_body(("plain",)).get_content()
    assert f"http://testserver/cases/{case.pk}/" in body
    assert "The installer left a mess." in body

    # A promoter opens nothing; a redelivered evaluation opens no duplicate.
    promoter = world.submit(nps=10)
    response_evaluate_task.delay(detractor.pk)
    response_evaluate_task.delay(detractor.pk)
    _wait_for(lambda: ResponseEvaluation.objects.filter(response=promoter).exists(), worker)
    _drain(queue, worker)
    assert Case.objects.count() == 1
    assert len(smtp_sink.messages) == 1

    # An At-risk account's detractor goes straight to its general manager.
    world.submit(account=world.account_b, nps=5)
    _wait_for(lambda: Case.objects.count() == 2 and len(smtp_sink.messages) == 2, worker)
    at_risk = Case.objects.get(account=world.account_b)
    assert at_risk.owner == world.gm_b
    assert smtp_sink.messages[1]["X-Envelope-To"] == world.gm_b.email

    # The owner of another team sees neither the page nor the API object.
    other = APIClient()
    other.force_login(world.member_b)
    assert other.get(f"/cases/{case.pk}/").status_code == 404
    assert other.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    listed = other.get("/api/v1/cases/").json()["results"]
    assert [row["id"] for row in listed] == [at_risk.pk]


def test_an_unacknowledged_case_escalates_once_and_closing_records_the_loop(
    world,  # noqa: F811
    worker,
    queue,  # noqa: F811
    smtp_sink,
):
    world.submit(nps=1)
    _wait_for(lambda: len(smtp_sink.messages) == 1, worker)
    case = Case.objects.get()

    cases_escalate_due_task.delay()  # within the SLA: nothing to escalate
    _drain(queue, worker)
    assert Case.objects.get().escalated_at is None

    # The clock moves past the SLA: the case was opened sla_hours and a minute ago.
    shift = timedelta(hours=world.rule.sla_hours, minutes=1)
    Case.objects.filter(pk=case.pk).update(
        opened_at=F("opened_at") - shift, due_at=F("due_at") - shift
    )
    cases_escalate_due_task.delay()
    cases_escalate_due_task.delay()  # a doubled beat
    _wait_for(lambda: len(smtp_sink.messages) >= 2, worker)
    _drain(queue, worker)

    case.refresh_from_db()
    assert case.escalated_to == world.gm_a and case.escalated_at is not None
    assert CaseEvent.objects.filter(case=case, kind=CaseEventKind.ESCALATED).count() == 1
    assert len(smtp_sink.messages) == 2
    escalation = smtp_sink.messages[1]
    assert escalation["X-Envelope-To"] == world.gm_a.email
    assert "Escalated" in escalation["Subject"]

    owner = APIClient()
    owner.force_login(world.specialist)
    closed = owner.post(
        f"/cases/{case.pk}/transition/",
        {"to_state": "closed", "root_cause": RootCause.PROCESS, "customer_contacted": "yes"},
    )
    assert closed.status_code == 302, _worker_log(worker)
    case.refresh_from_db()
    assert (case.state, case.root_cause, case.customer_contacted) == (
        CaseState.CLOSED, RootCause.PROCESS, True,
    )  # fmt: skip
