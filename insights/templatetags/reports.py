"""Template filters of the PDF reports (insights/reports/*.html)."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

register = template.Library()

# Arabic presentation forms: what insights.charts.for_weasyprint writes. A chart holding them
# was prepared already, and preparing it twice would reverse its Persian labels again.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


@register.filter
def pdf_chart(svg):
    """A chart's inline SVG made ready for WeasyPrint, which does not shape SVG text: its
    right-to-left labels pre-shaped by insights.charts.for_weasyprint. Markup that is not
    marked safe is escaped (shown as text), never drawn."""
    if not svg:
        return ""
    if not isinstance(svg, SafeData):
        return conditional_escape(svg)
    if _PRESENTATION_FORMS.search(svg):
        return svg
    from insights.charts import for_weasyprint

    return for_weasyprint(str(svg))
