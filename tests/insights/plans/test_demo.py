"""The demo has published plans with acknowledgements and comments, targets and a monthly
pack; a second seed_demo adds nothing."""

import pytest
from django.core.management import call_command

from insights.plans.constants import PlanStatus, ReportKind, ReportStatus
from insights.plans.models import (
    ActionComment,
    ActionFollowUp,
    ActionPlan,
    ExperienceTarget,
    PlanAcknowledgement,
    PlanShare,
    Report,
)

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            ActionPlan,
            PlanShare,
            PlanAcknowledgement,
            ActionComment,
            ExperienceTarget,
            Report,
        )
    }


def test_the_demo_seeds_shared_plans_targets_and_a_monthly_pack(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force")
    plans = ActionPlan.objects.all()
    assert plans.count() == 4
    assert set(plans.values_list("status", flat=True)) == {PlanStatus.PUBLISHED}
    assert set(plans.values_list("language", flat=True)) == {"en", "zh-hans", "fa"}
    assert all(plan.evidence["scores"]["account"] for plan in plans)
    assert PlanShare.objects.filter(revoked_at__isnull=True).count() == 4
    assert PlanAcknowledgement.objects.count() == 3
    assert ActionComment.objects.count() == 4
    assert ExperienceTarget.objects.count() == 4
    pack = Report.objects.get(kind=ReportKind.MONTHLY_PACK)
    assert pack.status == ReportStatus.DONE and pack.file.read().startswith(b"%PDF")
    assert ActionFollowUp.objects.count() <= 1  # the done action's pulse, unless fatigue skips

    before = _counts()
    call_command("seed_demo", "--force")
    assert _counts() == before


def test_the_demos_account_team_may_write_plans(settings, tmp_path):
    from django.contrib.auth import get_user_model

    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--force")
    olivia = get_user_model().objects.get(username="am.olivia")
    assert olivia.has_perm("plans.add_actionplan") and olivia.has_perm("plans.change_actionplan")
