"""Twenty parallel posts of one personal link (a double-clicking respondent, a retrying
proxy) against the live server: one response, every loser sees "already answered", and
none counts as a guess at a link."""

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from surveys.constants import InvitationStatus, QuestionType
from surveys.models import Answer, Response
from tests.factories import InvitationFactory, QuestionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PARALLEL = 20
ANSWERED = "You have already answered"
INVALID = "This survey link is not valid"
UNKNOWN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"


def _post(url: str, data: dict) -> tuple[int, str]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 (live server)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _in_parallel(call, n: int) -> list:
    results: list = [None] * n
    start = threading.Barrier(n)

    def run(i: int) -> None:
        start.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_twenty_parallel_submits_store_one_response_and_the_losers_see_already_answered(
    live_server, settings
):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 1
    invitation = InvitationFactory()
    question = QuestionFactory(survey=invitation.survey, type=QuestionType.NPS)
    url = f"{live_server.url}/s/{invitation.token}/"

    results = _in_parallel(lambda: _post(url, {f"q_{question.pk}": "9"}), PARALLEL)

    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * (PARALLEL - 1), statuses
    assert all(ANSWERED in body for status, body in results if status == 409)
    assert not any(INVALID in body for _status, body in results)
    assert Response.objects.count() == 1 and Answer.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.COMPLETED
    # None of the 19 counted as a failed lookup: with a limit of one, the first real guess
    # from this address is still a plain 404, the second the 429.
    assert _post(f"{live_server.url}/s/{UNKNOWN}/", {})[0] == 404
    assert _post(f"{live_server.url}/s/{UNKNOWN}/", {})[0] == 429


def test_a_post_to_a_link_answered_long_ago_is_still_the_invalid_link(live_server, settings):
    settings.CEM_DOUBLE_SUBMIT_WINDOW_SECONDS = 0
    invitation = InvitationFactory()
    question = QuestionFactory(survey=invitation.survey, type=QuestionType.NPS)
    url = f"{live_server.url}/s/{invitation.token}/"
    assert _post(url, {f"q_{question.pk}": "9"})[0] == 200

    status, body = _post(url, {f"q_{question.pk}": "3"})

    assert status == 404 and INVALID in body
