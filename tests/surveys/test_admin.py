import pytest
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from surveys.constants import InvitationStatus, QuestionType, SurveyStatus
from surveys.models import Distribution, Survey
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ChoiceFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointEventFactory,
)
from tests.surveys.admin_post import inline_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    survey = SurveyFactory(title="Repair survey")
    question = QuestionFactory(survey=survey)
    ChoiceFactory()
    invitation = InvitationFactory(survey=survey)
    answer = AnswerFactory(question=question, response__survey=survey)
    AccountRevenueFactory(account=invitation.contact.account)
    event = TouchPointEventFactory()
    return {
        "survey": survey,
        "question": question,
        "invitation": invitation,
        "response": answer.response,
        "event": event,
    }


CHANGELISTS = [
    "surveys_survey",
    "surveys_question",
    "surveys_distribution",
    "surveys_invitation",
    "surveys_response",
    "surveys_relationshipprogramme",
    "surveys_pulsesegment",
    "surveys_inquiry",
    "customers_verticalmarket",
    "customers_account",
    "customers_contact",
    "customers_touchpoint",
    "customers_touchpointevent",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_every_changelist_loads(staff_client, data, model):
    response = staff_client.get(reverse(f"admin:{model}_changelist"))

    assert response.status_code == 200


def test_the_change_pages_load(staff_client, data):
    invitation = data["invitation"]
    pages = [
        ("surveys_survey", data["survey"].pk),
        ("surveys_question", data["question"].pk),
        ("surveys_distribution", invitation.distribution_id),
        ("surveys_invitation", invitation.pk),
        ("surveys_response", data["response"].pk),
        ("customers_account", invitation.contact.account_id),
        ("customers_contact", invitation.contact_id),
        ("customers_touchpointevent", data["event"].pk),
    ]
    for model, pk in pages:
        response = staff_client.get(reverse(f"admin:{model}_change", args=[pk]))
        assert response.status_code == 200, model


def test_the_survey_page_shows_send_progress_and_links_to_send_and_preview(staff_client, data):
    survey = data["survey"]

    response = staff_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))

    content = response.content.decode()
    assert "Response rate" in content
    assert reverse("admin:surveys_survey_send", args=[survey.pk]) in content
    assert reverse("surveys:preview", args=[survey.pk]) in content


def test_the_invitation_token_never_appears_in_the_admin(staff_client, data):
    invitation = data["invitation"]

    listing = staff_client.get(reverse("admin:surveys_invitation_changelist"))
    detail = staff_client.get(reverse("admin:surveys_invitation_change", args=[invitation.pk]))

    assert invitation.token not in listing.content.decode()
    assert invitation.token not in detail.content.decode()


def test_the_invitation_list_searches_by_contact_email(staff_client, data):
    email = data["invitation"].contact.email

    response = staff_client.get(reverse("admin:surveys_invitation_changelist"), {"q": email})

    assert response.context["cl"].result_count == 1


def test_the_distribution_list_shows_progress_counts(staff_client, data):
    response = staff_client.get(reverse("admin:surveys_distribution_changelist"))

    row = response.context["cl"].result_list.get(pk=data["invitation"].distribution_id)
    assert row.sent == 1
    assert row.total == 1


def test_the_send_form_loads(staff_client, data):
    url = reverse("admin:surveys_survey_send", args=[data["survey"].pk])

    response = staff_client.get(url)

    assert response.status_code == 200
    assert "key_contacts_only" in response.content.decode()


def test_the_send_form_creates_a_distribution_for_the_chosen_accounts_and_contacts(
    staff_client, django_capture_on_commit_callbacks
):
    survey = SurveyFactory()
    account = AccountFactory()
    key = ContactFactory(account=account, is_key_contact=True)
    ContactFactory(account=account, is_key_contact=False)
    extra = ContactFactory()
    ContactFactory()  # not chosen

    url = reverse("admin:surveys_survey_send", args=[survey.pk])
    chosen = {"accounts": [account.pk], "key_contacts_only": "on", "contacts": [extra.pk]}
    preview = staff_client.post(url, {**chosen, "apply": "Send"}).context["preview"]
    assert {c.pk for c in preview.invited} == {key.pk, extra.pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {**chosen, "confirm": "1", "preview_digest": preview.digest}
        )

    distribution = Distribution.objects.get(survey=survey)
    assert response.status_code == 302
    assert response.url == reverse("admin:surveys_distribution_change", args=[distribution.pk])
    assert set(distribution.invitations.values_list("contact_id", flat=True)) == {
        key.pk,
        extra.pk,
    }
    assert len(mail.outbox) == 2


def test_the_send_form_refuses_an_empty_audience(staff_client):
    survey = SurveyFactory()

    response = staff_client.post(reverse("admin:surveys_survey_send", args=[survey.pk]), {})

    assert response.status_code == 200
    assert not Distribution.objects.exists()


def test_the_send_action_on_the_survey_list_opens_the_send_form(staff_client):
    survey = SurveyFactory()

    response = staff_client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "send_to_contacts", helpers.ACTION_CHECKBOX_NAME: [survey.pk]},
    )

    assert response.status_code == 302
    assert response.url == reverse("admin:surveys_survey_send", args=[survey.pk])


def test_the_contact_action_sends_a_live_survey_to_the_selected_contacts(staff_client):
    survey = SurveyFactory()
    chosen = ContactFactory.create_batch(2)
    ContactFactory()
    url = reverse("admin:customers_contact_changelist")
    selected = {
        "action": "send_survey",
        helpers.ACTION_CHECKBOX_NAME: [c.pk for c in chosen],
    }

    form_page = staff_client.post(url, selected)
    assert form_page.status_code == 200
    assert "Send a survey to 2 selected contacts" in form_page.content.decode()

    preview = staff_client.post(url, {**selected, "apply": "Send", "survey": survey.pk})
    response = staff_client.post(
        url,
        {
            **selected,
            "apply": "1",
            "survey": survey.pk,
            "confirm": "1",
            "preview_digest": preview.context["preview"].digest,
        },
    )

    distribution = Distribution.objects.get(survey=survey)
    assert response.status_code == 302
    assert distribution.invitations.count() == 2
    assert set(distribution.invitations.values_list("status", flat=True)) <= {
        InvitationStatus.PENDING,
        InvitationStatus.SENT,
    }


def test_the_template_view_is_linked_from_the_survey_list_and_loads(staff_client):
    url = reverse("admin:surveys_survey_from_template")

    listing = staff_client.get(reverse("admin:surveys_survey_changelist"))
    page = staff_client.get(url)

    assert url in listing.content.decode()
    assert page.status_code == 200


def test_the_template_view_creates_a_draft_survey_with_questions(staff_client):
    response = staff_client.post(
        reverse("admin:surveys_survey_from_template"),
        {"template": "relationship_cx", "title": "Yearly relationship survey"},
    )

    survey = Survey.objects.get(title="Yearly relationship survey")
    assert response.status_code == 302
    assert response.url == reverse("admin:surveys_survey_change", args=[survey.pk])
    assert survey.status == SurveyStatus.DRAFT
    assert survey.questions.count() == 7  # NPS, the three CX items, CSAT, a choice, why


def test_the_template_view_reports_a_transaction_survey_without_touch_point(staff_client):
    response = staff_client.post(
        reverse("admin:surveys_survey_from_template"),
        {"template": "nps_transaction", "title": "Repairs"},
    )

    assert response.status_code == 200
    assert not Survey.objects.filter(title="Repairs").exists()


def test_saving_a_survey_whose_moves_break_its_skip_logic_is_refused(admin_client):
    survey = SurveyFactory()
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=1)
    why = QuestionFactory(
        survey=survey,
        type=QuestionType.TEXT,
        page=2,
        position=1,
        required=False,
        condition_question=nps,
        condition_operator="lte",
        condition_value="6",
    )
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = admin_client.get(url)
    data = inline_post_data(page.context["adminform"], page.context["inline_admin_formsets"])
    # Swap the pages: the condition would now refer to a later question.
    for prefix, question in (("questions-0", nps), ("questions-1", why)):
        assert int(data[f"{prefix}-id"]) == question.pk
    data["questions-0-page"], data["questions-1-page"] = "2", "1"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "earlier question" in response.content.decode()
    nps.refresh_from_db()
    assert nps.page == 1
