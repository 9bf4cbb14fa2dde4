"""The case pages in Chromium: the specialist's queue (overdue highlighted) and a case closed
from its page, in English and Persian, without serious or critical axe violations."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.db.models import F
from django.test import Client
from playwright.sync_api import expect

from insights.cases.constants import CaseState, RootCause
from insights.cases.models import Case
from tests.insights.cases.conftest import _fresh_rules, at_risk_history, world  # noqa: F401

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()
BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in BLOCKING
    ]


def login(context, base_url: str, user, language: str = "en") -> None:
    client = Client()
    client.force_login(user)
    context.add_cookies([
        {"name": settings.SESSION_COOKIE_NAME,
         "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url},
        {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url},
    ])  # fmt: skip


@pytest.fixture
def cases(world):  # noqa: F811
    world.submit(nps=2, comment="Technik był spóźniony.", language="pl")  # committed: evaluated
    world.submit(nps=0, comment="نصب با تاخیر زیاد انجام شد", language="fa")
    late = Case.objects.order_by("pk").first()
    shift = timedelta(hours=world.rule.sla_hours, minutes=5)
    Case.objects.filter(pk=late.pk).update(
        opened_at=F("opened_at") - shift, due_at=F("due_at") - shift
    )
    return list(Case.objects.order_by("pk"))


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_queue_highlights_the_overdue_case_and_passes_axe(
    new_context,
    live_server,
    world,  # noqa: F811
    cases,
    screenshots_dir,
    language,  # noqa: F811
):
    context = new_context(viewport=PHONE)
    login(context, live_server.url, world.specialist, language)
    page = context.new_page()
    page.goto("/cases/")

    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("tbody tr.table-danger")).to_have_count(1)
    page.screenshot(path=screenshots_dir / f"cases-queue-{language}-phone.png", full_page=True)
    assert blocking_violations(page) == []


def test_the_owner_closes_a_case_from_its_page(
    new_context,
    live_server,
    world,  # noqa: F811
    cases,
    screenshots_dir,
):
    context = new_context()
    login(context, live_server.url, world.specialist)
    page = context.new_page()
    page.goto("/cases/")
    page.get_by_role("link", name=cases[0].reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(cases[0].reference)
    page.screenshot(path=screenshots_dir / "case-detail-en-desktop.png", full_page=True)
    assert blocking_violations(page) == []

    form = page.locator("form[action$='/transition/']")
    form.get_by_label("New state").select_option("closed")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose the root cause before closing.")).to_be_visible()

    form = page.locator("form[action$='/transition/']")
    form.get_by_label("New state").select_option("closed")
    form.get_by_label("Root cause (to close)").select_option(RootCause.DELAY)
    form.get_by_label("Customer contacted (to close)").select_option("yes")
    form.get_by_label("Note").fill("Rebooked with an apology.")
    form.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Case updated.")).to_be_visible()
    expect(page.get_by_text("Rebooked with an apology.")).to_be_visible()
    case = Case.objects.get(pk=cases[0].pk)
    assert (case.state, case.root_cause, case.customer_contacted) == (
        CaseState.CLOSED, RootCause.DELAY, True,
    )  # fmt: skip
