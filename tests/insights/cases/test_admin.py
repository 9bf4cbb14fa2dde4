"""Designers build rules in the admin: condition rows in a formset, validated like the API."""

import pytest

from insights.cases.models import AlertRule

pytestmark = pytest.mark.django_db


def formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def rule_post(world, conditions: list[dict]) -> dict:
    return {
        "name": "Unresolved call",
        "is_active": "on",
        "match": "all",
        "priority": "3",
        "sla_hours": "2",
        "route_to": "specialist",
        "override_quadrants": ["at_risk"],
        "override_route_to": "general_manager",
        **formset("conditions", conditions),
        **formset("reply_templates", []),
    }


def test_the_rule_form_renders_a_formset_of_condition_rows(admin_client, world):
    page = admin_client.get("/admin/cases/alertrule/add/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="conditions-0-kind"' in html
    assert 'name="override_quadrants"' in html and 'type="checkbox"' in html


def test_a_designer_saves_a_rule_with_its_conditions_from_the_admin(admin_client, world):
    response = admin_client.post(
        "/admin/cases/alertrule/add/",
        rule_post(world, [
            {"kind": "touch_point", "touch_point": str(world.installation.pk), "position": "1"},
            {"kind": "answer_number", "score_target": "nps", "number_operator": "lte",
             "number": "6", "position": "2"},
            {"kind": "text_contains", "text": "spóźniony\n迟到", "position": "3"},
        ]),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = AlertRule.objects.get(name="Unresolved call")
    assert rule.override_quadrants == ["at_risk"]
    assert [c.kind for c in rule.conditions.all()] == [
        "touch_point", "answer_number", "text_contains",
    ]  # fmt: skip


def test_an_incomplete_condition_row_is_shown_with_its_error(admin_client, world):
    response = admin_client.post(
        "/admin/cases/alertrule/add/",
        rule_post(world, [{"kind": "answer_number", "score_target": "nps", "position": "1"}]),
    )
    assert response.status_code == 200
    assert "Choose how the score compares." in response.content.decode()
    assert not AlertRule.objects.filter(name="Unresolved call").exists()


def test_the_dry_run_action_says_how_many_cases_the_rule_would_have_opened(
    admin_client, world, django_capture_on_commit_callbacks
):
    from insights.cases.models import Case

    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=1)
    Case.objects.all().delete()
    response = admin_client.post(
        "/admin/cases/alertrule/",
        {"action": "dry_run", "_selected_action": [world.rule.pk]},
        follow=True,
    )
    assert "would have opened 1 cases (1 matching responses, 0 already with a case)" in (
        response.content.decode()
    )


def test_the_backfill_action_opens_the_cases(
    admin_client, world, django_capture_on_commit_callbacks
):
    from insights.cases.models import Case

    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=1)
    Case.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/cases/alertrule/", {"action": "backfill", "_selected_action": [world.rule.pk]}
        )
    assert Case.objects.count() == 1


def test_the_case_admin_reads_only(admin_client, world, django_capture_on_commit_callbacks):
    from insights.cases.models import Case

    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=1)
    case = Case.objects.get()
    assert admin_client.get("/admin/cases/case/").status_code == 200
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200
    assert f'href="/cases/{case.pk}/"' in page.content.decode()
