"""The demo ships live rules and a queue of open, overdue and closed cases."""

import pytest
from django.core import mail

from insights.cases.constants import CaseState, NoticeStatus
from insights.cases.demo import RULE_CALL_CENTER, RULE_INSTALLATION, demo_cases_seed
from insights.cases.models import AlertRule, Case, CaseNotice
from insights.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_rules_and_an_aged_queue_routed_by_value_without_mail():
    seeded = demo_seed(password="demo-pass-123").cases  # seed_demo's entry point seeds cases

    assert seeded.created and seeded.rules == 2
    assert set(AlertRule.objects.filter(is_active=True).values_list("name", flat=True)) == {
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

    # Routed to the touch points' specialists, At-risk accounts to their general managers.
    assert Case.objects.filter(rule__name=RULE_INSTALLATION, owner__username="sp.installation")
    assert Case.objects.filter(rule__name=RULE_CALL_CENTER, owner__username="sp.callcenter")
    by_value = Case.objects.filter(routing_note__contains="value override").select_related(
        "account"
    )
    assert by_value
    assert all(case.owner_id == case.account.general_manager_id for case in by_value)

    # Seeding mails nobody; a second run adds nothing.
    assert mail.outbox == []
    assert not CaseNotice.objects.filter(status=NoticeStatus.PENDING).exists()
    count = Case.objects.count()
    again = demo_cases_seed(password="demo-pass-123")
    assert not again.created
    assert Case.objects.count() == count
    assert (again.open, again.closed) == (seeded.open, seeded.closed)
