"""WeasyPrint's warnings about the SVG properties of inlined charts are dropped (a demo seed
printed 566 of them); its other warnings still reach the log."""

import logging

from weasyprint import HTML

SVG_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
    '<rect width="40" height="20" style="fill: #ffffff; stroke: #57606a; stroke-width: 0.8"/>'
    '<text x="2" y="12" style="text-anchor: middle; fill: #1f2328">7</text></svg>'
)


def test_svg_style_warnings_are_dropped_and_a_css_mistake_still_warns(caplog):
    html = f'<p style="colr: red">NPS</p>{SVG_CHART}'

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf = HTML(string=html).write_pdf()

    assert pdf.startswith(b"%PDF")
    warnings = [record.getMessage() for record in caplog.records]
    assert not [line for line in warnings if "fill" in line or "stroke" in line]
    assert any("colr" in line and "unknown property" in line for line in warnings)
