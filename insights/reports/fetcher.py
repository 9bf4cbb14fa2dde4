"""What WeasyPrint may read while it renders a report: `data:` URIs and our own static files.

Everything else (http, https, ftp, file: outside the static files, a static path that climbs
out of its folder) raises `ResourceRefused`; WeasyPrint logs it and renders without the
resource. Nothing here opens a socket, so there is no redirect to follow.
"""

import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

logger = logging.getLogger(__name__)

# Relative URLs in a report (and `{% static %}`'s "/static/...") resolve against this; it names
# no real folder: the fetcher maps the static prefix below it to the static files.
BASE_URL = "file:///"

_FONT_TYPES = {".otf": "font/otf", ".ttf": "font/ttf", ".woff": "font/woff", ".woff2": "font/woff2"}


class ResourceRefused(ValueError):
    """A report referred to something outside the allowlist."""


def _static_prefix() -> str:
    return urljoin(BASE_URL, settings.STATIC_URL)


def _static_roots() -> list[Path]:
    """Every folder a static file may live in: STATIC_ROOT and each finder's storage."""
    roots = []
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    return [root.resolve() for root in roots]


def _safe_relative_path(encoded: str) -> str:
    path = unquote(encoded)
    parts = path.split("/")
    if not path or "\\" in path or "\x00" in path or any(part in ("", ".", "..") for part in parts):
        raise ResourceRefused(f"not a plain static path: {encoded!r}")
    return posixpath.join(*parts)


def static_file_path(url: str) -> Path:
    """The file on disk behind a static URL of a report, or ResourceRefused."""
    prefix = _static_prefix()
    if not url.startswith(prefix):
        raise ResourceRefused(f"not a static file: {url}")
    relative = _safe_relative_path(urlsplit(url[len(prefix) :]).path)
    candidates = []
    if settings.STATIC_ROOT:
        candidates.append(staticfiles_storage.path(relative))  # collected (maybe hashed) names
    found = finders.find(relative)
    if found:
        candidates.append(found)
    roots = _static_roots()
    for candidate in candidates:
        real = Path(candidate).resolve()
        if real.is_file() and any(real.is_relative_to(root) for root in roots):
            return real
    raise ResourceRefused(f"no such static file: {relative}")


def make_fetcher():
    """A WeasyPrint URL fetcher (its API wants a `URLFetcher` subclass, so it is built here,
    after the caller imported WeasyPrint)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def __init__(self) -> None:
            # Only urllib's data: handler can ever run (fetch() refuses the rest first).
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            try:
                if url[:5].lower() == "data:":
                    return super().fetch(url, headers)
                path = static_file_path(url)
            except Exception:
                logger.warning("report resource refused: %.200s", url)
                raise
            content_type = _FONT_TYPES.get(path.suffix.lower()) or (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            # The requested URL, not the file's: relative references inside a static
            # stylesheet must stay under the static prefix.
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticOnlyFetcher()
