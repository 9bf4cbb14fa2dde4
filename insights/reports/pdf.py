"""The one way this project makes a PDF: a Django template in a language, through WeasyPrint."""

import logging
import re
from functools import partial

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .fetcher import BASE_URL, make_fetcher
from .sandbox import ReportRenderError, run_isolated

# WeasyPrint logs every rendering step at INFO (even while being imported): noise in our logs.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The fixes for the url_fetcher bypasses (attachments, redirects, `stylesheets=`) are all in 70.
MIN_WEASYPRINT = (70, 0)


def _check_version(version: str) -> None:
    match = re.match(r"(\d+)\.(\d+)", version)
    if not match or (int(match[1]), int(match[2])) < MIN_WEASYPRINT:
        raise ReportRenderError(
            f"WeasyPrint {version} is installed; reports need {MIN_WEASYPRINT[0]} or later "
            "(the older ones let a document fetch URLs past the allowlist)."
        )


def _css_string(text: str) -> str:
    """`text` as the inside of a double-quoted CSS string (safe inside <style>)."""
    return "".join(
        ch if ch.isalnum() or ch in " .,:;!?()%-" or ord(ch) > 0x7F else f"\\{ord(ch):x} "
        for ch in text
    )


def _page_of_pages_css() -> str:
    # Translators: the page number in a PDF report's footer; keep both placeholders.
    template = gettext("Page %(page)s of %(pages)s")
    pieces = re.split(r"(%\(page\)s|%\(pages\)s)", template)
    parts = []
    for piece in pieces:
        if piece == "%(page)s":
            parts.append("counter(page)")
        elif piece == "%(pages)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append(f'"{_css_string(piece)}"')
    return mark_safe(" ".join(parts))  # noqa: S308 (built from escaped pieces)


def _write_pdf(html: str) -> bytes:
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=make_fetcher())
    # No `stylesheets=` and no presentational hints: both were ways around the fetcher.
    # Tagged, for screen readers (plans go to customers); it costs no measurable time.
    return document.write_pdf(presentational_hints=False, pdf_tags=True)


def render_report_pdf(
    template_name: str,
    context: dict,
    *,
    language: str,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> bytes:
    """The PDF of `template_name` (which extends insights/reports/base.html) in `language`.

    Rendered in a forked child that is killed after `timeout` seconds
    (settings.CEM_REPORT_TIMEOUT_SECONDS, default 30) or when it needs more than `memory_mb`
    MB of address space (settings.CEM_REPORT_MEMORY_MB, default 1024); either, or an error
    inside WeasyPrint, raises ReportRenderError (template errors raise as usual). Resources
    other than `data:` URIs and the project's static files are refused and left out.
    """
    import weasyprint

    _check_version(weasyprint.__version__)
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown report language {language!r}")
    if timeout is None:
        timeout = settings.CEM_REPORT_TIMEOUT_SECONDS
    if memory_mb is None:
        memory_mb = settings.CEM_REPORT_MEMORY_MB
    with translation.override(language):
        html = render_to_string(
            template_name,
            {
                "generated_at": timezone.now(),
                **context,
                "report_page_of_pages": _page_of_pages_css(),
            },
        )
    return run_isolated(partial(_write_pdf, html), timeout=timeout, memory_bytes=memory_mb * 2**20)
