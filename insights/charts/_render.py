"""Drawing and finishing an SVG: matplotlib set up once, lazily, and its output made fit to inline.

matplotlib is imported on the first chart, not when Django starts. It is not thread-safe and
its style lives in global rcParams, so one lock serialises drawing (a chart takes a few tens
of milliseconds). The SVG it writes is then finished with ElementTree: a text alternative
(`<title>`, `<desc>`, ARIA), a scalable width, no font family per text (one on the root, so
the page or the PDF can choose), ids made unique per chart, and links checked.
"""

import hashlib
import io
import re
import threading
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XLINK_HREF = f"{{{XLINK_NS}}}href"
ET.register_namespace("xlink", XLINK_NS)  # the standard prefix, so harmless to share


def serialize(root: ET.Element) -> str:
    """The tree as markup with SVG as the default namespace.

    Registering "" for SVG globally would change how all other ElementTree code writes SVG
    (WeasyPrint's inline SVG then loses its namespace), so ElementTree writes its own prefix
    (ns0) and it is dropped here; "<" never appears unescaped in text, so only tags match.
    """
    markup = ET.tostring(root, encoding="unicode")
    prefix = re.match(r"<(\w+):svg\b", markup).group(1)
    markup = re.sub(rf"<(/?){prefix}:", r"<\1", markup)
    return markup.replace(f'xmlns:{prefix}="{SVG_NS}"', f'xmlns="{SVG_NS}"', 1)


# One list for drawing (the SVG's font-family, a presentation attribute that a page's CSS
# may override, e.g. `.cem-chart { font-family: inherit }`) and for measuring (matplotlib
# lays labels out with the first of these it finds, falling back per glyph), so that label
# boxes fit the text the browser or WeasyPrint draws. Together they cover Latin, Persian and
# Chinese; Vazirmatn and Noto Sans are used where installed (static/fonts or the system).
FAMILIES = ["Vazirmatn", "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC"]
FONT_FAMILY = ", ".join([*(f"'{name}'" for name in FAMILIES), "sans-serif"])

TEXT = "#1f2328"  # 15.8:1 on white
TEXT_MUTED = "#57606a"  # 6.4:1 on white
AXIS = "#6e7781"  # 4.6:1: axes and threshold lines
GRID = "#d8dee4"  # decoration only

STYLE: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "cem-charts",
    "font.family": "sans-serif",
    "font.size": 10,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": AXIS,
    "axes.linewidth": 0.8,
    "axes.titlesize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": TEXT_MUTED,
    "ytick.color": TEXT_MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
DPI = 72  # one SVG user unit per point

_lock = threading.Lock()
_SAFE_URL = re.compile(r"^(/(?!/)|https?://)[^\s\"'<>\\]*$", re.IGNORECASE)
_RTL_CLASSES = {"R", "AL"}
_LTR_CLASSES = {"L"}
RLM = "\u200f"
_NUMBER = re.compile(r"-?\d+\.\d{3,}")


def _round_number(match: re.Match) -> str:
    return f"{float(match.group()):.2f}".rstrip("0").rstrip(".")


@cache
def matplotlib_modules() -> dict[str, Any]:
    """Imports matplotlib once, on first use, and registers the project's fonts."""
    import matplotlib
    from matplotlib import font_manager, ticker
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch, Patch

    fonts = Path(settings.BASE_DIR) / "static" / "fonts"
    for path in sorted(fonts.rglob("*")) if fonts.is_dir() else []:
        if path.suffix.lower() in {".ttf", ".otf"}:
            font_manager.fontManager.addfont(str(path))
    known = {f.name for f in font_manager.fontManager.ttflist}
    families = [name for name in FAMILIES if name in known] or ["DejaVu Sans"]
    return {
        "matplotlib": matplotlib,
        "Figure": Figure,
        "ticker": ticker,
        "Line2D": Line2D,
        "Patch": Patch,
        "FancyArrowPatch": FancyArrowPatch,
        "rc": {**STYLE, "font.sans-serif": families},
    }


def bidi(text: str) -> str:
    """Text whose first strong character is right-to-left, framed by right-to-left marks.

    The SVG root sets `direction: ltr` so that matplotlib's start/end anchors keep their
    geometric meaning on a right-to-left page; the marks give the Unicode bidi algorithm the
    right base direction anyway (so "۱۰ میلیون" and "(٪)" keep their order), in browsers and
    in WeasyPrint alike.
    """
    text = str(text)
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in _RTL_CLASSES:
            return f"{RLM}{text}{RLM}"
        if kind in _LTR_CLASSES:
            return text
    return text


def compact_number(value: float) -> str:
    """12_500_000 -> '12.5M', 950 -> '950': short tick and bubble labels."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def check_url(url: str | None) -> str | None:
    """Only site-relative paths and http(s) URLs may become links (never `javascript:`)."""
    if url is None or url == "":
        return None
    if not _SAFE_URL.match(url):
        raise ValueError(f"not a safe link for a chart: {url!r}")
    return url


@dataclass
class Canvas:
    figure: Any
    modules: dict[str, Any]
    rtl: bool
    # Titles (tooltips, accessible names) for the items of gid-tagged groups, in drawing order.
    titles: dict[str, list[str]]


def render(
    draw: Callable[[Canvas], None],
    *,
    size: tuple[float, float],
    title: str,
    description: str,
    rtl: bool,
    chart_id: str | None = None,
) -> SafeString:
    """Draws a figure of `size` (inches) with `draw` and returns the finished inline SVG."""
    if not str(title).strip():
        raise ValueError("a chart needs a title (its text alternative)")
    modules = matplotlib_modules()
    with _lock, modules["matplotlib"].rc_context(modules["rc"]), warnings.catch_warnings():
        # Glyphs missing from the measuring font (e.g. Chinese without a CJK font installed)
        # only make widths approximate; the browser draws them with its own fonts.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        warnings.filterwarnings("ignore", message="findfont")
        figure = modules["Figure"](figsize=size, dpi=DPI)
        canvas = Canvas(figure, modules, rtl, {})
        draw(canvas)
        buffer = io.StringIO()
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    return mark_safe(  # noqa: S308 - ElementTree escaped every text and attribute
        finish_svg(
            buffer.getvalue(),
            title=str(title),
            description=str(description),
            titles=canvas.titles,
            chart_id=chart_id,
        )
    )


def finish_svg(
    svg: str,
    *,
    title: str,
    description: str,
    titles: dict[str, list[str]],
    chart_id: str | None,
) -> str:
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE: it goes inline
    root = ET.fromstring(svg)  # noqa: S314 - matplotlib's own output, not user input
    for metadata in root.findall(f"{{{SVG_NS}}}metadata"):
        root.remove(metadata)
    for element in root.iter():
        style = element.get("style")
        if style and "font-family" in style:
            element.set("style", re.sub(r"font-family:[^;]*;?\s*", "", style).strip("; "))
    for group in root.iter(f"{{{SVG_NS}}}g"):
        names = titles.get(group.get("id", ""))
        if names is None:
            continue
        items = [child for child in group if child.tag != f"{{{SVG_NS}}}defs"]
        for item, name in zip(items, names, strict=False):
            tooltip = ET.Element(f"{{{SVG_NS}}}title")
            tooltip.text = name
            item.insert(0, tooltip)
            if item.tag == f"{{{SVG_NS}}}a":
                item.set("aria-label", name)
    has_links = False
    for link in root.iter(f"{{{SVG_NS}}}a"):
        has_links = True
        link.attrib.pop("target", None)  # links open where the page is, not in a new tab
        check_url(link.get(XLINK_HREF))

    for element in root.iter():
        if element.get("d"):  # 2 decimals of a point are far below a pixel: a third smaller
            element.set("d", _NUMBER.sub(_round_number, element.get("d")))
    body = serialize(root)
    prefix = (
        chart_id
        or "chart-"
        + hashlib.sha1(  # noqa: S324 - an id, not a secret
            (title + description + body).encode()
        ).hexdigest()[:10]
    )
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    for element in root.iter():
        if element.get("id"):
            element.set("id", f"{prefix}-{element.get('id')}")
        for attribute in ("clip-path", "mask", "filter", "fill", "marker-start", "marker-end"):
            value = element.get(attribute)
            if value and value.startswith("url(#"):
                element.set(attribute, f"url(#{prefix}-{value[5:]}")
        href = element.get(XLINK_HREF)
        if href and href.startswith("#") and href[1:] in ids:
            element.set(XLINK_HREF, f"#{prefix}-{href[1:]}")

    title_element = ET.Element(f"{{{SVG_NS}}}title", id=f"{prefix}-title")
    title_element.text = title
    desc_element = ET.Element(f"{{{SVG_NS}}}desc", id=f"{prefix}-desc")
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    # A chart with links is a group, so that screen readers reach its links: under role="img"
    # every child is presentational (WAI-ARIA), links included.
    root.set("role", "group" if has_links else "img")
    root.set("aria-labelledby", f"{prefix}-title")
    root.set("aria-describedby", f"{prefix}-desc")
    root.set("id", prefix)
    root.set("class", "cem-chart")
    root.set("font-family", FONT_FAMILY)
    root.set("style", "width:100%;height:auto;direction:ltr")
    root.attrib.pop("version", None)
    return serialize(root)


# ------------------------------------------------------------------ shared axis helpers


def series_colors(count: int, given: Sequence[str | None] | None = None) -> list[str]:
    from .palette import SERIES

    given = list(given or [])
    return [
        (given[i] if i < len(given) and given[i] else SERIES[i % len(SERIES)]) for i in range(count)
    ]


def ordinal_axes(canvas: Canvas, ax: Any) -> None:
    """Right-to-left: the ordinal/time x axis runs from the right, the y axis on the right."""
    if canvas.rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        ax.spines["left"].set_visible(False)
        ax.spines["right"].set_visible(True)


def legend(canvas: Canvas, ax: Any, handles: list, labels: Sequence[str], **options: Any) -> None:
    """A legend above the plot, starting at the reading side."""
    handles, labels = list(handles), [bidi(label) for label in labels]
    if canvas.rtl:  # legend columns fill left to right: the first entry goes rightmost
        handles, labels = handles[::-1], labels[::-1]
    ax.legend(
        handles,
        labels,
        loc="lower right" if canvas.rtl else "lower left",
        bbox_to_anchor=(1, 1.0) if canvas.rtl else (0, 1.0),
        ncols=len(handles),
        markerfirst=not canvas.rtl,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.2,
        **options,
    )


def value_formatter(canvas: Canvas, ax_axis: Any, fmt: Callable[[float], str]) -> None:
    ticker = canvas.modules["ticker"]
    ax_axis.set_major_formatter(ticker.FuncFormatter(lambda value, _pos: bidi(fmt(value))))
