import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.db.models.functions import TruncMonth

from customers.demo import EXTERNAL_ID_PREFIX
from customers.models import Account, Contact, VerticalMarket
from surveys.constants import (
    InvitationStatus,
    QuestionType,
    ResponseStatus,
    SurveyKind,
    SurveyStatus,
)
from surveys.demo import DEMO_SLUGS
from surveys.demo.surveys import SLUG_RELATIONSHIP
from surveys.models import Answer, Invitation, Response, Survey, SurveyTranslation

pytestmark = pytest.mark.django_db

VERTICALS = {"healthcare", "manufacturing", "retail", "public-sector"}


def _demo_counts() -> dict[str, int]:
    surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    accounts = Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    return {
        "verticals": VerticalMarket.objects.filter(code__in=VERTICALS).count(),
        "accounts": accounts.count(),
        "contacts": Contact.objects.filter(account__in=accounts).count(),
        "surveys": surveys.count(),
        "invitations": Invitation.objects.filter(survey__in=surveys).count(),
        "responses": Response.objects.filter(survey__in=surveys).count(),
        "answers": Answer.objects.filter(survey__in=surveys).count(),
    }


def test_seed_demo_builds_the_hitouch_company_and_is_idempotent(capsys):
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    assert "admin" in out and "cem-demo" in out and "Survey mails:" in out

    accounts = Account.objects.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    # The printout counts what was seeded: every demo account (the customers and HT-CALLS,
    # the event-demo account) and every contact of them, as the README says.
    contacts = Contact.objects.filter(account__in=accounts)
    assert (
        f" {accounts.count()} accounts ({accounts.count() - 1} customers and HT-CALLS "
        f"for the event below), {contacts.count()} contacts," in out
    )
    assert set(accounts.values_list("vertical_market__code", flat=True)) == VERTICALS
    assert 35 <= accounts.count() <= 45
    assert accounts.filter(revenues__billed__gt=10_000_000).distinct().count() >= 5
    contacts = Contact.objects.filter(account__in=accounts)
    assert set(contacts.values_list("language", flat=True)) == {"en", "zh-hans", "pl", "fa"}
    assert contacts.filter(is_key_contact=True).exists()

    surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    assert set(surveys.values_list("status", flat=True)) == {SurveyStatus.LIVE}
    assert set(surveys.values_list("kind", flat=True)) == set(SurveyKind.values)
    effort = surveys.get(touch_point__code="call-center")
    assert effort.send_delay.total_seconds() == 0
    translations = SurveyTranslation.objects.filter(survey__in=surveys)
    assert set(translations.values_list("language", flat=True)) == {"zh-hans", "pl", "fa"}
    assert translations.filter(key__startswith="question:").exists()

    responses = Response.objects.filter(survey__in=surveys)
    assert responses.count() >= 2000
    months = responses.annotate(month=TruncMonth("submitted_at")).values("month").distinct()
    assert months.count() >= 12
    invitations = Invitation.objects.filter(survey__in=surveys)
    assert invitations.filter(status=InvitationStatus.COMPLETED).count() == responses.count()
    assert invitations.filter(
        status__in=[InvitationStatus.SENT, InvitationStatus.OPENED], response__isnull=True
    ).exists()
    # Every answer copies its response's survey, account, touch point and time.
    answers = Answer.objects.filter(survey__in=surveys)
    assert not answers.exclude(
        survey=F("response__survey"),
        account=F("response__account"),
        submitted_at=F("response__submitted_at"),
    ).exists()
    assert answers.exclude(text="").exists()
    # The relationship survey asks CSAT beside the CX index: every completed response rates
    # 1-5, so its waves' CSAT is measured.
    relationship = surveys.get(slug=SLUG_RELATIONSHIP)
    csat = answers.filter(survey=relationship, question_type=QuestionType.RATING)
    completed = responses.filter(survey=relationship, status=ResponseStatus.COMPLETED)
    assert csat.count() == completed.count() > 0
    assert {1, 5} <= set(csat.values_list("number", flat=True)) <= {1, 2, 3, 4, 5}

    before = _demo_counts()
    call_command("seed_demo", "--force")
    assert _demo_counts() == before

    call_command("seed_demo", "--force", "--reset")
    assert Survey.objects.filter(slug__in=DEMO_SLUGS).count() == 4
    assert accounts.count() == 41  # 40 HiTouch customers and the fresh event-demo account


def test_an_event_for_the_demo_event_contact_is_invited_at_once(
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from customers.demo import EVENT_CONTACTS
    from customers.models import TouchPoint
    from surveys.constants import InvitationStatus
    from surveys.services.events import event_record

    call_command("seed_demo", "--force")
    contact = Contact.objects.get(email=EVENT_CONTACTS[0][1])

    with django_capture_on_commit_callbacks(execute=True):
        event, created = event_record(
            account=contact.account,
            contact=contact,
            touch_point=TouchPoint.objects.get(code="call-center"),
            external_id="CALL-DEMO-1",
            occurred_at=timezone.now(),
        )

    assert created
    invitation = event.invitations.get()
    assert invitation.status == InvitationStatus.SENT


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_the_demo_has_accounts_a_designer_can_send_to_at_once():
    """The send preview of every demo survey invites every contact of the ready accounts
    (except those who opted out), while most other accounts show the fatigue rules at work."""
    from surveys.constants import SkipReason
    from surveys.demo import READY_ACCOUNTS
    from surveys.services.invitations import audience_preview

    call_command("seed_demo", "--force")
    ready = Contact.objects.filter(account__name__in=READY_ACCOUNTS).select_related("account")
    assert set(ready.values_list("account__name", flat=True)) == set(READY_ACCOUNTS)
    others = Contact.objects.filter(account__external_id__startswith=EXTERNAL_ID_PREFIX).exclude(
        account__name__in=READY_ACCOUNTS
    )

    for survey in Survey.objects.filter(slug__in=DEMO_SLUGS):
        preview = audience_preview(survey=survey, contacts=ready.select_related("account"))
        assert {c.pk for c in preview.invited} == set(
            ready.filter(opted_out=False).values_list("pk", flat=True)
        ), survey.slug
        assert set(preview.skipped) <= {SkipReason.OPTED_OUT}

    installation = Survey.objects.get(slug=DEMO_SLUGS[0])
    elsewhere = audience_preview(survey=installation, contacts=others.select_related("account"))
    assert elsewhere.skipped_count > len(elsewhere.invited)
