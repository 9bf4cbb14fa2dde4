"""Bad input that once gave a 500 or was silently lost: NUL bytes in paths, line breaks in
names that end up in mail headers, HTML-escaped subjects, file uploads on public forms."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from customers.models import Contact
from surveys.constants import QuestionType
from surveys.models import Response
from surveys.services.invitations import invitation_email_build, invitations_send_chunk
from tests.factories import (
    AccountFactory,
    ContactFactory,
    InvitationFactory,
    QuestionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------ NUL bytes in paths


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def _with_nul(route: str) -> str:
    """A path for `route` with a NUL byte in every parameter (or at its end)."""
    import re

    path = re.sub(r"\(\?P<\w+>[^)]*\)", "ab\x00cd", route)  # regex routes (the admin's)
    path = re.sub(r"<(?:\w+:)?\w+>", "ab\x00cd", path)
    path = path.lstrip("^").rstrip("$").replace("\\", "")
    if "\x00" not in path:
        path = f"{path.rstrip('/')}/\x00/" if path else "\x00/"
    return "/" + path.lstrip("/")


ALL_PATHS = sorted({_with_nul(route) for route in _patterns(get_resolver())})


def test_the_generated_paths_cover_public_staff_and_api_urls():
    assert "/s/ab\x00cd/" in ALL_PATHS
    assert "/s/ab\x00cd/unsubscribe/" in ALL_PATHS
    assert any(p.startswith("/admin/") for p in ALL_PATHS)
    assert any(p.startswith("/api/v1/") for p in ALL_PATHS)
    assert any(p.startswith("/insights/") for p in ALL_PATHS)


@pytest.mark.parametrize("path", ["/s/\x00/", "/s/ab\x00cd/unsubscribe/", *ALL_PATHS])
def test_a_nul_byte_in_any_path_is_a_404_for_anyone(path, staff_user):
    anonymous, staff = Client(raise_request_exception=False), Client(raise_request_exception=False)
    staff.force_login(staff_user)

    for client in (anonymous, staff):
        for method in ("get", "post"):
            assert getattr(client, method)(path).status_code == 404, (method, path)


# ------------------------------------------------------------------ line breaks in names

BAD_NAMES = ["Ann\r\nBcc: x@evil.example", "Ann\nLee", "Ann\rLee", "Ann\u2028Lee"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_api_refuses_a_contact_name_with_a_line_break(admin_api, name):
    account = AccountFactory()

    response = admin_api.post(
        "/api/v1/contacts/",
        {"account": account.pk, "name": name, "email": "ann@customer.example"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["name"] == ["Line breaks are not allowed here."]
    assert not Contact.objects.exists()


def test_the_api_refuses_a_line_break_on_update_and_in_the_role(admin_api):
    contact = ContactFactory(name="Ann Lee")

    rename = admin_api.patch(f"/api/v1/contacts/{contact.pk}/", {"name": "A\nB"}, format="json")
    role = admin_api.patch(f"/api/v1/contacts/{contact.pk}/", {"role": "X\r\nY"}, format="json")

    assert rename.status_code == role.status_code == 400
    contact.refresh_from_db()
    assert (contact.name, contact.role) == ("Ann Lee", "")


def test_the_admin_refuses_a_contact_name_with_a_line_break(staff_client):
    account = AccountFactory()

    response = staff_client.post(
        reverse("admin:customers_contact_add"),
        {
            "account": account.pk,
            "name": "Ann\r\nBcc: x@evil.example",
            "email": "ann@customer.example",
            "language": "en",
        },
    )

    assert response.status_code == 200
    assert "Line breaks are not allowed here." in response.content.decode()
    assert not Contact.objects.exists()


def test_the_events_csv_import_refuses_a_line_break(staff_user):
    from surveys.services.events import events_import_csv

    contact = ContactFactory()
    SurveyFactory(transaction=True)
    header = "contact_email,account_external_id,touch_point,external_id,occurred_at,note"
    row = f'{contact.email},{contact.account.external_id},tp,E1,2026-01-01T10:00:00Z,"a\r\nB"'
    data = f"{header}\r\n{row}\r\n".encode()

    report = events_import_csv(data=data, user=staff_user)

    assert report.count("error") == 1 and report.count("created") == 0


# ------------------------------------------------------------------ mail subjects


def test_a_mail_subject_carries_the_title_as_typed(smtp_email):
    survey = SurveyFactory(title='Q&A: "Service" <2026> & you')
    QuestionFactory(survey=survey)
    invitation = InvitationFactory(survey=survey, pending=True)

    message = invitation_email_build(invitation=invitation)
    invitations_send_chunk(invitation_ids=[invitation.pk])

    assert message.subject == 'Your opinion on Q&A: "Service" <2026> & you'
    (received,) = smtp_email.messages
    assert received["Subject"] == 'Your opinion on Q&A: "Service" <2026> & you'
    assert "&amp;" not in received["Subject"]


def test_a_survey_title_with_a_line_break_is_refused():
    from django.core.exceptions import ValidationError

    survey = SurveyFactory.build(title="Hello\r\nBcc: x@evil.example")

    with pytest.raises(ValidationError) as error:
        survey.full_clean(exclude=["slug"])
    assert "title" in error.value.message_dict


# ------------------------------------------------------------------ file uploads


@pytest.fixture
def no_temp_dir(settings, tmp_path):
    """A temporary-upload folder that does not exist: spooling a file there would fail, so a
    413 proves the upload was refused before any temporary file was opened."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "missing")
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024


def _big_file():
    return SimpleUploadedFile("cv.pdf", b"%PDF" + b"0" * (20 * 1024 * 1024), "application/pdf")


def test_a_survey_link_refuses_a_20_mb_upload_without_spooling_it(no_temp_dir):
    invitation = InvitationFactory()
    question = QuestionFactory(survey=invitation.survey, type=QuestionType.NPS)

    response = Client().post(
        f"/s/{invitation.token}/", {f"q_{question.pk}": "9", "upload": _big_file()}
    )

    assert response.status_code == 413
    assert "Files are not accepted" in response.content.decode()
    assert response["Content-Security-Policy"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("which", ["unsubscribe", "open_link"])
def test_the_other_public_forms_refuse_files_too(no_temp_dir, which):
    invitation = InvitationFactory()
    survey = SurveyFactory(open_link_enabled=True, slug="open-pulse")
    QuestionFactory(survey=survey)
    url = {
        "unsubscribe": f"/s/{invitation.token}/unsubscribe/",
        "open_link": "/s/open/open-pulse/",
    }[which]

    response = Client().post(url, {"upload": _big_file()})

    assert response.status_code == 413
    invitation.contact.refresh_from_db()
    assert not invitation.contact.opted_out
    assert not Response.objects.exists()


def test_a_multipart_post_without_a_file_is_served(no_temp_dir):
    invitation = InvitationFactory()
    question = QuestionFactory(survey=invitation.survey, type=QuestionType.NPS)

    response = Client().post(
        f"/s/{invitation.token}/",
        {f"q_{question.pk}": "9"},  # the test client sends multipart/form-data
    )

    assert response.status_code == 200
    assert Response.objects.count() == 1
