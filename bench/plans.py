"""Time a plan's PDF, a monthly operations review pack and a ZIP export of 100 plans.

    .venv/bin/python bench/plans.py [--plans 100] [--runs 5] [--reuse]

Creates the PostgreSQL database `cem_bench_plans` (BENCH_PG_URL), migrates it and seeds four
vertical markets of 25 accounts each, a relationship programme with two answered waves (8
responses per account and wave: NPS, CSAT, the CX index, a comment), transaction answers at
installation and the call center (20 per account), and `--plans` action plans on the latest
wave, each opened with its evidence by `action_plan_create` and given 8 actions and two
verbatims. It then prints, as medians of `--runs` after one warm-up:

- one plan PDF in English, Persian and Chinese: the content read from the database plus
  `render_report_pdf` (three SVG charts, 4-5 pages), and the same through
  `GET /action-plans/<id>.pdf` as a superuser (the whole request);
- one vertical market's monthly pack (the review's queries, four target charts, the matrix);
- once: the ZIP of every plan's PDF (`services.exports.plans_zip`), its seconds per plan.

Goal (issue 12): a plan PDF under 1 second. Everything stays on 127.0.0.1.
"""

import argparse
import io
import random
import resource
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import bench_env, database_prepare, django_setup, migrate  # noqa: E402

DB = "cem_bench_plans"
MARKETS = ("healthcare", "manufacturing", "retail", "public-sector")


def seed(n_plans: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from customers.models import Account, AccountRevenue, Contact, TouchPoint, VerticalMarket
    from insights.plans.constants import ActionStatus, OwnerSide, TargetMetric
    from insights.plans.models import Action, ExperienceTarget, PlanVerbatim
    from insights.plans.services.plans import action_plan_create
    from surveys.constants import (
        DistributionOrigin,
        QuestionType,
        SurveyKind,
        SurveyStatus,
        WaveStatus,
    )
    from surveys.models import (
        Answer,
        Distribution,
        Question,
        RelationshipProgramme,
        Response,
        Survey,
        Wave,
    )

    rng = random.Random(12)
    now = timezone.now()
    admin = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
    markets = [VerticalMarket.objects.create(name=code.title(), code=code) for code in MARKETS]
    points = {
        code: TouchPoint.objects.create(
            code=code,
            name=code.title(),
            channel="field",
            owning_function="service_operations",
            corridor_position=i,
        )
        for i, code in enumerate(("installation", "call-center"))
    }
    accounts = []
    for market in markets:
        for i in range(25):
            account = Account.objects.create(
                name=f"{market.name} account {i:02d}", vertical_market=market
            )
            account.account_team.add(admin)
            AccountRevenue.objects.create(
                account=account,
                period_start=date(now.year - 1, 1, 1),
                period_end=date(now.year + 1, 12, 31),
                billed=rng.choice((2, 6, 12, 18, 24)) * 1_000_000,
                forecast=rng.randint(1, 9) * 1_000_000,
            )
            accounts.append(account)
    contacts = {
        a.pk: [
            Contact.objects.create(
                account=a,
                name=f"Contact {a.pk}-{k}",
                email=f"c{a.pk}-{k}@x.example",
                language=("en", "fa", "zh-hans")[k],
            )
            for k in range(3)
        ]
        for a in accounts
    }
    relationship = Survey.objects.create(
        kind=SurveyKind.RELATIONSHIP, title="Relationship", slug="rel", status=SurveyStatus.LIVE
    )
    rq = {
        t: Question.objects.create(survey=relationship, type=t, text=t, position=p)
        for p, t in enumerate(
            (
                QuestionType.NPS,
                QuestionType.RATING,
                QuestionType.CX_NEEDS,
                QuestionType.CX_EASE,
                QuestionType.CX_EMOTION,
                QuestionType.TEXT,
            )
        )
    }
    programme = RelationshipProgramme.objects.create(
        name="Programme", survey=relationship, cadence_months=6, first_wave_on=date(2025, 1, 1)
    )
    waves = []
    for number, days_ago in ((1, 240), (2, 60)):
        opens = now - timedelta(days=days_ago)
        send = Distribution.objects.create(
            survey=relationship, name=f"Wave {number}", origin=DistributionOrigin.WAVE
        )
        waves.append(
            Wave.objects.create(
                programme=programme,
                distribution=send,
                name=f"Wave {number}",
                period_start=opens.date(),
                opens_at=opens,
                closes_at=opens + timedelta(days=30),
                status=WaveStatus.CLOSED,
            )
        )
    transaction_surveys = {}
    for code, kind in (("installation", QuestionType.NPS), ("call-center", QuestionType.EFFORT)):
        survey = Survey.objects.create(
            kind=SurveyKind.TRANSACTION,
            touch_point=points[code],
            title=code,
            slug=code,
            status=SurveyStatus.LIVE,
        )
        transaction_surveys[code] = (
            survey,
            Question.objects.create(survey=survey, type=kind, text=code),
        )

    responses, answer_specs = [], []
    comments = ["The installer came twice.", "Quick and friendly.", "Nobody called back."]
    for account in accounts:
        mood = rng.random()
        for wave in waves:
            for k in range(8):
                at = wave.opens_at + timedelta(days=rng.randint(0, 29))
                responses.append(
                    Response(
                        survey=relationship,
                        distribution=wave.distribution,
                        account=account,
                        contact=contacts[account.pk][k % 3],
                        submitted_at=at,
                    )
                )
                nps = max(0, min(10, round(rng.gauss(4 + 5 * mood, 2))))
                cx = [max(1, min(5, round(rng.gauss(2 + 2 * mood, 1)))) for _ in range(3)]
                spec = [(rq[QuestionType.NPS], nps), (rq[QuestionType.RATING], cx[0])]
                spec += list(
                    zip(
                        [
                            rq[t]
                            for t in (
                                QuestionType.CX_NEEDS,
                                QuestionType.CX_EASE,
                                QuestionType.CX_EMOTION,
                            )
                        ],
                        cx,
                        strict=True,
                    )
                )
                if k % 3 == 0:
                    spec.append((rq[QuestionType.TEXT], rng.choice(comments)))
                answer_specs.append((None, spec))
        for code, (survey, question) in transaction_surveys.items():
            for _ in range(10):
                at = now - timedelta(days=rng.randint(1, 170))
                responses.append(
                    Response(
                        survey=survey,
                        account=account,
                        touch_point=points[code],
                        contact=contacts[account.pk][0],
                        submitted_at=at,
                    )
                )
                high = 10 if question.type == QuestionType.NPS else 7
                answer_specs.append((points[code], [(question, rng.randint(high // 3, high))]))
    Response.objects.bulk_create(responses, batch_size=2000)
    answers = []
    for response, (point, spec) in zip(responses, answer_specs, strict=True):
        for question, value in spec:
            text = isinstance(value, str)
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    question_type=question.type,
                    survey_id=response.survey_id,
                    account_id=response.account_id,
                    touch_point=point,
                    submitted_at=response.submitted_at,
                    number=None if text else value,
                    text=value if text else "",
                )
            )
    Answer.objects.bulk_create(answers, batch_size=5000)
    for market in markets:
        ExperienceTarget.objects.create(
            name=f"{market.name} installation NPS 30",
            vertical_market=market,
            touch_point=points["installation"],
            metric=TargetMetric.NPS,
            value=30,
            starts_on=(now - timedelta(days=200)).date(),
            due_on=(now + timedelta(days=120)).date(),
        )
    started = time.perf_counter()
    for number, account in enumerate(accounts[:n_plans]):
        plan = action_plan_create(
            account=account,
            wave=waves[-1],
            created_by=admin,
            language=("en", "fa", "zh-hans")[number % 3],
        )
        Action.objects.bulk_create(
            [
                Action(
                    plan=plan,
                    position=k,
                    title=f"Action {k + 1}: revisit the open sites",
                    description="Owner, date and target agreed with the customer.",
                    owner_side=OwnerSide.OURS if k % 2 else OwnerSide.CUSTOMER,
                    owner_name="Site coordinator",
                    due_date=(now + timedelta(days=7 * k)).date(),
                    status=ActionStatus.PLANNED,
                    touch_point=points["installation"],
                    target="Installation NPS 30",
                )
                for k in range(8)
            ]
        )
        comment = Answer.objects.filter(account=account, question_type=QuestionType.TEXT)[:2]
        PlanVerbatim.objects.bulk_create(
            [
                PlanVerbatim(plan=plan, answer=a, text=a.text, position=i)
                for i, a in enumerate(comment)
            ]
        )
    elapsed = time.perf_counter() - started
    print(
        f"seeded {len(responses)} responses, {len(answers)} answers, {n_plans} plans "
        f"(evidence and draft findings: {elapsed / max(1, n_plans) * 1000:.0f} ms per plan)"
    )


def cpu_seconds() -> float:
    """CPU of this process and its reaped children (the PDF renderer runs in a forked child)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def median(fn, runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds of `runs` calls after a warm-up: on a shared
    machine the CPU figure is the one that does not depend on the neighbours' load."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), cpu_seconds()
        fn()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--plans", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep a seeded database")
    args = parser.parse_args()

    env = bench_env(DB, CEM_REPORT_TIMEOUT_SECONDS="120")
    fresh = database_prepare(DB, reuse=args.reuse)
    if fresh:
        migrate(env)
    django_setup(env)
    if fresh:
        seed(args.plans)

    from django.test import Client
    from pypdf import PdfReader

    from customers.models import VerticalMarket
    from insights.plans.models import ActionPlan
    from insights.plans.rendering import plan_pdf
    from insights.plans.selectors.documents import plan_content
    from insights.plans.selectors.plans import plan_for_document
    from insights.plans.selectors.reviews import ReviewMonth
    from insights.plans.services.exports import plans_zip
    from insights.plans.services.reports import monthly_pack_pdf

    plan = ActionPlan.objects.order_by("pk").first()
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="bench"))
    print(f"\nOne plan PDF (median of {args.runs} after a warm-up):")
    for language in ("en", "fa", "zh-hans"):
        pdf = plan_pdf(plan_content(plan_for_document(pk=plan.pk)), language=language)
        (seconds, seconds_cpu) = median(
            lambda lang=language: plan_pdf(
                plan_content(plan_for_document(pk=plan.pk)), language=lang
            ),
            args.runs,
        )
        (request, request_cpu) = median(
            lambda lang=language: client.get(f"/action-plans/{plan.pk}.pdf?lang={lang}"), args.runs
        )
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(
            f"  {language:8} content + render {seconds:6.3f} s ({seconds_cpu:.3f} s CPU)   "
            f"GET .pdf {request:6.3f} s ({request_cpu:.3f} s CPU)   "
            f"{pages} pages, {len(pdf) / 1024:.0f} kB"
        )

    market = VerticalMarket.objects.get(code="healthcare")
    month = ReviewMonth.of(date.today()).previous
    pack, pack_cpu = median(
        lambda: monthly_pack_pdf(vertical_market=market, month=month, language="en"),
        max(1, args.runs // 2),
    )
    print(f"\nMonthly pack of one market (25 accounts): {pack:.3f} s ({pack_cpu:.3f} s CPU)")

    plans = ActionPlan.objects.order_by("pk")
    started, cpu = time.perf_counter(), cpu_seconds()
    archive = plans_zip(plans)
    total, total_cpu = time.perf_counter() - started, cpu_seconds() - cpu
    count = plans.count()
    print(
        f"ZIP export of {count} plan PDFs: {total:.1f} s ({total / count:.3f} s per plan; "
        f"{total_cpu:.1f} s CPU), "
        f"{len(archive) / 2**20:.1f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
