"""Piping: `{contact.name}`, `{account.name}`, `{event.<attribute>}` in survey texts."""

import pytest
from django.urls import reverse

from surveys.constants import QuestionType
from surveys.models import SurveyTranslation
from surveys.services.texts import pipe_text
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointEventFactory,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


def lookup(source, name):
    return {("contact", "name"): "Ada", ("event", "technician"): "Bo & Co"}.get((source, name), "")


def test_pipe_text_fills_known_fields_and_blanks_unknown_ones():
    text = "Hi {contact.name}, {event.technician} visited. {contact.shoe_size}!"

    assert pipe_text(text, lookup) == "Hi Ada, Bo & Co visited. !"


def test_pipe_text_leaves_other_braces_and_formats_alone():
    text = "{price} {0} {contact} {contact.name.__class__} {{contact.name}} %(x)s"

    assert pipe_text(text, lookup) == "{price} {0} {contact} {contact.name.__class__} {Ada} %(x)s"


def test_pipe_text_escapes_values_for_html():
    assert pipe_text("<p>{event.technician}</p>", lookup, html=True) == "<p>Bo &amp; Co</p>"


def test_pipe_text_without_values_keeps_placeholders():
    assert pipe_text("Hi {contact.name}", None) == "Hi {contact.name}"


@pytest.fixture
def invitation():
    survey = SurveyFactory(
        transaction=True,
        title="Your visit, {contact.first_name}",
        intro="Dear {contact.name} of {account.name},\n\nhow did {event.technician} do?",
        thank_you="Thanks, {contact.first_name}. Ref {event.external_id}.",
    )
    contact = ContactFactory(name="Ada Lovelace", account=AccountFactory(name="Analytical Ltd"))
    event = TouchPointEventFactory(
        contact=contact,
        touch_point=survey.touch_point,
        external_id="WO-77",
        attributes={"technician": "Grace", "nested": {"a": 1}},
    )
    QuestionFactory(
        survey=survey,
        type=QuestionType.NPS,
        text="Would you recommend {event.technician}? {event.nested}{event.missing}",
        help_text="About {account.name}",
    )
    return InvitationFactory(survey=survey, contact=contact, event=event)


def test_the_form_pipes_contact_account_and_event_fields(client, invitation):
    html = client.get(invitation.url.split("testserver", 1)[-1]).content.decode()

    assert "<title>Your visit, Ada</title>" in html
    assert "Dear Ada Lovelace of Analytical Ltd," in html
    assert "how did Grace do?" in html
    assert "Would you recommend Grace? " in html
    assert "About Analytical Ltd" in html
    assert "{event" not in html and "{contact" not in html


def test_the_thank_you_page_pipes_too(client, invitation):
    question = invitation.survey.questions.get()

    html = client.post(f"/s/{invitation.token}/", {f"q_{question.pk}": "9"}).content.decode()

    assert "Thanks, Ada. Ref WO-77." in html


def test_translated_texts_are_piped(client, invitation):
    invitation.contact.language = "pl"
    invitation.contact.save()
    SurveyTranslation.objects.create(
        survey=invitation.survey, language="pl", key="title", text="Wizyta, {contact.first_name}"
    )

    html = client.get(f"/s/{invitation.token}/").content.decode()

    assert "<title>Wizyta, Ada</title>" in html


def test_piped_values_are_escaped_everywhere(client, invitation):
    invitation.contact.name = XSS
    invitation.contact.save()
    question = invitation.survey.questions.get()
    question.text = "Hello {contact.name}"
    question.save()

    html = client.get(f"/s/{invitation.token}/").content.decode()

    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_preview_fills_placeholders_with_sample_values(staff_client, invitation):
    url = reverse("surveys:preview", args=[invitation.survey.pk])

    html = staff_client.get(url).content.decode()

    assert "Dear Alex Sample of Sample Company Ltd," in html
    assert "how did [technician] do?" in html
    assert "{contact" not in html and "{event" not in html
