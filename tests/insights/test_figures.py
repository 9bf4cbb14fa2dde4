"""The numbers of the staff pages: localized and isolated from right-to-left text."""

import pytest
from django.template import Context, Template
from django.utils import translation

from insights.templatetags.figures import change, figure, money


def render(source: str, **context) -> str:
    return Template("{% load figures %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "shown"),
    [
        ("en", -16.0, "-16.0"),
        ("fa", -16.0, "-16.0"),  # Django's Persian format: Latin digits, "." decimals
        ("pl", -16.0, "-16,0"),
        ("en", 2800, "2,800"),
        ("pl", 2800, "2\xa0800"),
        ("zh-hans", 2800, "2,800"),  # cem_project/formats: commas every three digits
        ("fa", 2800, "2,800"),  # Django's Persian format groups nothing; ours does
    ],
)
def test_figure_formats_the_number_for_the_language_inside_a_left_to_right_isolate(
    language, value, shown
):
    with translation.override(language):
        html = render("{{ value|figure }}", value=value)

    assert html == f'<bdi dir="ltr" class="figure">{shown}</bdi>'


def test_figure_keeps_its_unit_inside_the_isolate_and_shows_a_dash_for_no_value():
    assert figure(85.0, "%") == '<bdi dir="ltr" class="figure">85.0%</bdi>'
    assert figure(None) == "—"
    assert figure(None, "%") == "—"


def test_change_is_signed_both_ways():
    with translation.override("en"):
        assert change(2.5) == '<bdi dir="ltr" class="figure">+2.5</bdi>'
        assert change(-1.0) == '<bdi dir="ltr" class="figure">-1.0</bdi>'
        assert change(0.0) == '<bdi dir="ltr" class="figure">0.0</bdi>'
        assert change(None) == ""


def test_figure_escapes_what_it_is_given():
    assert "<script>" not in render("{{ value|figure:unit }}", value=1, unit="<script>")


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("en", "109,000,000"),
        ("fa", "109,000,000"),
        ("zh-hans", "109,000,000"),
        ("pl", "109\xa0000\xa0000"),
    ],
)
def test_money_groups_revenue_in_every_language(language, shown):
    with translation.override(language):
        assert shown in money(109_000_000)
