from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string


class EmlFileBackend(BaseEmailBackend):
    """Writes each message as its own .eml file, which any mail client opens (demo default)."""

    def send_messages(self, email_messages) -> int:
        directory = Path(settings.EMAIL_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = directory / f"{stamp}-{get_random_string(8)}.eml"
            path.write_bytes(message.message().as_bytes())
            sent += 1
        return sent
