"""The monthly operations review: one pack per vertical market and month, even when beat runs
twice; kept in the app and mailed once to the market's general manager as a PDF."""

import io
from datetime import date, datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone
from pypdf import PdfReader

from insights.plans.constants import ActionStatus, ReportKind, ReportStatus
from insights.plans.models import Action, Report
from insights.plans.selectors.reviews import ReviewMonth, monthly_review
from insights.plans.services.contents import action_create
from insights.plans.services.reports import monthly_packs_schedule, review_month_due
from insights.plans.tasks import monthly_packs_due_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def gm(story):
    user = UserFactory(username="gm.healthcare", email="helen@hitouch.example")
    story.northbridge.general_manager = user
    story.northbridge.save()
    return user


def test_the_pack_is_due_from_two_days_before_the_meeting(settings):
    settings.CEM_REVIEW_MEETING_DAY, settings.CEM_REVIEW_PACK_LEAD_DAYS = 5, 2
    assert review_month_due(date(2026, 2, 2)) is None
    assert review_month_due(date(2026, 2, 3)) == ReviewMonth(date(2026, 1, 1), date(2026, 1, 31))
    assert review_month_due(date(2026, 1, 20)).start == date(2025, 12, 1)


def test_beat_running_twice_makes_one_pack_per_market_and_one_mail(
    settings, story, gm, smtp_email, django_capture_on_commit_callbacks
):
    settings.CEM_REVIEW_MEETING_DAY, settings.CEM_REVIEW_PACK_LEAD_DAYS = 1, 0  # due every day
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            monthly_packs_due_task.apply()
    packs = Report.objects.filter(kind=ReportKind.MONTHLY_PACK)
    assert sorted(packs.values_list("vertical_market__name", flat=True)) == ["Healthcare", "Retail"]
    assert {p.status for p in packs} == {ReportStatus.DONE}
    healthcare = packs.get(vertical_market__name="Healthcare")
    assert healthcare.file.read().startswith(b"%PDF")
    assert healthcare.mailed_at is not None
    assert [m["X-Envelope-To"] for m in smtp_email.messages] == ["helen@hitouch.example"]
    (attachment,) = list(smtp_email.messages[0].iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert packs.get(vertical_market__name="Retail").mailed_at is None  # it has no GM


def test_the_database_refuses_a_second_pack_for_a_market_and_month(story):
    month = ReviewMonth.of(date(2026, 1, 1))
    fields = {
        "kind": ReportKind.MONTHLY_PACK,
        "vertical_market": story.northbridge.vertical_market,
        "period_start": month.start,
        "period_end": month.end,
    }
    Report.objects.create(**fields)
    with pytest.raises(IntegrityError):
        Report.objects.create(**fields)


def test_the_review_holds_issues_actions_targets_and_the_accounts_that_changed_quadrant(
    plan, story
):
    action = action_create(plan=plan, user=story.team_member, title="Senior installer revisits")
    Action.objects.filter(pk=action.pk).update(
        status=ActionStatus.DONE,
        completed_at=timezone.make_aware(datetime(2026, 1, 20, 12)),
    )
    overdue = action_create(plan=plan, user=story.team_member, title="Name a coordinator")
    Action.objects.filter(pk=overdue.pk).update(due_date=date(2026, 1, 10))
    review = monthly_review(
        vertical_market=story.northbridge.vertical_market, month=ReviewMonth.of(date(2026, 1, 5))
    )
    assert [a["title"] for a in review["actions"]["done"]] == ["Senior installer revisits"]
    assert [a["title"] for a in review["actions"]["overdue"]] == ["Name a coordinator"]
    # To 31 Dec 2025 Northbridge's NPS answers were 9, 10, 9, 2, 3, 0 (NPS 0: Model); January's
    # wave adds 9, 2, 3, 5 (NPS -20: At risk).
    moved = {m.after.name: (m.before.quadrant, m.after.quadrant) for m in review["changes"]}
    assert moved["Northbridge Health System"] == ("model", "at_risk")
    assert "Harbour Retail" not in {m.after.name for m in review["moves"]}


def test_the_pack_pdf_reads_as_a_review(story, gm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (pack, *_rest) = [
            r
            for r in monthly_packs_schedule(today=date(2026, 2, 10))
            if r.vertical_market == story.northbridge.vertical_market
        ]
    pack.refresh_from_db()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pack.file.read())).pages)
    assert "Operations review: Healthcare" in text
    assert "Accounts that changed quadrant" in text
    assert "Northbridge Health System" in text and "At risk" in text


def test_the_reviews_page_shows_packs_only_to_who_sees_the_whole_market(
    client, story, gm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        monthly_packs_schedule(today=date(2026, 2, 10))
    pack = Report.objects.get(vertical_market=story.northbridge.vertical_market)
    client.force_login(story.team_member)  # sees Northbridge but not Riverside
    assert client.get(f"/action-plans/reviews/{pack.pk}.pdf").status_code == 404
    story.riverside.account_team.add(story.team_member)
    response = client.get(f"/action-plans/reviews/{pack.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Healthcare" in client.get("/action-plans/reviews/").content.decode()


def test_the_review_counts_the_markets_open_and_overdue_cases(story):
    from insights.cases.constants import CaseState
    from insights.cases.models import Case
    from tests.insights.cases.factories import AlertRuleFactory

    from .conftest import at

    Case.objects.create(
        rule=AlertRuleFactory(),
        response=story.broken_comment.response,
        account=story.northbridge,
        touch_point=story.installation,
        state=CaseState.NEW,
        opened_at=at(date(2026, 1, 12)),
        due_at=at(date(2026, 1, 13)),
    )
    review = monthly_review(
        vertical_market=story.northbridge.vertical_market, month=ReviewMonth.of(date(2026, 1, 5))
    )
    cases = review["cases"]
    assert (cases["opened"], cases["open"], cases["overdue_n"]) == (1, 1, 1)
    assert cases["by_touch_point"] == [{"touch_point": "Installation", "n": 1}]
    assert cases["overdue"][0]["account"] == "Northbridge Health System"
