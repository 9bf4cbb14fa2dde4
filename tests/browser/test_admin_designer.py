"""A survey designer in the admin, in English and Persian (right-to-left): questions are
ordered by drag and drop, languages are ticked, and a send shows who it will reach first."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from surveys.constants import QuestionType
from surveys.models import PulseSegment
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
)

from .conftest import DESKTOP
from .staff_data import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TALL = {"width": 1280, "height": 1600}  # the questions inline in view below the survey's fields


def designer_page(new_context, live_server, language, viewport=DESKTOP):
    context = new_context(viewport=viewport)
    staff_login(context, live_server.url, language)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.js_errors = errors
    return page


def _order(survey) -> list[str]:
    return list(survey.questions.order_by("page", "position", "id").values_list("text", flat=True))


def _row(page, text: str):
    return page.locator("#questions-group tr.has_original", has_text=text)


def _drag(page, source, target, *, below: bool = False) -> None:
    """Drag `source` by its handle (the row's title cell) with the mouse, in small steps, to
    the top of `target` (or its bottom: `below`), as a hand would."""
    page.locator("#questions-group").scroll_into_view_if_needed()
    start, goal = source.locator("td.original p").bounding_box(), target.bounding_box()
    x = start["x"] + 10
    y = start["y"] + start["height"] / 2
    end = goal["y"] + (goal["height"] - 4 if below else 4)
    page.mouse.move(x, y)
    page.mouse.down()
    step = 8 if end > y else -8
    while abs(end - y) > 8:
        y += step
        page.mouse.move(x, y)
    page.mouse.move(x, end)
    page.mouse.up()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_dragging_a_question_changes_the_saved_order(
    new_context, live_server, screenshots_dir, language
):
    survey = SurveyFactory(title="Repair follow-up", languages=["en", "fa"])
    for position, text in enumerate(("Recommend us?", "Satisfied?", "Why that score?"), start=1):
        QuestionFactory(survey=survey, text=text, position=position, type=QuestionType.NPS)
    page = designer_page(new_context, live_server, language, TALL)

    page.goto(reverse("admin:surveys_survey_change", args=[survey.pk]))
    expect(page.locator("#questions-group fieldset.sortable")).to_be_visible()
    _drag(page, _row(page, "Why that score?"), _row(page, "Recommend us?"))

    rows = page.locator("#questions-group tr.has_original td.field-text textarea")
    expect(rows.first).to_have_value("Why that score?")
    page.wait_for_timeout(300)  # the drop's animation
    page.locator("#questions-group").screenshot(
        path=screenshots_dir / f"admin-questions-dragged-{language}.png"
    )
    page.locator("input[name='_continue']").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    assert _order(survey) == ["Why that score?", "Recommend us?", "Satisfied?"]
    assert page.js_errors == []


def test_a_question_dropped_among_another_pages_questions_joins_that_page(new_context, live_server):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, text="Page one, first", page=1, position=1)
    QuestionFactory(survey=survey, text="Page one, second", page=1, position=2)
    QuestionFactory(survey=survey, text="Page two, first", page=2, position=3)
    QuestionFactory(survey=survey, text="Page two, second", page=2, position=4)
    page = designer_page(new_context, live_server, "en", TALL)

    page.goto(reverse("admin:surveys_survey_change", args=[survey.pk]))
    _drag(page, _row(page, "Page one, first"), _row(page, "Page two, first"), below=True)

    expect(_row(page, "Page one, first").locator("td.field-page input")).to_have_value("2")
    page.locator("input[name='_continue']").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    assert list(survey.questions.order_by("page", "position").values_list("text", "page")) == [
        ("Page one, second", 1),
        ("Page two, first", 2),
        ("Page one, first", 2),
        ("Page two, second", 2),
    ]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_survey_languages_are_ticked_and_a_default_outside_them_is_explained(
    new_context, live_server, screenshots_dir, language
):
    survey = SurveyFactory(languages=["en"], default_language="en")
    page = designer_page(new_context, live_server, language)

    page.goto(reverse("admin:surveys_survey_change", args=[survey.pk]))
    languages = page.locator(".field-languages")
    expect(languages.locator("input[type=checkbox]")).to_have_count(4)
    languages.locator("input[value='fa']").check()
    page.locator("select[name='default_language']").select_option("pl")
    page.locator("input[name='_continue']").click()

    error = page.locator(".field-default_language .errorlist")
    expect(error).to_be_visible()
    page.locator("fieldset", has=languages).first.screenshot(
        path=screenshots_dir / f"admin-survey-languages-{language}.png"
    )
    survey.refresh_from_db()
    assert survey.languages == ["en"]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_segment_filters_are_chosen_from_lists(
    new_context, live_server, screenshots_dir, language
):
    ContactFactory(role="Plant Manager")
    ContactFactory(role="Head of Procurement")
    page = designer_page(new_context, live_server, language)

    page.goto(reverse("admin:surveys_pulsesegment_add"))
    page.locator("input[name='name']").fill("Procurement in growth accounts")
    page.locator(".field-quadrants input[value='growth']").check()
    page.locator("select#id_roles_from").select_option("Head of Procurement")
    page.locator("#id_roles_add").click()
    page.locator(".field-languages input[value='fa']").check()
    page.locator("#content-main").screenshot(path=screenshots_dir / f"admin-segment-{language}.png")
    page.locator("input[name='_continue']").click()

    expect(page.locator(".messagelist")).to_be_visible()
    segment = PulseSegment.objects.get()
    assert (segment.quadrants, segment.roles, segment.languages) == (
        ["growth"],
        ["Head of Procurement"],
        ["fa"],
    )
    assert page.js_errors == []


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_send_page_shows_who_will_be_invited_before_sending(
    new_context, live_server, screenshots_dir, language
):
    survey = SurveyFactory(title="Installation experience")
    account = AccountFactory(name="Pars Medical Centre")
    ContactFactory(account=account, name="مریم احمدی", is_key_contact=True)
    tired = ContactFactory(account=account, name="Sara Karimi")
    ContactFactory(account=account, name="Ali Rezaei", opted_out=True)
    InvitationFactory(contact=tired)
    page = designer_page(new_context, live_server, language)

    page.goto(reverse("admin:surveys_survey_send", args=[survey.pk]))
    page.screenshot(path=screenshots_dir / f"admin-send-choose-{language}.png", full_page=True)
    page.locator("select#id_accounts_from").select_option(
        label="\u2068Pars Medical Centre\u2069"
    )  # isolated for RTL
    page.locator("#id_accounts_add").click()
    page.locator("input[name='apply']").click()

    expect(page.locator(".send-summary strong")).to_have_text("1")
    expect(page.locator(".send-skipped")).to_have_count(2)
    expect(page.locator(".send-invited")).to_contain_text("مریم احمدی")
    page.screenshot(path=screenshots_dir / f"admin-send-preview-{language}.png", full_page=True)
    assert not survey.distributions.exists()

    page.locator("input[name='confirm']").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert survey.distributions.get().invitations.count() == 3
