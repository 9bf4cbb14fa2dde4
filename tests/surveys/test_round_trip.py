"""One invitation end to end: real SMTP out, the link read back from the received mail,
answered through the public form, and the survey's NPS moves."""

import re

import pytest

from insights.selectors import ResultFilter, metric_summary
from surveys.constants import InvitationStatus, QuestionType
from surveys.models import Invitation
from surveys.services.invitations import distribution_create
from tests.factories import ChoiceFactory, ContactFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/s/[A-Za-z0-9_-]{43,}/)")


def test_a_survey_sent_over_smtp_is_answered_through_its_link_and_moves_the_nps(
    client, smtp_email, django_capture_on_commit_callbacks
):
    survey = SurveyFactory(title="Installation follow-up")
    nps = QuestionFactory(survey=survey, type=QuestionType.NPS, page=1, position=1)
    resolved = QuestionFactory(survey=survey, type=QuestionType.SINGLE_CHOICE, position=2)
    ChoiceFactory(question=resolved, value="no", label="No")
    yes = ChoiceFactory(question=resolved, value="yes", label="Yes")
    why = QuestionFactory(survey=survey, type=QuestionType.TEXT, position=3, required=False)
    contact = ContactFactory(language="pl")
    results = ResultFilter(survey_id=survey.id)
    assert metric_summary(results).nps is None

    with django_capture_on_commit_callbacks(execute=True):
        distribution_create(survey=survey, contacts=[contact])

    assert len(smtp_email.messages) == 1
    received = smtp_email.messages[0]
    assert received["X-Envelope-To"] == contact.email
    assert "Installation follow-up" in received["Subject"]
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    path = LINK.search(text).group(1)
    assert path in html
    assert Invitation.objects.get(contact=contact).status == InvitationStatus.SENT

    form_page = client.get(path)
    assert form_page.status_code == 200
    assert f'name="q_{nps.id}"' in form_page.content.decode()

    answered = client.post(
        path, {f"q_{nps.id}": 10, f"q_{resolved.id}": yes.value, f"q_{why.id}": "Quick work."}
    )

    assert answered.status_code == 200
    summary = metric_summary(results)
    assert summary.n == 1
    assert summary.nps == 100.0
    assert Invitation.objects.get(contact=contact).status == InvitationStatus.COMPLETED
    assert client.post(path, {f"q_{nps.id}": 0}).status_code in (404, 409)
