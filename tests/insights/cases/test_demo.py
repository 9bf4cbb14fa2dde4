"""The demo ships live rules and a queue of open, overdue and closed cases."""

import pytest
from django.core import mail

from insights.cases.constants import CaseState, NoticeStatus
from insights.cases.demo import RULE_CALL_CENTER, RULE_INSTALLATION, demo_cases_seed
from insights.cases.models import AlertRule, Case, CaseNotice
from surveys.demo import demo_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_seed(password="demo-pass-123")
        summary = demo_cases_seed(password="demo-pass-123")
    yield summary
    with django_db_blocker.unblock():
        from insights.cases.demo import demo_cases_reset
        from surveys.demo import demo_reset

        demo_cases_reset()
        demo_reset()


def test_the_demo_has_active_rules_and_open_overdue_and_closed_cases(seeded):
    assert seeded.created and seeded.rules == 2
    assert set(AlertRule.objects.filter(is_active=True).values_list("name", flat=True)) >= {
        RULE_INSTALLATION,
        RULE_CALL_CENTER,
    }
    assert seeded.open >= 5
    assert seeded.overdue >= 1
    assert seeded.closed >= 20
    closed = Case.objects.filter(state=CaseState.CLOSED)
    assert not closed.filter(root_cause="").exists()
    assert closed.filter(customer_contacted=False).exists()
    assert Case.objects.filter(escalated_at__isnull=False).exists()


def test_the_demo_routes_to_the_specialists_and_at_risk_accounts_to_their_gm(seeded):
    installation = Case.objects.filter(rule__name=RULE_INSTALLATION)
    assert installation.filter(owner__username="sp.installation").exists()
    assert Case.objects.filter(
        rule__name=RULE_CALL_CENTER, owner__username="sp.callcenter"
    ).exists()
    by_gm = Case.objects.filter(routing_note__contains="value override")
    assert by_gm.exists()
    for case in by_gm.select_related("account"):
        assert case.owner_id == case.account.general_manager_id


def test_the_demo_mails_nobody_and_a_second_run_adds_nothing(seeded):
    assert mail.outbox == []
    assert not CaseNotice.objects.filter(status=NoticeStatus.PENDING).exists()
    count = Case.objects.count()
    again = demo_cases_seed(password="demo-pass-123")
    assert not again.created
    assert Case.objects.count() == count
    assert (again.open, again.closed) == (seeded.open, seeded.closed)
