"""A contact's erasure reaches their cases: the replies mailed to them emptied and readdressed,
the reply events blanked, their name and address replaced in the notes; the cases stay, and
another contact's replies on the same account are untouched. Their export lists their cases and
the replies mailed to them."""

import json

import pytest
from django.core import mail

from customers.constants import AuditAction
from customers.models import AuditLogEntry
from customers.privacy import ERASED_NAME, contact_erase, erased_email
from insights.cases import replies, services
from insights.cases.constants import CaseEventKind, CaseState, RootCause
from insights.cases.models import Case, CaseEvent, CaseReply
from tests.factories import ContactFactory
from tests.insights.cases.conftest import _fresh_rules, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(world, django_capture_on_commit_callbacks):  # noqa: F811
    """Ann Lee and Bo Chen, both of Alpha Clinics, each answered as a detractor: a case each,
    a reply mailed to each, and notes that name Ann, one of them on Bo's case. Ann's case is
    closed; a second reply to her was refused by a server that quoted her address."""
    ann = ContactFactory(account=world.account_a, name="Ann Lee", email="ann@alpha.example")
    bo = ContactFactory(account=world.account_a, name="Bo Chen", email="bo@alpha.example")
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(contact=ann, nps=1, comment="The installer never came.")
        world.submit(contact=bo, nps=2, comment="Late again.")
    ann_case, bo_case = Case.objects.get(contact=ann), Case.objects.get(contact=bo)
    specialist = world.specialist
    services.case_note_add(
        case=ann_case, user=specialist, note="Ann Lee asks to be called, ann@alpha.example."
    )
    services.case_note_add(case=bo_case, user=specialist, note="Bo Chen works with Ann Lee.")
    replies.case_reply_send(
        case=ann_case, user=specialist, subject="Sorry, Ann", body="Dear Ann Lee, we will come."
    )
    failed = replies.case_reply_send(
        case=ann_case, user=specialist, subject="Again, Ann", body="Dear Ann, a date?"
    )
    CaseReply.objects.filter(pk=failed.pk).update(
        status="failed", sent_at=None, error="550 5.1.1 <ann@alpha.example>: mailbox full"
    )
    CaseEvent.objects.filter(data__reply=failed.pk).delete()  # a refused reply records none
    replies.case_reply_send(
        case=bo_case, user=specialist, subject="Sorry, Bo", body="Dear Bo Chen, Ann told us."
    )
    services.case_transition(
        case=ann_case, user=specialist, to_state=CaseState.CLOSED,
        root_cause=RootCause.DELAY, customer_contacted=True,
    )  # fmt: skip
    mail.outbox.clear()
    return ann, bo, ann_case, bo_case


def test_erasing_a_contact_empties_the_replies_to_them_and_not_another_contacts(
    replied,
    world,  # noqa: F811
):
    ann, bo, ann_case, bo_case = replied
    bo_replies = list(CaseReply.objects.filter(case=bo_case).values())

    contact_erase(contact=ann, actor=world.specialist, via="test")

    for reply in CaseReply.objects.filter(case=ann_case):
        assert (reply.to_email, reply.subject, reply.body, reply.error) == (
            erased_email(ann.pk), "", "", ""
        )  # fmt: skip
    assert CaseReply.objects.filter(case=ann_case).count() == 2  # the rows stay
    assert list(CaseReply.objects.filter(case=bo_case).values()) == bo_replies
    reply_event = ann_case.events.get(kind=CaseEventKind.REPLY)
    assert reply_event.note == "" and reply_event.data["to"] == erased_email(ann.pk)
    assert bo_case.events.get(kind=CaseEventKind.REPLY).data["to"] == "bo@alpha.example"
    notes = dict(CaseEvent.objects.filter(kind=CaseEventKind.NOTE).values_list("case_id", "note"))
    assert notes == {
        ann_case.pk: f"{ERASED_NAME} asks to be called, {erased_email(ann.pk)}.",
        bo_case.pk: f"Bo Chen works with {ERASED_NAME}.",
    }
    # Bo's reply ("Ann told us") is what was mailed to Bo: his record, left as sent.
    ann_replies = CaseReply.objects.exclude(case=bo_case)
    everything = str(list(CaseEvent.objects.values())) + str(list(ann_replies.values()))
    assert "Ann" not in everything and "ann@" not in everything
    # The case is the company's record: it stays, with its contact (now anonymous) and outcome.
    ann_case.refresh_from_db()
    assert ann_case.contact_id == ann.pk
    assert (ann_case.state, ann_case.root_cause) == (CaseState.CLOSED, RootCause.DELAY)


def test_a_contacts_export_lists_their_cases_and_the_replies_mailed_to_them(admin_api, replied):
    ann, _bo, ann_case, _bo_case = replied

    data = admin_api.get(f"/api/v1/contacts/{ann.pk}/export/").json()

    (case,) = data["cases"]
    assert case["reference"] == ann_case.reference
    assert (case["state"], case["root_cause"]) == ("closed", "delay")
    assert case["touch_point"] == "installation"
    assert case["account"] == {"id": ann.account_id, "name": "Alpha Clinics"}
    assert case["opened_at"] and case["closed_at"]
    assert [(r["subject"], r["body"], r["status"]) for r in data["case_replies"]] == [
        ("Sorry, Ann", "Dear Ann Lee, we will come.", "sent"),
        ("Again, Ann", "Dear Ann, a date?", "failed"),
    ]
    assert data["case_replies"][0]["sent_at"] and data["case_replies"][1]["sent_at"] is None
    assert "Bo" not in json.dumps(data["cases"]) + json.dumps(data["case_replies"])


def test_exports_and_erasures_reaching_cases_are_in_the_audit_log_once(admin_api, replied):
    ann, *_ = replied

    admin_api.get(f"/api/v1/contacts/{ann.pk}/export/")
    admin_api.post(f"/api/v1/contacts/{ann.pk}/erase/")
    after = admin_api.get(f"/api/v1/contacts/{ann.pk}/export/").json()

    log = list(AuditLogEntry.objects.order_by("id").values_list("action", "subject", "contact_id"))
    assert log == [
        (AuditAction.EXPORTED, "contact", ann.pk),
        (AuditAction.ERASED, "contact", ann.pk),
        (AuditAction.EXPORTED, "contact", ann.pk),
    ]
    assert len(after["cases"]) == 1  # the case stays, listed without its replies' content
    assert {(r["to"], r["subject"], r["body"]) for r in after["case_replies"]} == {
        (erased_email(ann.pk), "", "")
    }


def test_opening_a_case_or_an_answer_on_a_staff_page_is_in_the_audit_log(
    world,  # noqa: F811
    django_capture_on_commit_callbacks,
    client,
):
    """The case page and the response page show a contact's answers: each view is logged,
    as the admin's and the API's are."""
    from rest_framework.test import APIClient

    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=1, comment="The installer never came.")
    case = Case.objects.get()
    client.force_login(world.specialist)
    api = APIClient()
    api.force_authenticate(world.specialist)

    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    client.force_login(world.member_a)
    assert client.get(f"/insights/responses/{case.response_id}/").status_code == 200

    logged = AuditLogEntry.objects.order_by("id").values_list(
        "actor_username", "action", "subject", "object_id", "contact_id", "via"
    )
    assert list(logged) == [
        ("spec.installation", AuditAction.VIEWED, "case", case.pk, case.contact_id, "web"),
        ("spec.installation", AuditAction.VIEWED, "case", case.pk, case.contact_id, "api"),
        ("am.a", AuditAction.VIEWED, "response", case.response_id, case.contact_id, "web"),
    ]
