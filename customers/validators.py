"""Checks of single fields."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Names end up in mail headers ("Ann Lee <ann@...>") and in exports: a CR or LF there would
# make every mail to the contact fail (BadHeaderError) or split a header line.
no_line_breaks = RegexValidator(
    regex=r"[\r\n\u2028\u2029\x85]",
    inverse_match=True,
    message=_("Line breaks are not allowed here."),
    code="line_break",
)
