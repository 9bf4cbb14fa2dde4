from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from insights.receivers import connect, quadrant_account_ids
from insights.selectors import ResultFilter, metric_summary
from insights.selectors.matrix import SATISFACTION_WINDOW, account_quadrants
from surveys.constants import Quadrant, QuestionType
from surveys.models import PulseSegment
from surveys.services.pulse import segment_contacts
from surveys.signals import quadrant_accounts_requested
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ContactFactory,
    ResponseFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


def _local(day: date, at: time = time.min) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _nps_answers(account, scores, *, submitted_at=None):
    survey = SurveyFactory()
    submitted_at = submitted_at or _local(TODAY, time(12))
    for score in scores:
        response = ResponseFactory(
            survey=survey, contact=ContactFactory(account=account), submitted_at=submitted_at
        )
        AnswerFactory(response=response, question__type=QuestionType.NPS, number=score)


def test_account_quadrants_places_accounts_by_latest_billed_and_the_same_nps_as_the_metrics():
    model = AccountFactory()
    AccountRevenueFactory(account=model, billed=12_000_000)
    _nps_answers(model, [10, 9, 8, 6])  # 2 promoters, 1 passive, 1 detractor: +25
    at_risk = AccountFactory()
    AccountRevenueFactory(account=at_risk, billed=10_000_001)
    _nps_answers(at_risk, [9, 6, 0])  # -33.3
    dangling = AccountFactory()  # no revenue row: billed 0
    _nps_answers(dangling, [7, 5])  # -50
    AccountFactory()  # no answers: no quadrant

    quadrants = account_quadrants(today=TODAY)

    assert quadrants == {
        model.pk: Quadrant.MODEL,
        at_risk.pk: Quadrant.AT_RISK,
        dangling.pk: Quadrant.DANGLING,
    }
    since = TODAY - SATISFACTION_WINDOW
    nps = {
        account.pk: metric_summary(ResultFilter(account_id=account.pk, since=since)).nps
        for account in (model, at_risk, dangling)
    }
    assert nps == {model.pk: 25.0, at_risk.pk: -33.3, dangling.pk: -50.0}


def test_account_quadrants_counts_the_last_year_from_the_start_of_its_first_day():
    inside = AccountFactory()
    _nps_answers(inside, [10], submitted_at=_local(TODAY - SATISFACTION_WINDOW))
    outside = AccountFactory()
    _nps_answers(
        outside, [10], submitted_at=_local(TODAY - SATISFACTION_WINDOW) - timedelta(seconds=1)
    )

    assert account_quadrants(today=TODAY) == {inside.pk: Quadrant.GROWTH}


def test_account_quadrants_takes_two_queries_whatever_the_number_of_accounts(
    django_assert_num_queries,
):
    for billed, scores in ((20_000_000, [9]), (1_000, [3]), (15_000_000, [2, 10]), (0, [9, 9])):
        account = AccountFactory()
        AccountRevenueFactory(account=account, billed=billed)
        _nps_answers(account, scores)

    with django_assert_num_queries(2):
        assert len(account_quadrants(today=TODAY)) == 4


def test_the_receiver_answers_with_the_accounts_of_the_asked_quadrants():
    growth = AccountFactory()
    _nps_answers(growth, [9], submitted_at=timezone.now())
    dangling = AccountFactory()
    _nps_answers(dangling, [1], submitted_at=timezone.now())

    replies = quadrant_accounts_requested.send(sender=PulseSegment, quadrants=(Quadrant.GROWTH,))

    assert replies == [(quadrant_account_ids, {growth.pk})]


def test_without_the_insights_receiver_a_quadrant_segment_is_refused():
    ContactFactory(account=AccountFactory())
    segment = PulseSegment.objects.create(name="Model", quadrants=[Quadrant.MODEL])
    assert quadrant_accounts_requested.disconnect(
        sender=PulseSegment, dispatch_uid="insights.quadrant_account_ids"
    )
    try:
        with pytest.raises(ValidationError) as refused:
            segment_contacts(segment=segment)
    finally:
        connect()

    assert refused.value.code == "no_quadrants"
