import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.constants import InvitationStatus, QuestionType, ResponseStatus
from surveys.models import Answer, Response, SurveyTranslation
from surveys.selectors.questions import survey_questions
from surveys.services.responses import (
    InvitationNotAnswerable,
    ResponseAlreadySubmitted,
    invitation_mark_opened,
    response_submit,
)
from surveys.services.texts import survey_source_texts, survey_texts
from surveys.signals import response_completed
from surveys.templatetags.survey_text import sanitize_rich_text
from tests.factories import (
    ChoiceFactory,
    InvitationFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    survey = SurveyFactory(transaction=True)
    QuestionFactory(survey=survey, type=QuestionType.NPS)
    QuestionFactory(survey=survey, type=QuestionType.RATING, scale_min=1, scale_max=10)
    single = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE)
    ChoiceFactory(question=single, value="yes")
    ChoiceFactory(question=single, value="no")
    multiple = QuestionFactory(survey=survey, type=QuestionType.MULTIPLE_CHOICE, required=False)
    for value in ("price", "speed", "staff"):
        ChoiceFactory(question=multiple, value=value)
    QuestionFactory(survey=survey, type=QuestionType.TEXT, required=False)
    return survey


@pytest.fixture
def invitation(survey):
    event = TouchPointEventFactory(touch_point=survey.touch_point, attributes={"region": "north"})
    return InvitationFactory(survey=survey, contact=event.contact, event=event, distribution=None)


def _questions(survey):
    return {q.type: q for q in survey_questions(survey=survey)}


def _valid_answers(survey):
    q = _questions(survey)
    return {
        q[QuestionType.NPS].pk: 9,
        q[QuestionType.RATING].pk: 10,
        q[QuestionType.SINGLE_CHOICE].pk: "yes",
        q[QuestionType.MULTIPLE_CHOICE].pk: ["price", "staff"],
        q[QuestionType.TEXT].pk: "Fast and friendly.",
    }


def test_response_submit_stores_one_response_with_typed_answers(survey, invitation):
    response = response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")

    assert Response.objects.count() == 1
    assert response.status == ResponseStatus.COMPLETED
    assert response.contact == invitation.contact
    assert response.account == invitation.contact.account
    assert response.touch_point == survey.touch_point
    assert response.event == invitation.event
    assert response.attributes == {"region": "north"}
    assert response.submitted_at is not None
    q = _questions(survey)
    answers = Answer.objects.filter(response=response)
    assert answers.get(question=q[QuestionType.NPS]).number == 9
    assert answers.get(question=q[QuestionType.RATING]).number == 10
    assert answers.get(question=q[QuestionType.SINGLE_CHOICE]).choice.value == "yes"
    chosen = answers.filter(question=q[QuestionType.MULTIPLE_CHOICE])
    assert sorted(chosen.values_list("choice__value", flat=True)) == ["price", "staff"]
    assert answers.get(question=q[QuestionType.TEXT]).text == "Fast and friendly."
    for answer in answers:
        assert answer.question_type == answer.question.type
        assert answer.survey_id == survey.pk
        assert answer.account_id == response.account_id
        assert answer.touch_point_id == survey.touch_point_id
        assert answer.submitted_at == response.submitted_at


def test_response_submit_completes_the_invitation(survey, invitation):
    response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")

    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    assert invitation.completed_at is not None


def test_response_submit_sends_response_completed_after_commit(
    survey, invitation, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, response, **kwargs):
        received.append(response)

    response_completed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = response_submit(
                invitation=invitation, answers=_valid_answers(survey), language="en"
            )
        assert received == []
        for callback in callbacks:
            callback()
    finally:
        response_completed.disconnect(receiver)
    assert received == [response]


def test_response_submit_twice_raises_already_submitted_and_keeps_one(survey, invitation):
    response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")

    with pytest.raises(ResponseAlreadySubmitted):
        response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")
    assert Response.objects.count() == 1


def test_response_submit_losing_the_race_hits_the_unique_constraint(survey, invitation):
    # Another transaction committed its response but this one still saw an open invitation.
    winner = ResponseFactory(survey=survey, invitation=invitation, contact=invitation.contact)

    with pytest.raises(ResponseAlreadySubmitted):
        response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")

    assert list(Response.objects.all()) == [winner]
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.SENT


@pytest.mark.parametrize(
    ("question_type", "value"),
    [
        (QuestionType.NPS, 11),
        (QuestionType.NPS, -1),
        (QuestionType.NPS, "seven"),
        (QuestionType.NPS, True),
        (QuestionType.RATING, 11),
        (QuestionType.SINGLE_CHOICE, "price"),
        (QuestionType.SINGLE_CHOICE, ["yes", "no"]),
        (QuestionType.MULTIPLE_CHOICE, ["price", "unknown"]),
        (QuestionType.TEXT, "x" * 5001),
        (QuestionType.TEXT, "nul\x00byte"),
        (QuestionType.TEXT, 42),
    ],
)
def test_response_submit_rejects_invalid_values_and_stores_nothing(
    survey, invitation, question_type, value
):
    answers = _valid_answers(survey)
    question = _questions(survey)[question_type]
    answers[question.pk] = value

    with pytest.raises(ValidationError) as error:
        response_submit(invitation=invitation, answers=answers, language="en")

    assert f"q_{question.pk}" in error.value.message_dict
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_response_submit_requires_required_questions(survey, invitation):
    answers = _valid_answers(survey)
    nps = _questions(survey)[QuestionType.NPS]
    del answers[nps.pk]

    with pytest.raises(ValidationError) as error:
        response_submit(invitation=invitation, answers=answers, language="en")

    assert f"q_{nps.pk}" in error.value.message_dict


def test_response_submit_rejects_answers_to_another_surveys_question(survey, invitation):
    answers = _valid_answers(survey)
    answers[QuestionFactory().pk] = 5

    with pytest.raises(ValidationError):
        response_submit(invitation=invitation, answers=answers, language="en")
    assert not Response.objects.exists()


def test_response_submit_allows_skipping_optional_questions(survey, invitation):
    answers = _valid_answers(survey)
    q = _questions(survey)
    answers[q[QuestionType.MULTIPLE_CHOICE].pk] = []
    answers[q[QuestionType.TEXT].pk] = ""

    response = response_submit(invitation=invitation, answers=answers, language="en")

    assert response.answers.count() == 3


def test_response_submit_rejects_a_closed_survey(survey, invitation):
    survey.status = "closed"
    survey.save()

    with pytest.raises(InvitationNotAnswerable):
        response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")
    assert not Response.objects.exists()


def test_response_submit_rejects_an_expired_invitation(survey):
    invitation = InvitationFactory(survey=survey, expired=True)

    with pytest.raises(InvitationNotAnswerable):
        response_submit(invitation=invitation, answers=_valid_answers(survey), language="en")


def test_invitation_mark_opened_sets_opened_at_only_once():
    invitation = InvitationFactory()

    assert invitation_mark_opened(invitation=invitation) is True
    invitation.refresh_from_db()
    first_opened_at = invitation.opened_at
    assert invitation.status == InvitationStatus.OPENED
    assert invitation_mark_opened(invitation=invitation) is False
    invitation.refresh_from_db()
    assert invitation.opened_at == first_opened_at


@pytest.mark.parametrize("status", [InvitationStatus.COMPLETED, InvitationStatus.FAILED])
def test_invitation_mark_opened_leaves_completed_and_failed_invitations_alone(status):
    invitation = InvitationFactory(status=status, completed_at=timezone.now())

    assert invitation_mark_opened(invitation=invitation) is False
    invitation.refresh_from_db()
    assert invitation.status == status
    assert invitation.opened_at is None


def test_survey_texts_fall_back_to_the_source_text_per_missing_key(survey):
    nps = _questions(survey)[QuestionType.NPS]
    SurveyTranslation.objects.create(survey=survey, language="pl", key="title", text="Ankieta")
    SurveyTranslation.objects.create(
        survey=survey, language="pl", key=f"question:{nps.pk}:text", text="Czy polecisz nas?"
    )
    SurveyTranslation.objects.create(survey=survey, language="pl", key="intro", text="")
    SurveyTranslation.objects.create(survey=survey, language="fa", key="thank_you", text="ممنون")
    questions = survey_questions(survey=survey)

    texts = survey_texts(survey=survey, questions=questions, language="pl")

    assert texts["title"] == "Ankieta"
    assert texts.question(nps, "text") == "Czy polecisz nas?"
    assert texts["intro"] == survey.intro
    assert texts["thank_you"] == survey.thank_you
    rating = _questions(survey)[QuestionType.RATING]
    assert texts.question(rating, "text") == rating.text


def test_survey_source_texts_lists_every_translatable_key(survey):
    questions = survey_questions(survey=survey)
    keys = set(survey_source_texts(survey=survey, questions=questions))

    single = _questions(survey)[QuestionType.SINGLE_CHOICE]
    assert {"title", "intro", "thank_you"} <= keys
    assert f"question:{single.pk}:text" in keys
    assert f"question:{single.pk}:max_label" in keys
    assert {f"choice:{c.pk}:label" for c in single.choices.all()} <= keys


def test_sanitize_rich_text_strips_script_and_javascript_links():
    html = sanitize_rich_text(
        "<p>Hello <strong>you</strong><script>alert(1)</script></p>"
        '<a href="javascript:alert(1)">x</a><img src=x onerror=alert(1)>'
    )

    assert "<strong>you</strong>" in html
    assert "script" not in html
    assert "javascript" not in html
    assert "onerror" not in html
    assert "<img" not in html


def test_sanitize_rich_text_keeps_plain_text_paragraphs_escaped():
    assert sanitize_rich_text("One & two\n\nThree") == "<p>One &amp; two</p>\n\n<p>Three</p>"
