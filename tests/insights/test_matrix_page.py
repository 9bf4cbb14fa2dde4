from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AccountFactory, AccountRevenueFactory, UserFactory

from .builders import Programme, nps_answers, visible_text

pytestmark = pytest.mark.django_db

URL = reverse("insights:matrix")


def _rows(html: str, quadrant: str) -> str:
    """The part of the page listing one quadrant's accounts."""
    start = html.index(f'id="accounts-{quadrant}"')
    end = html.find('<h3 class="h6 mt-3"', start + 1)
    return html[start : end if end != -1 else None]


def test_the_matrix_page_lists_each_account_under_its_quadrant_with_a_link(staff_client):
    northbridge = AccountFactory(name="Northbridge Health System")
    AccountRevenueFactory(account=northbridge, billed=22_500_000, forecast=9_000_000)
    nps_answers(northbridge, [2, 3, 9])  # -33.3
    atlas = AccountFactory(name="Atlas Precision")
    AccountRevenueFactory(account=atlas, billed=24_000_000)
    nps_answers(atlas, [9, 10, 7])  # +66.7
    quiet = AccountFactory(name="Quiet Clinic")

    page = staff_client.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    at_risk = _rows(html, "at_risk")
    assert "Northbridge Health System" in at_risk and "-33.3" in at_risk
    assert reverse("insights:account", args=[northbridge.pk]) in at_risk
    assert "22,500,000" in at_risk
    assert "Atlas Precision" in _rows(html, "model")
    assert "Quiet Clinic" in _rows(html, "insufficient")
    assert reverse("insights:account", args=[quiet.pk]) in html
    assert "High billing: above 10,000,000." in visible_text(html)


def test_opening_a_wave_compares_it_with_the_wave_before(staff_client, settings):
    settings.CEM_MATRIX_MIN_ANSWERS = 1
    relationship = Programme()
    autumn = relationship.wave(date(2025, 9, 1))
    spring = relationship.wave(date(2026, 3, 1))
    mover = AccountFactory(name="Mover")
    relationship.answer(autumn, mover, nps=10)
    relationship.answer(spring, mover, nps=0)
    stayer = AccountFactory(name="Stayer")
    relationship.answer(autumn, stayer, nps=9)
    relationship.answer(spring, stayer, nps=9)

    html = staff_client.get(URL, {"wave": spring.pk}).content.decode()

    movement = html[html.index('id="matrix-movement"') :]
    movement = movement[: movement.index("</table>")]
    assert "Mover" in movement and "Stayer" not in movement
    assert 'data-quadrant="growth"' in movement and 'data-quadrant="dangling"' in movement
    assert f'<option value="{autumn.pk}" selected>' in html  # the compared wave is shown

    no_comparison = staff_client.get(URL, {"wave": spring.pk, "compare": ""}).content.decode()
    assert 'id="matrix-movement"' not in no_comparison


def test_a_wave_with_dates_shows_the_error_and_the_default_matrix(staff_client):
    wave = Programme().wave(date(2026, 3, 1))
    nps_answers(AccountFactory(name="Still listed"), [9, 9, 9])

    page = staff_client.get(URL, {"wave": wave.pk, "since": "2026-01-01"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Choose a wave or a date range, not both." in html
    assert "Still listed" in _rows(html, "growth")


def test_an_account_team_member_sees_only_their_accounts_on_the_matrix(client):
    member = UserFactory()
    mine = AccountFactory(name="Mine Industries")
    mine.account_team.add(member)
    nps_answers(mine, [9, 9, 9])
    nps_answers(AccountFactory(name="Other Team Corp"), [9, 9, 9])
    client.force_login(member)

    html = client.get(URL).content.decode()

    assert "Mine Industries" in html
    assert "Other Team Corp" not in html


def test_the_matrix_page_makes_as_many_queries_for_many_accounts_as_for_few(staff_client):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(URL).status_code == 200
        return len(captured)

    for scores in ([9, 9, 9], [0, 1, 2]):
        nps_answers(AccountFactory(), scores)
    few = queries()
    for _ in range(8):
        account = AccountFactory()
        AccountRevenueFactory(account=account, billed=20_000_000)
        nps_answers(account, [9, 3, 10])

    assert queries() == few


def test_the_matrix_page_needs_a_staff_login(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/login/" in response["Location"]


# ------------------------------------------------------------------ the account page


def test_the_account_page_shows_the_accounts_quadrant_and_scores(staff_client):
    account = AccountFactory(name="Northbridge Health System")
    AccountRevenueFactory(account=account, billed=22_500_000, forecast=9_000_000)
    nps_answers(account, [2, 3, 9, 10])  # 2-2 of 4: 0, at the threshold: model

    page = staff_client.get(reverse("insights:account", args=[account.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    nps_row = html[html.index('data-metric="nps"') :]
    nps_row = nps_row[: nps_row.index("</tr>")]
    assert 'data-quadrant="model"' in nps_row and ">4<" in nps_row
    cx_row = html[html.index('data-metric="cx_index"') :]
    assert 'data-quadrant="insufficient"' in cx_row[: cx_row.index("</tr>")]
    assert "22,500,000" in html


def test_another_teams_account_page_is_a_404_and_is_logged(client, caplog):
    member = UserFactory()
    other = AccountFactory()
    client.force_login(member)

    with caplog.at_level("WARNING", logger="cem.security"):
        response = client.get(reverse("insights:account", args=[other.pk]))

    assert response.status_code == 404
    assert f"Out-of-scope account page {other.pk}" in caplog.text
    assert client.get(reverse("insights:account", args=[10**9])).status_code == 404


def test_an_account_team_member_opens_their_own_account_page(client):
    member = UserFactory()
    mine = AccountFactory(name="Mine Industries")
    mine.account_team.add(member)
    client.force_login(member)

    assert client.get(reverse("insights:account", args=[mine.pk])).status_code == 200


def test_long_quadrants_show_their_largest_accounts_and_a_link_to_all(staff_client, monkeypatch):
    from insights.views import matrix as matrix_views

    monkeypatch.setattr(matrix_views, "TABLE_ROWS", 2)
    for name, billed in (("Small", 1_000), ("Big", 9_000_000), ("Middle", 5_000_000)):
        account = AccountFactory(name=name)
        AccountRevenueFactory(account=account, billed=billed)
        nps_answers(account, [9, 9, 9])

    html = staff_client.get(URL).content.decode()
    everything = staff_client.get(URL, {"all": "1"}).content.decode()

    growth = _rows(html, "growth")
    assert growth.index("Big") < growth.index("Middle") and "Small" not in growth
    assert "The 2 largest by billed revenue of 3." in visible_text(growth)
    assert "?all=1" in growth
    assert "Small" in _rows(everything, "growth") and "more-rows" not in everything
