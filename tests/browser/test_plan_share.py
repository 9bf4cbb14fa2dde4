"""The customer's link to a shared action plan in a real browser: the contact opens it in
their language, acknowledges the plan and comments on an action; axe finds nothing serious."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from insights.plans.constants import OwnerSide
from insights.plans.models import ActionComment, PlanAcknowledgement, PlanShare
from insights.plans.services.contents import action_create, plan_verbatims_set
from insights.plans.services.plans import action_plan_create, action_plan_publish
from tests.insights.plans.story import build_story

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

axe = Axe()


def blocking_violations(page) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in axe.run(page).response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def shared_plan(language: str):
    story = build_story()
    contact = story.key_contact if language == "fa" else story.other_contact
    if language == "en":
        contact.language = "en"
        contact.save()
    plan = action_plan_create(
        account=story.northbridge, wave=story.wave2, created_by=story.team_member
    )
    first = action_create(
        plan=plan,
        user=story.team_member,
        title="A senior installer revisits every open site",
        owner_side=OwnerSide.OURS,
        owner_user=story.team_member,
        touch_point=story.installation,
    )
    action_create(plan=plan, user=story.team_member, title="Name one site coordinator")
    plan_verbatims_set(plan=plan, user=story.team_member, answers=[story.broken_comment])
    action_plan_publish(plan=plan, user=story.team_member, contacts=[contact])
    return PlanShare.objects.get(contact=contact), first


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_contact_opens_the_plan_acknowledges_it_and_comments(page, language):
    share, action = shared_plan(language)

    opened = page.goto(f"/p/{share.token}/")
    assert opened.status == 200
    assert opened.headers["referrer-policy"] == "no-referrer"
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northbridge Health System")
    expect(page.get_by_text("The installer came twice and still left it broken.")).to_be_visible()
    # The charts are data: images under the strict CSP; each one has loaded.
    charts = page.locator("img[src^='data:image/svg+xml']")
    assert charts.count() >= 2
    assert all(
        charts.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        for i in range(charts.count())
    )
    assert blocking_violations(page) == []

    page.locator("#acknowledge button[type=submit]").click()
    expect(page.locator("#acknowledge [role=status]")).to_be_visible()
    assert PlanAcknowledgement.objects.filter(contact=share.contact).count() == 1

    card = page.locator(f"#action-{action.pk}")
    card.locator("textarea").fill("Please start with the east wing.")
    card.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Please start with the east wing.")
    comment = ActionComment.objects.get()
    assert (comment.action_id, comment.contact_id) == (action.pk, share.contact_id)
    assert blocking_violations(page) == []

    pdf = page.request.get(f"/p/{share.token}/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_an_unknown_plan_link_is_the_plain_404_page(page):
    response = page.goto("/p/" + "A" * 43 + "/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Link not valid")
    assert blocking_violations(page) == []


SIDEWAYS = "document.scrollingElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_staff_plan_pages_pass_axe_and_fit_a_phone(new_context, live_server, language):
    from django.conf import settings
    from django.test import Client

    from .conftest import PHONE

    share, _action = shared_plan("en")
    client = Client()
    client.force_login(share.plan.created_by)
    context = new_context(viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    page = context.new_page()
    for path in (
        "/action-plans/",
        f"/action-plans/{share.plan_id}/",
        f"/action-plans/{share.plan_id}/edit/",
        "/action-plans/targets/",
    ):
        assert page.goto(path).status == 200, path
        assert blocking_violations(page) == [], path
        assert page.evaluate(SIDEWAYS) <= 0, path
