"""The wave comparison page: its charts, the CSAT column filled where the survey asks CSAT,
and no column for a metric the survey does not measure."""

from datetime import date

import pytest
from django.urls import reverse

from surveys.constants import QuestionType
from surveys.services.templates import SURVEY_TEMPLATES
from tests.factories import AccountFactory
from tests.insights.builders import Programme

pytestmark = pytest.mark.django_db


def test_the_relationship_template_asks_csat_beside_the_cx_index():
    types = [q.type for q in SURVEY_TEMPLATES["relationship_cx"].questions]

    assert QuestionType.RATING in types and QuestionType.CX_EASE in types


def test_waves_are_compared_in_charts_with_the_csat_column_filled(staff_client):
    relationship = Programme()
    first, second = relationship.wave(date(2026, 1, 1)), relationship.wave(date(2026, 7, 1))
    account = AccountFactory()
    relationship.answer(first, account, nps=10, csat=5, cx=(4, 4, 4))
    relationship.answer(second, account, nps=3, csat=2, cx=(2, 2, 2))

    response = staff_client.get(
        reverse("insights:programme_waves", args=[relationship.programme.pk])
    )

    html = response.content.decode()
    overall = response.context["comparison"].overall.cells
    assert [cell.csat for cell in overall] == [100.0, 0.0]
    assert 'data-figure="csat"' in html
    assert 'id="waves-overall-chart"' in html and 'id="waves-markets-chart"' in html


def test_a_metric_the_survey_does_not_measure_gets_no_column(staff_client):
    relationship = Programme()
    relationship.questions["csat"].delete()
    wave = relationship.wave(date(2026, 1, 1))
    relationship.answer(wave, AccountFactory(), nps=9, cx=(5, 5, 5))

    response = staff_client.get(
        reverse("insights:programme_waves", args=[relationship.programme.pk])
    )

    html = response.content.decode()
    assert 'data-figure="csat"' not in html and 'data-figure="nps"' in html
