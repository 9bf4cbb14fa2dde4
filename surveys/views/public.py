"""What every public page shares: strict headers, the renderer, no file uploads.

The answering pages (respond, open_link, optout) and the staff preview use these; the limits
and the client's address are cem_project.ratelimits (`client_ip` is re-exported here).
"""

import functools

from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import urlencode

from cem_project.ratelimits import client_ip

__all__ = [
    "client_ip",
    "language_links",
    "public_page",
    "public_page_headers",
    "refuse_file_uploads",
]

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


class FileUploadRefused(Exception):
    """A public form received a file."""


class RefuseFilesHandler(FileUploadHandler):
    """No public form takes a file: the first file part stops the parse, before a byte of it
    is kept in memory or spooled to a temporary file."""

    def new_file(self, *args, **kwargs):
        raise FileUploadRefused

    def receive_data_chunk(self, raw_data, start):  # never reached: new_file refuses
        raise FileUploadRefused

    def file_complete(self, file_size):
        return None


def refuse_file_uploads(view):
    """A multipart post that carries a file gets 413, read no further than the file's
    headers; the form's other fields (and urlencoded posts) are served as usual."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            request.upload_handlers = [RefuseFilesHandler(request)]
            try:
                request.POST  # noqa: B018 (parse now, under the refusing handler)
            except FileUploadRefused:
                return public_page(request, "surveys/respond/upload_refused.html", status=413)
        return view(request, *args, **kwargs)

    return wrapper


def public_page(request, template: str, context=None, *, status: int = 200) -> HttpResponse:
    """Render a public page, saying which language it is in."""
    response = render(request, template, context or {}, status=status)
    response["Content-Language"] = translation.get_language()
    return response


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
