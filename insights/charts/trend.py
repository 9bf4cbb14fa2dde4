"""A metric per period with its confidence band, marking the changes that are significant."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import nan

from django.utils.safestring import SafeString

from . import palette
from ._render import TEXT, TEXT_MUTED, Canvas, bidi, compact_number, legend, ordinal_axes, render

SIZE = (7.2, 3.6)
LINE_GID = "trend-line"
SIGNIFICANT_GID = "significant-changes"


@dataclass(frozen=True)
class TrendPoint:
    label: str  # the period, already formatted ("2025 Q3", "Mar 2025")
    value: float | None
    low: float | None = None  # confidence interval (stats.Interval.low/high)
    high: float | None = None
    significant: bool = False  # the change from the previous period is significant


def _or_nan(value: float | None) -> float:
    return nan if value is None else float(value)


def trend_chart(
    *,
    points: Sequence[TrendPoint],
    title: str,
    description: str,
    series_label: str,
    band_label: str | None = None,
    significant_label: str | None = None,
    y_label: str | None = None,
    y_range: tuple[float, float] | None = None,
    target: float | None = None,
    target_label: str | None = None,
    format_value: Callable[[float], str] = compact_number,
    rtl: bool = False,
    chart_id: str | None = None,
) -> SafeString:
    """The line of `points` in period order; periods without a value leave a gap.

    The band joins the intervals' bounds; each point whose change from the previous one is
    significant gets a larger marker (▲ up, ▼ down) and its value written beside it.
    """

    def draw(canvas: Canvas) -> None:
        figure = canvas.figure
        if canvas.rtl:
            figure.subplots_adjust(left=0.03, right=0.9, bottom=0.12, top=0.86)
        else:
            figure.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.86)
        ax = figure.add_subplot()
        xs = list(range(len(points)))
        values = [_or_nan(p.value) for p in points]
        handles, labels = [], []
        if any(p.low is not None and p.high is not None for p in points):
            band = ax.fill_between(
                xs,
                [_or_nan(p.low) for p in points],
                [_or_nan(p.high) for p in points],
                color=palette.BLUE,
                alpha=0.14,
                lw=0,
                zorder=1,
                gid="confidence-band",
            )
            if band_label:
                handles.append(band)
                labels.append(band_label)
        (line,) = ax.plot(
            xs,
            values,
            color=palette.BLUE,
            lw=2,
            marker="o",
            markersize=4.5,
            zorder=3,
            gid=LINE_GID,
        )
        handles.insert(0, line)
        labels.insert(0, series_label)
        _significant(canvas, ax, values, handles, labels)
        if target is not None:
            ax.axhline(target, color=TEXT_MUTED, lw=1, ls=(0, (4, 3)), zorder=2, gid="target")
            if target_label:
                ax.text(
                    0.01 if not canvas.rtl else 0.99,
                    target,
                    bidi(target_label),
                    transform=ax.get_yaxis_transform(),
                    ha="right" if canvas.rtl else "left",
                    va="bottom",
                    fontsize=8.5,
                    color=TEXT_MUTED,
                    gid="target-label",
                )
        ax.set_xticks(xs, [bidi(p.label) for p in points])
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="x", visible=False)
        ax.set_xlim(-0.5, max(len(points) - 0.5, 0.5))
        if y_range:
            ax.set_ylim(*y_range)
        else:
            ax.margins(y=0.18)
        ax.yaxis.set_major_formatter(
            canvas.modules["ticker"].FuncFormatter(lambda v, _: bidi(format_value(v)))
        )
        if y_label:
            ax.set_ylabel(bidi(y_label))
        legend(canvas, ax, handles, labels)
        ordinal_axes(canvas, ax)

    def _significant(canvas: Canvas, ax, values, handles, labels) -> None:
        marked = [
            i
            for i, p in enumerate(points)
            if p.significant and i > 0 and p.value is not None and points[i - 1].value is not None
        ]
        if not marked:
            return
        rises = [i for i in marked if points[i].value >= points[i - 1].value]
        falls = [i for i in marked if i not in rises]
        first = None
        for group, marker, color in ((rises, "^", palette.GREEN), (falls, "v", palette.VERMILLION)):
            if not group:
                continue
            artist = ax.scatter(
                group,
                [values[i] for i in group],
                marker=marker,
                s=90,
                color=color,
                edgecolors="white",
                linewidths=1,
                zorder=4,
            )
            artist.set_gid(f"{SIGNIFICANT_GID}-{'up' if marker == '^' else 'down'}")
            first = first or artist
            for i in group:
                ax.annotate(
                    bidi(format_value(values[i])),
                    (i, values[i]),
                    xytext=(0, 9 if marker == "^" else -11),
                    textcoords="offset points",
                    ha="center",
                    va="bottom" if marker == "^" else "top",
                    fontsize=8.5,
                    fontweight="bold",
                    color=TEXT,
                )
        if significant_label and first is not None:
            handles.append(first)
            labels.append(significant_label)

    return render(draw, size=SIZE, title=title, description=description, rtl=rtl, chart_id=chart_id)
