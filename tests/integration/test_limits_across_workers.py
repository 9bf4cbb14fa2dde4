"""The limits hold across processes: gunicorn with two workers, the cache in Redis or in the
database, bursts of parallel requests. Once, with a per-process counter, 120 guesses got
through a limit of 60; now exactly the limit passes, whichever worker serves."""

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from surveys.models import Response
from tests.conftest import free_port
from tests.factories import InvitationFactory, QuestionFactory, SurveyFactory

from .test_celery_worker import _database_url

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("CEM_TEST_CACHE_URL") or os.environ.get(
    "CEM_TEST_BROKER_URL", "redis://127.0.0.1:6379/15"
)
LIMITS = {
    "CEM_TOKEN_GUESS_LIMIT_PER_MINUTE": 10,
    "CEM_OPEN_LINK_SUBMITS_PER_MINUTE": 5,
    "CEM_LOGIN_ATTEMPTS_PER_MINUTE": 8,
}
UNKNOWN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is unreachable at {REDIS_URL}: {exc}")
    return client


def _forget_counts(client) -> None:
    """The limiter's keys only (KEY_PREFIX "cem", django-ratelimit's "rl:"): this Redis
    database may be a broker's too."""
    for key in client.scan_iter("cem:*:rl:*"):
        client.delete(key)


@pytest.fixture(params=["redis", "database"])
def cache_url(request):
    if request.param == "redis":
        client = _redis_or_skip()
        _forget_counts(client)
        yield REDIS_URL
        _forget_counts(client)
        return
    database_cache = {"BACKEND": "cem_project.cache.AtomicDatabaseCache", "LOCATION": "cem_cache"}
    with override_settings(CACHES={"default": database_cache}):
        call_command("createcachetable", verbosity=0)
    # The table is no model's: a transactional test's flush leaves it, counts and all.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM cem_cache")
    yield "dbcache://cem_cache"


@pytest.fixture
def gunicorn(cache_url, tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cem_project.settings.test",
        "DATABASE_URL": _database_url(),
        "CACHE_URL": cache_url,
        **{name: str(value) for name, value in LIMITS.items()},
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "cem_project.wsgi:application",
            "--config",
            "/dev/null",  # not the repository's gunicorn.conf.py: a log of our own
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(p)s %(s)s",
            "--timeout",
            "60",
        ],  # fmt: skip
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _request(f"{base}/admin/login/")  # any HTTP answer: the workers are up
            break
        except OSError:  # not listening yet, or still loading
            if process.poll() is not None:
                pytest.fail(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not answer within 60 s")
            time.sleep(0.3)
    try:
        yield base, access_log
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _request(url: str, data: dict | None = None) -> int:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)  # noqa: S310 (loopback only)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


def _burst(calls) -> list[int]:
    results = [0] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i):
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return sorted(results)


def _workers(access_log: Path) -> set[str]:
    return {line.split()[0] for line in access_log.read_text().splitlines() if line.strip()}


def test_link_guesses_open_link_submits_and_logins_stop_at_their_limits_across_workers(
    gunicorn,
):
    base, access_log = gunicorn
    invitation = InvitationFactory()
    QuestionFactory(survey=invitation.survey)
    open_survey = SurveyFactory(open_link_enabled=True, slug="open-burst")
    question = QuestionFactory(survey=open_survey)

    guesses = _burst([lambda n=n: _request(f"{base}/s/{UNKNOWN[:-2]}{n:02d}/") for n in range(30)])
    valid = _request(f"{base}/s/{invitation.token}/")
    submits = _burst(
        [lambda: _request(f"{base}/s/open/open-burst/", {f"q_{question.pk}": "9"})] * 15
    )
    logins = _burst(
        [
            lambda n=n: _request(
                f"{base}/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}
            )
            for n in range(20)
        ]
    )

    assert guesses == [404] * 10 + [429] * 20
    assert valid == 200
    assert submits == [200] * 5 + [429] * 10
    assert Response.objects.filter(survey=open_survey).count() == 5
    assert logins == [400] * 8 + [429] * 12
    assert len(_workers(access_log)) == 2, "both workers served the bursts"
