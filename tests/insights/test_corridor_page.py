from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.constants import QuestionType
from tests.factories import (
    AccountFactory,
    QuestionFactory,
    SurveyFactory,
    TouchPointFactory,
    UserFactory,
)

from .builders import local, scored_responses, visible_text

pytestmark = pytest.mark.django_db

URL = reverse("insights:corridor")
RANGE = {"since": "2026-01-01", "until": "2026-06-30", "period": "quarter"}


@pytest.fixture
def installation():
    point = TouchPointFactory(code="installation", name="Installation", corridor_position=3)
    return QuestionFactory(
        survey=SurveyFactory(transaction=True, touch_point=point), type=QuestionType.NPS
    )


def _cell(html: str, code: str, period: str, value: str | None = None) -> str:
    row_start = html.index(
        f'data-touch-point="{code}"' + (f' data-value="{value}"' if value else ">")
    )
    start = html.index(f'data-period="{period}"', row_start)
    return html[start : html.index("</td>", start)]


def test_the_corridor_page_marks_the_weakest_step_and_its_change(staff_client, installation,
                                                                  settings):  # fmt: skip
    settings.CEM_CORRIDOR_MIN_ANSWERS = 4
    billing = QuestionFactory(
        survey=SurveyFactory(
            transaction=True,
            touch_point=TouchPointFactory(code="billing", name="Billing", corridor_position=4),
        ),
        type=QuestionType.RATING,
    )
    account = AccountFactory()
    scored_responses(account, installation, [9, 10, 7, 3], submitted_at=local(date(2026, 2, 1)),
                     attributes={"technician": "R. Nowak"})  # fmt: skip
    scored_responses(account, installation, [9, 2, 3, 6], submitted_at=local(date(2026, 5, 1)),
                     attributes={"technician": "R. Nowak"})  # fmt: skip
    scored_responses(account, billing, [5, 5, 4, 1], submitted_at=local(date(2026, 5, 1)))

    page = staff_client.get(URL, RANGE)

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index('data-touch-point="installation"') < html.index('data-touch-point="billing"')
    weakest = _cell(html, "installation", "2026-04-01")
    assert 'data-weakest="true"' in weakest
    assert "75.0%" in visible_text(weakest) and "+50.0" in visible_text(weakest)
    assert 'data-weakest="true"' not in _cell(html, "billing", "2026-04-01")  # 25%
    step = html[html.index('id="weakest-step"') :]
    step = visible_text(step[: step.index("</div>")])
    assert "Weakest step in 2026 Q2: Installation, 75.0% low scores." in step
    assert "Biggest rise: Installation in 2026 Q2, 75.0% low scores (+50.0 points" in step

    cut = staff_client.get(URL, {**RANGE, "attribute": "technician"}).content.decode()
    assert "R. Nowak" in cut
    assert "75.0%" in visible_text(_cell(cut, "installation", "2026-04-01", value="R. Nowak"))


def test_a_bad_date_range_shows_the_error_and_the_default_corridor(staff_client, installation):
    page = staff_client.get(URL, {"since": "2026-03-02", "until": "2026-03-01"})

    assert page.status_code == 200
    assert "The start date must not be after the end date." in page.content.decode()
    assert 'data-touch-point="installation"' in page.content.decode()


def test_an_account_team_member_sees_only_their_accounts_answers(client, installation):
    member = UserFactory()
    mine = AccountFactory()
    mine.account_team.add(member)
    scored_responses(mine, installation, [10], submitted_at=local(date(2026, 2, 1)))
    scored_responses(AccountFactory(), installation, [0, 0], submitted_at=local(date(2026, 2, 1)))
    client.force_login(member)

    html = client.get(URL, RANGE).content.decode()

    q1 = _cell(html, "installation", "2026-01-01")
    assert "n=1" in q1 and "0.0%" in visible_text(q1)


def test_the_corridor_page_makes_as_many_queries_for_many_answers_as_for_few(
    staff_client, installation
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(URL, {**RANGE, "attribute": "technician"}).status_code == 200
        return len(captured)

    account = AccountFactory()
    scored_responses(account, installation, [9], submitted_at=local(date(2026, 2, 1)),
                     attributes={"technician": "A"})  # fmt: skip
    few = queries()
    for technician in ("A", "B", "C"):
        scored_responses(AccountFactory(), installation, [1, 5, 9],
                         submitted_at=local(date(2026, 5, 1)),
                         attributes={"technician": technician})  # fmt: skip

    assert queries() == few


def test_the_corridor_page_needs_a_staff_login(client):
    assert client.get(URL).status_code == 302
