from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys.constants import DistributionOrigin, Quadrant, QuestionType, SurveyKind
from surveys.models import Distribution, Inquiry, PulseSegment
from surveys.services.pulse import pulse_send, segment_contacts, segment_matched_count
from tests.factories import (
    AccountFactory,
    AccountRevenueFactory,
    AnswerFactory,
    ContactFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointEventFactory,
    TouchPointFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


def _ids(contacts) -> list[int]:
    return [c.pk for c in contacts]


def test_a_segment_by_vertical_market_role_language_and_key_contacts_matches_exactly():
    energy, health = VerticalMarketFactory(), VerticalMarketFactory()
    account = AccountFactory(vertical_market=energy)
    match = ContactFactory(
        account=account, role="Plant Manager", language="pl", is_key_contact=True
    )
    ContactFactory(account=account, role="plant manager", language="en", is_key_contact=True)
    ContactFactory(account=account, role="Buyer", language="pl", is_key_contact=True)
    ContactFactory(account=account, role="Plant manager", language="pl", is_key_contact=False)
    ContactFactory(
        account=AccountFactory(vertical_market=health),
        role="Plant manager",
        language="pl",
        is_key_contact=True,
    )
    ContactFactory(
        account=account, role="Plant manager", language="pl", is_key_contact=True, opted_out=True
    )
    segment = PulseSegment.objects.create(
        name="Polish plant managers",
        roles=["plant manager"],
        languages=["pl"],
        key_contacts_only=True,
    )
    segment.vertical_markets.set([energy])

    assert _ids(segment_contacts(segment=segment)) == [match.pk]
    assert segment_matched_count(segment=segment) == 1


def test_a_segment_by_touch_points_experienced_in_a_period():
    repair, install = TouchPointFactory(code="repair"), TouchPointFactory(code="install")
    inside = TouchPointEventFactory(
        touch_point=repair, occurred_at=datetime(2026, 3, 31, 23, 0, tzinfo=UTC)
    ).contact
    TouchPointEventFactory(touch_point=repair, occurred_at=datetime(2026, 4, 1, 0, 30, tzinfo=UTC))
    TouchPointEventFactory(touch_point=install, occurred_at=datetime(2026, 3, 15, tzinfo=UTC))
    ContactFactory()  # no events at all
    segment = PulseSegment.objects.create(
        name="Repaired in March",
        experienced_since=date(2026, 3, 1),
        experienced_until=date(2026, 3, 31),
    )
    segment.touch_points.set([repair])

    assert _ids(segment_contacts(segment=segment)) == [inside.pk]


def test_a_sample_is_reproducible_with_its_seed_and_differs_with_another():
    contacts = ContactFactory.create_batch(30)
    segment = PulseSegment.objects.create(name="Sample", sample_size=10, seed=42)

    first = _ids(segment_contacts(segment=segment))
    second = _ids(segment_contacts(segment=segment))
    segment.seed = 43
    other = _ids(segment_contacts(segment=segment))

    assert first == second
    assert len(first) == 10 and first == sorted(first)
    assert set(first) <= set(_ids(contacts))
    assert other != first
    assert len(other) == 10


def test_a_sample_larger_than_the_segment_takes_everyone():
    contacts = ContactFactory.create_batch(3)
    segment = PulseSegment.objects.create(name="All", sample_size=10, seed=1)

    assert _ids(segment_contacts(segment=segment)) == _ids(contacts)


def test_pulse_send_targets_exactly_the_segment_sample():
    ContactFactory.create_batch(12)
    segment = PulseSegment.objects.create(name="Twelve", sample_size=5, seed=7)
    survey = SurveyFactory(kind=SurveyKind.PULSE)

    distribution = pulse_send(survey=survey, segment=segment, created_by=None)

    assert distribution.origin == DistributionOrigin.PULSE
    invited = sorted(distribution.invitations.values_list("contact_id", flat=True))
    assert invited == _ids(segment_contacts(segment=segment))


def test_pulse_send_refuses_a_non_pulse_survey_and_an_empty_segment():
    segment = PulseSegment.objects.create(name="Nobody", languages=["fa"])
    ContactFactory(language="en")
    with pytest.raises(ValidationError):
        pulse_send(survey=SurveyFactory(kind=SurveyKind.RELATIONSHIP), segment=segment)
    with pytest.raises(ValidationError):
        pulse_send(survey=SurveyFactory(kind=SurveyKind.PULSE), segment=segment)
    assert Distribution.objects.count() == 0


def _nps_answers(account, scores):
    survey = SurveyFactory()
    for score in scores:
        response = ResponseFactory(survey=survey, contact=ContactFactory(account=account))
        AnswerFactory(response=response, question__type=QuestionType.NPS, number=score)


def test_a_segment_by_matrix_quadrant_uses_billed_revenue_and_nps(settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1  # the minimum has its own tests (tests/insights)
    model = AccountFactory()
    AccountRevenueFactory(account=model, billed=12_000_000)
    _nps_answers(model, [10, 9, 3])  # NPS +33: high
    at_risk = AccountFactory()
    AccountRevenueFactory(account=at_risk, billed=20_000_000)
    _nps_answers(at_risk, [2, 8])  # NPS -50: low
    growth = AccountFactory()
    AccountRevenueFactory(account=growth, billed=2_000_000)
    _nps_answers(growth, [9])
    unscored = AccountFactory()  # no answers: in no quadrant
    ContactFactory(account=unscored)
    segment = PulseSegment.objects.create(name="Growth", quadrants=[Quadrant.GROWTH])

    assert {c.account_id for c in segment_contacts(segment=segment)} == {growth.pk}
    segment.quadrants = [Quadrant.MODEL, Quadrant.AT_RISK]
    assert {c.account_id for c in segment_contacts(segment=segment)} == {model.pk, at_risk.pk}


def test_an_unknown_quadrant_is_refused():
    segment = PulseSegment.objects.create(name="Bad", quadrants=["unicorns"])
    with pytest.raises(ValidationError):
        segment_contacts(segment=segment)


# ------------------------------------------------------------------ admin


def test_the_send_pulse_page_shows_the_matched_count_then_sends(staff_client):
    ContactFactory.create_batch(4)
    segment = PulseSegment.objects.create(name="Four", sample_size=3, seed=1)
    survey = SurveyFactory(kind=SurveyKind.PULSE, title="Next services")
    url = reverse("admin:surveys_pulsesegment_send", args=[segment.pk])

    page = staff_client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 contacts match this segment" in text
    assert "random sample of 3" in text

    preview = staff_client.post(url, {"survey": survey.pk, "apply": "Send"}).context["preview"]
    response = staff_client.post(
        url, {"survey": survey.pk, "confirm": "1", "preview_digest": preview.digest}
    )
    assert response.status_code == 302
    distribution = Distribution.objects.get()
    assert distribution.invitations.count() == 3


def test_the_segment_action_redirects_to_the_send_page(staff_client):
    segment = PulseSegment.objects.create(name="One")
    response = staff_client.post(
        reverse("admin:surveys_pulsesegment_changelist"),
        {"action": "send_pulse", "_selected_action": [segment.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:surveys_pulsesegment_send", args=[segment.pk])


def test_inquiries_are_searchable_and_shown_on_their_pulse_survey(staff_client):
    survey = SurveyFactory(kind=SurveyKind.PULSE)
    Inquiry.objects.create(
        kind="interview",
        title="Interview at Acme",
        held_on=date.today() - timedelta(days=3),
        survey=survey,
        themes="remote monitoring, price",
        notes="Wants alerts before failures.",
    )
    Inquiry.objects.create(
        kind="focus_group", title="Other group", held_on=date.today(), notes="Tendering."
    )

    found = staff_client.get(reverse("admin:surveys_inquiry_changelist"), {"q": "monitoring"})
    assert "Interview at Acme" in found.content.decode()
    assert "Other group" not in found.content.decode()
    filtered = staff_client.get(
        reverse("admin:surveys_inquiry_changelist"), {"kind__exact": "focus_group"}
    )
    assert "Other group" in filtered.content.decode()

    page = staff_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert page.status_code == 200
    assert "Interview at Acme" in page.content.decode()
