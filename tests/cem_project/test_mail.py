"""The embedded setup's mail backend: one .eml file per message, readable by a mail client."""

from email import message_from_bytes, policy

from django.core.mail import send_mail


def test_each_message_becomes_its_own_eml_file(settings, tmp_path):
    settings.EMAIL_BACKEND = "cem_project.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")

    sent = send_mail("Zażółć", "Body ✓", "cx@example.com", ["ann@example.com"])
    sent += send_mail("Second", "Again", "cx@example.com", ["bob@example.com"])

    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert sent == 2 and len(files) == 2
    messages = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert {m["To"] for m in messages} == {"ann@example.com", "bob@example.com"}
    first = next(m for m in messages if m["To"] == "ann@example.com")
    assert first["Subject"] == "Zażółć"
    assert first.get_content().strip() == "Body ✓"
