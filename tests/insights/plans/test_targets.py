"""Experience targets against actual: the scope a target names, its state, its trend; the
plans show the targets that apply; dashboards include them."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from insights.plans.constants import TargetMetric, TargetState
from insights.plans.models import ExperienceTarget
from insights.plans.selectors.targets import target_progress, targets_progress_for
from insights.plans.services.targets import target_save

from .factories import ExperienceTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def installation_target(story):
    """Healthcare installation NPS 40 between September 2025 and the end of September 2026."""
    return ExperienceTargetFactory(
        vertical_market=story.northbridge.vertical_market,
        touch_point=story.installation,
        metric=TargetMetric.NPS,
        value=40,
        starts_on=date(2025, 9, 1),
        due_on=date(2026, 9, 30),
    )


def test_actual_is_the_metric_over_the_targets_scope_in_the_last_90_days(installation_target):
    # 17 Nov 2025 - 15 Feb 2026: Northbridge's installation 3 and 9 -> NPS 0 on 2 answers;
    # Harbour's 0 (Retail) and the wave answers (no touch point) are outside the target.
    progress = target_progress(installation_target, today=date(2026, 2, 15))
    assert (progress.actual, progress.n) == (0.0, 2)
    assert (progress.since, progress.until) == (date(2025, 11, 17), date(2026, 2, 15))
    assert progress.gap == -40.0


def test_behind_the_target_but_ahead_of_the_straight_line_is_on_track(installation_target):
    # The first month with answers (Sep 2025) had NPS -100; the line to 40 by 30 Sep 2026
    # stands at -100 + 140 * 167 / 394 = -40.66 on 15 Feb 2026, below the actual 0.
    progress = target_progress(installation_target, today=date(2026, 2, 15))
    assert progress.expected == -40.66
    assert progress.state == TargetState.ON_TRACK


def test_the_trend_runs_per_month_from_the_start(installation_target):
    progress = target_progress(installation_target, today=date(2026, 2, 15))
    values = [(p.period_start, p.value, p.n) for p in progress.trend]
    assert values[0] == (date(2025, 9, 1), -100.0, 1)
    assert (date(2025, 11, 1), -100.0, 1) in values
    assert values[-1] == (date(2026, 2, 1), 100.0, 1)
    assert len(values) == 6


def test_met_missed_and_no_data(installation_target, story):
    assert target_progress(installation_target, today=date(2026, 3, 1)).state == TargetState.MET
    missed = ExperienceTargetFactory(
        touch_point=story.installation,
        value=40,
        starts_on=date(2025, 6, 1),
        due_on=date(2025, 12, 31),
    )
    assert target_progress(missed, today=date(2026, 2, 15)).state == TargetState.MISSED
    empty = ExperienceTargetFactory(touch_point=story.call_center, metric=TargetMetric.NPS)
    assert target_progress(empty, today=date(2026, 2, 15)).state == TargetState.NO_DATA


def test_an_account_team_target_counts_the_accounts_its_members_serve_once(story):
    team = Group.objects.create(name="Healthcare team")
    team.user_set.add(story.team_member, story.other_team_member)
    story.northbridge.account_team.add(story.other_team_member)  # two members, one account
    target = ExperienceTargetFactory(
        team=team,
        touch_point=story.installation,
        starts_on=date(2025, 9, 1),
        due_on=date(2026, 9, 30),
    )
    progress = target_progress(target, today=date(2026, 2, 15))
    # Northbridge (3, 9) and Harbour (0 in Oct: outside the window) -> 2 answers, not 4.
    assert progress.n == 2


def test_dashboards_see_targets_within_the_accounts_the_viewer_may_see(installation_target, story):
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider")
    (progress,) = targets_progress_for(user=outsider, today=date(2026, 2, 15))
    assert progress.n == 0
    (progress,) = targets_progress_for(user=story.team_member, today=date(2026, 2, 15))
    assert progress.n == 2


def test_plans_show_the_targets_that_apply_to_their_account(plan, installation_target, story):
    from insights.plans.selectors.documents import plan_content
    from insights.plans.selectors.plans import plan_for_document

    ExperienceTargetFactory(vertical_market=story.harbour.vertical_market)  # Retail's
    content = plan_content(plan_for_document(pk=plan.pk))
    assert [t["id"] for t in content["targets"]] == [installation_target.pk]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": 140}, "value"),
        ({"metric": TargetMetric.CES, "value": 9}, "value"),
        ({"vertical_market": None, "touch_point": None}, "__all__"),
        ({"due_on": date(2025, 1, 1)}, "__all__"),
    ],
)
def test_a_target_out_of_bounds_is_refused_with_a_clear_error(story, changes, field):
    data = {
        "vertical_market": story.northbridge.vertical_market,
        "touch_point": story.installation,
        "metric": TargetMetric.NPS,
        "value": 40,
        "starts_on": date(2026, 1, 1),
        "due_on": date(2026, 9, 30),
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        target_save(target=None, user=story.team_member, data=data)
    assert field in error.value.message_dict
    assert not ExperienceTarget.objects.exists()


def test_the_targets_page_shows_target_against_actual_with_its_trend(
    client, installation_target, story
):
    client.force_login(story.team_member)
    html = client.get("/action-plans/targets/").content.decode()
    assert "Net Promoter Score 40.0" in html
    assert "<svg" in html


def test_the_dashboards_show_the_targets_that_concern_the_viewer_with_their_trend(
    client, installation_target, story
):
    retail = ExperienceTargetFactory(
        name="Retail relationship NPS 20", vertical_market=story.harbour.vertical_market, value=20
    )
    installation_target.refresh_from_db()  # its value as stored: 40.0
    client.force_login(story.team_member)  # serves Northbridge (Healthcare) only
    for path in ("/insights/", "/insights/team/", "/insights/gm/"):
        html = client.get(path).content.decode()
        section = html[html.index('id="experience-targets"') :]
        assert str(installation_target) in section, path
        assert retail.name not in section, path
        assert "<svg" in section, path


def test_a_role_that_reads_no_targets_sees_none_on_the_dashboards(client, installation_target):
    from cem_project.roles import SURVEY_DESIGNER
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="designer", roles=[SURVEY_DESIGNER]))
    assert 'id="experience-targets"' not in client.get("/insights/team/").content.decode()
