"""Erasing a contact: personal data gone, the figures unchanged; export; audit log; retention."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from customers.constants import AuditAction
from customers.models import AuditLogEntry, Contact
from surveys.constants import InvitationStatus, QuestionType
from surveys.models import Answer, Invitation
from surveys.services.privacy import personal_data_purge
from surveys.tasks import personal_data_purge_task
from tests.factories import (
    AnswerFactory,
    ChoiceFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

COMMENT = "Ann Lee from purchasing, call me on +44 20 7946 0000"


@pytest.fixture
def answered():
    """A contact who answered an NPS, a choice and a free-text question, plus one pending link
    and a link that failed with an error quoting the address."""
    survey = SurveyFactory(transaction=True)
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS)
    pick = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE)
    choice = ChoiceFactory(question=pick, value="fast")
    why = QuestionFactory(survey=survey, type=QuestionType.TEXT)
    contact = ContactFactory(name="Ann Lee", email="ann@customer.example", role="Buyer")
    event = TouchPointEventFactory(contact=contact, touch_point=survey.touch_point)
    done = InvitationFactory(
        survey=survey, contact=contact, event=event, status=InvitationStatus.COMPLETED
    )
    response = ResponseFactory(survey=survey, invitation=done, contact=contact, event=event)
    AnswerFactory(response=response, question=nps, number=3)
    AnswerFactory(response=response, question=pick, choice=choice)
    AnswerFactory(response=response, question=why, text=COMMENT)
    pending = InvitationFactory(survey=survey, contact=contact, pending=True)
    failed = InvitationFactory(
        survey=survey,
        contact=contact,
        status=InvitationStatus.FAILED,
        error="550 5.1.1 <ann@customer.example>: user unknown",
    )
    return {"survey": survey, "contact": contact, "links": [done, pending, failed]}


def _user(*codenames):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_contact", *codenames]))
    return user


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_erasing_a_contact_removes_its_personal_data_and_keeps_the_figures(admin_api, answered):
    survey, contact = answered["survey"], answered["contact"]
    metrics = f"/api/v1/metrics/?survey={survey.pk}"
    before = admin_api.get(metrics).json()
    tokens = [i.token for i in answered["links"]]

    response = admin_api.post(f"/api/v1/contacts/{contact.pk}/erase/")

    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.erased_at is not None and contact.opted_out
    assert "Ann" not in contact.name and "ann@" not in contact.email and contact.role == ""
    assert response.json()["email"] == contact.email
    assert admin_api.get(metrics).json() == before
    assert sorted(Answer.objects.values_list("number", flat=True), key=str) == [3, None, None]
    assert Answer.objects.filter(choice__value="fast").count() == 1
    assert not Answer.objects.exclude(text="").exists()
    links = Invitation.objects.filter(contact=contact)
    assert not links.filter(token__in=tokens).exists()
    assert links.get(pk=answered["links"][1].pk).status == InvitationStatus.SKIPPED
    assert not links.exclude(error="").exists()
    assert Client().get(f"/s/{tokens[1]}/").status_code == 404


def test_the_erased_contacts_old_links_and_unsubscribe_are_dead(admin_api, answered):
    pending = answered["links"][1]

    admin_api.post(f"/api/v1/contacts/{answered['contact'].pk}/erase/")

    assert Client().get(f"/s/{pending.token}/").status_code == 404
    assert Client().get(f"/s/{pending.token}/unsubscribe/").status_code == 404


def test_export_holds_everything_about_the_contact(admin_api, answered):
    contact = answered["contact"]

    response = admin_api.get(f"/api/v1/contacts/{contact.pk}/export/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["contact"]["email"] == "ann@customer.example"
    assert data["contact"]["role"] == "Buyer"
    assert len(data["events"]) == 1
    assert len(data["invitations"]) == 3
    (answer_set,) = data["responses"]
    values = {a["question_type"]: a["value"] for a in answer_set["answers"]}
    assert values == {"nps": 3, "single_choice": "fast", "text": COMMENT}
    json.dumps(data)  # JSON all the way down


def test_erase_and_export_need_their_permissions(answered):
    contact = answered["contact"]
    contact.account.account_team.add(reader := _user())
    api = _api(reader)

    assert api.get(f"/api/v1/contacts/{contact.pk}/").status_code == 200
    assert api.post(f"/api/v1/contacts/{contact.pk}/erase/").status_code == 403
    assert api.get(f"/api/v1/contacts/{contact.pk}/export/").status_code == 403
    contact.refresh_from_db()
    assert contact.erased_at is None

    contact.account.account_team.add(officer := _user("erase_contact", "export_contact"))
    assert _api(officer).get(f"/api/v1/contacts/{contact.pk}/export/").status_code == 200
    assert _api(officer).post(f"/api/v1/contacts/{contact.pk}/erase/").status_code == 200


def test_erase_of_another_accounts_contact_is_404(answered):
    officer = _user("erase_contact", "export_contact")

    response = _api(officer).post(f"/api/v1/contacts/{answered['contact'].pk}/erase/")

    assert response.status_code == 404
    assert Contact.objects.get(pk=answered["contact"].pk).erased_at is None


def test_views_exports_and_erasures_are_in_the_audit_log(answered):
    contact = answered["contact"]
    response_id = contact.responses.get().pk
    user = UserFactory(username="dpo", superuser=True)
    api, browser = _api(user), Client()
    browser.force_login(user)

    api.get(f"/api/v1/contacts/{contact.pk}/")
    api.get(f"/api/v1/responses/{response_id}/")
    browser.get(reverse("admin:customers_contact_change", args=[contact.pk]))
    browser.get(reverse("admin:surveys_response_change", args=[response_id]))
    api.get(f"/api/v1/contacts/{contact.pk}/export/")
    api.post(f"/api/v1/contacts/{contact.pk}/erase/")

    log = list(
        AuditLogEntry.objects.order_by("id").values_list(
            "actor_username", "action", "subject", "object_id", "contact_id", "via"
        )
    )
    assert log == [
        ("dpo", AuditAction.VIEWED, "contact", contact.pk, contact.pk, "api"),
        ("dpo", AuditAction.VIEWED, "response", response_id, contact.pk, "api"),
        ("dpo", AuditAction.VIEWED, "contact", contact.pk, contact.pk, "admin"),
        ("dpo", AuditAction.VIEWED, "response", response_id, contact.pk, "admin"),
        ("dpo", AuditAction.EXPORTED, "contact", contact.pk, contact.pk, "api"),
        ("dpo", AuditAction.ERASED, "contact", contact.pk, contact.pk, "api"),
    ]
    assert "Ann" not in str(list(AuditLogEntry.objects.values()))


def test_the_admin_action_erases_and_the_export_action_downloads_json(staff_client, answered):
    contact = answered["contact"]
    url = reverse("admin:customers_contact_changelist")

    export = staff_client.post(
        url, {"action": "export_personal_data", "_selected_action": [contact.pk]}
    )
    erase = staff_client.post(
        url, {"action": "erase_personal_data", "_selected_action": [contact.pk]}, follow=True
    )

    assert export["Content-Type"] == "application/json"
    assert json.loads(export.content)["contact"]["name"] == "Ann Lee"
    assert erase.status_code == 200
    assert Contact.objects.get(pk=contact.pk).erased_at is not None


def test_the_admin_offers_erasure_only_to_who_may_erase(client, answered):
    user = UserFactory()
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_contact"]))
    client.force_login(user)
    url = reverse("admin:customers_contact_changelist")

    page = client.get(url).content.decode()
    client.post(
        url, {"action": "erase_personal_data", "_selected_action": [answered["contact"].pk]}
    )

    assert "erase_personal_data" not in page
    assert Contact.objects.get(pk=answered["contact"].pk).erased_at is None


# ------------------------------------------------------------------ retention


def test_retention_is_off_by_default(answered):
    assert personal_data_purge() == {"free_text": 0, "contacts": 0}
    assert Answer.objects.filter(text=COMMENT).exists()


def test_retention_empties_old_free_text_and_keeps_recent(settings, answered):
    settings.CEM_RETENTION_FREE_TEXT_DAYS = 30
    recent = AnswerFactory(question=QuestionFactory(type=QuestionType.TEXT), text="Fresh words")
    Answer.objects.filter(text=COMMENT).update(
        submitted_at=timezone.now() - timezone.timedelta(days=31)
    )

    assert personal_data_purge_task.delay().get() == {"free_text": 1, "contacts": 0}

    assert not Answer.objects.filter(text=COMMENT).exists()
    recent.refresh_from_db()
    assert recent.text == "Fresh words"


def test_retention_erases_contacts_without_activity_and_keeps_active_ones(settings, answered):
    settings.CEM_RETENTION_CONTACT_DAYS = 365
    old = timezone.now() - timezone.timedelta(days=400)
    idle = ContactFactory(name="Idle Person")
    Contact.objects.filter(pk=idle.pk).update(created_at=old)
    active = answered["contact"]
    Contact.objects.filter(pk=active.pk).update(created_at=old)  # but invited recently

    assert personal_data_purge() == {"free_text": 0, "contacts": 1}

    idle.refresh_from_db()
    active.refresh_from_db()
    assert idle.erased_at is not None and idle.name != "Idle Person"
    assert active.erased_at is None
    entry = AuditLogEntry.objects.get(contact_id=idle.pk)
    assert (entry.action, entry.via, entry.actor) == (AuditAction.ERASED, "retention", None)
    assert personal_data_purge() == {"free_text": 0, "contacts": 0}  # idempotent


def test_the_retention_task_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "surveys.tasks.personal_data_purge_task" in tasks
