"""The README's "Demo tour" on the seeded demo, by following the links a newcomer clicks:
the executive dashboard's accounts at risk -> an account -> the touch point that hurts most
-> the case opened for it -> the account's action plans -> the plan its customer
acknowledged. Every step reads the page's HTML, never the selectors behind it; the expected
facts come from plain queries on the seeded tables.

The demo is seeded once for the module; each test runs in a savepoint inside it.
"""

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from customers.models import Account
from insights.cases.models import Case
from insights.plans.models import ActionPlan, PlanAcknowledgement

pytestmark = pytest.mark.django_db

PASSWORD = "cem-demo"  # README: Demo tour
TOUR_ACCOUNT = "Northbridge Health System"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--force", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def logged_in(username: str) -> Client:
    """Logs in through the admin's login form with the README's password (axes and the rate
    limits included), as a newcomer would."""
    client = Client()
    response = client.post(
        "/admin/login/?next=/insights/", {"username": username, "password": PASSWORD}
    )
    assert response.status_code == 302, f"{username} / {PASSWORD} does not log in"
    return client


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"<svg.*?</svg>", "", response.content.decode(), flags=re.S)


def element(page: str, selector_id: str) -> str:
    """The HTML from the element with this id to the end of its section or list."""
    match = re.search(rf'id="{selector_id}"(.*?)</(?:ul|section|dd|table)>', page, flags=re.S)
    assert match, f"no #{selector_id} on the page"
    return match.group(1)


def links(fragment: str) -> list[tuple[str, str]]:
    """(href, text) of each link, text without tags."""
    return [
        (unescape(href), unescape(re.sub(r"<[^>]+>", "", text)).strip())
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', fragment, re.S)
    ]


def test_the_tour_from_the_dashboard_to_the_plan_agreed_with_the_customer(demo):
    client = logged_in("admin")
    northbridge = Account.objects.get(name=TOUR_ACCOUNT)

    # 1. The executive dashboard lists the accounts at risk, as many as the revenue card counts.
    dashboard = html(client.get("/insights/"))
    at_risk = dict((text, href) for href, text in links(element(dashboard, "at-risk-accounts")))
    counted = re.search(r"billed by (\d+) accounts? at risk", dashboard)
    assert counted and int(counted[1]) == len(at_risk) >= 3
    assert at_risk[TOUR_ACCOUNT] == f"/insights/accounts/{northbridge.pk}/"

    # 2. Its account page marks the touch point that hurts most and links its latest case.
    account_page = html(client.get(at_risk[TOUR_ACCOUNT]))
    weakest = re.findall(
        r'<tr data-touch-point="([\w-]+)" data-weakest="true"(.*?)</tr>', account_page, re.S
    )
    assert len(weakest) == 1
    code, row = weakest[0]
    assert "hurts most" in row
    case_links = [href for href, _text in links(row) if href.startswith("/cases/")]
    assert len(case_links) == 1
    # The mark is where the low scores are: the call center's effort, in this demo.
    assert code == "call-center"

    # 3. The case was opened for that touch point at that account, the latest one there.
    case_id = int(case_links[0].strip("/").split("/")[-1])
    expected = (
        Case.objects.filter(account=northbridge, touch_point__code=code)
        .order_by("-opened_at", "-pk")
        .first()
    )
    assert case_id == expected.pk
    # README: At-risk accounts' cases go to their general manager, not the specialist.
    assert expected.owner.username == "gm.healthcare"
    case_page = html(client.get(case_links[0]))
    assert "Call center" in case_page
    account_links = dict(links(element(case_page, "case-account")))
    assert account_links  # the account's name links back to its page
    plans_href = dict((text, href) for href, text in links(case_page))["Its action plans"]
    assert plans_href == f"/action-plans/?account={northbridge.pk}"

    # 4. The account's plans; the one plan of the demo for it, published and acknowledged.
    plan_list = html(client.get(plans_href))
    plan_links = [href for href, _ in links(plan_list) if re.fullmatch(r"/action-plans/\d+/", href)]
    plan = ActionPlan.objects.get(account=northbridge)
    assert plan_links == [f"/action-plans/{plan.pk}/"]
    plan_page = html(client.get(plan_links[0]))
    assert TOUR_ACCOUNT in plan_page
    acknowledged = PlanAcknowledgement.objects.filter(share__plan=plan).select_related("contact")
    assert acknowledged.exists()  # the README: the plan agreed with the customer
    assert "Acknowledged" in plan_page
    for ack in acknowledged:
        assert ack.contact.name in plan_page
    # README: acknowledged by the customer's key contact, Daniel Mitchell.
    assert [(a.contact.name, a.contact.is_key_contact) for a in acknowledged] == [
        ("Daniel Mitchell", True)
    ]
    # The plan takes on the touch point that hurts: an action of ours on it, on the plan page.
    remedy = plan.actions.get(touch_point__code=code, owner_side="ours")
    assert remedy.title in plan_page

    # The account page links the same plan, saying the customer acknowledged it.
    plans_section = element(account_page, "account-plans")
    assert (f"/action-plans/{plan.pk}/", plan.title) in links(plans_section)
    assert "acknowledged by" in plans_section


def test_the_general_manager_follows_the_same_links(demo):
    client = logged_in("gm.healthcare")
    northbridge = Account.objects.get(name=TOUR_ACCOUNT)
    account_page = html(client.get(f"/insights/accounts/{northbridge.pk}/"))
    row = re.search(r'data-weakest="true"(.*?)</tr>', account_page, re.S)[1]
    case_href = next(href for href, _ in links(row) if href.startswith("/cases/"))
    assert "Its action plans" in html(client.get(case_href))
    assert 'id="account-plans"' in account_page


def test_the_call_center_specialist_does_not_see_northbridges_cases(demo):
    northbridge = Account.objects.get(name=TOUR_ACCOUNT)
    specialist = get_user_model().objects.get(username="sp.callcenter")
    seen = Case.objects.visible_to(specialist)
    assert seen.filter(touch_point__code="call-center").exists()
    assert not seen.filter(account=northbridge).exists()
    client = logged_in("sp.callcenter")
    case = Case.objects.filter(account=northbridge, touch_point__code="call-center").first()
    assert client.get(f"/cases/{case.pk}/").status_code == 404


def test_the_executive_sees_the_accounts_at_risk_but_no_case_and_no_plan(demo):
    client = logged_in("executive")
    dashboard = html(client.get("/insights/"))
    at_risk = dict((text, href) for href, text in links(element(dashboard, "at-risk-accounts")))
    account_page = html(client.get(at_risk[TOUR_ACCOUNT]))
    assert 'data-weakest="true"' in account_page
    assert "/cases/" not in account_page and 'id="account-plans"' not in account_page


@pytest.mark.parametrize(
    "username",
    [
        "admin",
        "executive",
        "analyst",
        "gm.healthcare",
        "am.olivia",
        "sp.installation",
        "sp.callcenter",
        "designer",
    ],
)
def test_the_readme_demo_users_log_in_with_the_readme_password(demo, username):
    user = get_user_model().objects.get(username=username)
    assert user.is_staff and user.is_active
    logged_in(username)
