"""The customer matrix: accounts by satisfaction (x) and billed revenue (y), sized by forecast.

Right-to-left keeps the mathematical axes (satisfaction grows to the right, revenue upwards,
the revenue axis on the left), as a scatter plot is not read in text order; names go to the
reading side of their bubbles and text gets a right-to-left base direction.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.safestring import SafeString

from . import palette
from ._render import TEXT, TEXT_MUTED, Canvas, bidi, check_url, compact_number, render

SIZE = (7.2, 4.8)  # inches: a 518 x 346 viewBox
BUBBLE_AREA_MAX = 1100.0  # points², the largest forecast
BUBBLE_AREA_MIN = 28.0  # so that an account without a forecast still shows
BUBBLES_GID = "bubbles"
# Labels sit over the bubbles on a translucent white box, to stay legible where they crowd.
LABEL_BOX = {"boxstyle": "round,pad=0.25", "facecolor": "white", "alpha": 0.8, "lw": 0}


class QuadrantLabels(NamedTuple):
    model: str
    at_risk: str
    growth: str
    dangling: str


@dataclass(frozen=True)
class MatrixPoint:
    name: str
    satisfaction: float
    billed: float
    forecast: float | None = None
    quadrant: str | None = None  # a surveys.constants.Quadrant value: the bubble's colour
    url: str | None = None
    previous_satisfaction: float | None = None  # with previous_billed: a movement arrow
    previous_billed: float | None = None


def customer_matrix_chart(
    *,
    points: Sequence[MatrixPoint],
    title: str,
    description: str,
    satisfaction_label: str,
    revenue_label: str,
    satisfaction_scale: tuple[float, float],
    satisfaction_threshold: float,
    revenue_threshold: float,
    quadrant_labels: QuadrantLabels,
    satisfaction_threshold_label: str | None = None,
    revenue_threshold_label: str | None = None,
    format_revenue: Callable[[float], str] = compact_number,
    format_satisfaction: Callable[[float], str] = compact_number,
    label_limit: int = 12,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """The matrix as inline SVG; every bubble titled with its account, linked where a url is.

    Bubble area is proportional to forecast revenue (with a floor so small ones stay
    visible). Up to `label_limit` of the largest bubbles are named on the chart where the
    name fits without overlapping another. Points with a previous position get an arrow from
    there to here.
    """
    low, high = satisfaction_scale
    if not low < high:
        raise ValueError("satisfaction_scale must be (low, high) with low < high")
    for point in points:
        check_url(point.url)

    def draw(canvas: Canvas) -> None:
        figure = canvas.figure
        figure.subplots_adjust(left=0.11, right=0.975, bottom=0.125, top=0.935)
        ax = figure.add_subplot()
        pad = 0.03 * (high - low)
        ax.set_xlim(low - pad, high + pad)
        revenues = [p.billed for p in points] + [
            p.previous_billed for p in points if p.previous_billed is not None
        ]
        top = max([*revenues, revenue_threshold, 1.0]) * 1.12
        ax.set_ylim(-0.03 * top, top)
        ax.grid(False)
        _quadrants(ax, low - pad, high + pad, -0.03 * top, top)
        _thresholds(canvas, ax, top, high + pad)
        _arrows(canvas, ax)
        _bubbles(canvas, ax)
        ax.set_xlabel(bidi(satisfaction_label))
        ax.set_ylabel(bidi(revenue_label))
        ticker = canvas.modules["ticker"]
        ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: bidi(format_revenue(v))))
        ax.xaxis.set_major_formatter(
            ticker.FuncFormatter(lambda v, _: bidi(format_satisfaction(v)))
        )
        ax.yaxis.set_major_locator(ticker.MaxNLocator(6, min_n_ticks=3))
        ax.set_ylim(bottom=-0.03 * top)

    def _quadrants(ax, x0: float, x1: float, y0: float, y1: float) -> None:
        sx, ry = satisfaction_threshold, revenue_threshold
        boxes = {
            "model": (sx, ry, x1, y1),
            "at_risk": (x0, ry, sx, y1),
            "growth": (sx, y0, x1, ry),
            "dangling": (x0, y0, sx, ry),
        }
        for key, (a, b, c, d) in boxes.items():
            ax.fill_between([a, c], b, d, color=palette.QUADRANT_TINTS[key], lw=0, zorder=0)
        corners = {
            "model": (0.985, 0.975, "right", "top"),
            "at_risk": (0.015, 0.975, "left", "top"),
            "growth": (0.985, 0.025, "right", "bottom"),
            "dangling": (0.015, 0.025, "left", "bottom"),
        }
        for key, (x, y, ha, va) in corners.items():
            ax.text(
                x,
                y,
                bidi(getattr(quadrant_labels, key)),
                transform=ax.transAxes,
                ha=ha,
                va=va,
                fontsize=10.5,
                fontweight="bold",
                color=TEXT,
                zorder=6,
                bbox=LABEL_BOX,
                gid=f"quadrant-{key.replace('_', '-')}",
            )

    def _thresholds(canvas: Canvas, ax, top: float, right: float) -> None:
        line = {"color": TEXT_MUTED, "lw": 1.0, "ls": (0, (4, 3)), "zorder": 2}
        ax.axvline(satisfaction_threshold, gid="threshold-satisfaction", **line)
        ax.axhline(revenue_threshold, gid="threshold-revenue", **line)
        text = {"fontsize": 8.5, "color": TEXT_MUTED, "zorder": 6, "bbox": LABEL_BOX}
        ax.text(  # above the plot, where no bubble can hide it
            satisfaction_threshold,
            1.01,
            bidi(satisfaction_threshold_label or format_satisfaction(satisfaction_threshold)),
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            gid="threshold-satisfaction-label",
            **text,
        )
        ax.text(
            0.985,
            revenue_threshold,
            bidi(revenue_threshold_label or format_revenue(revenue_threshold)),
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="bottom",
            gid="threshold-revenue-label",
            **text,
        )

    def _arrows(canvas: Canvas, ax) -> None:
        arrow = canvas.modules["FancyArrowPatch"]
        for index, point in enumerate(points):
            if point.previous_satisfaction is None or point.previous_billed is None:
                continue
            ax.add_patch(
                arrow(
                    (point.previous_satisfaction, point.previous_billed),
                    (point.satisfaction, point.billed),
                    arrowstyle="-|>,head_length=5,head_width=3",
                    color=TEXT_MUTED,
                    lw=1.1,
                    shrinkA=0,
                    shrinkB=6,
                    zorder=3,
                    gid=f"move-{index}",
                )
            )

    def _bubbles(canvas: Canvas, ax) -> None:
        largest = max((p.forecast or 0 for p in points), default=0) or 1.0
        # Largest first, so that small bubbles are drawn over (and stay clickable on) big ones.
        order = sorted(points, key=lambda p: (-(p.forecast or 0), p.name))
        areas = [max(BUBBLE_AREA_MIN, BUBBLE_AREA_MAX * (p.forecast or 0) / largest) for p in order]
        colors = [palette.QUADRANT_COLORS.get(p.quadrant or "", palette.BLUE) for p in order]
        collection = ax.scatter(
            [p.satisfaction for p in order],
            [p.billed for p in order],
            s=areas,
            c=colors,
            alpha=0.85,
            edgecolors="white",
            linewidths=0.9,
            zorder=4,
            clip_on=False,
        )
        collection.set_urls([p.url or None for p in order])
        collection.set_gid(BUBBLES_GID)
        canvas.titles[BUBBLES_GID] = [p.name for p in order]
        _names(canvas, ax, order[:label_limit], areas)

    def _names(canvas: Canvas, ax, labelled: Sequence[MatrixPoint], areas: list[float]) -> None:
        """Names beside their bubbles, skipping any that would overlap one already placed."""
        figure = canvas.figure
        width_pt, height_pt = (v * 72 for v in figure.get_size_inches())
        box = ax.get_position()
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        x_per_pt = (x1 - x0) / (box.width * width_pt)
        y_per_pt = (y1 - y0) / (box.height * height_pt)
        placed: list[tuple[float, float, float, float]] = []
        side = -1 if canvas.rtl else 1
        for index, (point, area) in enumerate(zip(labelled, areas, strict=False)):
            radius = (area**0.5) / 2
            width = (len(point.name) * 4.6 + 2) * x_per_pt
            height = 10 * y_per_pt
            start = point.satisfaction + side * (radius + 2) * x_per_pt
            left, right = sorted((start, start + side * width))
            rect = (left, point.billed - height / 2, right, point.billed + height / 2)
            inside = x0 <= left and right <= x1
            if not inside or any(_overlap(rect, other) for other in placed):
                continue
            placed.append(rect)
            ax.text(
                start,
                point.billed,
                bidi(point.name),
                ha="right" if canvas.rtl else "left",
                va="center",
                fontsize=8,
                color=TEXT,
                zorder=5,
                gid=f"bubble-name-{index}",
            )

    return render(draw, size=SIZE, title=title, description=description, rtl=rtl, chart_id=chart_id)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
