"""Numbers on staff pages: in the active language's format, isolated from the text around.

A right-to-left page turns a bare "-16.0" into "16.0-" and "+2.5" into "2.5+": the sign is
a weak character and takes the page's direction. Inside `<bdi dir="ltr">` sign, digits and
unit keep their order. The format is Django's for the active language (Polish "-16,0",
"2 800"); Django's Persian format keeps Latin digits, and so do these pages.
"""

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

NO_FIGURE = "—"


def _isolated(text: str, unit: str) -> SafeString:
    return format_html('<bdi dir="ltr" class="figure">{}{}</bdi>', text, unit)


@register.filter
def figure(value, unit: str = "") -> SafeString | str:
    """`{{ summary.nps|figure }}`, `{{ rate.rate|figure:"%" }}`; a dash for no value."""
    if value is None or value == "":
        return NO_FIGURE
    return _isolated(formats.number_format(value, use_l10n=True, force_grouping=True), unit)


@register.filter
def change(value, unit: str = "") -> SafeString | str:
    """A change from the previous figure, always signed: +2.5, -1.0, 0.0."""
    if value is None or value == "":
        return ""
    text = formats.number_format(value, use_l10n=True, force_grouping=True)
    return _isolated(f"+{text}" if value > 0 else text, unit)


@register.filter
def money(value) -> SafeString | str:
    """Revenue in whole units with the language's grouping: `{{ billed|money }}` 22,500,000."""
    if value is None or value == "":
        return NO_FIGURE
    text = formats.number_format(round(value), use_l10n=True, force_grouping=True)
    return _isolated(text, "")
