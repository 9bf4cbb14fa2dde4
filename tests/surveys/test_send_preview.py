"""Before a send by hand is made, the admin shows who will be invited and who skipped, by
reason, by name; the figures it shows are the ones the send then records."""

from datetime import timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse
from django.utils import timezone

from surveys.constants import InvitationStatus, SkipReason, SurveyKind
from surveys.models import Distribution, PulseSegment
from surveys.services.invitations import audience_preview
from tests.factories import AccountFactory, ContactFactory, InvitationFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(settings):
    """One account with six contacts: two can be invited, one opted out, one was mailed a
    link a week ago, and two fall over the account's budget of three links in 30 days."""
    settings.CEM_FATIGUE_WINDOW_DAYS = 30
    settings.CEM_ACCOUNT_MAX_INVITATIONS = 3
    settings.CEM_ACCOUNT_WINDOW_DAYS = 30
    account = AccountFactory(name="Harbor & Main Stores")
    contacts = {
        "key": ContactFactory(account=account, name="Kim Key", is_key_contact=True),
        "fresh": ContactFactory(account=account, name="Frida Fresh"),
        "opted": ContactFactory(account=account, name="Otto Optout", opted_out=True),
        "tired": ContactFactory(account=account, name="Tina Tired"),
        "over1": ContactFactory(account=account, name="Oscar Over"),
        "over2": ContactFactory(account=account, name="Olga Over"),
    }
    # Tina's link of a week ago uses up one of the account's three; with Kim and Frida first
    # (Kim is a key contact, then by id) the budget is spent before Oscar and Olga.
    InvitationFactory(contact=contacts["tired"], sent_at=timezone.now() - timedelta(days=7))
    return contacts


def _send_url(survey) -> str:
    return reverse("admin:surveys_survey_send", args=[survey.pk])


def _choose(contacts) -> dict:
    return {"contacts": [c.pk for c in contacts], "apply": "Send"}


def test_the_send_page_shows_who_will_be_invited_and_who_skipped_by_reason_before_sending(
    staff_client, audience
):
    survey = SurveyFactory()

    page = staff_client.post(_send_url(survey), _choose(audience.values()))

    assert page.status_code == 200
    assert not Distribution.objects.filter(survey=survey).exists()  # nothing sent yet
    text = page.content.decode()
    assert "<strong>2</strong> of 6 chosen contacts will be invited." in text
    assert "4 will be skipped" in text
    preview = page.context["preview"]
    assert [c.name for c in preview.invited] == ["Frida Fresh", "Kim Key"]
    named = {reason: [c.name for c in group] for reason, group in preview.skipped.items()}
    assert named == {
        SkipReason.OPTED_OUT: ["Otto Optout"],
        SkipReason.CONTACT_FATIGUE: ["Tina Tired"],
        SkipReason.ACCOUNT_FATIGUE: ["Olga Over", "Oscar Over"],
    }
    for name in ("Otto Optout", "Tina Tired", "Oscar Over", "Olga Over", "Kim Key"):
        assert name in text
    assert "Contact surveyed too recently: 1" in text
    assert "Account surveyed too often: 2" in text
    assert "within 30 days of now" in text
    assert 'name="confirm"' in text and "Send to 2 contacts" in text


def test_the_preview_counts_match_what_the_send_then_records(
    staff_client, audience, django_capture_on_commit_callbacks
):
    survey = SurveyFactory()
    page = staff_client.post(_send_url(survey), _choose(audience.values()))
    preview = page.context["preview"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = staff_client.post(
            _send_url(survey),
            {**_choose(audience.values()), "confirm": "1", "preview_digest": preview.digest},
        )

    assert sent.status_code == 302
    distribution = Distribution.objects.get(survey=survey)
    rows = distribution.invitations.select_related("contact")
    invited = {i.contact.pk for i in rows if i.status != InvitationStatus.SKIPPED}
    skipped = {}
    for row in rows.filter(status=InvitationStatus.SKIPPED):
        skipped.setdefault(row.skip_reason, set()).add(row.contact.pk)
    assert invited == {c.pk for c in preview.invited}
    assert skipped == {reason: {c.pk for c in group} for reason, group in preview.skipped.items()}
    assert rows.count() == preview.total == 6


def test_a_confirmation_after_the_audience_changed_shows_the_new_preview_and_sends_nothing(
    staff_client, audience
):
    survey = SurveyFactory()
    page = staff_client.post(_send_url(survey), _choose(audience.values()))
    digest = page.context["preview"].digest
    # Meanwhile another send reaches Frida.
    InvitationFactory(contact=audience["fresh"])

    again = staff_client.post(
        _send_url(survey),
        {**_choose(audience.values()), "confirm": "1", "preview_digest": digest},
    )

    assert again.status_code == 200
    assert not Distribution.objects.filter(survey=survey).exists()
    assert "has changed since the preview" in again.content.decode()
    assert [c.name for c in again.context["preview"].invited] == ["Kim Key"]


def test_when_nobody_can_be_invited_the_page_says_so_and_offers_no_send(staff_client, audience):
    survey = SurveyFactory()
    chosen = [audience["opted"], audience["tired"]]

    page = staff_client.post(_send_url(survey), _choose(chosen))
    forced = staff_client.post(
        _send_url(survey),
        {**_choose(chosen), "confirm": "1", "preview_digest": page.context["preview"].digest},
    )

    text = page.content.decode()
    assert "<strong>0</strong> of 2 chosen contacts will be invited." in text
    assert "nothing would be sent" in text
    assert 'name="confirm"' not in text
    assert forced.status_code == 200
    assert not Distribution.objects.filter(survey=survey).exists()


def test_back_from_the_preview_shows_the_choice_again(staff_client, audience):
    survey = SurveyFactory()

    page = staff_client.post(
        _send_url(survey), {**_choose([audience["key"]]), "name": "Spring check", "back": "1"}
    )

    assert page.status_code == 200
    assert "preview" not in page.context
    assert page.context["form"]["name"].value() == "Spring check"


def test_a_draft_survey_is_refused_before_the_preview(staff_client, audience):
    survey = SurveyFactory(draft=True)

    page = staff_client.post(_send_url(survey), _choose([audience["key"]]))

    assert "Only a live survey can be sent." in page.content.decode()
    assert "preview" not in page.context


def test_the_contact_list_action_previews_then_sends_the_selected_contacts(staff_client, audience):
    survey = SurveyFactory()
    url = reverse("admin:customers_contact_changelist")
    selected = {
        "action": "send_survey",
        helpers.ACTION_CHECKBOX_NAME: [c.pk for c in audience.values()],
    }

    page = staff_client.post(url, {**selected, "apply": "Send", "survey": survey.pk})
    assert page.status_code == 200
    assert not Distribution.objects.filter(survey=survey).exists()
    preview = page.context["preview"]
    assert (len(preview.invited), preview.skipped_count) == (2, 4)
    text = page.content.decode()
    # The confirmation posts the selection again.
    for contact in audience.values():
        assert f'name="{helpers.ACTION_CHECKBOX_NAME}" value="{contact.pk}"' in text

    sent = staff_client.post(
        url,
        {
            **selected,
            "apply": "1",
            "survey": survey.pk,
            "confirm": "1",
            "preview_digest": preview.digest,
        },
    )
    assert sent.status_code == 302
    distribution = Distribution.objects.get(survey=survey)
    assert distribution.invitations.exclude(status=InvitationStatus.SKIPPED).count() == 2


def test_the_pulse_send_previews_the_sample_then_sends_it(staff_client):
    ContactFactory.create_batch(4)
    segment = PulseSegment.objects.create(name="Four", sample_size=3, seed=1)
    survey = SurveyFactory(kind=SurveyKind.PULSE)
    url = reverse("admin:surveys_pulsesegment_send", args=[segment.pk])

    page = staff_client.post(url, {"survey": survey.pk, "apply": "Send"})
    preview = page.context["preview"]
    assert preview.total == 3 and len(preview.invited) == 3
    sent = staff_client.post(
        url, {"survey": survey.pk, "confirm": "1", "preview_digest": preview.digest}
    )

    assert sent.status_code == 302
    invited = Distribution.objects.get(survey=survey).invitations
    assert set(invited.values_list("contact_id", flat=True)) == {c.pk for c in preview.invited}


def test_audience_preview_writes_nothing_and_names_each_contact_once(audience):
    survey = SurveyFactory()
    chosen = [audience["key"], audience["key"], audience["fresh"]]

    preview = audience_preview(survey=survey, contacts=chosen)

    assert [c.name for c in preview.invited] == ["Frida Fresh", "Kim Key"]
    assert preview.total == 2
    assert not Distribution.objects.filter(survey=survey).exists()
