"""The response rate has one formula and one meaning of delivered and completed, whether the
surveys admin or an insights page shows it."""

import pytest

from insights import metrics
from insights.selectors.aggregates import ResultFilter
from insights.selectors.aggregates import response_rate as insights_response_rate
from surveys import rates
from surveys.constants import InvitationStatus
from surveys.models import Invitation
from surveys.selectors.invitations import survey_send_progress
from tests.factories import InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def test_the_formula_is_completed_per_delivered_in_percent_with_one_decimal():
    assert rates.response_rate(1, 3) == 33.3
    assert rates.response_rate(completed=2, delivered=2) == 100.0
    assert rates.response_rate(0, 0) is None


def test_insights_registers_the_same_formula_rather_than_a_copy():
    assert metrics.response_rate is rates.response_rate
    assert metrics.METRICS["response_rate"].compute is rates.response_rate


def test_the_admin_progress_and_the_insights_rate_agree_on_the_same_ledger():
    survey = SurveyFactory()
    InvitationFactory.create_batch(2, survey=survey)  # delivered, unanswered
    InvitationFactory(survey=survey, status=InvitationStatus.COMPLETED)
    InvitationFactory(survey=survey, pending=True)  # not delivered
    InvitationFactory(survey=survey, pending=True, status=InvitationStatus.FAILED)
    # Answered, though the worker died before it recorded the send: it was delivered.
    InvitationFactory(survey=survey, pending=True, status=InvitationStatus.COMPLETED)

    progress = survey_send_progress(survey=survey)
    rate = insights_response_rate(ResultFilter(survey_id=survey.pk))

    assert (progress["delivered"], progress["completed"]) == (4, 2)
    assert (rate.sent, rate.completed) == (4, 2)
    assert progress["response_rate"] == rate.rate == 50.0


def test_a_rate_never_exceeds_one_hundred_percent():
    survey = SurveyFactory()
    InvitationFactory(survey=survey, pending=True, status=InvitationStatus.COMPLETED)

    assert survey_send_progress(survey=survey)["response_rate"] == 100.0
    assert Invitation.objects.delivered().filter(survey=survey).count() == 1
