import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.db.models.functions import TruncMonth

from customers.models import Account, Contact, VerticalMarket
from surveys.constants import InvitationStatus, SurveyKind, SurveyStatus
from surveys.demo import DEMO_SLUGS
from surveys.models import Answer, Invitation, Response, Survey, SurveyTranslation

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (VerticalMarket, Account, Contact, Survey, Invitation, Response, Answer)
    }


def test_seed_demo_builds_the_hitouch_company_and_is_idempotent(capsys):
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert "admin" in out and "cem-demo" in out and "Survey mails:" in out

    assert set(VerticalMarket.objects.values_list("code", flat=True)) == {
        "healthcare", "manufacturing", "retail", "public-sector",
    }  # fmt: skip
    assert 35 <= Account.objects.filter(external_id__startswith="HT-").count() <= 45
    assert Account.objects.filter(revenues__billed__gt=10_000_000).distinct().count() >= 5
    assert set(Contact.objects.values_list("language", flat=True)) == {"en", "zh-hans", "pl", "fa"}
    assert Contact.objects.filter(is_key_contact=True).exists()

    surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    assert set(surveys.values_list("status", flat=True)) == {SurveyStatus.LIVE}
    assert set(surveys.values_list("kind", flat=True)) == set(SurveyKind.values)
    effort = surveys.get(touch_point__code="call-center")
    assert effort.send_delay.total_seconds() == 0
    assert set(
        SurveyTranslation.objects.filter(survey__in=surveys).values_list("language", flat=True)
    ) == {"zh-hans", "pl", "fa"}
    assert SurveyTranslation.objects.filter(key__startswith="question:").exists()

    responses = Response.objects.filter(survey__in=surveys)
    assert responses.count() >= 2000
    months = responses.annotate(month=TruncMonth("submitted_at")).values("month").distinct()
    assert months.count() >= 12
    assert not responses.filter(invitation__status__in=["sent", "opened"]).exists()
    assert Invitation.objects.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], response__isnull=True
    ).exists()
    # Every answer copies its response's survey, account, touch point and time.
    assert not Answer.objects.exclude(
        survey=F("response__survey"), submitted_at=F("response__submitted_at")
    ).exists()
    assert Answer.objects.exclude(text="").exists()

    before = _counts()
    call_command("seed_demo", "--force")
    assert _counts() == before

    call_command("seed_demo", "--force", "--reset")
    assert Survey.objects.filter(slug__in=DEMO_SLUGS).count() == 4
    assert Account.objects.filter(external_id__startswith="HT-").count() == 40


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
