"""What each demo user sees after `seed_demo`: exactly their accounts, through the API, the
insights pages and the admin.

The expected sets are read from the seeded rows by the rule as the README states it (the
account team, the named general manager, the general managers of the vertical market; every
account for superusers, analysts and executives), with plain queries on the tables, never
through the code under test. The demo is seeded once for the module; each test runs in a
savepoint inside it.
"""

import csv
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from cem_project.roles import ANALYST, EXECUTIVE, ROLES_BY_KEY, groups_seeing_every_account
from customers.constants import AccountStatus
from customers.models import Account, Contact, TouchPointEvent, VerticalMarket
from surveys.constants import ResponseStatus
from surveys.demo import READY_ACCOUNTS
from surveys.demo.surveys import SLUG_RELATIONSHIP
from surveys.models import Distribution, Inquiry, Invitation, Response, Survey, Wave
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

# admin (superuser), the analyst and the executive (every account), a general manager with a
# key account of another market, an account manager, an account manager and a general manager
# of other markets, and roles that serve no account.
USERS = (
    "admin",
    "analyst",
    "executive",
    "gm.healthcare",
    "am.olivia",
    "am.wei",
    "gm.public",
    "designer",
    "specialist.service",
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _sees_every_account(user) -> bool:
    everything = [ROLES_BY_KEY[ANALYST].name, ROLES_BY_KEY[EXECUTIVE].name]
    return user.is_superuser or user.groups.filter(name__in=everything).exists()


def expected_account_ids(user) -> set[int]:
    """The rule, from the tables: team, named GM, GM of the market; or every account."""
    rows = list(Account.objects.values_list("pk", "general_manager_id", "vertical_market_id"))
    if _sees_every_account(user):
        return {pk for pk, _gm, _market in rows}
    team = set(
        Account.account_team.through.objects.filter(user_id=user.pk).values_list(
            "account_id", flat=True
        )
    )
    markets = set(
        VerticalMarket.general_managers.through.objects.filter(user_id=user.pk).values_list(
            "verticalmarket_id", flat=True
        )
    )
    return {pk for pk, gm, market in rows if pk in team or gm == user.pk or market in markets}


class Seen:
    def __init__(self, username: str, client) -> None:
        self.user = get_user_model().objects.get(username=username)
        self.accounts = expected_account_ids(self.user)
        self.hidden = set(Account.objects.values_list("pk", flat=True)) - self.accounts
        client.force_login(self.user)
        self.client = client

    def may(self, permission: str) -> bool:
        return self.user.has_perm(permission)


@pytest.fixture(params=USERS)
def seen(request, demo, client) -> Seen:
    return Seen(request.param, client)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _completed():
    return Response.objects.filter(status=ResponseStatus.COMPLETED)


# ------------------------------------------------------------------ the seeded data


def test_the_demo_users_serve_the_accounts_the_readme_describes(demo):
    users = get_user_model().objects
    every = _ids(Account.objects.all())
    in_market = {
        code: _ids(Account.objects.filter(vertical_market__code=code))
        for code in ("healthcare", "retail", "public-sector")
    }
    named_elsewhere = _ids(Account.objects.filter(name="Shanghai Municipal Water Authority"))

    for name in ("admin", "analyst", "executive"):
        assert expected_account_ids(users.get(username=name)) == every
    assert expected_account_ids(users.get(username="gm.healthcare")) == (
        in_market["healthcare"] | named_elsewhere
    )
    olivia = expected_account_ids(users.get(username="am.olivia"))
    wei = expected_account_ids(users.get(username="am.wei"))
    assert len(olivia) == 6 and olivia <= in_market["healthcare"]  # as the README says
    assert wei and wei <= in_market["retail"]
    assert expected_account_ids(users.get(username="gm.public")) == in_market["public-sector"]
    assert expected_account_ids(users.get(username="designer")) == _ids(
        Account.objects.filter(name__in=READY_ACCOUNTS)
    )
    assert expected_account_ids(users.get(username="specialist.service")) == set()
    # Each demo user has exactly one group, a product role.
    role_names = {role.name for role in ROLES_BY_KEY.values()}
    for user in users.filter(is_superuser=False, is_staff=True):
        assert [g.name for g in user.groups.all()] in [[name] for name in role_names], user


def test_after_the_demo_only_analysts_and_executives_hold_the_see_everything_permission(demo):
    allowed = {ROLES_BY_KEY[ANALYST].name, ROLES_BY_KEY[EXECUTIVE].name}

    assert set(groups_seeing_every_account()) == allowed
    holders = get_user_model().objects.filter(user_permissions__codename="scope_all_accounts")
    assert not holders.exists()  # granted to groups, never to a user by hand


# ------------------------------------------------------------------ the API


def _api_list(seen: Seen, url: str, permission: str):
    response = seen.client.get(url, {"limit": 5000})
    if not seen.may(permission):
        assert response.status_code == 403
        return None
    assert response.status_code == 200
    return response.json()


def test_api_accounts_are_exactly_the_visible_ones(seen):
    body = _api_list(seen, "/api/v1/accounts/", "customers.view_account")
    if body is not None:
        assert {row["id"] for row in body["results"]} == seen.accounts
        assert body["count"] == len(seen.accounts)


def test_api_contacts_are_exactly_those_of_the_visible_accounts(seen):
    body = _api_list(seen, "/api/v1/contacts/", "customers.view_contact")
    if body is not None:
        expected = _ids(Contact.objects.filter(account_id__in=seen.accounts))
        assert {row["id"] for row in body["results"]} == expected
        assert body["count"] == len(expected)


def test_api_responses_are_exactly_those_of_the_visible_accounts(seen):
    body = _api_list(seen, "/api/v1/responses/", "surveys.view_response")
    if body is not None:
        rows = list(body["results"])
        while body["next"]:  # responses page by cursor, at most 500 a page
            body = seen.client.get(body["next"]).json()
            rows += body["results"]
        expected = _completed().filter(account_id__in=seen.accounts)
        assert len(rows) == expected.count()
        assert {row["id"] for row in rows} == _ids(expected)
        assert {row["account"] for row in rows} <= seen.accounts


def test_api_metrics_answer_for_visible_accounts_only(seen):
    for account_id in sorted(seen.accounts | seen.hidden):
        response = seen.client.get("/api/v1/metrics/", {"account": account_id})
        if account_id in seen.accounts:
            assert response.status_code == 200
            assert response.json()["n"] == _completed().filter(account_id=account_id).count()
        else:  # exactly like an account that does not exist
            assert response.status_code == 400
            assert response.json() == {"account": ["Unknown account."]}


# ------------------------------------------------------------------ the insights pages

_OPTION = re.compile(r'<option value="(\d+)"')


def test_the_scoreboard_offers_and_counts_exactly_the_visible_accounts(seen):
    response = seen.client.get(reverse("insights:surveys"))

    assert response.status_code == 200
    select = response.content.decode().split('name="account"', 1)[1].split("</select>", 1)[0]
    assert {int(pk) for pk in _OPTION.findall(select)} == seen.accounts
    for headline in response.context["headlines"]:
        expected = _completed().filter(survey=headline.survey, account_id__in=seen.accounts)
        assert headline.n == expected.count(), headline.survey


def _active_ids(ids: set[int]) -> set[int]:
    return _ids(Account.objects.filter(pk__in=ids, status=AccountStatus.ACTIVE))


def test_the_dashboards_show_exactly_the_visible_accounts(seen):
    executive = seen.client.get(reverse("insights:index"))
    manager = seen.client.get(reverse("insights:gm"))
    team = seen.client.get(reverse("insights:team"))

    assert executive.status_code == manager.status_code == team.status_code == 200
    board = executive.context["board"]
    assert {a.id for a in board.matrix.accounts} <= seen.accounts
    assert {move.after.id for move in board.changes} <= seen.accounts
    for headline in board.headlines:
        expected = _completed().filter(survey=headline.survey, account_id__in=seen.accounts)
        assert headline.n == expected.count(), headline.survey
    lines = {line.placement.id for line in team.context["lines"]}
    assert _active_ids(seen.accounts) <= lines <= seen.accounts
    markets = manager.context["board"].markets
    assert {line.placement.id for _market, group in markets for line in group} == lines
    # The team's table as CSV: the same accounts, by name.
    export = seen.client.get(reverse("insights:team"), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    names = set(Account.objects.filter(pk__in=lines).values_list("name", flat=True))
    assert {row[0] for row in rows[1:]} == names


def test_the_drill_down_lists_exactly_the_visible_responses_or_is_refused(seen):
    analyst = seen.client.get(reverse("insights:analyst"))
    hidden = _completed().exclude(account_id__in=seen.accounts).order_by("pk").first()
    mine = _completed().filter(account_id__in=seen.accounts).order_by("pk").first()

    if not seen.may("surveys.view_response"):  # the executives: aggregates only
        assert analyst.status_code == 403
        target = mine or hidden
        assert seen.client.get(reverse("insights:response", args=[target.pk])).status_code == 403
        return
    assert analyst.status_code == 200
    expected = (
        _completed()
        if _sees_every_account(seen.user)
        else _completed().filter(account_id__in=seen.accounts)
    )
    assert analyst.context["responses"].paginator.count == expected.count()
    if mine is not None:
        assert seen.client.get(reverse("insights:response", args=[mine.pk])).status_code == 200
    if hidden is not None and not _sees_every_account(seen.user):
        assert seen.client.get(reverse("insights:response", args=[hidden.pk])).status_code == 404


def test_account_pages_trends_and_their_api_answer_for_visible_accounts_only(seen):
    hidden = sorted(seen.hidden)
    for account_id in sorted(seen.accounts)[:3] + hidden[:2]:
        page = seen.client.get(reverse("insights:account", args=[account_id]))
        trends = seen.client.get(reverse("insights:trends"), {"account": account_id})
        api = seen.client.get("/api/v1/trends/", {"account": account_id})
        if account_id in seen.accounts:
            assert (page.status_code, trends.status_code, api.status_code) == (200, 200, 200)
            answers = _completed().filter(account_id=account_id)
            assert sum(p["n"] for p in api.json()["points"]) <= answers.count()
        else:  # exactly like an account that does not exist
            assert (page.status_code, trends.status_code, api.status_code) == (404, 404, 400)


def test_results_for_an_account_show_it_or_are_a_404(seen):
    survey = Survey.objects.get(slug=SLUG_RELATIONSHIP)
    url = reverse("insights:survey_results", args=[survey.pk])
    # Every visible account, and a few of the others (the named GM's account among them).
    hidden = sorted(seen.hidden)
    for account_id in sorted(seen.accounts) + hidden[:2] + hidden[-2:]:
        response = seen.client.get(url, {"account": account_id})
        if account_id in seen.accounts:
            assert response.status_code == 200
            expected = _completed().filter(survey=survey, account_id=account_id).count()
            assert response.context["summary"].n == expected
        else:
            assert response.status_code == 404
    other = seen.client.get(reverse("insights:surveys"), {"account": hidden[0]} if hidden else {})
    assert other.status_code == (404 if hidden else 200)


# ------------------------------------------------------------------ the admin

# model, its permission, the rows visible by the rule (the tables read directly)
ADMIN_ROWS = {
    "customers/account": (Account, lambda s: Account.objects.filter(pk__in=s.accounts)),
    "customers/contact": (Contact, lambda s: Contact.objects.filter(account_id__in=s.accounts)),
    "customers/touchpointevent": (
        TouchPointEvent,
        lambda s: TouchPointEvent.objects.filter(account_id__in=s.accounts),
    ),
    "surveys/invitation": (
        Invitation,
        lambda s: Invitation.objects.filter(contact__account_id__in=s.accounts),
    ),
    "surveys/response": (Response, lambda s: Response.objects.filter(account_id__in=s.accounts)),
    "surveys/inquiry": (
        Inquiry,
        lambda s: (
            Inquiry.objects.filter(account_id__in=s.accounts)
            | Inquiry.objects.filter(created_by=s.user)
        ),
    ),
    "surveys/distribution": (
        Distribution,
        lambda s: (
            Distribution.objects.filter(
                pk__in=Invitation.objects.filter(contact__account_id__in=s.accounts).values(
                    "distribution_id"
                )
            )
            | Distribution.objects.filter(created_by=s.user)
        ),
    ),
}


def _changelist(seen: Seen, path: str, **query):
    return seen.client.get(f"/admin/{path}/", query)


def _visible_rows(seen: Seen, path: str):
    model, rows = ADMIN_ROWS[path]
    # Rows of no account (a focus group's inquiry) are for those who see every account.
    return model.objects.all() if _sees_every_account(seen.user) else rows(seen)


def _hidden_row(seen: Seen, path: str):
    """A row the user may not see: a seeded one, or else a send to another team's contact."""
    model, _rows = ADMIN_ROWS[path]
    hidden = model.objects.exclude(pk__in=_visible_rows(seen, path).values("pk")).order_by("pk")
    if hidden.exists() or model is not Distribution or not seen.hidden:
        return hidden.first()
    contact = Contact.objects.filter(account_id__in=seen.hidden).first()
    invitation = InvitationFactory(contact=contact)
    return invitation.distribution


@pytest.mark.parametrize("path", ADMIN_ROWS)
def test_admin_change_lists_show_exactly_the_visible_rows(seen, path):
    model, _rows = ADMIN_ROWS[path]
    response = _changelist(seen, path)
    popup = _changelist(seen, path, _popup="1", _to_field="id")

    if not seen.may(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        assert response.status_code == popup.status_code == 403
        return
    assert response.status_code == popup.status_code == 200
    expected = _ids(_visible_rows(seen, path))
    assert _ids(response.context["cl"].queryset) == expected
    assert _ids(popup.context["cl"].queryset) == expected


@pytest.mark.parametrize("path", ADMIN_ROWS)
def test_admin_pages_of_another_teams_object_are_404(seen, path):
    model, _rows = ADMIN_ROWS[path]
    if not seen.may(f"{model._meta.app_label}.view_{model._meta.model_name}"):
        return
    mine = _visible_rows(seen, path).order_by("pk").first()
    if mine is not None:
        assert seen.client.get(f"/admin/{path}/{mine.pk}/change/").status_code == 200
    other = _hidden_row(seen, path)
    if other is None:
        assert _sees_every_account(seen.user) or not seen.hidden
        return
    for page in ("change", "history", "delete"):
        assert seen.client.get(f"/admin/{path}/{other.pk}/{page}/").status_code == 404, page
    # Searching or filtering for it finds nothing either.
    search = _changelist(seen, path, q=str(other))
    assert other.pk not in _ids(search.context["cl"].queryset)


def test_admin_send_and_wave_figures_count_only_the_visible_accounts(seen):
    if not seen.may("surveys.view_wave"):
        return
    waves = _changelist(seen, "surveys/wave")
    sends = _changelist(seen, "surveys/distribution")

    assert waves.status_code == 200
    listed = list(waves.context["cl"].result_list)
    assert {w.pk for w in listed} == _ids(Wave.objects.all())  # a wave is the programme's
    for wave in listed:
        invited = Invitation.objects.filter(
            distribution_id=wave.distribution_id, contact__account_id__in=seen.accounts
        )
        assert wave.total == (invited.count() if wave.distribution_id else 0)
    if seen.may("surveys.view_distribution"):
        for send in sends.context["cl"].result_list:
            invited = Invitation.objects.filter(
                distribution=send, contact__account_id__in=seen.accounts
            )
            assert send.total == invited.count()
            assert send.delivered == invited.filter(sent_at__isnull=False).count()


def test_admin_index_shows_each_role_only_what_it_works_with(seen):
    response = seen.client.get("/admin/")

    assert response.status_code == 200
    shown = {
        (app["app_label"], model["object_name"]): model["perms"]
        for app in response.context["app_list"]
        for model in app["models"]
    }
    if seen.user.is_superuser:
        return
    # Celery's schedule, API tokens, users and groups are the administrators' alone.
    assert not {label for label, _name in shown} & {"django_celery_beat", "authtoken", "auth"}
    for (app_label, name), perms in shown.items():
        model = f"{app_label}.view_{name.lower()}"
        assert seen.may(model) or seen.may(f"{app_label}.change_{name.lower()}"), model
        # (A read-only admin offers no add even to a holder of the permission.)
        assert not perms["add"] or seen.may(f"{app_label}.add_{name.lower()}")
