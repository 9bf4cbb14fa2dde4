"""Staff pages under their Content-Security-Policy: the header is sent (script from our own
files only), and Chromium reports no violation on the admin, insights and docs pages."""

import pytest
from django.urls import reverse

from tests.factories import ContactFactory

from .network import watched_page
from .staff_data import staff_login, survey_with_negative_nps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _violations(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Refused to" in m]


def test_admin_insights_and_docs_pages_run_under_their_csp_without_violations(
    new_context, live_server
):
    survey = survey_with_negative_nps()
    contact = ContactFactory()
    context = new_context()
    staff_login(context, live_server.url)
    page, traffic = watched_page(context, live_server.url)
    paths = [
        reverse("admin:index"),
        reverse("admin:customers_contact_changelist"),
        reverse("admin:customers_contact_change", args=[contact.pk]),
        reverse("admin:customers_account_add"),
        reverse("admin:surveys_survey_change", args=[survey.pk]),
        reverse("insights:index"),
        reverse("insights:survey_results", args=[survey.pk]),
        reverse("insights:matrix"),
        reverse("insights:corridor"),
        reverse("api-docs"),
    ]
    headers = {}
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        headers[path] = response.headers.get("content-security-policy", "")

    assert all("script-src 'self';" in csp for csp in headers.values()), headers
    assert _violations(traffic.console_errors) == []
    assert traffic.failed == []
