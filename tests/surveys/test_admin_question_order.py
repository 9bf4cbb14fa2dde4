"""The survey page orders its questions by drag and drop: the saved order is the dragged one,
within pages, and the skip logic is judged on the survey as it will be."""

import pytest
from django.urls import reverse

from surveys.constants import QuestionType
from tests.factories import QuestionFactory, SurveyFactory
from tests.surveys.admin_post import inline_post_data

pytestmark = pytest.mark.django_db


def _page(client, survey):
    url = reverse("admin:surveys_survey_change", args=[survey.pk])
    page = client.get(url)
    data = inline_post_data(page.context["adminform"], page.context["inline_admin_formsets"])
    prefixes = {
        int(data[f"questions-{i}-id"]): f"questions-{i}"
        for i in range(int(data["questions-TOTAL_FORMS"]))
    }
    return url, data, prefixes


def _order(survey) -> list[str]:
    return list(survey.questions.order_by("page", "position", "id").values_list("text", flat=True))


def test_the_inline_is_sortable_and_hides_the_position_numbers(admin_client):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, text="First")

    text = admin_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content
    text = text.decode()

    assert "adminsortable2/js/adminsortable2" in text
    assert "js/admin-questions.js" in text
    assert 'class="module sortable' in text or "sortable" in text.split('id="questions-group"')[1]
    assert 'type="hidden" name="questions-0-position"' in text
    assert 'type="number" name="questions-0-position"' not in text


def test_the_dragged_order_is_saved(admin_client):
    survey = SurveyFactory()
    a, b, c = (QuestionFactory(survey=survey, text=t, position=i) for i, t in enumerate("ABC"))
    url, data, prefix = _page(admin_client, survey)
    # sortable2 numbers the rows 1..n as they stand after the drag: C, A, B.
    for question, position in ((c, 1), (a, 2), (b, 3)):
        data[f"{prefix[question.pk]}-position"] = str(position)

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _order(survey) == ["C", "A", "B"]
    assert list(survey.questions.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
    ]


def test_the_page_number_decides_the_page_and_untouched_rows_are_renumbered(admin_client):
    survey = SurveyFactory()
    a = QuestionFactory(survey=survey, text="A", page=1, position=5)
    QuestionFactory(survey=survey, text="B", page=1, position=9)
    c = QuestionFactory(survey=survey, text="C", page=2, position=1)
    url, data, prefix = _page(admin_client, survey)
    data[f"{prefix[a.pk]}-page"] = "2"  # typed: A moves to page 2, after C as it stood

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _order(survey) == ["B", "C", "A"]
    positions = dict(survey.questions.values_list("text", "position"))
    assert positions == {"B": 1, "C": 2, "A": 3}  # B and C were not edited, yet renumbered
    c.refresh_from_db()
    assert c.page == 2


def test_a_new_question_goes_last_on_its_page(admin_client):
    survey = SurveyFactory()
    QuestionFactory(survey=survey, text="One", page=1, position=1)
    QuestionFactory(survey=survey, text="Two", page=2, position=2)
    url, data, _prefix = _page(admin_client, survey)
    total = int(data["questions-TOTAL_FORMS"])
    data.update(
        {
            f"questions-{total}-page": "1",
            f"questions-{total}-type": QuestionType.TEXT,
            f"questions-{total}-text": "New on page one",
            f"questions-{total}-position": "0",
            "questions-TOTAL_FORMS": str(total + 1),
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert _order(survey) == ["One", "New on page one", "Two"]


def test_a_drag_that_keeps_every_condition_sound_is_saved_whatever_the_old_numbers(
    admin_client,
):
    """Old positions 10, 20, 30; after the drag they are 1..3. Judged row by row against the
    stored numbers, B (now 2) would seem to come before A (still 20 in the database)."""
    survey = SurveyFactory()
    x = QuestionFactory(survey=survey, text="X", type=QuestionType.TEXT, position=10)
    a = QuestionFactory(survey=survey, text="A", type=QuestionType.NPS, position=20)
    b = QuestionFactory(
        survey=survey,
        text="B",
        type=QuestionType.TEXT,
        position=30,
        required=False,
        condition_question=a,
        condition_operator="lte",
        condition_value="6",
    )
    url, data, prefix = _page(admin_client, survey)
    for question, position in ((a, 1), (b, 2), (x, 3)):
        data[f"{prefix[question.pk]}-position"] = str(position)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][
        0
    ].formset.non_form_errors()
    assert _order(survey) == ["A", "B", "X"]


def test_a_drag_that_puts_a_condition_before_its_question_is_refused(admin_client):
    survey = SurveyFactory()
    a = QuestionFactory(survey=survey, text="A", type=QuestionType.NPS, position=1)
    b = QuestionFactory(
        survey=survey,
        text="B",
        type=QuestionType.TEXT,
        position=2,
        required=False,
        condition_question=a,
        condition_operator="lte",
        condition_value="6",
    )
    url, data, prefix = _page(admin_client, survey)
    data[f"{prefix[b.pk]}-position"], data[f"{prefix[a.pk]}-position"] = "1", "2"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "earlier question" in response.content.decode()
    assert _order(survey) == ["A", "B"]
