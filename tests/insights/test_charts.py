"""insights.charts: the SVG is parsed and its structure checked where it could go wrong."""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pytest
from django.utils.safestring import SafeString

from insights import charts
from insights.charts import palette

ROOT = Path(__file__).resolve().parents[2]
NS = {"svg": "http://www.w3.org/2000/svg", "xlink": "http://www.w3.org/1999/xlink"}
SVG = "{http://www.w3.org/2000/svg}"
HREF = "{http://www.w3.org/1999/xlink}href"
RLM = "\u200f"
LABELS = charts.QuadrantLabels("Model", "At risk", "Growth", "Dangling")
LABELS_FA = charts.QuadrantLabels("الگو", "در خطر", "رشد", "رها‌شده")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def by_id(root: ET.Element, suffix: str) -> ET.Element:
    """The element whose id ends with -suffix (ids carry a per-chart prefix)."""
    found = [e for e in root.iter() if (e.get("id") or "").endswith(f"-{suffix}")]
    assert len(found) == 1, f"{len(found)} elements with id *-{suffix}"
    return found[0]


def texts(root: ET.Element) -> list[str]:
    return [(t.text or "").replace(RLM, "") for t in root.iter(f"{SVG}text")]


def numbers(path: ET.Element) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]


def path_in(group: ET.Element) -> ET.Element:
    return next(group.iter(f"{SVG}path"))


def centre(path: ET.Element) -> tuple[float, float]:
    values = numbers(path)
    xs, ys = values[0::2], values[1::2]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def tick_position(root: ET.Element, axis: str, label: str, coord: str | None = None) -> float:
    """x (for 'x') or y (for 'y'), or `coord`, of the tick whose label reads `label`.

    The tick mark where one is drawn, else (ticks of length 0) the label's anchor.
    """
    for tick in root.iter(f"{SVG}g"):
        if re.search(rf"-{axis}tick_\d+$", tick.get("id") or "") and label in texts(tick):
            mark = next(tick.iter(f"{SVG}use"), None)
            anchor = mark if mark is not None else next(tick.iter(f"{SVG}text"))
            return float(anchor.get(coord or axis))
    raise AssertionError(f"no {axis} tick labelled {label!r}")


def fill(element: ET.Element) -> str:
    return re.search(r"fill:\s*(#[0-9a-f]{6})", element.get("style")).group(1)


def matrix(points, **overrides) -> str:
    options = {
        "points": points,
        "title": "Customer matrix",
        "description": "Accounts by NPS and billed revenue.",
        "satisfaction_label": "NPS",
        "revenue_label": "Billed revenue",
        "satisfaction_scale": (-100, 100),
        "satisfaction_threshold": 0,
        "revenue_threshold": 10_000_000,
        "quadrant_labels": LABELS,
    }
    return charts.customer_matrix_chart(**{**options, **overrides})


POINTS = [
    charts.MatrixPoint("Northbridge Health System", -40, 24e6, 30e6, "at_risk", "/accounts/1/"),
    charts.MatrixPoint("Harbor Foods", 55, 32e6, 20e6, "model", "/accounts/2/"),
    charts.MatrixPoint("Lakeside Clinic", 20, 4e6, 6e6, "growth", "/accounts/3/"),
    charts.MatrixPoint("Old Mill Ltd", -70, 2e6, None, "dangling", None),
]


# ------------------------------------------------------------------ every chart


def draw_all(rtl: bool = False) -> dict[str, str]:
    return {
        "matrix": matrix(POINTS, rtl=rtl),
        "nps": charts.nps_distribution_chart(
            counts=[1, 0, 2, 3, 1, 4, 5, 10, 12, 9, 6],
            title="NPS",
            description="Answers per score.",
            band_labels=("Detractors", "Passives", "Promoters"),
            rtl=rtl,
        ),
        "scores": charts.score_distribution_chart(
            labels=["1", "2", "3", "4", "5"],
            counts=[2, 3, 8, 20, 11],
            title="CSAT",
            description="Answers per score.",
            rtl=rtl,
        ),
        "trend": charts.trend_chart(
            points=[
                charts.TrendPoint("Q1", 10, 2, 18),
                charts.TrendPoint("Q2", 30, 24, 36, significant=True),
                charts.TrendPoint("Q3", 28, 22, 34),
            ],
            title="Trend",
            description="NPS per quarter.",
            series_label="NPS",
            rtl=rtl,
        ),
        "corridor": charts.horizontal_bar_chart(
            labels=["Sales", "Installation", "Billing"],
            values=[30, -12, 8],
            title="Corridor",
            description="NPS per touch point.",
            highlight=1,
            rtl=rtl,
        ),
        "grouped": charts.grouped_bar_chart(
            categories=["NPS", "CSAT"],
            series=[charts.Series("2025", [10, 70]), charts.Series("2026", [20, 75])],
            title="Waves",
            description="Per wave.",
            rtl=rtl,
        ),
        "stacked": charts.stacked_bar_chart(
            categories=["Q1", "Q2"],
            series=[
                charts.Series("Model", [3e6, 4e6], charts.QUADRANT_COLORS["model"]),
                charts.Series("At risk", [1e6, 2.5e6], charts.QUADRANT_COLORS["at_risk"]),
            ],
            title="Revenue",
            description="Per quadrant.",
            rtl=rtl,
        ),
    }


@cache
def all_charts(rtl: bool = False) -> dict[str, str]:
    """Drawn once per test session: most tests only read them."""
    return draw_all(rtl)


CHART_NAMES = ["matrix", "nps", "scores", "trend", "corridor", "grouped", "stacked"]


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_chart_is_inline_svg_with_a_text_alternative_and_a_scalable_width(name):
    svg = all_charts()[name]

    root = parse(svg)
    assert isinstance(svg, SafeString)
    assert svg.startswith("<svg ") and "<?xml" not in svg and "DOCTYPE" not in svg
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text and desc.text
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert root.get("role") == ("group" if name == "matrix" else "img")
    assert re.fullmatch(r"0 0 \d+(\.\d+)? \d+(\.\d+)?", root.get("viewBox"))
    assert "width:100%" in root.get("style") and "direction:ltr" in root.get("style")


@pytest.mark.parametrize("name", CHART_NAMES)
def test_no_chart_holds_scripts_handlers_or_external_references(name):
    svg = all_charts()[name]
    root = parse(svg)
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    given = {p.url for p in POINTS if p.url}

    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", f"{SVG}foreignObject")]
    assert not [(e.tag, a) for e in root.iter() for a in e.attrib if a.startswith("on")]
    for element in root.iter():
        for attribute in (HREF, "href"):
            target = element.get(attribute)
            if target is not None:
                assert target in given or target[1:] in ids, target
        for value in element.attrib.values():
            for ref in re.findall(r"url\(([^)]*)\)", value):
                assert ref.startswith("#") and ref[1:] in ids, ref
    without_namespaces = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert "http" not in without_namespaces
    assert "<metadata" not in svg and "matplotlib.org" not in svg


def test_the_same_input_gives_the_same_bytes():
    assert draw_all() == all_charts()
    assert list(all_charts()) == CHART_NAMES


def test_the_same_input_gives_the_same_bytes_in_another_process():
    code = (
        "import django, sys; django.setup(); sys.path.insert(0, 'tests/insights'); "
        "from test_charts import draw_all; sys.stdout.write(draw_all(rtl=True)['matrix'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "cem_project.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout == all_charts(rtl=True)["matrix"]


def test_two_different_charts_share_no_ids_on_one_page():
    first, second = all_charts()["scores"], all_charts()["nps"]

    ids = [e.get("id") for svg in (first, second) for e in parse(svg).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_text_stays_text_for_the_browser_to_shape():
    svg = matrix(POINTS, quadrant_labels=LABELS_FA, revenue_label="درآمد صورتحساب‌شده")
    root = parse(svg)

    shown = texts(root)
    assert {"الگو", "در خطر", "رشد", "رها‌شده", "درآمد صورتحساب‌شده"} <= set(shown)
    assert not [e for e in root.iter() if "DejaVu" in (e.get("id") or "")]  # no glyph outlines
    assert not [e for e in root.iter(f"{SVG}text") if "font-family" in (e.get("style") or "")]
    assert "Vazirmatn" in root.get("font-family")


def test_right_to_left_text_carries_marks_for_its_base_direction():
    root = parse(matrix(POINTS, revenue_threshold_label="۱۰ میلیون"))

    raw = [t.text for t in root.iter(f"{SVG}text")]
    assert f"{RLM}۱۰ میلیون{RLM}" in raw
    assert "NPS" in raw  # left-to-right text is left alone


def test_the_contrast_of_marks_and_text_on_white_passes_wcag():
    marks = [*palette.SERIES, palette.DETRACTOR, palette.PASSIVE, palette.PROMOTER]
    marks += list(palette.QUADRANT_COLORS.values())
    text = [charts._render.TEXT, charts._render.TEXT_MUTED, charts._render.AXIS]

    assert min(palette.contrast_ratio(c) for c in marks) >= 3.0
    assert min(palette.contrast_ratio(c) for c in text) >= 4.5
    assert palette.contrast_ratio("#000000") == pytest.approx(21.0)


def test_importing_the_charts_does_not_import_matplotlib():
    code = (
        "import django, sys; django.setup(); import insights.charts, insights.stats; "
        "print(sorted(m for m in ('matplotlib', 'scipy', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "cem_project.settings.test", "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ customer matrix


def test_matrix_draws_one_bubble_per_account_titled_with_its_name_and_linked():
    root = parse(matrix(POINTS))
    bubbles = by_id(root, "bubbles")

    items = list(bubbles)
    assert len(items) == 4
    names = [item.find("svg:title", NS).text for item in items]
    # Largest forecast first, so small bubbles lie on top.
    assert names == ["Northbridge Health System", "Harbor Foods", "Lakeside Clinic", "Old Mill Ltd"]
    links = [item for item in items if item.tag == f"{SVG}a"]
    assert [a.get(HREF) for a in links] == ["/accounts/1/", "/accounts/2/", "/accounts/3/"]
    assert [a.get("aria-label") for a in links] == names[:3]
    assert all(a.get("target") is None for a in links)
    assert items[3].tag == f"{SVG}path"  # no url: a titled bubble, no link


def test_bubble_area_follows_the_forecast():
    points = [
        charts.MatrixPoint("Big", 10, 20e6, 40e6, "model"),
        charts.MatrixPoint("Quarter", 30, 20e6, 10e6, "model"),
    ]
    root = parse(matrix(points))

    widths = []
    for item in by_id(root, "bubbles"):
        xs = numbers(item if item.tag == f"{SVG}path" else path_in(item))[0::2]
        widths.append(max(xs) - min(xs))
    assert (widths[0] / widths[1]) ** 2 == pytest.approx(4.0, rel=0.02)


@pytest.mark.parametrize(
    ("scale", "threshold", "ticks"),
    [((-100, 100), 0, ("-50", "50")), ((0, 100), 70, ("60", "80")), ((1, 5), 3.5, ("3", "4"))],
)
def test_threshold_lines_sit_at_the_thresholds_on_the_axes(scale, threshold, ticks):
    points = [charts.MatrixPoint("A", (scale[0] + scale[1]) / 2, 5e6, 1e6, "growth")]
    root = parse(
        matrix(
            points,
            satisfaction_scale=scale,
            satisfaction_threshold=threshold,
            revenue_threshold=12e6,
        )
    )
    low_tick, high_tick = ticks
    x_low, x_high = tick_position(root, "x", low_tick), tick_position(root, "x", high_tick)
    y_10m, y_5m = tick_position(root, "y", "10M"), tick_position(root, "y", "5M")

    vertical = numbers(path_in(by_id(root, "threshold-satisfaction")))
    horizontal = numbers(path_in(by_id(root, "threshold-revenue")))
    expected_x = x_low + (threshold - float(low_tick)) / (float(high_tick) - float(low_tick)) * (
        x_high - x_low
    )
    assert vertical[0] == pytest.approx(vertical[2]) == pytest.approx(expected_x, abs=0.02)
    assert horizontal[1] == pytest.approx(horizontal[3])
    assert horizontal[1] == pytest.approx(y_10m + (12 - 10) / 5 * (y_10m - y_5m), abs=0.02)
    labels = texts(root)
    assert "12M" in labels  # the revenue threshold's default label


def test_each_bubble_lies_in_its_quadrant_relative_to_the_threshold_lines():
    root = parse(matrix(POINTS))
    line_x = numbers(path_in(by_id(root, "threshold-satisfaction")))[0]
    line_y = numbers(path_in(by_id(root, "threshold-revenue")))[1]

    placed = {}
    for item in by_id(root, "bubbles"):
        name = item.find("svg:title", NS).text
        x, y = centre(item if item.tag == f"{SVG}path" else path_in(item))
        placed[name] = ("right" if x > line_x else "left", "above" if y < line_y else "below")
    assert placed == {
        "Northbridge Health System": ("left", "above"),
        "Harbor Foods": ("right", "above"),
        "Lakeside Clinic": ("right", "below"),
        "Old Mill Ltd": ("left", "below"),
    }
    fills = {
        item.find("svg:title", NS).text: fill(path_in(item) if item.tag == f"{SVG}a" else item)
        for item in by_id(root, "bubbles")
    }
    assert fills["Northbridge Health System"] == palette.QUADRANT_COLORS["at_risk"].lower()


def test_matrix_labels_its_quadrants_and_thresholds():
    root = parse(
        matrix(POINTS, satisfaction_threshold_label="NPS ≥ 0", revenue_threshold_label="10M")
    )

    assert {"Model", "At risk", "Growth", "Dangling", "NPS ≥ 0", "10M"} <= set(texts(root))
    model = by_id(root, "quadrant-model").find(".//svg:text", NS)
    at_risk = by_id(root, "quadrant-at-risk").find(".//svg:text", NS)
    assert float(model.get("x")) > float(at_risk.get("x"))


def test_movement_arrows_are_drawn_only_for_accounts_with_a_previous_position():
    moved = charts.MatrixPoint("Moved", 30, 15e6, 5e6, "model", None, -20, 14e6)
    root = parse(matrix([*POINTS, moved]))

    arrows = [e for e in root.iter() if re.search(r"-move-\d+$", e.get("id") or "")]
    assert [a.get("id").rsplit("-", 1)[1] for a in arrows] == ["4"]
    start_x = numbers(path_in(arrows[0]))[0]
    assert start_x < numbers(path_in(by_id(root, "threshold-satisfaction")))[0]  # from At risk


def test_right_to_left_matrix_keeps_satisfaction_growing_to_the_right():
    for rtl in (False, True):
        root = parse(matrix(POINTS, rtl=rtl))
        assert tick_position(root, "x", "-100") < tick_position(root, "x", "100")


def test_matrix_viewbox_does_not_depend_on_the_labels():
    short = parse(matrix(POINTS)).get("viewBox")
    long = parse(matrix([charts.MatrixPoint("A" * 80, 10, 1e6, 1e6)], revenue_label="R" * 90)).get(
        "viewBox"
    )

    assert short == long


def test_matrix_refuses_a_script_link():
    evil = charts.MatrixPoint("Evil", 0, 1, 1, url="javascript:alert(1)")

    with pytest.raises(ValueError, match="safe link"):
        matrix([evil])


def test_an_empty_matrix_still_draws_its_axes_and_quadrants():
    root = parse(matrix([]))

    assert len(list(by_id(root, "bubbles"))) == 0
    assert "At risk" in texts(root)


# ------------------------------------------------------------------ bars and trend


def test_nps_bars_are_coloured_by_band_and_labelled_with_their_counts():
    counts = [1, 0, 2, 3, 1, 4, 5, 10, 12, 9, 6]
    root = parse(all_charts()["nps"])

    colours = [fill(path_in(by_id(root, f"bar-{score}"))) for score in range(11)]
    assert (
        colours
        == [palette.DETRACTOR.lower()] * 7
        + [palette.PASSIVE.lower()] * 2
        + [palette.PROMOTER.lower()] * 2
    )
    tops = [numbers(path_in(by_id(root, f"bar-{score}"))) for score in range(11)]
    heights = [max(t[1::2]) - min(t[1::2]) for t in tops]
    assert heights.index(max(heights)) == counts.index(max(counts))
    assert heights[8] / heights[7] == pytest.approx(12 / 10, rel=1e-3)
    assert [str(c) for c in counts] == [t for t in texts(root) if t.isdigit()][-11:]
    assert by_id(root, "bar-7").find(".//svg:title", NS).text == "7: 10"
    assert {"Detractors", "Passives", "Promoters"} <= set(texts(root))


def test_nps_distribution_needs_eleven_counts():
    with pytest.raises(ValueError, match="11 counts"):
        charts.nps_distribution_chart(
            counts=[1] * 10, title="t", description="d", band_labels=("a", "b", "c")
        )


def test_corridor_bars_keep_their_order_and_highlight_the_weakest():
    root = parse(all_charts()["corridor"])

    ys = [centre(path_in(by_id(root, f"bar-{i}")))[1] for i in range(3)]
    assert ys == sorted(ys)  # first touch point on top
    colours = [fill(path_in(by_id(root, f"bar-{i}"))) for i in range(3)]
    assert colours == [palette.BAR.lower(), palette.HIGHLIGHT.lower(), palette.BAR.lower()]
    assert "font-weight: 700" in by_id(root, "value-1").find(".//svg:text", NS).get("style")


def tick_label_x(root: ET.Element, label: str) -> float:
    for text in root.iter(f"{SVG}text"):
        if (text.text or "").replace(RLM, "") == label:
            return float(text.get("x"))
    raise AssertionError(f"no text {label!r}")


def test_right_to_left_corridor_grows_its_bars_leftwards_from_labels_on_the_right():
    for rtl in (False, True):
        root = parse(all_charts(rtl=rtl)["corridor"])
        sales = numbers(path_in(by_id(root, "bar-0")))[0::2]
        value_x = float(by_id(root, "value-0").find(".//svg:text", NS).get("x"))
        label_x = tick_label_x(root, "Sales")
        if rtl:
            assert value_x < min(sales) + 0.5 and label_x > max(sales)
        else:
            assert value_x > max(sales) - 0.5 and label_x < min(sales)


def test_right_to_left_trend_runs_from_the_right_with_the_value_axis_on_the_right():
    for rtl in (False, True):
        root = parse(all_charts(rtl=rtl)["trend"])
        q1, q3 = tick_position(root, "x", "Q1"), tick_position(root, "x", "Q3")
        plot = numbers(path_in(by_id(root, "confidence-band")))[0::2]
        y_tick_x = tick_position(root, "y", "20", coord="x")
        assert (q1 > q3) is rtl
        assert (y_tick_x > max(plot)) is rtl


def test_trend_marks_a_significant_change_and_only_that_one():
    root = parse(all_charts()["trend"])

    ups = by_id(root, "significant-changes-up")
    assert len(list(ups.iter(f"{SVG}path"))) + len(list(ups.iter(f"{SVG}use"))) >= 1
    assert not [e for e in root.iter() if (e.get("id") or "").endswith("significant-changes-down")]
    assert "30" in texts(root)


def test_trend_without_a_significant_change_has_no_marker():
    svg = charts.trend_chart(
        points=[charts.TrendPoint("Q1", 10), charts.TrendPoint("Q2", 12)],
        title="Trend",
        description="d",
        series_label="NPS",
        significant_label="Significant change",
    )
    root = parse(svg)

    assert not [e for e in root.iter() if "significant" in (e.get("id") or "")]
    assert "Significant change" not in texts(root)


def test_stacked_bars_write_each_total_and_use_the_given_colours():
    root = parse(all_charts()["stacked"])

    assert by_id(root, "total-0").find(".//svg:text", NS).text == "4M"
    assert by_id(root, "total-1").find(".//svg:text", NS).text == "6.5M"
    assert (
        fill(path_in(by_id(root, "series-1-bar-0"))) == palette.QUADRANT_COLORS["at_risk"].lower()
    )
    model_q2 = numbers(path_in(by_id(root, "series-0-bar-1")))[1::2]
    risk_q2 = numbers(path_in(by_id(root, "series-1-bar-1")))[1::2]
    assert min(model_q2) == pytest.approx(max(risk_q2), abs=0.01)  # stacked, not overlapping


def test_grouped_bars_sit_side_by_side_with_a_legend():
    root = parse(all_charts()["grouped"])

    first = centre(path_in(by_id(root, "series-0-bar-0")))[0]
    second = centre(path_in(by_id(root, "series-1-bar-0")))[0]
    assert first < second
    assert {"2025", "2026"} <= set(texts(root))


def test_series_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="has 1 values for 2 categories"):
        charts.grouped_bar_chart(
            categories=["a", "b"], series=[charts.Series("s", [1])], title="t", description="d"
        )


def test_a_chart_needs_a_title():
    with pytest.raises(ValueError, match="title"):
        charts.score_distribution_chart(labels=["1"], counts=[1], title=" ", description="d")


# ------------------------------------------------------------------ PDF (WeasyPrint)


def test_persian_is_preshaped_in_display_order_for_weasyprint():
    svg = matrix(POINTS, quadrant_labels=LABELS_FA, revenue_threshold_label="۱۰ میلیون")

    root = parse(charts.for_weasyprint(svg))

    shown = [t.text for t in root.iter(f"{SVG}text")]
    # "در خطر" by hand: خ initial, ط medial, ر final; then د and ر isolated; read right to left.
    assert "\ufeae\ufec4\ufea7 \ufead\ufea9" in shown
    # ن final, و final, ی medial, ل medial, ی medial, م initial; the number keeps its order.
    assert "\ufee5\ufeee\ufbff\ufee0\ufbff\ufee3 ۱۰" in shown
    assert "NPS" in shown and "Model" not in shown and RLM not in "".join(shown)
    assert root[0].text == "Customer matrix"  # the text alternative stays logical


def test_chinese_and_latin_text_pass_through_for_weasyprint_unchanged():
    svg = charts.score_distribution_chart(
        labels=["很差", "一般", "很好"], counts=[1, 2, 3], title="满意度", description="d"
    )

    assert texts(parse(charts.for_weasyprint(svg))) == texts(parse(svg))


@pytest.mark.skipif(not Path("/usr/bin/pdftotext").exists(), reason="pdftotext is absent")
def test_weasyprint_draws_the_chart_as_an_image_not_as_fallback_text(tmp_path):
    import weasyprint

    svg = charts.for_weasyprint(matrix(POINTS))
    pdf = tmp_path / "chart.pdf"
    weasyprint.HTML(
        string=f"<html><body><div style='width:16cm'>{svg}</div></body></html>"
    ).write_pdf(pdf)

    text = subprocess.run(
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Billed revenue" in text and "Northbridge Health System" in text
    # A failed inline SVG falls back to its text content: the desc and the CSS would show.
    assert "Accounts by NPS and billed revenue." not in text
    assert "stroke-linejoin" not in text
