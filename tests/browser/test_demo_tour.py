"""The README's demo tour in Chromium, clicking the links: the executive dashboard's accounts
at risk -> Northbridge Health System -> the touch point that hurts most -> its case -> the
account's plans -> the plan its customer acknowledged; a screenshot of each stop."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from .conftest import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_admin_login(context, base_url: str) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])


def test_the_demo_tour_by_clicking(new_context, live_server, screenshots_dir):
    call_command("seed_demo", "--force")
    context = new_context(viewport=DESKTOP)
    demo_admin_login(context, live_server.url)
    page = context.new_page()

    page.goto("/insights/")
    page.screenshot(path=screenshots_dir / "tour-1-dashboard.png", full_page=True)
    page.locator("#at-risk-accounts").get_by_role("link", name="Northbridge Health System").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northbridge Health System")

    weakest = page.locator("#account-touch-points tr[data-weakest='true']")
    expect(weakest).to_have_count(1)
    expect(weakest).to_contain_text("Call center")
    expect(weakest).to_contain_text("hurts most")
    weakest.scroll_into_view_if_needed()
    page.screenshot(path=screenshots_dir / "tour-2-account.png", full_page=True)
    weakest.locator(".touch-point-cases a").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+/$"))
    expect(page.locator("dd", has_text=re.compile(r"^Call center$"))).to_have_count(1)
    page.screenshot(path=screenshots_dir / "tour-3-case.png", full_page=True)
    page.locator("#case-account-plans").click()

    page.get_by_role("link", name="Northbridge Health System: action plan").click()
    expect(page.get_by_role("heading", name="Acknowledged")).to_be_visible()
    expect(page.get_by_text("Daniel Mitchell:")).to_be_visible()
    page.screenshot(path=screenshots_dir / "tour-4-plan.png", full_page=True)
