"""Checks of single fields."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = frozenset("\r\n\u2028\u2029\x85\x0b\x0c")


def no_line_breaks(value: str) -> None:
    """Names end up in mail headers ("Ann Lee <ann@...>") and in exports: a CR or LF there
    would make every mail to the contact fail (BadHeaderError) or split a header line.

    A function, not a RegexValidator with inverse_match: schema generators publish a regex's
    pattern as the field's `pattern` and drop the inversion."""
    if isinstance(value, str) and not LINE_BREAKS.isdisjoint(value):
        raise ValidationError(_("Line breaks are not allowed here."), code="line_break")
