"""Fixtures of the plans tests: the story (story.py) and a plan on its second wave."""

from datetime import date, datetime, time

import pytest

from tests.insights.builders import local

from .story import Story, build_story


@pytest.fixture
def story(db) -> Story:
    return build_story()


TODAY = date(2026, 3, 1)


@pytest.fixture
def plan(story):
    from insights.plans.services.plans import action_plan_create

    return action_plan_create(
        account=story.northbridge, wave=story.wave2, created_by=story.team_member, today=TODAY
    )


def at(day: date, hour: int = 12) -> datetime:
    return local(day, time(hour))


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Generated reports and exports are files: keep them out of the repository's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
