import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from surveys.constants import InvitationStatus, QuestionType
from surveys.models import Answer, Response, SurveyTranslation
from tests.factories import ChoiceFactory, InvitationFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def _clear_rate_limit():
    cache.clear()


@pytest.fixture
def invitation():
    invitation = InvitationFactory()
    survey = invitation.survey
    QuestionFactory(
        survey=survey,
        type=QuestionType.NPS,
        min_label="Not at all likely",
        max_label="Extremely likely",
        help_text="Zero is the lowest.",
    )
    single = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE)
    ChoiceFactory(question=single, value="yes", label="Yes")
    ChoiceFactory(question=single, value="no", label="No")
    multiple = QuestionFactory(survey=survey, type=QuestionType.MULTIPLE_CHOICE, required=False)
    ChoiceFactory(question=multiple, value="price", label="Price")
    ChoiceFactory(question=multiple, value="speed", label="Speed")
    QuestionFactory(survey=survey, type=QuestionType.TEXT, required=False)
    return invitation


def _url(invitation):
    return f"/s/{invitation.token}/"


def _question(invitation, question_type):
    return invitation.survey.questions.get(type=question_type)


def _field(invitation, question_type):
    return f"q_{_question(invitation, question_type).pk}"


def _valid_post(invitation, **overrides):
    data = {
        _field(invitation, QuestionType.NPS): "10",
        _field(invitation, QuestionType.SINGLE_CHOICE): "yes",
        _field(invitation, QuestionType.MULTIPLE_CHOICE): ["price", "speed"],
        _field(invitation, QuestionType.TEXT): "Great service",
    }
    data.update(overrides)
    return data


def test_survey_link_shows_the_form(client, invitation):
    response = client.get(_url(invitation))

    assert response.status_code == 200
    assert invitation.survey.title in response.content.decode()
    assert reverse("surveys:respond", args=[invitation.token]) == _url(invitation)


def test_nps_renders_as_eleven_radio_buttons_in_a_fieldset(client, invitation):
    html = client.get(_url(invitation)).content.decode()
    name = _field(invitation, QuestionType.NPS)

    radios = re.findall(rf'<input type="radio" name="{name}" value="(\d+)" class="btn-check"', html)
    assert radios == [str(n) for n in range(11)]
    assert "<select" not in html
    assert "<fieldset" in html and "<legend" in html
    assert "Not at all likely" in html and "Extremely likely" in html
    assert "Zero is the lowest." in html


def test_choice_and_text_questions_render_as_radios_checkboxes_and_textarea(client, invitation):
    html = client.get(_url(invitation)).content.decode()

    single = _field(invitation, QuestionType.SINGLE_CHOICE)
    assert len(re.findall(rf'<input type="radio"[^>]*name="{single}"', html)) == 2
    assert html.count(f'name="{_field(invitation, QuestionType.MULTIPLE_CHOICE)}"') == 2
    assert 'type="checkbox"' in html
    assert f'<textarea name="{_field(invitation, QuestionType.TEXT)}"' in html


def test_rating_and_effort_scales_use_their_own_range(client, invitation):
    rating = QuestionFactory(
        survey=invitation.survey, type=QuestionType.RATING, scale_min=2, scale_max=4
    )
    effort = QuestionFactory(survey=invitation.survey, type=QuestionType.EFFORT)

    html = client.get(_url(invitation)).content.decode()

    assert re.findall(rf'name="q_{rating.pk}" value="(\d+)"', html) == ["2", "3", "4"]
    assert re.findall(rf'name="q_{effort.pk}" value="(\d+)"', html) == [str(n) for n in range(1, 8)]


def test_valid_submit_stores_one_response_and_shows_thank_you(client, invitation):
    response = client.post(_url(invitation), _valid_post(invitation))

    assert response.status_code == 200
    assert "Thank you for your answers." in response.content.decode()
    stored = Response.objects.get()
    assert stored.invitation == invitation
    assert stored.answers.get(question__type=QuestionType.NPS).number == 10
    assert stored.answers.filter(question__type=QuestionType.MULTIPLE_CHOICE).count() == 2
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.completed_at is not None


def test_validation_errors_keep_answers_and_store_nothing(client, invitation):
    data = _valid_post(invitation)
    del data[_field(invitation, QuestionType.NPS)]

    response = client.post(_url(invitation), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    nps_field = _field(invitation, QuestionType.NPS)
    assert 'id="error-summary"' in html
    assert f'href="#id_{nps_field}_0"' in html
    assert f'id="id_{nps_field}_error"' in html
    assert "This question needs an answer." in html
    assert re.search(r'value="yes"[^>]*checked', html)
    assert "Great service</textarea>" in html


def test_out_of_range_scale_value_is_an_error_next_to_the_question(client, invitation):
    response = client.post(
        _url(invitation),
        _valid_post(
            invitation,
            **{
                _field(invitation, QuestionType.NPS): "11",
            },
        ),
    )

    assert "Choose a value on the scale." in response.content.decode()
    assert not Response.objects.exists()


def test_xss_in_a_text_answer_is_stored_verbatim_and_rendered_escaped(client, invitation):
    text_field = _field(invitation, QuestionType.TEXT)
    invalid = _valid_post(invitation, **{text_field: XSS})
    del invalid[_field(invitation, QuestionType.NPS)]

    html = client.post(_url(invitation), invalid).content.decode()

    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html

    client.post(_url(invitation), _valid_post(invitation, **{text_field: XSS}))
    assert Answer.objects.get(question__type=QuestionType.TEXT).text == XSS


def test_intro_script_is_stripped_and_markup_allowlisted(client, invitation):
    invitation.survey.intro = "<p>Hello <em>there</em><script>alert(1)</script></p>"
    invitation.survey.save()

    html = client.get(_url(invitation)).content.decode()

    assert "<p>Hello <em>there</em></p>" in html
    assert "alert(1)" not in html


def test_form_is_shown_in_the_contacts_language_with_per_key_fallback(client, invitation):
    contact = invitation.contact
    contact.language = "pl"
    contact.save()
    survey = invitation.survey
    nps = _question(invitation, QuestionType.NPS)
    yes = _question(invitation, QuestionType.SINGLE_CHOICE).choices.get(value="yes")
    SurveyTranslation.objects.create(survey=survey, language="pl", key="title", text="Ankieta")
    SurveyTranslation.objects.create(
        survey=survey, language="pl", key=f"question:{nps.pk}:min_label", text="Wcale"
    )
    SurveyTranslation.objects.create(
        survey=survey, language="pl", key=f"choice:{yes.pk}:label", text="Tak"
    )

    html = client.get(_url(invitation)).content.decode()

    assert '<html lang="pl" dir="ltr">' in html
    assert "<title>Ankieta</title>" in html
    assert "Wcale" in html and "Extremely likely" in html
    assert "Tak" in html and "No" in html
    assert nps.text in html


def test_persian_contact_gets_the_right_to_left_page(client, invitation):
    invitation.contact.language = "fa"
    invitation.contact.save()

    html = client.get(_url(invitation)).content.decode()

    assert 'dir="rtl"' in html
    assert "bootstrap.rtl.min.css" in html


def test_response_language_is_the_contacts_language(client, invitation):
    invitation.contact.language = "pl"
    invitation.contact.save()

    client.post(_url(invitation), _valid_post(invitation))

    assert Response.objects.get().language == "pl"


def test_opening_the_link_marks_a_sent_invitation_opened_once(client, invitation):
    client.get(_url(invitation))
    invitation.refresh_from_db()
    first_opened_at = invitation.opened_at

    client.get(_url(invitation))
    invitation.refresh_from_db()

    assert invitation.status == InvitationStatus.OPENED
    assert first_opened_at is not None
    assert invitation.opened_at == first_opened_at


def test_preview_renders_the_form_with_a_banner(staff_client, invitation):
    response = staff_client.get(reverse("surveys:preview", args=[invitation.survey.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — answers are not saved" in html
    assert html.count(f'name="{_field(invitation, QuestionType.NPS)}"') == 11


def test_preview_post_validates_but_stores_nothing(staff_client, invitation):
    url = reverse("surveys:preview", args=[invitation.survey.pk])

    invalid = staff_client.post(url, {})
    valid = staff_client.post(url, _valid_post(invitation))

    assert "This question needs an answer." in invalid.content.decode()
    assert valid.status_code == 200
    assert "Preview — answers are not saved" in valid.content.decode()
    assert "Thank you" in valid.content.decode()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


def test_preview_is_for_staff_only(client, invitation):
    url = reverse("surveys:preview", args=[invitation.survey.pk])

    anonymous = client.get(url)
    client.force_login(UserFactory(is_staff=False))
    not_staff = client.get(url)

    assert anonymous.status_code == 302
    assert not_staff.status_code == 302
