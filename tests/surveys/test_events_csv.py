"""Admin CSV import of touch-point events: per-row results by line, duplicates, line breaks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import TouchPointEvent
from surveys.models import Invitation
from surveys.services.events import events_import_csv
from tests.factories import ContactFactory, SurveyFactory, TouchPointFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "contact_email,account_external_id,touch_point,external_id,occurred_at,technician\r\n"


@pytest.fixture
def setup():
    touch_point = TouchPointFactory(code="install")
    SurveyFactory(transaction=True, touch_point=touch_point)
    contact = ContactFactory(email="ann@alpha.example")
    return contact


def _csv(contact, *rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def _row(contact, external_id, **overrides) -> str:
    values = {
        "email": contact.email,
        "account": contact.account.external_id,
        "tp": "install",
        "at": "2026-11-01T10:00:00+00:00",
        "tech": "Kim",
    }
    values.update(overrides)
    return f"{values['email']},{values['account']},{values['tp']},{external_id},{values['at']},{values['tech']}\r\n"  # noqa: E501


def test_good_rows_are_stored_and_bad_rows_reported_by_line(setup):
    contact = setup
    TouchPointEvent.objects.create(
        external_id="OLD", account=contact.account, contact=contact,
        touch_point=TouchPointFactory(code="install"), occurred_at="2026-10-01T00:00:00Z",
    )  # fmt: skip
    data = _csv(
        contact,
        _row(contact, "E-1"),  # line 2
        _row(contact, "E-2", email="ghost@alpha.example"),  # line 3
        _row(contact, "OLD"),  # line 4: already stored
        _row(contact, "E-3", tp="teleport"),  # line 5
        _row(contact, "E-4", at="last tuesday"),  # line 6
        _row(contact, "E-5", account="ACC-NOPE"),  # line 7
        f'{contact.email},{contact.account.external_id},install,E-6,2026-11-01T10:00:00Z,"K\r\nBcc: x@evil"\r\n',  # noqa: E501  line 8-9
        _row(contact, "E-7"),  # line 10
    )

    report = events_import_csv(data=data, user=UserFactory(superuser=True))

    assert report.error == ""
    outcome = [(row.line, row.status) for row in report.rows]
    assert outcome == [
        (2, "created"),
        (3, "error"),
        (4, "duplicate"),
        (5, "error"),
        (6, "error"),
        (7, "error"),
        (8, "error"),
        (10, "created"),
    ]
    assert "contact_email" in report.rows[1].messages[0]
    assert "touch_point" in report.rows[3].messages[0]
    assert "occurred_at" in report.rows[4].messages[0]
    assert "account_external_id" in report.rows[5].messages[0]
    assert "line break" in report.rows[6].messages[0]
    stored = TouchPointEvent.objects.get(external_id="E-1")
    assert stored.attributes == {"technician": "Kim"}
    assert set(TouchPointEvent.objects.values_list("external_id", flat=True)) == {
        "OLD", "E-1", "E-7",
    }  # fmt: skip
    assert Invitation.objects.filter(event__external_id__in=["E-1", "E-7"]).count() == 2


def test_missing_columns_or_a_non_utf8_file_are_reported_as_a_whole(setup):
    user = UserFactory(superuser=True)

    assert (
        "external_id" in events_import_csv(data=b"contact_email,touch_point\r\n", user=user).error
    )
    assert events_import_csv(data=b"\xff\xfe\x00bad", user=user).error


def test_accounts_of_another_team_are_unknown(setup):
    contact = setup
    outsider = UserFactory(username="other-team")

    report = events_import_csv(data=_csv(contact, _row(contact, "E-1")), user=outsider)

    assert report.rows[0].status == "error"
    assert "Unknown account" in report.rows[0].messages[0]
    assert not TouchPointEvent.objects.exists()


def test_the_admin_changelist_links_to_the_import_and_the_import_reports(staff_client, setup):
    contact = setup
    changelist = staff_client.get("/admin/customers/touchpointevent/")
    assert b"import-csv/" in changelist.content

    upload = SimpleUploadedFile(
        "events.csv",
        _csv(contact, _row(contact, "E-1"), _row(contact, "E-1"), _row(contact, "E-2", tp="x")),
        content_type="text/csv",
    )
    response = staff_client.post("/admin/customers/touchpointevent/import-csv/", {"file": upload})

    assert response.status_code == 200
    content = response.content.decode()
    assert "Duplicates (already stored)" in content
    assert "Unknown touch point" in content
    assert TouchPointEvent.objects.filter(external_id="E-1").count() == 1
