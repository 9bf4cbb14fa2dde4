"""Rate limits that hold across processes, keyed by the client's real address.

One place for both rules every public or login view needs:

* `client_ip(request)`: the client's address. `REMOTE_ADDR`, unless the site runs behind
  `CEM_TRUSTED_PROXY_COUNT` proxies that append to `X-Forwarded-For`: then the address the
  outermost trusted proxy saw (DRF's `NUM_PROXIES` and django-axes use the same rule). Whatever a
  client writes into the header itself is never taken.
* `Limit`s counted by django-ratelimit in the shared cache (`CACHES["default"]`: Redis in
  production, the database in the embedded setup; see `cem_project.cache`), per address
  (an IPv6 client per /64) and fixed window. A cache that cannot count refuses (fail closed).

Usage, e.g. a public link looked up by its token (`/s/<token>/`, `/p/<token>/`):

    from cem_project.ratelimits import LINK_FAILURES, limit_hit

    thing = lookup(token)            # a valid token is served whatever others guessed
    if thing is None:
        if limit_hit(request, LINK_FAILURES):   # counts this failure
            return render_429()
        return render_404()

Count failures only, after the lookup, so that neither a guesser behind the same address nor a
double submit (see surveys.services.respond) locks anybody out of a valid link.
`limit_reached(request, limit)` looks without counting.
"""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The client's address as the trusted proxies report it (module docstring)."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = settings.CEM_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            # Each trusted proxy appends the address it saw: the client is `proxies` from the
            # end. Fewer entries than proxies: take the first (as DRF does).
            candidate = _valid_ip(addresses[-min(proxies, len(addresses))])
            if candidate:
                return candidate
    return _valid_ip(remote) or remote or "unknown"


def client_ip_for_axes(request, *args, **kwargs) -> str | None:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same rule; None when there is no address
    (a login made in code), which its IP address columns store as NULL."""
    return _valid_ip(client_ip(request))


def _limit_key(group: str, request) -> str:
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        # One subscriber usually holds a whole /64: rotating within it changes nothing.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


@dataclass(frozen=True)
class Limit:
    """At most `settings.<setting>` (else `default`) events per address per `period` seconds."""

    group: str
    setting: str
    default: int
    period: int = 60

    @property
    def count(self) -> int:
        return int(getattr(settings, self.setting, self.default))

    @property
    def rate(self) -> str:
        return f"{self.count}/{self.period}s"


# Failed lookups of a public link (survey link, opt-out, shared action plan): one counter.
LINK_FAILURES = Limit("links-failed", "CEM_TOKEN_GUESS_LIMIT_PER_MINUTE", 60)
# Submissions of an anonymous open link.
OPEN_LINK_SUBMITS = Limit("open-link-submits", "CEM_OPEN_LINK_SUBMITS_PER_MINUTE", 10)
# Password attempts (admin login and the API token endpoint together).
LOGIN_ATTEMPTS = Limit("login-attempts", "CEM_LOGIN_ATTEMPTS_PER_MINUTE", 30)


def _usage(request, limit: Limit, *, increment: bool) -> dict:
    usage = get_usage(
        request, group=limit.group, key=_limit_key, rate=limit.rate, increment=increment
    )
    if usage is None:  # RATELIMIT_ENABLE = False
        return {"count": 0, "limit": limit.count, "should_limit": False}
    return usage


def limit_hit(request, limit: Limit) -> bool:
    """Count one event for the request's address; True once the count is over the limit."""
    return bool(_usage(request, limit, increment=True)["should_limit"])


def limit_reached(request, limit: Limit) -> bool:
    """Whether the next event would be over the limit, without counting one."""
    usage = _usage(request, limit, increment=False)
    return usage["should_limit"] or usage["count"] >= usage["limit"]
