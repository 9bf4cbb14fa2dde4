"""After an answer is stored, the active rules run once and open one case per match."""

from datetime import timedelta

import pytest
from django.core import mail

from insights.cases.constants import CaseEventKind, CaseState, NoticeStatus
from insights.cases.evaluation import response_evaluate, responses_sweep, rule_backfill
from insights.cases.models import Case, CaseNotice, ResponseEvaluation

pytestmark = pytest.mark.django_db


def test_a_detractor_on_installation_opens_one_case_for_the_specialist(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.submit(nps=3, comment="The technician never came.")

    case = Case.objects.get()
    assert case.response == response
    assert case.rule == world.rule
    assert case.owner == world.specialist
    assert case.account == world.account_a
    assert case.touch_point == world.installation
    assert case.state == CaseState.NEW
    assert case.due_at - case.opened_at == timedelta(hours=world.rule.sla_hours)
    assert list(case.events.values_list("kind", flat=True)) == [CaseEventKind.OPENED]
    assert ResponseEvaluation.objects.get(response=response).cases_opened == 1


def test_the_owner_is_mailed_in_their_language_with_a_link_to_the_case(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=2, comment="Nobody called back.")

    case = Case.objects.get()
    [message] = mail.outbox
    assert message.to == [world.specialist.email]
    assert f"http://testserver/cases/{case.pk}/" in message.body
    assert "Nobody called back." in message.body
    assert world.account_a.name in message.subject
    html = message.alternatives[0][0]
    assert 'lang="pl"' in html  # the specialist's StaffProfile says Polish
    assert CaseNotice.objects.get().status == NoticeStatus.SENT


def test_a_promoter_opens_no_case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.submit(nps=9)

    assert not Case.objects.exists()
    assert mail.outbox == []
    assert ResponseEvaluation.objects.filter(response=response).exists()


def test_running_the_evaluation_again_opens_no_duplicate(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = world.submit(nps=1)
    ResponseEvaluation.objects.all().delete()  # as if the marker were lost: the constraint holds

    assert response_evaluate(response_id=response.pk) == []
    assert response_evaluate(response_id=response.pk) == []
    assert rule_backfill(rule=world.rule) == 0
    assert Case.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_at_risk_accounts_detractor_goes_to_its_general_manager(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(account=world.account_b, nps=4)

    case = Case.objects.get()
    assert case.owner == world.gm_b
    assert "value override" in case.routing_note
    assert mail.outbox[0].to == [world.gm_b.email]


def test_without_a_specialist_the_case_goes_to_the_accounts_general_manager(
    world, django_capture_on_commit_callbacks
):
    world.installation.specialist = None
    world.installation.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=0)

    assert Case.objects.get().owner == world.gm_a


def test_an_answer_stored_while_the_broker_is_down_is_evaluated_by_the_sweep(
    world, settings, django_capture_on_commit_callbacks
):
    from cem_project.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    # Nothing listens on port 1: publishing fails at once, as with a stopped Redis.
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    app._pool = None
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = world.submit(nps=2)  # the submit does not fail
    finally:
        app.conf.update(saved)
        app._pool = None
    assert not ResponseEvaluation.objects.filter(response=response).exists()
    assert not Case.objects.exists()

    settings.CEM_CASES_SWEEP_GRACE_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert responses_sweep() == 1
    assert Case.objects.get().response == response
    assert responses_sweep() == 0


def test_an_inactive_rule_opens_nothing(world, django_capture_on_commit_callbacks):
    world.rule.is_active = False
    world.rule.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=0)
    assert not Case.objects.exists()


def test_a_keyword_rule_finds_a_chinese_comment(world, django_capture_on_commit_callbacks):
    from insights.cases.constants import ConditionKind, MatchMode
    from insights.cases.models import AlertCondition
    from tests.insights.cases.factories import AlertRuleFactory

    rule = AlertRuleFactory(name="Late technician", match=MatchMode.ANY)
    AlertCondition.objects.create(rule=rule, kind=ConditionKind.TEXT_CONTAINS, text="迟到\nlate")
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=9, comment="安装师傅迟到了三个小时", language="zh-hans")
        world.submit(nps=9, comment="准时, 很好", language="zh-hans")

    assert list(Case.objects.values_list("rule__name", flat=True)) == ["Late technician"]
