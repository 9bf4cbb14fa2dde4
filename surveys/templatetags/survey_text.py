"""Staff-authored survey text (intro, thank-you) may hold simple markup: allowlist it."""

import nh3
from django import template
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

ALLOWED_TAGS = {"a", "b", "br", "em", "i", "li", "ol", "p", "strong", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_rich_text(text: str) -> str:
    if "<" not in text:
        # Plain text: keep the author's paragraphs and line breaks.
        text = linebreaks(escape(text))
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


@register.filter
def rich_text(value) -> SafeString:
    if not value:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(sanitize_rich_text(str(value)))  # noqa: S308 - output of the nh3 allowlist
