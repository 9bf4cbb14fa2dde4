"""The customer's link: publish, open in the contact's language, acknowledge, comment;
revoked, expired and unknown links look alike; nothing internal or of another account shows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from insights.plans.constants import OwnerSide
from insights.plans.models import ActionComment, PlanAcknowledgement, PlanShare
from insights.plans.services.contents import action_create, plan_verbatims_set
from insights.plans.services.plans import action_plan_publish, action_plan_update
from insights.plans.services.sharing import plan_share_create, plan_share_revoke
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared(plan, story, django_capture_on_commit_callbacks):
    """Northbridge's plan with one action, an internal note, one anonymised comment,
    published to its Persian key contact."""
    action_plan_update(plan=plan, user=story.team_member, internal_notes="Renewal talks in May.")
    action = action_create(
        plan=plan,
        user=story.team_member,
        title="Senior installer revisits every open site",
        owner_side=OwnerSide.OURS,
        owner_user=story.team_member,
        internal_note="Costs us two weeks of Tomasz.",
    )
    plan_verbatims_set(plan=plan, user=story.team_member, answers=[story.broken_comment])
    with django_capture_on_commit_callbacks(execute=True):
        action_plan_publish(plan=plan, user=story.team_member, contacts=[story.key_contact])
    share = PlanShare.objects.get(plan=plan, contact=story.key_contact)
    return share, action


def test_publishing_mails_each_chosen_contact_their_link(shared, story):
    share, _action = shared
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [f"Sara Karimi <{story.key_contact.email}>"]
    assert f"/p/{share.token}/" in message.body
    html = message.alternatives[0][0]
    assert 'lang="fa"' in html and 'dir="rtl"' in html
    share.refresh_from_db()
    assert share.mailed_at is not None
    assert len(share.token) == 43  # 256 bits, URL-safe base64


def test_the_customer_view_is_read_only_in_the_contacts_language_right_to_left(
    client, shared, story
):
    share, _action = shared
    response = client.get(f"/p/{share.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert response["Content-Language"] == "fa"
    assert "Northbridge Health System" in html
    assert "Senior installer revisits every open site" in html
    assert "The installer came twice and still left it broken." in html


def test_the_customer_view_never_shows_internal_notes_cases_or_other_accounts(
    client, shared, story
):
    share, _action = shared
    html = client.get(f"/p/{share.token}/").content.decode()
    for hidden in (
        "Renewal talks in May.",
        "Costs us two weeks of Tomasz.",
        "Harbour Retail",
        "Riverside Clinic",
        story.broken_comment.response.contact.name,  # the verbatim is anonymised
    ):
        assert hidden not in html


def test_a_verbatim_names_its_contact_only_when_the_team_chose_so(client, shared, story):
    share, _action = shared
    plan = share.plan
    plan_verbatims_set(
        plan=plan,
        user=story.team_member,
        answers=[story.broken_comment],
        attributed=[story.broken_comment.pk],
    )
    action_plan_publish(plan=plan, user=story.team_member)
    html = client.get(f"/p/{share.token}/").content.decode()
    assert story.broken_comment.response.contact.name in html


def test_customer_pages_send_the_survey_links_headers(client, shared):
    share, _action = shared
    for response in (client.get(f"/p/{share.token}/"), client.get("/p/" + "x" * 43 + "/")):
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert response["X-Frame-Options"] == "DENY"


def _not_found_body(client) -> bytes:
    response = client.get("/p/" + "A" * 43 + "/")
    assert response.status_code == 404
    return response.content


def test_revoked_expired_and_unknown_links_get_the_same_404(client, shared, story):
    share, _action = shared
    unknown = _not_found_body(client)
    plan_share_revoke(share=share, user=story.team_member)
    revoked = client.get(f"/p/{share.token}/")
    assert (revoked.status_code, revoked.content) == (404, unknown)

    fresh = plan_share_create(plan=share.plan, contact=story.other_contact, user=None)
    assert client.get(f"/p/{fresh.token}/").status_code == 200
    PlanShare.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = client.get(f"/p/{fresh.token}/")
    assert (expired.status_code, expired.content) == (404, unknown)
    assert client.get(f"/p/{fresh.token}/pdf/").status_code == 404


def test_link_guesses_are_limited_per_address(client, settings):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 3
    statuses = [client.get("/p/" + f"{n:043d}" + "/").status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_a_plan_is_never_shared_with_a_contact_of_another_account(shared, story):
    share, _action = shared
    stranger = ContactFactory(account=story.harbour)
    with pytest.raises(ValidationError):
        plan_share_create(plan=share.plan, contact=stranger, user=story.team_member)


def test_a_contact_who_moved_to_another_account_gets_404(client, shared, story):
    share, _action = shared
    story.key_contact.account = story.harbour
    story.key_contact.save()
    assert client.get(f"/p/{share.token}/").status_code == 404


def test_another_accounts_contact_cannot_comment_on_this_plans_actions(client, shared, story):
    from insights.plans.services.plans import action_plan_create

    share, action = shared
    harbour_plan = action_plan_create(
        account=story.harbour, wave=story.wave2, created_by=story.other_team_member
    )
    action_create(plan=harbour_plan, user=story.other_team_member, title="Harbour's own")
    harbour_contact = ContactFactory(account=story.harbour)
    action_plan_publish(plan=harbour_plan, user=story.other_team_member, contacts=[harbour_contact])
    theirs = PlanShare.objects.get(contact=harbour_contact)
    response = client.post(
        f"/p/{theirs.token}/actions/{action.pk}/comments/", {"comment": "Not our plan"}
    )
    assert response.status_code == 400
    assert not ActionComment.objects.exists()
    # ... and their page shows nothing of Northbridge's.
    html = client.get(f"/p/{theirs.token}/").content.decode()
    assert "Northbridge" not in html and "Senior installer" not in html


def test_the_contact_acknowledges_once_and_comments_on_an_action(client, shared, story):
    share, action = shared
    for _ in range(2):
        response = client.post(f"/p/{share.token}/acknowledge/")
        assert response.status_code == 303
    assert PlanAcknowledgement.objects.filter(contact=story.key_contact).count() == 1
    response = client.post(
        f"/p/{share.token}/actions/{action.pk}/comments/", {"comment": "Please start with Ward 4."}
    )
    assert response.status_code == 303
    assert response["Location"] == f"/p/{share.token}/?done=commented#action-{action.pk}"
    comment = ActionComment.objects.get()
    assert (comment.action, comment.contact, comment.text) == (
        action,
        story.key_contact,
        "Please start with Ward 4.",
    )
    html = client.get(response["Location"]).content.decode()
    assert "Please start with Ward 4." in html


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001, "nul \x00 byte"])
def test_a_bad_comment_gets_a_clear_error_and_keeps_nothing(client, shared, text):
    share, action = shared
    response = client.post(f"/p/{share.token}/actions/{action.pk}/comments/", {"comment": text})
    assert response.status_code == 400
    assert 'class="invalid-feedback"' in response.content.decode()
    assert not ActionComment.objects.exists()


def test_the_customer_downloads_the_pdf_of_the_version_they_see(client, shared):
    share, _action = shared
    response = client.get(f"/p/{share.token}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Referrer-Policy"] == "no-referrer"


def test_plan_links_are_scrubbed_from_log_lines(shared):
    import logging

    from cem_project.logging import ScrubSurveyTokens

    share, _action = shared
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /p/%s/ HTTP/1.1" 200',
        (share.token,),
        None,
    )
    ScrubSurveyTokens().filter(record)
    assert share.token not in record.getMessage()
    assert "/p/[token]/" in record.getMessage()


def test_a_customer_link_downloads_only_so_many_pdfs_a_minute(client, shared, settings):
    share, _action = shared
    settings.CEM_PLAN_CUSTOMER_PDFS_PER_MINUTE = 1
    # The limit counts in fixed minute windows; one may turn while a PDF renders, not two.
    codes = [client.get(f"/p/{share.token}/pdf/").status_code for _ in range(3)]
    assert codes[0] == 200 and codes[1:] in ([429, 429], [200, 429])


def test_the_market_average_is_shown_to_the_customer_only_over_enough_accounts(
    plan, story, settings
):
    from insights.plans.selectors.documents import plan_content
    from insights.plans.selectors.plans import plan_for_document

    assert plan.evidence["scores"]["vertical"]["accounts"] == 2  # Northbridge and Riverside
    settings.CEM_PLAN_MARKET_MIN_ACCOUNTS = 3
    content = plan_content(plan_for_document(pk=plan.pk))
    assert content["evidence"]["scores"]["vertical"] is None  # Riverside's score would show
    assert content["evidence"]["scores"]["account"]["nps"] == -50.0
    settings.CEM_PLAN_MARKET_MIN_ACCOUNTS = 2
    content = plan_content(plan_for_document(pk=plan.pk))
    assert content["evidence"]["scores"]["vertical"]["nps"] == 0.0
