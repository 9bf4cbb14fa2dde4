"""What every public page shares: strict headers, the renderer, the per-IP limiter.

The answering pages (respond, open_link, optout) and the staff preview use these.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode

# Self only and no inline script; form posts go back to us; nobody may frame the page.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def public_page_headers(view=None, *, referrer_policy: str = "no-referrer"):
    """Tokens sit in the URL: never send them anywhere as a Referer, never cache the page.

    Under `no-referrer` browsers post `Origin: null`, which Django's CSRF check refuses, so the
    answering views are `csrf_exempt`: the 256-bit token in their path is the per-respondent
    secret a cross-site forger cannot know, which is what a CSRF token would add.
    Staff pages (the preview) keep CSRF and pass `referrer_policy="same-origin"`."""
    if view is None:
        return functools.partial(public_page_headers, referrer_policy=referrer_policy)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = referrer_policy
        response["Cache-Control"] = "no-store"
        response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response["X-Frame-Options"] = "DENY"
        if response.status_code >= 400:
            # Django's request logger would print the path, token included, and its default
            # console handler (DEBUG) bypasses the scrubbing filter; the views log these
            # themselves without the token.
            response._has_been_logged = True
        return response

    return wrapper


def client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or "unknown"


def public_page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    """Render a public page, saying which language it is in."""
    response = render(request, template, context or {}, status=status)
    response["Content-Language"] = translation.get_language()
    return response


def per_minute_key(request, name: str) -> str:
    return f"surveys:{name}:{client_ip(request)}:{int(time.time() // 60)}"


def per_minute_count(key: str) -> int:
    """Count one event under `key` (from per_minute_key); add + incr stay atomic in the cache."""
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        return 1


def _guess_key(request) -> str:
    return per_minute_key(request, "token-fail")


def token_guess_limit() -> int:
    return getattr(settings, "CEM_TOKEN_GUESS_LIMIT_PER_MINUTE", 60)


def token_guesses_exceeded(request) -> bool:
    return (cache.get(_guess_key(request)) or 0) >= token_guess_limit()


def token_guess_record(request) -> int:
    """Count one failed lookup for this IP in this minute."""
    return per_minute_count(_guess_key(request))


def language_links(codes: list[str], current: str, param: str, extra: dict) -> list[dict]:
    """The language switcher: one link per language (none for a single language)."""
    if len(codes) < 2:
        return []
    links = []
    for code in codes:
        info = translation.get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "bidi": info["bidi"],
                "url": "?" + urlencode({param: code, **extra}),
                "current": code == current,
            }
        )
    return links
