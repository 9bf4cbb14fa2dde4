"""Survey text in mail templates, safe next to text of the other direction.

(Rich texts are rendered by SurveyTexts.rich, which also marks a fallback's language;
`sanitize_rich_text` is re-exported here for older imports.)

`ltr_line`: a URL on a line of its own in the plain-text mail of a right-to-left language.
A mail client that lays that text out right to left moves the URL's trailing "/" to its
start ("/http://..."): the slash is neutral and takes the paragraph's direction. A
left-to-right mark after it, past a space, makes the slash take the URL's direction, and the
space keeps the mark out of the link a client detects.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..services.texts import sanitize_rich_text

register = template.Library()

__all__ = ["LEFT_TO_RIGHT_MARK", "bidi", "ltr_line", "sanitize_rich_text"]

LEFT_TO_RIGHT_MARK = "\u200e"


@register.filter
def ltr_line(value, rtl=True) -> str:
    """`{{ url|ltr_line:rtl }}`: the value, followed by " \u200e" when `rtl`."""
    return f"{value} {LEFT_TO_RIGHT_MARK}" if rtl else str(value)


@register.filter
def bidi(value) -> SafeString:
    """`{{ title|bidi }}`: a text of unknown direction (a survey title, a name, a fallback
    label) inside a sentence, isolated so that its punctuation stays with it: an English
    "What next?" in a Persian mail would otherwise show its "?" at its start."""
    return format_html('<span dir="auto">{}</span>', value)
