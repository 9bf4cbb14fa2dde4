"""Bar charts: NPS and score distributions, the corridor (horizontal), grouped and stacked bars.

Right-to-left: categories run from the right and the value axis sits on the right; horizontal
bars grow leftwards from labels on the right.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString

from . import palette
from ._render import (
    TEXT,
    Canvas,
    bidi,
    compact_number,
    legend,
    ordinal_axes,
    render,
    series_colors,
)

WIDE = (7.2, 3.6)  # inches: a 518 x 259 viewBox


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    color: str | None = None  # default: the palette's next colour


def _value(value: float | None) -> float:
    return 0.0 if value is None else float(value)


def _count_axis(canvas: Canvas, ax, integer: bool) -> None:
    ax.yaxis.set_major_locator(canvas.modules["ticker"].MaxNLocator(5, integer=integer))
    ax.grid(axis="x", visible=False)


def _bar_labels(ax, bars, texts: Sequence[str], *, fontsize: float = 8.5) -> None:
    ax.bar_label(bars, labels=[bidi(t) for t in texts], padding=2, fontsize=fontsize, color=TEXT)


def _vertical(
    canvas: Canvas,
    *,
    categories: Sequence[str],
    values: Sequence[float | None],
    colors: Sequence[str],
    labels: Sequence[str],
    x_label: str | None,
    y_label: str | None,
    integer: bool,
    top_margin: float = 0.95,
):
    canvas.figure.subplots_adjust(left=0.09, right=0.91, bottom=0.16, top=top_margin)
    if not canvas.rtl:
        canvas.figure.subplots_adjust(right=0.975)
    else:
        canvas.figure.subplots_adjust(left=0.025)
    ax = canvas.figure.add_subplot()
    positions = list(range(len(categories)))
    bars = ax.bar(positions, [_value(v) for v in values], color=colors, width=0.72, zorder=2)
    for index, (bar, category) in enumerate(zip(bars, categories, strict=True)):
        bar.set_gid(f"bar-{index}")
        canvas.titles[f"bar-{index}"] = [f"{category}: {labels[index]}"]
    ax.set_xticks(positions, [bidi(c) for c in categories])
    ax.tick_params(axis="x", length=0)
    _count_axis(canvas, ax, integer)
    _bar_labels(ax, bars, labels)
    ax.margins(y=0.12)
    if x_label:
        ax.set_xlabel(bidi(x_label))
    if y_label:
        ax.set_ylabel(bidi(y_label))
    ordinal_axes(canvas, ax)
    return ax


def nps_distribution_chart(
    *,
    counts: Sequence[int],
    title: str,
    description: str,
    band_labels: tuple[str, str, str],
    x_label: str | None = None,
    y_label: str | None = None,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """Answers per score 0-10, bars coloured detractor (0-6) / passive (7-8) / promoter (9-10).

    `band_labels` are the legend's (detractors, passives, promoters).
    """
    if len(counts) != 11:
        raise ValueError(f"an NPS distribution has 11 counts (0-10), got {len(counts)}")
    colors = [palette.DETRACTOR] * 7 + [palette.PASSIVE] * 2 + [palette.PROMOTER] * 2

    def draw(canvas: Canvas) -> None:
        ax = _vertical(
            canvas,
            categories=[str(score) for score in range(11)],
            values=counts,
            colors=colors,
            labels=[str(int(c)) for c in counts],
            x_label=x_label,
            y_label=y_label,
            integer=True,
            top_margin=0.88,
        )
        patch = canvas.modules["Patch"]
        handles = [patch(color=c) for c in (palette.DETRACTOR, palette.PASSIVE, palette.PROMOTER)]
        legend(canvas, ax, handles, band_labels)

    return render(draw, size=WIDE, title=title, description=description, rtl=rtl, chart_id=chart_id)


def score_distribution_chart(
    *,
    labels: Sequence[str],
    counts: Sequence[int],
    title: str,
    description: str,
    colors: Sequence[str] | None = None,
    x_label: str | None = None,
    y_label: str | None = None,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """Answers per scale point (e.g. CSAT 1-5, CES 1-7), one bar per label, counts on top."""
    if len(labels) != len(counts):
        raise ValueError("labels and counts differ in length")

    def draw(canvas: Canvas) -> None:
        _vertical(
            canvas,
            categories=labels,
            values=counts,
            colors=list(colors) if colors else [palette.BAR] * len(counts),
            labels=[str(int(c)) for c in counts],
            x_label=x_label,
            y_label=y_label,
            integer=True,
        )

    return render(draw, size=WIDE, title=title, description=description, rtl=rtl, chart_id=chart_id)


def horizontal_bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    description: str,
    highlight: int | None = None,
    value_label: str | None = None,
    value_range: tuple[float, float] | None = None,
    format_value: Callable[[float], str] = compact_number,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """One bar per label, top to bottom in the order given (the corridor's touch points).

    `highlight` is the index of the bar to stand out (e.g. the weakest step); a None value
    draws no bar and the label "–".
    """
    if len(labels) != len(values):
        raise ValueError("labels and values differ in length")
    if highlight is not None and not 0 <= highlight < len(values):
        raise ValueError(f"highlight {highlight} is not a bar index")
    longest = max((len(str(label)) for label in labels), default=4)
    label_share = min(0.42, (longest * 5.4 + 14) / (WIDE[0] * 72))
    height = 0.75 + 0.34 * max(len(labels), 1)

    def draw(canvas: Canvas) -> None:
        if canvas.rtl:
            canvas.figure.subplots_adjust(left=0.06, right=1 - label_share, bottom=0.6 / height)
        else:
            canvas.figure.subplots_adjust(left=label_share, right=0.94, bottom=0.6 / height)
        canvas.figure.subplots_adjust(top=1 - 0.12 / height)
        ax = canvas.figure.add_subplot()
        positions = list(range(len(labels)))
        colors = [palette.HIGHLIGHT if i == highlight else palette.BAR for i in positions]
        bars = ax.barh(positions, [_value(v) for v in values], color=colors, height=0.66, zorder=2)
        for index, bar in enumerate(bars):
            bar.set_gid(f"bar-{index}")
            shown = "–" if values[index] is None else format_value(values[index])
            canvas.titles[f"bar-{index}"] = [f"{labels[index]}: {shown}"]
        ax.set_yticks(positions, [bidi(label) for label in labels])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        if value_range:
            ax.set_xlim(*value_range)
        else:
            ax.margins(x=0.1)
        ax.axvline(0, color=TEXT, lw=0.8, zorder=3)
        ax.xaxis.set_major_formatter(
            canvas.modules["ticker"].FuncFormatter(lambda v, _: bidi(format_value(v)))
        )
        for index, value in enumerate(values):
            # At the bar's far end, outside it: right of a bar that grows rightwards.
            rightwards = (_value(value) >= 0) != canvas.rtl
            ax.annotate(
                bidi("–" if value is None else format_value(value)),
                (_value(value), index),
                xytext=(3 if rightwards else -3, 0),
                textcoords="offset points",
                ha="left" if rightwards else "right",
                va="center",
                fontsize=8.5,
                fontweight="bold" if index == highlight else "normal",
                color=TEXT,
                gid=f"value-{index}",
            )
        if value_label:
            ax.set_xlabel(bidi(value_label))
        ax.spines["left"].set_visible(False)
        if canvas.rtl:
            ax.invert_xaxis()
            ax.yaxis.tick_right()

    return render(
        draw,
        size=(WIDE[0], height),
        title=title,
        description=description,
        rtl=rtl,
        chart_id=chart_id,
    )


def grouped_bar_chart(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    y_label: str | None = None,
    y_range: tuple[float, float] | None = None,
    format_value: Callable[[float], str] = compact_number,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """Bars side by side per category, one per series (e.g. a metric per wave)."""
    _check_series(categories, series)

    def draw(canvas: Canvas) -> None:
        ax = _frame(canvas, categories, y_label, y_range, format_value)
        colors = series_colors(len(series), [s.color for s in series])
        width = 0.8 / max(len(series), 1)
        show_values = len(series) * len(categories) <= 24
        handles = []
        for k, (one, color) in enumerate(zip(series, colors, strict=True)):
            offset = (k - (len(series) - 1) / 2) * width
            positions = [i + offset for i in range(len(categories))]
            bars = ax.bar(
                positions,
                [_value(v) for v in one.values],
                width=width * 0.92,
                color=color,
                zorder=2,
                label=one.name,
            )
            _name_bars(canvas, bars, f"series-{k}", one, categories, format_value)
            if show_values:
                texts = ["" if v is None else format_value(v) for v in one.values]
                _bar_labels(ax, bars, texts, fontsize=8)
            handles.append(bars)
        legend(canvas, ax, handles, [s.name for s in series])
        ordinal_axes(canvas, ax)

    return render(draw, size=WIDE, title=title, description=description, rtl=rtl, chart_id=chart_id)


def stacked_bar_chart(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    description: str,
    y_label: str | None = None,
    format_value: Callable[[float], str] = compact_number,
    rtl: bool = False,
    chart_id: str | None = None,
    size: tuple[float, float] = WIDE,
) -> SafeString:
    """Series stacked per category with the total on top (e.g. revenue per quadrant and period).

    For quadrants pass `color=palette.QUADRANT_COLORS[key]` on each series. `size` (inches) is
    smaller for a narrow column, so that its text is not shrunk with it.
    """
    _check_series(categories, series)
    if any((v or 0) < 0 for s in series for v in s.values):
        raise ValueError("a stacked bar chart takes no negative values")

    def draw(canvas: Canvas) -> None:
        ax = _frame(canvas, categories, y_label, None, format_value)
        colors = series_colors(len(series), [s.color for s in series])
        bottoms = [0.0] * len(categories)
        handles = []
        for k, (one, color) in enumerate(zip(series, colors, strict=True)):
            heights = [_value(v) for v in one.values]
            bars = ax.bar(
                range(len(categories)),
                heights,
                bottom=bottoms,
                width=0.62,
                color=color,
                edgecolor="white",
                linewidth=0.8,
                zorder=2,
            )
            _name_bars(canvas, bars, f"series-{k}", one, categories, format_value)
            bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
            handles.append(bars)
        for index, total in enumerate(bottoms):
            ax.text(
                index,
                total,
                bidi(format_value(total)),
                ha="center",
                va="bottom",
                fontsize=8.5,
                color=TEXT,
                gid=f"total-{index}",
            )
        ax.margins(y=0.1)
        legend(canvas, ax, handles, [s.name for s in series])
        ordinal_axes(canvas, ax)

    return render(draw, size=size, title=title, description=description, rtl=rtl, chart_id=chart_id)


def _check_series(categories: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("at least one series is needed")
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(
                f"series {one.name!r} has {len(one.values)} values for {len(categories)} categories"
            )


def _frame(canvas, categories, y_label, y_range, format_value):
    if canvas.rtl:
        canvas.figure.subplots_adjust(left=0.025, right=0.9, bottom=0.12, top=0.86)
    else:
        canvas.figure.subplots_adjust(left=0.1, right=0.975, bottom=0.12, top=0.86)
    ax = canvas.figure.add_subplot()
    ax.set_xticks(range(len(categories)), [bidi(c) for c in categories])
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", visible=False)
    if y_range:
        ax.set_ylim(*y_range)
    ax.yaxis.set_major_formatter(
        canvas.modules["ticker"].FuncFormatter(lambda v, _: bidi(format_value(v)))
    )
    if y_label:
        ax.set_ylabel(bidi(y_label))
    return ax


def _name_bars(canvas, bars, prefix, one: Series, categories, format_value) -> None:
    for index, bar in enumerate(bars):
        gid = f"{prefix}-bar-{index}"
        bar.set_gid(gid)
        value = one.values[index]
        shown = "–" if value is None else format_value(value)
        canvas.titles[gid] = [f"{one.name}, {categories[index]}: {shown}"]
