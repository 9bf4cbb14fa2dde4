"""The API docs render from the project's own files, on a machine without internet."""

import pytest
from playwright.sync_api import expect

from .network import watched_page
from .staff_data import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_api_docs_render_their_operations_with_the_network_closed(
    new_context, live_server, screenshots_dir
):
    context = new_context()
    staff_login(context, live_server.url)  # the docs and the schema are for staff only
    page, traffic = watched_page(context, live_server.url)

    page.goto("/api/docs/")

    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=15000)
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/metrics/")).to_be_visible()
    assert operations.count() > 10
    page.screenshot(path=screenshots_dir / "api-docs-offline.png")
    assert traffic.blocked == [], "the docs reach out of the machine"
    assert traffic.problems == []
