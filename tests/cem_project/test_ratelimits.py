"""The client's address behind trusted proxies, and the limits counted per address."""

import pytest
from django.test import Client, RequestFactory
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from cem_project.ratelimits import LINK_FAILURES, Limit, client_ip, limit_hit, limit_reached
from tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg"


def _request(remote="198.51.100.7", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.CEM_TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(forwarded="203.0.113.1")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.1", "203.0.113.1"),
        # A client's own entries come first; the proxy appends what it saw: the last one.
        (1, "6.6.6.6, 7.7.7.7, 203.0.113.1", "203.0.113.1"),
        (2, "6.6.6.6, 203.0.113.1, 10.0.0.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),  # fewer entries than proxies: the first
        (1, "not-an-address", "10.0.0.1"),  # junk: the proxy's own address
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_address_the_outermost_one_saw_is_taken(
    settings, proxies, forwarded, expected
):
    settings.CEM_TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(remote="10.0.0.1", forwarded=forwarded)) == expected


def test_drf_throttles_use_the_same_number_of_proxies(settings):
    assert api_settings.NUM_PROXIES == settings.CEM_TRUSTED_PROXY_COUNT == 0
    throttle = SimpleRateThrottle.__new__(SimpleRateThrottle)

    request = _request(forwarded="203.0.113.99")
    assert throttle.get_ident(request) == "198.51.100.7"


def test_a_limit_counts_per_address_and_says_when_it_is_reached(settings):
    limit = Limit("test-limit", "CEM_TEST_LIMIT", 2)
    first, other = _request("198.51.100.1"), _request("198.51.100.2")

    assert not limit_reached(first, limit)
    assert [limit_hit(first, limit) for _ in range(3)] == [False, False, True]
    assert limit_reached(first, limit)
    assert not limit_reached(other, limit)


def test_ipv6_clients_are_counted_per_64(settings):
    limit = Limit("test-v6", "CEM_TEST_LIMIT", 1)

    limit_hit(_request("2001:db8:1:2::1"), limit)

    assert limit_reached(_request("2001:db8:1:2::ffff"), limit)
    assert not limit_reached(_request("2001:db8:1:3::1"), limit)


def test_rotating_x_forwarded_for_does_not_reset_the_link_limit(settings):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="203.0.113.9")

    statuses = [
        client.get(f"/s/{UNKNOWN[:-2]}{n:02d}/", HTTP_X_FORWARDED_FOR=f"10.1.1.{n}").status_code
        for n in range(6)
    ]

    assert statuses == [404, 404, 404, 429, 429, 429]


def test_behind_a_trusted_proxy_one_guesser_does_not_lock_out_other_respondents(settings):
    settings.CEM_TRUSTED_PROXY_COUNT = 1
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 3
    invitation = InvitationFactory()
    proxy = "10.0.0.1"  # every request arrives from the TLS proxy
    guesser = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    for n in range(10):
        guesser.get(f"/s/{UNKNOWN[:-2]}{n:02d}/")
    respondent = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")

    assert guesser.get(f"/s/{UNKNOWN}/").status_code == 429
    assert respondent.get(f"/s/{UNKNOWN}/").status_code == 404  # its own count
    assert respondent.get(f"/s/{invitation.token}/").status_code == 200
    assert respondent.get(f"/s/{invitation.token}/unsubscribe/").status_code == 200
    # ... and even the guesser's address reaches a valid link
    assert guesser.get(f"/s/{invitation.token}/").status_code == 200


def test_the_link_limit_is_one_counter_for_survey_and_opt_out_links(settings):
    settings.CEM_TOKEN_GUESS_LIMIT_PER_MINUTE = 2
    client = Client()

    client.get(f"/s/{UNKNOWN}/")
    client.get(f"/s/{UNKNOWN}/unsubscribe/")

    assert limit_reached(_request("127.0.0.1"), LINK_FAILURES)
    assert client.get(f"/s/{UNKNOWN}x/").status_code == 429
