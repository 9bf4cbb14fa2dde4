"""Working a case: states, closing with root cause and customer contact, reassignment,
escalation past the SLA, the daily digest, and the reply to the customer."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from insights.cases import replies, services
from insights.cases.constants import CaseEventKind, CaseState, NoticeStatus, RootCause
from insights.cases.models import Case, CaseNotice, CaseReply, ReplyTemplate
from insights.cases.notices import digests_send
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=2, language="pl", comment="Instalacja spóźniona.")
    mail.outbox.clear()
    return Case.objects.get()


def test_closing_records_the_root_cause_and_whether_the_customer_was_contacted(world, case):
    services.case_acknowledge(case=case, user=world.specialist, note="On it")
    services.case_transition(case=case, user=world.specialist, to_state=CaseState.IN_PROGRESS)
    services.case_transition(
        case=case,
        user=world.specialist,
        to_state=CaseState.CLOSED,
        note="Re-trained the crew",
        root_cause=RootCause.PEOPLE,
        customer_contacted=True,
    )

    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.root_cause == RootCause.PEOPLE
    assert case.customer_contacted is True
    assert case.acknowledged_at <= case.resolved_at <= case.closed_at
    closing = case.events.get(to_state=CaseState.CLOSED)
    assert closing.actor == world.specialist
    assert closing.from_state == CaseState.IN_PROGRESS
    assert closing.note == "Re-trained the crew"
    assert closing.data == {"root_cause": "people", "customer_contacted": True}


def test_closing_without_a_root_cause_or_the_contact_answer_is_refused(world, case):
    with pytest.raises(ValidationError) as error:
        services.case_transition(case=case, user=world.specialist, to_state=CaseState.CLOSED)
    assert set(error.value.message_dict) == {"root_cause", "customer_contacted"}
    case.refresh_from_db()
    assert case.state == CaseState.NEW
    assert case.events.count() == 1


def test_the_database_refuses_a_closed_case_without_a_root_cause(case):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(state=CaseState.CLOSED)


def test_a_state_outside_the_transition_table_is_refused(world, case):
    with pytest.raises(ValidationError):
        services.case_transition(case=case, user=world.specialist, to_state=CaseState.RESOLVED)


def test_a_closed_case_can_be_reopened_and_forgets_its_resolution(world, case):
    services.case_transition(
        case=case, user=world.specialist, to_state=CaseState.CLOSED,
        root_cause=RootCause.NO_FAULT, customer_contacted=False,
    )  # fmt: skip
    case = services.case_transition(
        case=case, user=world.specialist, to_state=CaseState.IN_PROGRESS, note="Called again"
    )
    assert (case.state, case.closed_at, case.resolved_at) == (CaseState.IN_PROGRESS, None, None)
    assert case.acknowledged_at is not None


def test_another_teams_member_may_not_change_the_case(world, case):
    with pytest.raises(PermissionDenied):
        services.case_acknowledge(case=case, user=world.member_b)
    with pytest.raises(PermissionDenied):
        services.case_assign(case=case, user=world.member_b, owner=world.member_b)


def test_the_account_team_may_work_a_case_routed_to_the_specialist(world, case):
    services.case_acknowledge(case=case, user=world.member_a)
    assert Case.objects.get().state == CaseState.ACKNOWLEDGED


def test_reassigning_notifies_the_new_owner_and_records_who_had_it(
    world, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.case_assign(case=case, user=world.specialist, owner=world.gm_a, note="GM knows")

    case.refresh_from_db()
    assert case.owner == world.gm_a
    event = case.events.get(kind=CaseEventKind.ASSIGNED)
    assert event.data["from"]["owner"] == world.specialist.pk
    assert [m.to for m in mail.outbox] == [[world.gm_a.email]]


def test_bulk_reassignment_changes_only_the_cases_the_user_may_work(
    world, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(account=world.account_b, nps=1)
    other = Case.objects.exclude(pk=case.pk).get()
    helper = UserFactory(username="helper")

    changed = services.cases_assign(case_ids=[case.pk, other.pk], user=world.member_a, owner=helper)

    assert changed == 1
    assert Case.objects.get(pk=case.pk).owner == helper
    assert Case.objects.get(pk=other.pk).owner == world.gm_b


def test_an_unacknowledged_case_escalates_to_the_gm_once_after_its_sla(
    world, case, django_capture_on_commit_callbacks
):
    before_due = case.due_at - timedelta(minutes=1)
    assert services.cases_escalate_due(now=before_due) == 0

    after_due = case.due_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cases_escalate_due(now=after_due) == 1
        assert services.cases_escalate_due(now=after_due + timedelta(hours=1)) == 0

    case.refresh_from_db()
    assert case.escalated_at == after_due
    assert case.escalated_to == world.gm_a
    assert case.owner == world.specialist
    assert case.events.filter(kind=CaseEventKind.ESCALATED).count() == 1
    [message] = mail.outbox
    assert message.to == [world.gm_a.email]
    assert "Escalated" in message.subject


def test_an_acknowledged_case_does_not_escalate(world, case):
    services.case_acknowledge(case=case, user=world.specialist)
    assert services.cases_escalate_due(now=case.due_at + timedelta(days=3)) == 0


def test_past_the_threshold_new_cases_wait_for_one_daily_digest(
    world, settings, django_capture_on_commit_callbacks
):
    settings.CEM_CASES_DIGEST_THRESHOLD = 2
    with django_capture_on_commit_callbacks(execute=True):
        for score in (0, 1, 2, 3):
            world.submit(nps=score)

    assert len(mail.outbox) == 2  # one mail per case up to the threshold
    held = set(
        CaseNotice.objects.filter(status=NoticeStatus.DIGEST).values_list("case_id", flat=True)
    )
    assert len(held) == 2

    assert digests_send() == 1
    assert digests_send() == 0  # a doubled beat sends nothing twice
    digest = mail.outbox[2]
    assert digest.to == [world.specialist.email]
    assert "2 nowe zgłoszenia" in digest.subject  # the specialist reads Polish
    for case_id in Case.objects.values_list("pk", flat=True):
        assert (f"/cases/{case_id}/" in digest.body) is (case_id in held)
    assert not CaseNotice.objects.filter(status=NoticeStatus.DIGEST).exists()
    assert len(mail.outbox) == 3


def test_the_reply_draft_is_the_rules_template_in_the_respondents_language(world, case):
    ReplyTemplate.objects.create(
        rule=world.rule, language="pl", subject="Dziękujemy, {contact.first_name}",
        body="Dzień dobry {contact.name}, sprawa {case.reference} ({account.name}). {owner.name}",
    )  # fmt: skip
    ReplyTemplate.objects.create(rule=world.rule, language="en", subject="Thanks", body="Hi")

    draft = replies.case_reply_draft(case=case, user=world.specialist)

    first = case.contact.name.split(" ")[0]
    assert draft.language == "pl"
    assert draft.subject == f"Dziękujemy, {first}"
    assert f"sprawa #{case.pk} ({world.account_a.name})" in draft.body
    assert draft.body.endswith(world.specialist.get_full_name() or "spec.installation")


def test_a_reply_is_mailed_to_the_respondent_and_recorded_on_the_case(world, case):
    reply = replies.case_reply_send(
        case=case, user=world.specialist, subject="Przepraszamy\r\nBcc: x@evil.example",
        body="Oddzwonię jutro.",
    )  # fmt: skip

    [message] = mail.outbox
    assert message.to == [case.contact.email]
    assert message.subject == "Przepraszamy Bcc: x@evil.example"  # one line: no header injected
    assert message.reply_to == [world.specialist.email]
    assert reply.status == "sent"
    assert CaseReply.objects.get().body == "Oddzwonię jutro."
    assert case.events.get(kind=CaseEventKind.REPLY).data["reply"] == reply.pk


def test_a_refused_reply_is_kept_as_failed(world, case, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1  # nothing listens there

    with pytest.raises(replies.ReplyNotSent):
        replies.case_reply_send(case=case, user=world.specialist, subject="Hi", body="Sorry")

    assert CaseReply.objects.get().status == "failed"
    assert not case.events.filter(kind=CaseEventKind.REPLY).exists()


def test_time_to_acknowledge_is_measured_from_the_opening(world, case):
    later = case.opened_at + timedelta(hours=1)
    services.case_acknowledge(case=case, user=world.specialist, now=later)
    assert Case.objects.get().acknowledged_at == later
    assert timezone.is_aware(later)
