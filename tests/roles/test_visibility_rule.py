"""The one rule of visible accounts (customers.querysets) and the rows that follow it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from cem_project.roles import (
    ACCOUNT_TEAM_MEMBER,
    ANALYST,
    EXECUTIVE,
    GENERAL_MANAGER,
    INTEGRATION,
    SURVEY_DESIGNER,
)
from customers.models import Account, Contact
from customers.querysets import visible_rows
from customers.selectors import visible_account_ids
from surveys.models import Distribution, Response
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    ResponseFactory,
    UserFactory,
    VerticalMarketFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def markets():
    health, retail = VerticalMarketFactory(code="health"), VerticalMarketFactory(code="retail")
    return {
        "health": health,
        "retail": retail,
        "h1": AccountFactory(name="H1", vertical_market=health),
        "h2": AccountFactory(name="H2", vertical_market=health),
        "r1": AccountFactory(name="R1", vertical_market=retail),
        "r2": AccountFactory(name="R2", vertical_market=retail),
    }


def _names(user) -> set[str]:
    return set(Account.objects.visible_to(user).values_list("name", flat=True))


def test_a_team_member_sees_the_accounts_of_their_teams(markets):
    user = UserFactory(roles=[ACCOUNT_TEAM_MEMBER])
    markets["h1"].account_team.add(user)
    markets["r2"].account_team.add(user)

    assert _names(user) == {"H1", "R2"}


def test_a_general_manager_sees_their_markets_and_where_they_are_named(markets):
    gm = UserFactory(roles=[GENERAL_MANAGER])
    markets["health"].general_managers.add(gm)
    Account.objects.filter(pk=markets["r1"].pk).update(general_manager=gm)
    # Another general manager named on a health account takes nothing from the market's GM.
    Account.objects.filter(pk=markets["h2"].pk).update(general_manager=UserFactory())

    assert _names(gm) == {"H1", "H2", "R1"}
    assert visible_account_ids(gm) == {markets[k].pk for k in ("h1", "h2", "r1")}


@pytest.mark.parametrize("role", [ANALYST, EXECUTIVE])
def test_analysts_and_executives_see_every_account(markets, role):
    user = UserFactory(roles=[role])

    assert _names(user) == {"H1", "H2", "R1", "R2"}
    assert visible_account_ids(user) is None


def test_a_superuser_sees_every_account(markets):
    assert _names(UserFactory(superuser=True)) == {"H1", "H2", "R1", "R2"}


@pytest.mark.parametrize("role", [SURVEY_DESIGNER, INTEGRATION])
def test_roles_serving_no_account_see_none(markets, role):
    assert _names(UserFactory(roles=[role])) == set()


def test_an_inactive_non_staff_or_anonymous_user_sees_nothing(markets):
    inactive = UserFactory(roles=[ANALYST], is_active=False)
    customer = UserFactory(is_staff=False)
    markets["h1"].account_team.add(customer)

    assert _names(inactive) == _names(customer) == _names(AnonymousUser()) == set()


def test_an_integration_reports_events_for_every_account_and_sees_none(markets):
    user = UserFactory(roles=[INTEGRATION])

    assert Account.objects.reportable_by(user).count() == 4
    assert not Account.objects.visible_to(user).exists()
    assert Account.objects.reportable_by(UserFactory(roles=[ACCOUNT_TEAM_MEMBER])).count() == 0


def test_rows_follow_their_account_and_rows_of_no_account_are_for_who_sees_all(markets):
    user = UserFactory(roles=[ACCOUNT_TEAM_MEMBER])
    markets["h1"].account_team.add(user)
    mine = ResponseFactory(contact=ContactFactory(account=markets["h1"]))
    ResponseFactory(contact=ContactFactory(account=markets["r1"]))
    anonymous = ResponseFactory(contact=None, account=None)

    assert list(Response.objects.visible_to(user)) == [mine]
    assert list(Contact.objects.visible_to(user)) == [mine.contact]
    assert anonymous in Response.objects.visible_to(UserFactory(roles=[ANALYST]))


def test_rows_reached_through_many_are_listed_once(markets):
    user = UserFactory(roles=[ACCOUNT_TEAM_MEMBER])
    markets["h1"].account_team.add(user)
    send = InvitationFactory(contact=ContactFactory(account=markets["h1"])).distribution
    for account in ("h1", "h1", "r1"):
        InvitationFactory(
            distribution=send, survey=send.survey, contact=ContactFactory(account=markets[account])
        )
    InvitationFactory(contact=ContactFactory(account=markets["r1"]))  # another team's send

    rows = visible_rows(
        Distribution.objects.all(), user, account_path="invitations__contact__account"
    )

    assert list(rows) == [send]


def test_a_path_that_does_not_reach_an_account_is_an_error():
    with pytest.raises(ValueError, match="no relation path"):
        visible_rows(Contact.objects.all(), UserFactory(), account_path="acount")
