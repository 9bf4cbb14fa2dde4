import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limiters count in the cache; no test inherits another's counts."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_user(db):
    return UserFactory(username="analyst", superuser=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_api(db):
    """A superuser on the API: sees every account, holds every permission (tests/api has its
    own fixture of this name)."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(UserFactory(username="api-admin", superuser=True))
    return client


# ------------------------------------------------------------------ a real SMTP server


class SmtpSink:
    """Collects every message an aiosmtpd server on 127.0.0.1 receives.

    `connections` counts SMTP sessions (one per EHLO/HELO'd connection); each message gets an
    `X-Sink-Session` header with the number of the session that carried it. `refuse` maps a
    recipient address to the reply its RCPT gets (e.g. "550 5.1.1 User unknown").
    """

    def __init__(self) -> None:
        self.messages: list = []  # email.message.EmailMessage, in arrival order
        self.host = "127.0.0.1"
        self.port = 0
        self.sessions: list = []  # aiosmtpd Session objects, in the order they greeted
        self.refuse: dict[str, str] = {}

    @property
    def connections(self) -> int:
        return len(self.sessions)

    def _session_number(self, session) -> int:
        for number, known in enumerate(self.sessions, start=1):
            if known is session:
                return number
        self.sessions.append(session)
        return len(self.sessions)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        self._session_number(session)
        return responses

    async def handle_HELO(self, server, session, envelope, hostname) -> str:  # noqa: N802
        session.host_name = hostname
        self._session_number(session)
        return f"250 {server.hostname}"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        message["X-Sink-Session"] = str(self._session_number(session))
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = SmtpSink()
    sink.port = free_port()
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def smtp_email(settings, smtp_sink):
    """Django sends real SMTP to the sink."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_sink


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist (`make test` runs `-n 2`), the integration tests share one worker:
    they share one Redis database as their broker, and a real Celery worker of one test must
    never pick up the tasks of another."""
    for item in items:
        if item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.xdist_group("integration"))


def pytest_sessionfinish(session) -> None:
    """Delete this run's SQLite test database file (see cem_project/settings/test.py)."""
    from pathlib import Path

    from django.conf import settings

    if not settings.configured:
        return
    db = settings.DATABASES["default"]
    name = db.get("TEST", {}).get("NAME")
    if db["ENGINE"] == "django.db.backends.sqlite3" and name:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
