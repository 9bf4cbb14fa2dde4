"""The staff pages of cases: queues, one case, reports, preferences; and who sees what."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db.models import F

from cem_project.roles import ANALYST, SPECIALIST
from insights.cases.constants import CaseState, RootCause
from insights.cases.models import Case, CaseReply, StaffProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(world, django_capture_on_commit_callbacks):
    """A case of account A (specialist) and one of the At-risk account B (its GM)."""
    with django_capture_on_commit_callbacks(execute=True):
        world.submit(nps=2, comment="Technician late", language="pl")
        world.submit(account=world.account_b, nps=1)
    mail.outbox.clear()
    return Case.objects.get(account=world.account_a), Case.objects.get(account=world.account_b)


def login(client, user):
    client.force_login(user)
    return client


def test_the_specialists_queue_lists_their_case_with_its_due_time(client, world, cases):
    case_a, case_b = cases
    page = login(client, world.specialist).get("/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/cases/{case_a.pk}/"' in html
    assert f'href="/cases/{case_b.pk}/"' not in html
    assert world.account_a.name in html


def test_an_overdue_case_is_highlighted(client, world, cases):
    case_a, _ = cases
    shift = timedelta(hours=world.rule.sla_hours, minutes=5)
    Case.objects.filter(pk=case_a.pk).update(
        opened_at=F("opened_at") - shift, due_at=F("due_at") - shift
    )
    html = login(client, world.specialist).get("/cases/").content.decode()
    assert "table-danger" in html
    assert "Overdue" in html


def test_an_owner_cannot_see_another_teams_case(client, world, cases, caplog):
    case_a, case_b = cases
    other_team = login(client, world.member_b)

    assert other_team.get(f"/cases/{case_a.pk}/").status_code == 404
    assert other_team.post(f"/cases/{case_a.pk}/note/", {"note": "x"}).status_code == 404
    html = other_team.get("/cases/?scope=all").content.decode()
    assert f'href="/cases/{case_b.pk}/"' in html
    assert f'href="/cases/{case_a.pk}/"' not in html
    assert "Out-of-scope case" in caplog.text
    assert other_team.get(f"/cases/{case_b.pk}/").status_code == 200


def test_the_queue_makes_the_same_number_of_queries_for_few_and_many_cases(
    client, world, cases, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    login(client, world.specialist)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/cases/?scope=all")
    with django_capture_on_commit_callbacks(execute=True):
        for score in (0, 1, 2, 3, 4, 5):
            world.submit(nps=score)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/cases/?scope=all")
    assert response.content.decode().count('name="cases"') == 7
    assert len(many) == len(few)


def test_closing_from_the_page_needs_a_root_cause_and_records_it(client, world, cases):
    case_a, _ = cases
    login(client, world.specialist)

    refused = client.post(f"/cases/{case_a.pk}/transition/", {"to_state": "closed"})
    assert refused.status_code == 400
    assert "Choose the root cause before closing." in refused.content.decode()

    done = client.post(
        f"/cases/{case_a.pk}/transition/",
        {"to_state": "closed", "root_cause": RootCause.DELAY, "customer_contacted": "yes",
         "note": "Apologised and rebooked"},
    )  # fmt: skip
    assert done.status_code == 302
    case_a.refresh_from_db()
    assert (case_a.state, case_a.root_cause, case_a.customer_contacted) == (
        CaseState.CLOSED, RootCause.DELAY, True,
    )  # fmt: skip
    page = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert "Apologised and rebooked" in page


def test_the_case_page_offers_the_reply_and_sends_it(client, world, cases):
    case_a, _ = cases
    login(client, world.specialist)
    page = client.get(f"/cases/{case_a.pk}/").content.decode()
    assert 'name="subject"' in page
    assert case_a.contact.name in page  # the draft greets the respondent

    sent = client.post(
        f"/cases/{case_a.pk}/reply/", {"subject": "Przepraszamy", "body": "Zadzwonię jutro."}
    )
    assert sent.status_code == 302
    assert mail.outbox[0].to == [case_a.contact.email]
    assert CaseReply.objects.get(case=case_a).status == "sent"


def test_bulk_reassignment_from_the_queue(client, world, cases):
    case_a, case_b = cases
    colleague = UserFactory(username="colleague")
    login(client, world.specialist)
    response = client.post(
        "/cases/bulk-assign/",
        {"cases": [case_a.pk, case_b.pk], "owner": colleague.pk, "query": "scope=all&x=//evil"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/cases/?")
    assert Case.objects.get(pk=case_a.pk).owner == colleague
    assert Case.objects.get(pk=case_b.pk).owner == world.gm_b  # not the specialist's to move


def test_a_team_queue_shows_the_cases_routed_to_the_team(client, world, cases):
    case_a, _ = cases
    crew = Group.objects.create(name="Installation crew")
    member = UserFactory(username="crew.1", roles=[SPECIALIST])
    member.groups.add(crew)
    Case.objects.filter(pk=case_a.pk).update(owner=None, team=crew)

    html = login(client, member).get("/cases/?scope=team").content.decode()
    assert f'href="/cases/{case_a.pk}/"' in html
    assert login(client, member).get(f"/cases/{case_a.pk}/").status_code == 200


def test_an_analyst_reads_every_case_but_cannot_change_one(client, world, cases):
    case_a, _ = cases
    analyst = UserFactory(username="analyst.x", roles=[ANALYST])
    login(client, analyst)

    page = client.get(f"/cases/{case_a.pk}/")
    assert page.status_code == 200
    assert f'action="/cases/{case_a.pk}/transition/"' not in page.content.decode()
    assert client.post(f"/cases/{case_a.pk}/note/", {"note": "x"}).status_code == 403


def test_the_report_page_shows_the_figures_of_the_users_cases(client, world, cases):
    case_a, _ = cases
    from insights.cases import services

    services.case_acknowledge(case=case_a, user=world.specialist)
    html = login(client, world.gm_a).get("/cases/reports/").content.decode()
    assert "Acknowledged within the SLA" in html
    assert "1 / 1 (100.0 %)" in html  # gm.a sees account A's case only, acknowledged in time


def test_the_preferences_page_sets_the_mail_language(client, world):
    login(client, world.gm_a)
    assert client.get("/cases/preferences/").status_code == 200
    response = client.post("/cases/preferences/", {"language": "fa", "digest_only": "on"})
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user=world.gm_a)
    assert (profile.language, profile.digest_only) == ("fa", True)


def test_the_pages_need_a_staff_login(client, world, cases):
    case_a, _ = cases
    assert client.get("/cases/").status_code == 302
    assert client.get(f"/cases/{case_a.pk}/").status_code == 302


def test_an_executive_sees_no_individual_case(client, world, cases):
    from cem_project.roles import EXECUTIVE

    login(client, UserFactory(username="exec.x", roles=[EXECUTIVE]))
    assert client.get("/cases/").status_code == 403
    assert client.get(f"/cases/{cases[0].pk}/").status_code == 403


def test_serving_the_account_is_not_enough_without_a_role_that_works_cases(client, world, cases):
    case_a, _ = cases
    viewer = UserFactory(username="viewer.x", roles=[ANALYST])
    world.account_a.account_team.add(viewer)
    login(client, viewer)
    assert client.get(f"/cases/{case_a.pk}/").status_code == 200
    assert client.post(f"/cases/{case_a.pk}/note/", {"note": "x"}).status_code == 403
