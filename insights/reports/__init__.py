"""PDF reports: `render_report_pdf(template_name, context, *, language=...)` and its error.

Templates extend `insights/reports/base.html`; see docs/reports.md for its blocks, context keys
and the fetcher's allowlist.
"""

from .pdf import render_report_pdf
from .sandbox import ReportRenderError

__all__ = ["ReportRenderError", "render_report_pdf"]
