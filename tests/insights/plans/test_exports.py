"""Exports: all of a team's plans for a period as one ZIP of PDFs, the actions as XLSX or CSV
(through the formula-safe insights.exports, tested on its own in tests/insights/test_exports.py),
large ones built by a task that shows its progress."""

import csv
import io
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from insights.plans.constants import ReportKind, ReportStatus
from insights.plans.models import Report
from insights.plans.services.contents import action_create
from insights.plans.services.exports import ExportFile, export_request, export_run
from insights.plans.services.plans import action_plan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(story, plan):
    action_create(plan=plan, user=story.team_member, title='=HYPERLINK("http://evil")')
    riverside = action_plan_create(
        account=story.riverside, wave=story.wave2, created_by=story.team_member
    )
    story.riverside.account_team.add(story.team_member)
    action_create(plan=riverside, user=story.team_member, title="Riverside review")
    harbour = action_plan_create(
        account=story.harbour, wave=story.wave2, created_by=story.other_team_member
    )
    action_create(plan=harbour, user=story.other_team_member, title="Harbour's secret")
    return [plan, riverside, harbour]


PERIOD = {"since": date(2026, 1, 1), "until": date(2026, 1, 31)}


def test_a_small_zip_is_built_at_once_with_one_pdf_per_visible_plan(plans, story):
    result = export_request(user=story.team_member, kind=ReportKind.PLANS_ZIP, **PERIOD)
    assert isinstance(result, ExportFile) and result.content_type == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(result.content)).namelist()
    assert len(names) == 2
    assert not any("Harbour" in name for name in names)
    assert all(
        zipfile.ZipFile(io.BytesIO(result.content)).read(n).startswith(b"%PDF") for n in names
    )


def test_the_actions_export_lists_only_the_teams_plans(plans, story):
    result = export_request(user=story.team_member, kind=ReportKind.ACTIONS_CSV, **PERIOD)
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    titles = [row[7] for row in rows[1:]]
    assert sorted(titles) == sorted(['\'=HYPERLINK("http://evil")', "Riverside review"])
    xlsx = export_request(user=story.team_member, kind=ReportKind.ACTIONS_XLSX, **PERIOD)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3


def test_a_large_export_runs_as_a_task_with_progress_and_a_download_link(
    plans, story, settings, client, django_capture_on_commit_callbacks
):
    settings.CEM_PLAN_EXPORT_SYNC_MAX_PLANS = 1
    client.force_login(story.team_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/action-plans/export/",
            {"since": "2026-01-01", "until": "2026-01-31", "kind": ReportKind.PLANS_ZIP},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/action-plans/exports/{report.pk}/"
    assert (report.status, report.progress_done, report.progress_total) == (ReportStatus.DONE, 2, 2)
    page = client.get(response["Location"]).content.decode()
    assert f"/action-plans/exports/{report.pk}/download/" in page
    download = client.get(f"/action-plans/exports/{report.pk}/download/")
    assert download.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()) == 2
    # Someone else's export is a 404, and a second run of its task does nothing.
    client.force_login(story.other_team_member)
    assert client.get(f"/action-plans/exports/{report.pk}/download/").status_code == 404
    assert export_run(report_id=report.pk) is None


def test_a_running_export_shows_its_progress_and_refreshes(plans, story, client):
    report = Report.objects.create(
        kind=ReportKind.PLANS_ZIP,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 1, 31),
        requested_by=story.team_member,
        status=ReportStatus.RUNNING,
        progress_done=1,
        progress_total=4,
    )
    client.force_login(story.team_member)
    html = client.get(f"/action-plans/exports/{report.pk}/").content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert 'value="1"' in html and 'max="4"' in html
