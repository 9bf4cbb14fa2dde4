"""Server-side SVG charts for pages, e-mails and PDFs: one function per chart.

Each function takes plain data (numbers, already translated strings, links) and returns
inline SVG markup as a SafeString: `role="img"` (or `role="group"` when it holds links) with
a `<title>` and `<desc>`, no scripts and no external references, a fixed viewBox with CSS
`width:100%`, text kept as text (the browser or WeasyPrint shapes Persian and Chinese), and
the same bytes for the same input. matplotlib draws them and is imported on the first chart.
`rtl=True` mirrors ordinal charts; see each module for what mirrors and what does not.
For a PDF, pass the chart through `for_weasyprint` (WeasyPrint does not shape SVG text).
"""

from ._render import FONT_FAMILY, compact_number
from .bars import (
    Series,
    grouped_bar_chart,
    horizontal_bar_chart,
    nps_distribution_chart,
    score_distribution_chart,
    stacked_bar_chart,
)
from .matrix import MatrixPoint, QuadrantLabels, customer_matrix_chart
from .palette import QUADRANT_COLORS
from .pdf import for_weasyprint
from .trend import TrendPoint, trend_chart

__all__ = [
    "FONT_FAMILY",
    "QUADRANT_COLORS",
    "MatrixPoint",
    "QuadrantLabels",
    "Series",
    "TrendPoint",
    "compact_number",
    "customer_matrix_chart",
    "for_weasyprint",
    "grouped_bar_chart",
    "horizontal_bar_chart",
    "nps_distribution_chart",
    "score_distribution_chart",
    "stacked_bar_chart",
    "trend_chart",
]
