"""PDF reports through the real WeasyPrint: text, fonts, pages, the fetcher's allowlist, limits.

Text is read back with pypdf. The fetcher tests point every kind of reference at a real HTTP
server on 127.0.0.1 that counts its requests: it must see none.
"""

import base64
import copy
import http.server
import io
import os
import struct
import tempfile
import threading
import time
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils.safestring import mark_safe
from pypdf import PdfReader

from insights.reports import ReportRenderError, render_report_pdf
from insights.reports.fetcher import ResourceRefused, static_file_path
from insights.reports.pdf import _check_version

TEMPLATES_DIR = Path(__file__).parent / "report_templates"
STATIC_FONTS = Path(django_settings.BASE_DIR) / "static" / "fonts"

PERSIAN = "نصاب‌ها بدون نقشهٔ سایت به محل می‌آیند"
# The zero-width non-joiners shape the words but have no glyph, so no PDF text layer holds them.
PERSIAN_GLYPHS = PERSIAN.replace("\u200c", "")
CHINESE = "安装人员到场时没有现场平面图"
CHART = mark_safe(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 60" width="200" height="60">'
    '<polyline points="10,50 60,30 110,35 160,10" fill="none" stroke="#0f766e"/>'
    '<text x="150" y="55" font-family="Vazirmatn" font-size="9">Wave 5</text></svg>'
)


@pytest.fixture(autouse=True)
def report_test_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES_DIR]
    settings.TEMPLATES = templates


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the fonts the PDF embeds, without the subset prefix (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def table_report(language="en", rows=3, **context):
    return render_report_pdf(
        "reports_test/table.html",
        {
            "title": "Action plan for Harbourline",
            "kicker": "Account action plan",
            "cover_lines": [("Account", "Harbourline"), ("Period", "H2 2026")],
            "sentences": [PERSIAN, CHINESE],
            "chart": CHART,
            "rows": [
                (f"Call the site manager {n}", "Olivia Chen", f"NPS {n}") for n in range(rows)
            ],
            **context,
        },
        language=language,
    )


def hostile_report(**context):
    return render_report_pdf(
        "reports_test/hostile.html", {"title": "Hostile", **context}, language="en"
    )


# ------------------------------------------------------------------ text, fonts, pages


def test_the_pdf_holds_the_title_a_table_cell_and_persian_and_chinese_sentences():
    pdf = table_report()

    assert pdf.startswith(b"%PDF-")
    text = "\n".join(pdf_text(pdf))
    assert "Action plan for Harbourline" in text
    assert "Call the site manager 2" in text
    assert PERSIAN_GLYPHS in text
    assert CHINESE in text
    assert "Wave 5" in text  # the inline SVG chart is drawn, with its text


def test_persian_and_chinese_are_set_in_the_bundled_fonts_not_a_fallback():
    fonts = embedded_fonts(table_report())

    assert {"Vazirmatn", "Vazirmatn-Bold", "Noto-Sans-SC"} <= fonts
    # A glyph missing from the bundled fonts would pull in a system font (DejaVu, ...).
    bundled = {"Vazirmatn", "Vazirmatn-Bold", "Noto-Sans-SC", "Noto-Sans-SC-Bold"}
    assert fonts <= bundled


def test_a_long_report_numbers_its_pages_and_repeats_the_table_header_on_each():
    pages = pdf_text(table_report(rows=120))

    total = len(pages)
    assert total >= 4
    assert "Page" not in pages[0]  # the cover has no running header or footer
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
        assert "Action plan for Harbourline" in text  # running header
        assert "Owner" in text  # the table's header row, repeated


def test_a_persian_report_runs_right_to_left_in_a_tagged_pdf_in_persian():
    pdf = table_report(language="fa", title="برنامهٔ اقدام")
    reader = PdfReader(io.BytesIO(pdf))

    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fa"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # for screen readers
    page = reader.pages[1]
    width = float(page.mediabox.width)
    positions = []

    def visit(text, cm, tm, font, size):
        if "برنامهٔ" in text or "برنامه" in text:
            positions.append(cm[4] + tm[4] * cm[0])

    page.extract_text(visitor_text=visit)
    # The running title sits at the right-hand side of a right-to-left page.
    assert positions and min(positions) > width / 2


PERSIAN_CHART = mark_safe(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 40" width="200" height="40">'
    '<text x="190" y="25" font-family="Vazirmatn" font-size="12" text-anchor="end">'
    "موج پنجم</text></svg>"
)


def chart_report(chart, language="en"):
    return render_report_pdf(
        "reports_test/chart.html", {"title": "Chart", "chart": chart}, language=language
    )


def test_a_persian_chart_label_is_drawn_in_joined_forms():
    from insights.charts.pdf import visual_text

    text = pdf_text(chart_report(PERSIAN_CHART))[1]

    # WeasyPrint draws SVG text glyph by glyph: unless pdf_chart pre-shapes it, each letter
    # comes out in its isolated form.
    joined = sorted(visual_text("موج پنجم").replace(" ", ""))
    assert sorted(char for char in text if "\ufb50" <= char <= "\ufeff") == joined


def test_pdf_chart_prepares_a_chart_once():
    from insights.charts import for_weasyprint
    from insights.templatetags.reports import pdf_chart

    prepared = for_weasyprint(PERSIAN_CHART)

    assert pdf_chart(PERSIAN_CHART) == prepared
    assert pdf_chart(prepared) == prepared  # a second pass would reverse the labels again


def test_chart_markup_not_marked_safe_is_shown_escaped_not_drawn():
    text = pdf_text(chart_report("".join(CHART)))[1]  # a plain str

    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text


def test_a_chinese_report_is_tagged_chinese_and_keeps_its_text():
    pdf = table_report(language="zh-hans", title="客户行动计划")

    assert PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Lang"] == "zh-hans"
    assert "客户行动计划" in "\n".join(pdf_text(pdf))


def test_context_text_is_escaped_not_rendered():
    pdf = table_report(title='<img src="/static/fonts/OFL-Vazirmatn.txt"> Plan')

    assert '<img src="/static/fonts/OFL-Vazirmatn.txt"> Plan' in pdf_text(pdf)[1]


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown report language"):
        table_report(language="xx")


@pytest.mark.parametrize(("version", "ok"), [("70.0", True), ("71.2", True), ("69.9", False)])
def test_weasyprint_older_than_70_is_refused(version, ok):
    if ok:
        _check_version(version)
    else:
        with pytest.raises(ReportRenderError, match="70 or later"):
            _check_version(version)


# ------------------------------------------------------------------ the fetcher's allowlist


class CountingHandler(http.server.BaseHTTPRequestHandler):
    hits: list

    def _answer(self):
        self.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    do_GET = do_POST = do_HEAD = _answer  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def http_server():
    hits: list = []
    handler = type("Handler", (CountingHandler,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_no_reference_reaches_the_network(http_server):
    base, hits = http_server
    pdf = hostile_report(
        head=(
            f'<style>@import url("{base}/import.css");</style>'
            f'<link rel="stylesheet" href="{base}/link.css">'
            f'<link rel="attachment" href="{base}/attachment.txt">'
        ),
        style=(
            f'@font-face {{ font-family: Evil; src: url("{base}/font.ttf"); }}'
            f'body {{ background: url("{base}/background.png"); }}'
        ),
        body=(
            f'<p>Still rendered</p><img src="{base}/img.png">'
            f'<img src="http://localhost:{base.rsplit(":", 1)[1]}/img2.png">'
            f'<a rel="attachment" href="{base}/a-attachment.txt">file</a>'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            f'<image href="{base}/svg-image.png" width="10" height="10"/></svg>'
            f'<object data="{base}/object.png"></object><embed src="{base}/embed.png">'
            f'<iframe src="{base}/frame.html"></iframe>'
        ),
    )

    assert hits == []
    assert "Still rendered" in "\n".join(pdf_text(pdf))
    assert PdfReader(io.BytesIO(pdf)).attachments == {}


def test_local_files_outside_the_static_files_are_refused():
    pdf = hostile_report(
        head='<link rel="attachment" href="file:///etc/passwd">',
        body=(
            '<p>Body</p><img src="file:///etc/passwd"><a rel="attachment" href="/etc/passwd">x</a>'
        ),
    )

    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    assert b"root:" not in pdf
    with pytest.raises(ResourceRefused):
        static_file_path("file:///etc/passwd")


def test_a_static_file_is_embedded():
    pdf = hostile_report(head='<link rel="attachment" href="/static/fonts/OFL-Vazirmatn.txt">')

    attachments = PdfReader(io.BytesIO(pdf)).attachments
    assert attachments["OFL-Vazirmatn.txt"] == [(STATIC_FONTS / "OFL-Vazirmatn.txt").read_bytes()]


@pytest.mark.parametrize(
    "href",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/fonts/..%2f..%2f..%2f..%2f..%2fetc/passwd",
        "/static//etc/passwd",
        "/static/fonts/%5c..%5c..%5cetc%5cpasswd",
    ],
)
def test_a_static_path_that_climbs_out_is_refused(href):
    pdf = hostile_report(head=f'<link rel="attachment" href="{href}">')

    assert PdfReader(io.BytesIO(pdf)).attachments == {}
    with pytest.raises(ResourceRefused):
        static_file_path("file:///" + href.lstrip("/"))


def test_a_symlink_in_the_static_folder_pointing_outside_is_refused(settings, tmp_path):
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, tmp_path]

    with pytest.raises(ResourceRefused):
        static_file_path("file:///static/passwd")
    assert static_file_path("file:///static/fonts/Vazirmatn-Regular.ttf").is_file()


def test_a_data_uri_image_is_embedded():
    # A 1x1 PNG, inline: data: URIs are on the allowlist.
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5E"
        "rkJggg=="
    )
    pdf = hostile_report(body=f'<img src="data:image/png;base64,{png}" style="width:20mm">')

    assert len(PdfReader(io.BytesIO(pdf)).pages[1].images) == 1


# ------------------------------------------------------------------ render limits


def _scratch_dirs() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("cem-report-")}


def test_a_report_over_its_time_limit_is_stopped_with_a_clear_error(
    settings, monkeypatch, tmp_path
):
    settings.CEM_REPORT_TIMEOUT_SECONDS = 1
    # A private temp folder: other processes' renders come and go in the shared one.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = _scratch_dirs()
    started = time.monotonic()
    with pytest.raises(ReportRenderError, match=r"longer than 1 s"):
        render_report_pdf(
            "reports_test/hostile.html",
            {"title": "Long", "body": "<p>" + "lorem ipsum " * 200_000 + "</p>"},
            language="en",
        )

    assert time.monotonic() - started < 5
    assert _scratch_dirs() <= before  # the killed child's font files are gone too


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<table><tr><td>" * 10_000 + "x" + "</td></tr></table>" * 10_000, id="nested"),
        pytest.param('<p style="font-size:1e9px">x</p>', id="font-size-1e9px"),
    ],
)
def test_a_pathological_document_ends_with_a_clear_error_within_the_timeout(body):
    started = time.monotonic()
    with pytest.raises(ReportRenderError, match="longer than 4 s|could not be rendered"):
        hostile_report_with_limits(body, timeout=4)

    assert time.monotonic() - started < 8


def test_a_huge_box_renders_or_fails_within_the_timeout():
    started = time.monotonic()
    try:
        pdf = hostile_report_with_limits('<div style="width:1e9px;height:1e9px">x</div>', timeout=4)
    except ReportRenderError:
        pass
    else:
        assert pdf.startswith(b"%PDF-")
    assert time.monotonic() - started < 8


def blank_png(width: int, height: int) -> bytes:
    """A black RGB PNG: a few hundred kB that decode to width * height * 3 bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = bytes(1 + 3 * width)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def test_a_report_over_its_memory_budget_fails_with_a_clear_error():
    # The image decodes to 75 MB: a fresh allocation, whatever free heap the child inherited.
    image = base64.b64encode(blank_png(5000, 5000)).decode()
    body = f'<img alt="" style="width:20mm" src="data:image/png;base64,{image}">'

    with pytest.raises(ReportRenderError, match="memory"):
        hostile_report_with_limits(body, timeout=20, memory_mb=48)
    assert hostile_report_with_limits(body, timeout=20).startswith(b"%PDF-")  # the default fits


def hostile_report_with_limits(body, **limits):
    return render_report_pdf(
        "reports_test/hostile.html", {"title": "Limits", "body": body}, language="en", **limits
    )
