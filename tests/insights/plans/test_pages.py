"""Staff pages under /action-plans/ and the API: each team sees its own plans only (another
team's plan is a 404 on the page, the PDF and the API); writes need the plan permissions."""

import pytest
from django.contrib.auth.models import Permission

from insights.plans.constants import ActionStatus, OwnerSide, PlanStatus
from insights.plans.models import Action, ActionPlan, Finding, PlanShare, PlanVerbatim
from insights.plans.services.contents import action_create
from insights.plans.services.plans import action_plan_create, action_plan_publish

pytestmark = pytest.mark.django_db


def grant(user, *codenames):
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="plans", codename__in=codenames)
    )


@pytest.fixture
def writer(client, story):
    client.force_login(story.team_member)  # the account team member role writes plans
    return client


@pytest.fixture
def harbour_plan(story):
    return action_plan_create(
        account=story.harbour, wave=story.wave2, created_by=story.other_team_member
    )


def test_the_list_shows_a_teams_own_plans(writer, plan, harbour_plan):
    html = writer.get("/action-plans/").content.decode()
    assert plan.title in html
    assert harbour_plan.title not in html


@pytest.mark.parametrize(
    "path",
    [
        "/action-plans/{pk}/",
        "/action-plans/{pk}.pdf",
        "/action-plans/{pk}/edit/",
        "/action-plans/{pk}/verbatims/",
        "/action-plans/{pk}/publish/",
        "/api/v1/action-plans/{pk}/",
    ],
)
def test_another_teams_plan_is_a_404_on_every_page_the_pdf_and_the_api(
    writer, harbour_plan, path, caplog
):
    response = writer.get(path.format(pk=harbour_plan.pk))
    assert response.status_code == 404
    assert "Out-of-scope action plan" in caplog.text


def test_another_teams_plan_is_not_in_the_api_list(writer, plan, harbour_plan):
    data = writer.get("/api/v1/action-plans/").json()
    assert [row["id"] for row in data["results"]] == [plan.pk]


def test_posts_to_another_teams_plan_change_nothing(writer, harbour_plan, story):
    action = action_create(plan=harbour_plan, user=story.other_team_member, title="Theirs")
    action.status = ActionStatus.DONE
    for path in (
        f"/action-plans/{harbour_plan.pk}/evidence/",
        f"/action-plans/{harbour_plan.pk}/publish/",
        f"/action-plans/{harbour_plan.pk}/actions/{action.pk}/follow-up/",
    ):
        assert writer.post(path, {"survey": story.pulse.pk}).status_code == 404
    harbour_plan.refresh_from_db()
    assert harbour_plan.status == PlanStatus.DRAFT
    assert not PlanShare.objects.exists()


def test_the_detail_page_shows_the_evidence_and_the_history(writer, plan):
    response = writer.get(f"/action-plans/{plan.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Net Promoter Score" in html and "-50.0" in html
    assert "Installation" in html and "66.7" in html
    assert "<svg" in html  # the charts of the insights pages
    assert "Plan created" in html


def test_writing_and_reading_plans_are_a_roles_rights(client, plan, story):
    from tests.factories import UserFactory

    reader = UserFactory(username="reader")  # on the team, but with no role
    story.northbridge.account_team.add(reader)
    client.force_login(reader)
    for path in ("/action-plans/", f"/action-plans/{plan.pk}/", f"/action-plans/{plan.pk}.pdf"):
        assert client.get(path).status_code == 403
    grant(reader, "view_actionplan")
    assert client.get(f"/action-plans/{plan.pk}/").status_code == 200
    assert client.get("/action-plans/new/").status_code == 403
    assert client.get(f"/action-plans/{plan.pk}/edit/").status_code == 403
    assert (
        client.post(
            "/api/v1/action-plans/",
            {"account": story.northbridge.pk},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_creating_a_plan_on_a_wave_opens_it_with_evidence(writer, story):
    response = writer.post(
        "/action-plans/new/",
        {"account": story.northbridge.pk, "wave": story.wave2.pk, "language": "en"},
    )
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/action-plans/{plan.pk}/"
    assert plan.evidence["scores"]["account"]["nps"] == -50.0


def test_a_plan_for_another_teams_account_cannot_be_created(writer, story):
    response = writer.post(
        "/action-plans/new/",
        {"account": story.harbour.pk, "wave": story.wave2.pk, "language": "en"},
    )
    assert response.status_code == 200  # the form, with the account refused
    assert not ActionPlan.objects.exists()


def _management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_edit_page_saves_findings_and_actions_through_the_services(writer, plan, story):
    findings = list(plan.findings.order_by("position", "pk"))
    data = {
        "plan-title": plan.title,
        "plan-language": "en",
        "plan-internal_notes": "Renewal in May.",
        **_management("findings", len(findings) + 1, len(findings)),
        **_management("actions", 1, 0),
        "actions-0-title": "Senior installer revisits every open site",
        "actions-0-owner_side": OwnerSide.OURS,
        "actions-0-owner_user": story.team_member.pk,
        "actions-0-status": ActionStatus.PLANNED,
        "actions-0-touch_point": story.installation.pk,
        "actions-0-contacts": [story.key_contact.pk],
        "actions-0-due_date": "2026-04-30",
    }
    for index, finding in enumerate(findings):
        data.update(
            {
                f"findings-{index}-id": finding.pk,
                f"findings-{index}-plan": plan.pk,
                f"findings-{index}-title": finding.title,
                f"findings-{index}-text": finding.text,
                f"findings-{index}-touch_point": finding.touch_point_id or "",
                f"findings-{index}-theme": finding.theme,
            }
        )
    data["findings-0-title"] = "Relationship NPS fell to -50"
    data["findings-1-DELETE"] = "on"
    response = writer.post(f"/action-plans/{plan.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    action = Action.objects.get(plan=plan)
    assert (action.title, action.owner_user, action.touch_point) == (
        "Senior installer revisits every open site",
        story.team_member,
        story.installation,
    )
    assert list(action.contacts.all()) == [story.key_contact]
    assert Finding.objects.filter(plan=plan).count() == len(findings) - 1
    assert plan.findings.order_by("position").first().title == "Relationship NPS fell to -50"
    plan.refresh_from_db()
    assert plan.internal_notes == "Renewal in May."
    kinds = set(plan.changes.values_list("kind", flat=True))
    assert {"edited", "finding_changed", "finding_removed", "action_added"} <= kinds


def test_the_team_picks_verbatims_anonymised_unless_named(writer, plan, story):
    answer = story.broken_comment
    page = writer.get(f"/action-plans/{plan.pk}/verbatims/").content.decode()
    assert "The installer came twice and still left it broken." in page
    writer.post(f"/action-plans/{plan.pk}/verbatims/", {"show": [answer.pk]})
    verbatim = PlanVerbatim.objects.get(plan=plan)
    assert (verbatim.answer, verbatim.attributed, verbatim.score) == (answer, False, 2)
    writer.post(f"/action-plans/{plan.pk}/verbatims/", {"show": [answer.pk], "name": [answer.pk]})
    assert PlanVerbatim.objects.get(plan=plan).attributed is True


def test_publishing_from_the_page_shares_with_the_chosen_contacts(writer, plan, story):
    action_create(plan=plan, user=story.team_member, title="Revisit")
    response = writer.post(
        f"/action-plans/{plan.pk}/publish/",
        {"contacts": [story.key_contact.pk], "expires_on": "2099-01-01"},
    )
    assert response.status_code == 302
    share = PlanShare.objects.get()
    assert share.contact == story.key_contact
    writer.post(f"/action-plans/{plan.pk}/shares/{share.pk}/revoke/")
    share.refresh_from_db()
    assert share.revoked_at is not None


# ------------------------------------------------------------------ API


def test_the_api_creates_a_plan_with_its_actions(writer, story):
    response = writer.post(
        "/api/v1/action-plans/",
        {
            "account": story.northbridge.pk,
            "wave": story.wave2.pk,
            "status": "published",  # decided by the server, ignored
            "version": 7,
            "actions": [
                {
                    "title": "Revisit every site",
                    "touch_point": "installation",
                    "due_date": "2026-05-01",
                },
                {"title": "Name one coordinator", "owner_side": "customer", "owner_name": "Sara"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["account"], data["account_name"]) == (
        story.northbridge.pk,
        "Northbridge Health System",
    )
    assert (data["status"], data["version"]) == ("draft", 1)
    assert [a["title"] for a in data["actions"]] == ["Revisit every site", "Name one coordinator"]
    assert data["actions"][0]["touch_point"] == "installation"
    assert data["actions"][1]["owner_side"] == "customer"
    assert data["findings"]  # pre-filled from the evidence


def test_the_api_refuses_another_teams_account_and_bad_input(writer, story):
    for body in (
        {"account": story.harbour.pk, "wave": story.wave2.pk},
        {"account": story.northbridge.pk},
        {"account": story.northbridge.pk, "wave": story.wave2.pk, "actions": [{"title": ""}]},
        {
            "account": story.northbridge.pk,
            "wave": story.wave2.pk,
            "actions": [{"title": "x", "touch_point": "nowhere"}],
        },
    ):
        response = writer.post("/api/v1/action-plans/", body, content_type="application/json")
        assert response.status_code == 400
    assert not ActionPlan.objects.exists()


def test_the_api_lists_plans_with_their_fields(writer, plan, story):
    action_create(plan=plan, user=story.team_member, title="Revisit")
    action_plan_publish(plan=plan, user=story.team_member)
    row = writer.get("/api/v1/action-plans/?status=published").json()["results"][0]
    assert {"account", "account_name", "status", "version", "actions"} <= set(row)
    assert (row["status"], row["version"], row["actions"][0]["title"]) == (
        "published",
        1,
        "Revisit",
    )


def test_the_edit_page_and_the_forms_render(writer, plan):
    for path in (
        "/action-plans/new/",
        f"/action-plans/{plan.pk}/edit/",
        f"/action-plans/{plan.pk}/publish/",
        "/action-plans/export/",
        "/action-plans/reviews/",
        "/action-plans/targets/",
    ):
        assert writer.get(path).status_code == 200, path


def test_a_customer_link_may_post_only_so_often(client, plan, story, settings):
    settings.CEM_PLAN_CUSTOMER_POSTS_PER_MINUTE = 2
    action = action_create(plan=plan, user=story.team_member, title="Revisit")
    action_plan_publish(plan=plan, user=story.team_member, contacts=[story.key_contact])
    share = PlanShare.objects.get()
    url = f"/p/{share.token}/actions/{action.pk}/comments/"
    statuses = [client.post(url, {"comment": f"n{n}"}).status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert action.comments.count() == 2


def test_the_admin_lists_only_the_plans_of_the_users_accounts(client, plan, harbour_plan, story):
    client.force_login(story.team_member)
    html = client.get("/admin/plans/actionplan/").content.decode()
    assert plan.title in html and harbour_plan.title not in html
