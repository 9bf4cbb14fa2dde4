"""Chart rendering speed: the first chart (importing matplotlib) and each chart after warm-up.

    .venv/bin/python bench/charts.py [--runs 20] [--accounts 200] [--out DIR]

Prints, per chart, the median and the slowest of --runs renders after one warm-up and the
size of the SVG; --out also writes each chart (English and Persian) to DIR for a look.
Goal: each chart well under 100 ms after warm-up. Needs no database.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cem_project.settings.test")

GOAL_MS = 100.0


def sample_charts(accounts: int, rtl: bool) -> dict:
    """name -> zero-argument callable drawing one chart with demo-like data."""
    from insights import charts

    fa = rtl
    quadrant_labels = (
        charts.QuadrantLabels("الگو", "در خطر", "رشد", "رها‌شده")
        if fa
        else charts.QuadrantLabels("Model", "At risk", "Growth", "Dangling")
    )
    rng = random.Random(7)
    points = []
    for i in range(accounts):
        satisfaction = max(-100.0, min(100.0, rng.gauss(12, 38)))
        billed = rng.lognormvariate(15.6, 0.9)
        if billed > 10e6:
            quadrant = "model" if satisfaction >= 0 else "at_risk"
        else:
            quadrant = "growth" if satisfaction >= 0 else "dangling"
        moved = i % 9 == 0
        points.append(
            charts.MatrixPoint(
                name=(f"حساب {i}" if fa else f"Account {i}"),
                satisfaction=satisfaction,
                billed=billed,
                forecast=billed * rng.uniform(0.5, 1.6),
                quadrant=quadrant,
                url=f"/accounts/{i}/",
                previous_satisfaction=satisfaction - rng.uniform(-30, 30) if moved else None,
                previous_billed=billed * rng.uniform(0.8, 1.1) if moved else None,
            )
        )
    periods = ["2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4", "2026 Q1", "2026 Q2"]
    values = [12.0, 15.0, 14.0, 27.0, 25.0, 9.0]
    trend = [
        charts.TrendPoint(p, v, v - 8, v + 8, significant=i in (3, 5))
        for i, (p, v) in enumerate(zip(periods, values, strict=True))
    ]
    corridor = ["Sales", "Ordering", "Installation", "Billing", "Call center", "Repair"]
    corridor_fa = ["فروش", "سفارش", "نصب", "صورتحساب", "مرکز تماس", "تعمیر"]
    common = {"rtl": rtl}
    return {
        "matrix": lambda: charts.customer_matrix_chart(
            points=points,
            title="ماتریس مشتری" if fa else "Customer matrix",
            description="Accounts by NPS and billed revenue",
            satisfaction_label="NPS",
            revenue_label="درآمد صورتحساب‌شده" if fa else "Billed revenue",
            satisfaction_scale=(-100, 100),
            satisfaction_threshold=0,
            revenue_threshold=10e6,
            quadrant_labels=quadrant_labels,
            satisfaction_threshold_label="NPS ≥ 0",
            revenue_threshold_label="۱۰ میلیون" if fa else "10M billed",
            **common,
        ),
        "nps_distribution": lambda: charts.nps_distribution_chart(
            counts=[3, 1, 2, 4, 5, 9, 12, 30, 41, 38, 25],
            title="NPS distribution",
            description="Answers per score",
            band_labels=("منتقدان", "بی‌طرف‌ها", "مروجان")
            if fa
            else ("Detractors", "Passives", "Promoters"),
            y_label="پاسخ‌ها" if fa else "Answers",
            **common,
        ),
        "score_distribution": lambda: charts.score_distribution_chart(
            labels=["1", "2", "3", "4", "5", "6", "7"],
            counts=[4, 9, 20, 35, 60, 44, 18],
            title="Effort",
            description="Answers per effort score",
            **common,
        ),
        "trend": lambda: charts.trend_chart(
            points=trend,
            title="NPS trend",
            description="NPS per quarter",
            series_label="NPS",
            band_label="فاصله اطمینان ۹۵٪" if fa else "95% confidence interval",
            significant_label="تغییر معنادار" if fa else "Significant change",
            target=20,
            target_label="هدف ۲۰" if fa else "Target 20",
            **common,
        ),
        "corridor": lambda: charts.horizontal_bar_chart(
            labels=corridor_fa if fa else corridor,
            values=[32, 18, -14, 5, 22, None],
            title="Corridor",
            description="NPS per touch point",
            highlight=2,
            value_label="NPS",
            value_range=(-100, 100),
            **common,
        ),
        "grouped": lambda: charts.grouped_bar_chart(
            categories=["NPS", "CSAT", "CX"],
            series=[
                charts.Series("Wave 2025", [12, 71, 64]),
                charts.Series("Wave 2026", [21, 78, 69]),
            ],
            title="Waves",
            description="Metrics per wave",
            y_range=(0, 100),
            **common,
        ),
        "stacked": lambda: charts.stacked_bar_chart(
            categories=periods,
            series=[
                charts.Series(
                    label,
                    [v * (k + 1) for v in (3e6, 3.5e6, 4e6, 3.8e6, 4.4e6, 5e6)],
                    color=charts.QUADRANT_COLORS[key],
                )
                for k, (key, label) in enumerate(
                    zip(("model", "at_risk", "growth", "dangling"), quadrant_labels, strict=True)
                )
            ],
            title="Revenue per quadrant",
            description="Billed revenue per quadrant and quarter",
            y_label="درآمد" if fa else "Billed revenue",
            **common,
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    started = time.perf_counter()
    from insights.charts._render import matplotlib_modules

    matplotlib_modules()
    print(f"import matplotlib and register fonts: {1000 * (time.perf_counter() - started):.0f} ms")

    print(f"{'chart':<20} {'first ms':>9} {'median ms':>10} {'max ms':>8} {'SVG kB':>7}")
    worst = 0.0
    for rtl in (False, True):
        for name, make in sample_charts(args.accounts, rtl).items():
            t0 = time.perf_counter()
            svg = make()
            first = 1000 * (time.perf_counter() - t0)
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                make()
                times.append(1000 * (time.perf_counter() - t0))
            label = f"{name}{' (fa)' if rtl else ''}"
            median = statistics.median(times)
            worst = max(worst, median)
            print(
                f"{label:<20} {first:9.1f} {median:10.1f} {max(times):8.1f} {len(svg) / 1024:7.1f}"
            )
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{label.replace(' (fa)', '_fa')}.svg").write_text(svg)
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(
        f"slowest median {worst:.1f} ms: {verdict} the {GOAL_MS:.0f} ms goal "
        f"(matrix with {args.accounts} accounts)"
    )


if __name__ == "__main__":
    main()
