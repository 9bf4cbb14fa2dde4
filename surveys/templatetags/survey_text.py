"""Staff-authored survey text (intro, thank-you) may hold simple markup: allowlist it."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..services.texts import sanitize_rich_text

register = template.Library()

__all__ = ["rich_text", "sanitize_rich_text"]


@register.filter
def rich_text(value) -> SafeString:
    if not value:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(sanitize_rich_text(str(value)))  # noqa: S308 - output of the nh3 allowlist
