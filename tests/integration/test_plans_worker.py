"""A real Celery worker on Redis with a real SMTP server: beat's monthly-pack task published
twice makes one pack per vertical market and one mail to its general manager; a shared plan's
link and the team's notice of an acknowledgement go out once each.

Same set-up as test_celery_worker.py (its fixtures are reused), with the review meeting due
every day in the worker's settings.
"""

import time
from datetime import date

import pytest

from insights.plans.constants import ReportKind, ReportStatus
from insights.plans.models import PlanShare, Report
from insights.plans.services.contents import action_create
from insights.plans.services.plans import action_plan_create, action_plan_publish
from insights.plans.services.sharing import plan_acknowledge
from insights.plans.tasks import monthly_packs_due_task
from tests.factories import AccountFactory, ContactFactory, UserFactory, VerticalMarketFactory
from tests.integration.test_celery_worker import (  # noqa: F401 (fixtures)
    _redis,
    _wait_for,
    queue,
    worker,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def routed(monkeypatch, queue):  # noqa: F811
    """The tasks the worker itself publishes (a pack after its schedule, a notice after an
    acknowledgement) go to this test's queue too (CELERY_TASK_DEFAULT_QUEUE)."""
    monkeypatch.setenv("CELERY_TASK_DEFAULT_QUEUE", queue)


@pytest.fixture
def review_every_day(monkeypatch):
    # Read by the worker's settings (cem_project/settings/base.py) when it starts.
    monkeypatch.setenv("CEM_REVIEW_MEETING_DAY", "1")
    monkeypatch.setenv("CEM_REVIEW_PACK_LEAD_DAYS", "0")


def test_beat_published_twice_makes_one_pack_and_one_mail_per_market(
    routed,
    review_every_day,
    worker,  # noqa: F811
    queue,  # noqa: F811
    smtp_sink,
):
    gm = UserFactory(username="gm.health", email="gm@hitouch.example")
    market = VerticalMarketFactory(name="Healthcare", code="healthcare")
    AccountFactory(vertical_market=market, general_manager=gm)
    monthly_packs_due_task.delay()
    monthly_packs_due_task.delay()

    packs = Report.objects.filter(kind=ReportKind.MONTHLY_PACK)
    _wait_for(
        lambda: packs.filter(status=ReportStatus.DONE).exists() and smtp_sink.messages, worker
    )
    broker = _redis()
    _wait_for(lambda: broker.llen(queue) == 0, worker)
    time.sleep(1)  # the second beat's task may still be in the worker's hands
    try:
        assert packs.count() == 1
        assert [m["X-Envelope-To"] for m in smtp_sink.messages] == ["gm@hitouch.example"]
        assert packs.get().file.read().startswith(b"%PDF")
    finally:
        for pack in packs:
            pack.file.delete(save=False)


def test_a_shared_plans_link_and_the_teams_notice_go_out_once(
    routed,
    worker,  # noqa: F811
    queue,  # noqa: F811
    smtp_sink,
):
    member = UserFactory(username="am.team", email="team@hitouch.example")
    account = AccountFactory()
    account.account_team.add(member)
    contact = ContactFactory(account=account, email="cio@customer.example", language="fa")
    plan = action_plan_create(
        account=account,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        created_by=member,
    )
    action_create(plan=plan, user=member, title="Revisit every site")
    action_plan_publish(plan=plan, user=member, contacts=[contact])
    _wait_for(lambda: len(smtp_sink.messages) >= 1, worker)
    plan_acknowledge(share=PlanShare.objects.get(plan=plan))
    plan_acknowledge(share=PlanShare.objects.get(plan=plan))  # a double click
    _wait_for(lambda: len(smtp_sink.messages) >= 2, worker)
    _wait_for(lambda: _redis().llen(queue) == 0, worker)
    time.sleep(1)
    assert [m["X-Envelope-To"] for m in smtp_sink.messages] == [
        "cio@customer.example",
        "team@hitouch.example",
    ]
