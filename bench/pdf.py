"""Time one realistic report PDF in English, Persian and Simplified Chinese.

    .venv/bin/python bench/pdf.py [--runs 9] [--languages en,fa,zh-hans] [--out var/bench]

The report is templates/insights/reports/sample.html: a cover with four facts and three
headline figures, two SVG charts (insights.charts when it is installed, else two hand-drawn
ones of similar size), three findings, three verbatims and a 30-row actions table; 3-4 A4
pages. For each language it prints the median over --runs (after one warm-up) of

- `render_report_pdf` as callers use it (template, forked child with its limits, PDF),
- the same HTML rendered by WeasyPrint in this process, without the child (the fork's cost
  is the difference),

and the template alone, the page count and the size. Goal (issue 12): a plan PDF under 1 s.
Needs no database; nothing leaves the machine.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cem_project.settings.base")

TEXTS = {
    "en": {
        "kicker": "Account action plan",
        "account": "Harbourline Logistics",
        "subtitle": "Relationship wave H2 2026 and transaction surveys since May",
        "summary": "Installation is where Harbourline's experience breaks down: three of the "
        "five lowest scores since the last wave follow an installation visit.",
        "finding": (
            "Installation is the weakest touch point",
            "Installers arrive without the site plan, so the first visit ends without a working "
            "line in four of ten cases; every second call to the call center in June was a "
            "follow-up.",
        ),
        "verbatim": "The engineer was friendly but had to come back twice for the same fault.",
        "who": "Site manager, Rotterdam",
        "action": "Send the site plan to the installer 48 hours before the visit",
        "owner": ("Olivia Chen", "Harbourline facilities"),
        "status": ("Open", "Done", "Overdue"),
    },
    "fa": {
        "kicker": "برنامهٔ اقدام حساب",
        "account": "لجستیک هاربرلاین",
        "subtitle": "موج ارتباطی نیمهٔ دوم ۲۰۲۶ و نظرسنجی‌های تراکنشی از اردیبهشت",
        "summary": "تجربهٔ هاربرلاین در مرحلهٔ نصب آسیب می‌بیند: سه مورد از پنج امتیاز پایین "
        "از موج گذشته پس از بازدید نصب ثبت شده‌اند.",
        "finding": (
            "نصب ضعیف‌ترین نقطهٔ تماس است",
            "نصاب‌ها بدون نقشهٔ سایت به محل می‌آیند و در چهار مورد از ده، بازدید اول بدون خط فعال "
            "پایان می‌یابد؛ نیمی از تماس‌های خرداد با مرکز تماس پیگیری بوده است.",
        ),
        "verbatim": "مهندس مؤدب بود اما برای یک خرابی دو بار دیگر آمد.",
        "who": "مدیر سایت، روتردام",
        "action": "ارسال نقشهٔ سایت به نصاب ۴۸ ساعت پیش از بازدید",
        "owner": ("اولیویا چن", "تأسیسات هاربرلاین"),
        "status": ("باز", "انجام شد", "عقب افتاده"),
    },
    "zh-hans": {
        "kicker": "客户行动计划",
        "account": "港湾物流",
        "subtitle": "2026 年下半年关系调研及五月以来的交易调研",
        "summary": "港湾物流的体验在安装环节出现问题："
        "自上一轮调研以来最低的五个评分中，有三个发生在安装上门之后。",
        "finding": (
            "安装是最薄弱的接触点",
            "安装人员到场时没有现场平面图，十次中有四次首次上门后线路仍无法使用；六月份呼叫中心的来电中有一半是跟进电话。",
        ),
        "verbatim": "工程师很友好，但同一个故障又来了两次。",
        "who": "鹿特丹现场经理",
        "action": "上门前 48 小时将现场平面图发送给安装人员",
        "owner": ("陈奥莉", "港湾物流设施部"),
        "status": ("进行中", "已完成", "已逾期"),
    },
}


def _hand_drawn_charts():
    """Two SVGs of about the size insights.charts draws (a trend, a 40-account matrix)."""
    import random

    from django.utils.safestring import mark_safe

    rng = random.Random(12)
    grid = "".join(
        f'<line x1="40" x2="500" y1="{y}" y2="{y}" stroke="#e5e7eb"/>'
        f'<text x="34" y="{y + 3}" font-size="9" text-anchor="end">{100 - y // 3}</text>'
        for y in range(20, 240, 30)
    )
    points = [(60 + i * 40, 200 - i * 9 - rng.randint(0, 25)) for i in range(12)]
    line = " ".join(f"{x},{y}" for x, y in points)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="3.5" fill="#0f766e"/>' for x, y in points)
    labels = "".join(
        f'<text x="{x}" y="232" font-size="9" text-anchor="middle">W{n}</text>'
        for n, (x, _) in enumerate(points, start=1)
    )
    trend = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 518 259" role="img" '
        "font-family=\"Vazirmatn, 'Noto Sans SC', sans-serif\"><title>NPS by wave</title>"
        f'{grid}<polyline points="{line}" fill="none" stroke="#0f766e" stroke-width="2"/>'
        f"{dots}{labels}</svg>"
    )
    bubbles = "".join(
        f'<circle cx="{rng.uniform(50, 500):.1f}" cy="{rng.uniform(20, 320):.1f}" '
        f'r="{rng.uniform(3, 16):.1f}" fill="{rng.choice(["#1f77b4", "#d62728", "#2ca02c"])}" '
        f'fill-opacity="0.8"><title>Account {n}</title></circle>'
        for n in range(40)
    )
    matrix = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 518 346" role="img" '
        "font-family=\"Vazirmatn, 'Noto Sans SC', sans-serif\"><title>Customer matrix</title>"
        '<rect x="40" y="10" width="230" height="160" fill="#fdecea"/>'
        '<rect x="270" y="10" width="230" height="160" fill="#e8f4fd"/>'
        '<rect x="40" y="170" width="230" height="160" fill="#fff8e1"/>'
        '<rect x="270" y="170" width="230" height="160" fill="#e8f5e9"/>'
        f"{bubbles}</svg>"
    )
    return mark_safe(trend), mark_safe(matrix)  # noqa: S308 (our own markup)


def _charts(language: str):
    try:
        from insights.charts import (
            MatrixPoint,
            QuadrantLabels,
            TrendPoint,
            customer_matrix_chart,
            trend_chart,
        )
    except ImportError:
        return "hand-drawn", _hand_drawn_charts()
    import random

    rng = random.Random(12)
    rtl = language == "fa"
    trend = trend_chart(
        points=[
            TrendPoint(label=f"W{n}", value=20 + n * 2, low=14 + n * 2, high=26 + n * 2)
            for n in range(1, 13)
        ],
        title="NPS",
        description="NPS by wave",
        series_label="NPS",
        target=40,
        target_label="40",
        rtl=rtl,
    )
    matrix = customer_matrix_chart(
        points=[
            MatrixPoint(
                name=f"{TEXTS[language]['account']} {n}",
                satisfaction=rng.uniform(-60, 80),
                billed=rng.uniform(1e6, 3e7),
                forecast=rng.uniform(1e6, 3e7),
                quadrant=rng.choice(["model", "at_risk", "growth", "dangling"]),
            )
            for n in range(40)
        ],
        title="Matrix",
        description="Customer matrix",
        satisfaction_label="NPS",
        revenue_label="Revenue",
        satisfaction_scale=(-100, 100),
        satisfaction_threshold=0,
        revenue_threshold=1e7,
        quadrant_labels=QuadrantLabels("Model", "At risk", "Growth", "Dangling"),
        rtl=rtl,
    )
    return "insights.charts", (trend, matrix)


def report_context(language: str) -> tuple[str, dict]:
    text = TEXTS[language]
    source, (trend, matrix) = _charts(language)
    statuses = list(zip(text["status"], ("info", "good", "bad"), strict=True))
    return source, {
        "title": f"{text['kicker']}: {text['account']}",
        "kicker": text["kicker"],
        "subtitle": text["subtitle"],
        "summary": text["summary"],
        "cover_lines": [
            ("Account", text["account"]),
            ("Period", "H2 2026"),
            ("Account team", text["owner"][0]),
            ("Vertical market", "Manufacturing"),
        ],
        "footer_note": "Confidential",
        "kpis": [
            {"label": "NPS", "value": "32", "delta": 6, "note": "H1 2026"},
            {"label": "CX index", "value": "71", "delta": -2, "note": "H1 2026"},
            {"label": "CSAT", "value": "4.2", "note": "90 d"},
        ],
        "trend_svg": trend,
        "matrix_svg": matrix,
        "findings": [{"title": text["finding"][0], "text": text["finding"][1]}] * 3,
        "verbatims": [{"text": text["verbatim"], "who": text["who"]}] * 3,
        "actions": [
            {
                "number": n,
                "title": text["action"],
                "owner": text["owner"][n % 2],
                "due": date(2026, 7 + n % 6, 1 + n % 28),
                "status": statuses[n % 3][0],
                "status_tag": statuses[n % 3][1],
                "target": f"NPS {30 + n % 15}",
            }
            for n in range(1, 31)
        ],
    }


def _cpu_seconds() -> float:
    """CPU of this process and of its reaped children (the forked renderers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_ms(functions: list, runs: int) -> tuple[list[tuple[float, float]], list]:
    """Median (wall, CPU) ms of each function, run in turn so that they share the same load.

    CPU time moves much less than wall time with what else runs on the machine."""
    results = [function() for function in functions]  # warm-up
    times: list[list[tuple[float, float]]] = [[] for _ in functions]
    for _ in range(runs):
        for index, function in enumerate(functions):
            wall, cpu = time.perf_counter(), _cpu_seconds()
            results[index] = function()
            times[index].append(
                ((time.perf_counter() - wall) * 1000, (_cpu_seconds() - cpu) * 1000)
            )
    medians = [
        (statistics.median(w for w, _ in series), statistics.median(c for _, c in series))
        for series in times
    ]
    return medians, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--languages", default="en,fa,zh-hans")
    parser.add_argument("--out", type=Path, help="write each PDF into this folder")
    args = parser.parse_args()

    import django

    django.setup()
    import io

    from django.template.loader import render_to_string
    from django.utils import timezone, translation
    from pypdf import PdfReader

    from insights.reports import render_report_pdf
    from insights.reports.pdf import _page_of_pages_css, _write_pdf

    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    first = report_context("en")[1]
    render_report_pdf("insights/reports/sample.html", first, language="en")
    print(
        "first call in this process (imports WeasyPrint and matplotlib, compiles templates): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    print("median wall / CPU ms; in-process = WeasyPrint alone, without the forked child")
    print(
        f"{'lang':8} {'charts':16} {'pages':>5} {'KB':>5} {'template':>9} "
        f"{'in-process':>15} {'render_report_pdf':>18}"
    )
    for language in args.languages.split(","):
        source, context = report_context(language)

        def template(language=language, context=context):
            with translation.override(language):
                return render_to_string(
                    "insights/reports/sample.html",
                    {
                        "generated_at": timezone.now(),
                        **context,
                        "report_page_of_pages": _page_of_pages_css(),
                    },
                )

        html = template()
        (template_ms, inproc_ms, full_ms), (_, _, pdf) = median_ms(
            [
                template,
                lambda html=html: _write_pdf(html),
                lambda language=language, context=context: render_report_pdf(
                    "insights/reports/sample.html", context, language=language
                ),
            ],
            args.runs,
        )
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"{language:8} {source:16} {pages:5} {len(pdf) / 1024:5.0f} {template_ms[0]:7.1f}ms "
            f"{inproc_ms[0]:6.0f} / {inproc_ms[1]:4.0f}ms {full_ms[0]:9.0f} / {full_ms[1]:4.0f}ms"
        )
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            (args.out / f"report-{language}.pdf").write_bytes(pdf)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
