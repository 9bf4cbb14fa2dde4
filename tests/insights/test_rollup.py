"""The daily metric rollup (PostgreSQL): metric_summary reads it for the days before
`through` and gives exactly the figures of the raw rows, also after late writes and deletes
that its triggers apply."""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from insights import rollup
from insights.models import AnswerDay, ResponseDay, RollupState
from insights.selectors import ResultFilter, metric_summary
from surveys.constants import QuestionType
from surveys.models import Answer, Response
from tests.factories import (
    AnswerFactory,
    ContactFactory,
    QuestionFactory,
    ResponseFactory,
    SurveyFactory,
    TouchPointFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the rollup is PostgreSQL-only"),
]


def raw_summary(result_filter, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(rollup, "state", lambda: None)
        return metric_summary(result_filter)


@pytest.fixture
def world():
    rng = random.Random(7)
    touch_points = [TouchPointFactory(), TouchPointFactory()]
    surveys = [SurveyFactory(touch_point=tp) for tp in touch_points]
    contacts = [ContactFactory() for _ in range(3)]
    now = timezone.now()
    for survey in surveys:
        questions = [
            (QuestionFactory(survey=survey, type=QuestionType.NPS), range(0, 11)),
            (QuestionFactory(survey=survey, type=QuestionType.RATING), range(1, 6)),
            (
                QuestionFactory(survey=survey, type=QuestionType.RATING, scale_min=1, scale_max=10),
                range(1, 11),
            ),
            (QuestionFactory(survey=survey, type=QuestionType.EFFORT), range(1, 8)),
            (QuestionFactory(survey=survey, type=QuestionType.CX_EASE), range(1, 6)),
            (QuestionFactory(survey=survey, type=QuestionType.TEXT), [None]),
        ]
        for i in range(40):
            response = ResponseFactory(
                survey=survey,
                contact=contacts[i % 3],
                submitted_at=now - timedelta(days=i % 6, hours=rng.randrange(24)),
            )
            for question, values in questions:
                AnswerFactory(response=response, question=question, number=rng.choice(values))
    return {"surveys": surveys, "touch_points": touch_points, "contacts": contacts}


def filters(world):
    today = timezone.localdate()
    survey, tp, account = world["surveys"][0], world["touch_points"][1], world["contacts"][0]
    return [
        ResultFilter(),
        ResultFilter(survey_id=survey.pk),
        ResultFilter(touch_point_id=tp.pk),
        ResultFilter(since=today - timedelta(days=3), until=today),
        ResultFilter(since=today - timedelta(days=4), until=today - timedelta(days=2)),
        ResultFilter(since=today),
        ResultFilter(until=today - timedelta(days=1)),
        ResultFilter(account_id=account.account_id),
    ]


def assert_same_as_raw(world, monkeypatch):
    for result_filter in filters(world):
        assert metric_summary(result_filter) == raw_summary(result_filter, monkeypatch), (
            result_filter
        )


def test_no_rollup_before_the_first_refresh(world):
    assert rollup.state() is None
    assert not AnswerDay.objects.exists()


def test_rollup_gives_the_raw_figures(world, monkeypatch):
    through, rebuilt = rollup.refresh()
    assert rebuilt
    assert through == timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    )
    assert AnswerDay.objects.exists() and ResponseDay.objects.exists()
    assert rollup.refresh() == (through, False)  # once a day is enough
    assert_same_as_raw(world, monkeypatch)
    assert metric_summary(ResultFilter()).n == 80


def test_late_writes_and_deletes_reach_the_rollup(world, monkeypatch):
    through, _ = rollup.refresh()
    survey = world["surveys"][0]
    # A late insert of an old answer set, an edit, a delete (cascading to answers), a
    # response un-completed, a touch point cleared (as its SET_NULL does) and a deleted survey.
    old = timezone.now() - timedelta(days=2)
    response = ResponseFactory(survey=survey, contact=world["contacts"][1], submitted_at=old)
    for question in survey.questions.exclude(type=QuestionType.TEXT):
        AnswerFactory(response=response, question=question, number=5)
    Answer.objects.filter(survey=survey, question_type=QuestionType.NPS).filter(
        number__lte=3
    ).update(number=10)
    Response.objects.filter(survey=survey).order_by("pk").first().delete()
    Response.objects.filter(survey=survey).order_by("-pk")[1:2].get().delete()
    Response.objects.filter(pk=Response.objects.order_by("pk")[5].pk).update(status="in_progress")
    Answer.objects.filter(touch_point=world["touch_points"][0]).update(touch_point=None)
    Response.objects.filter(touch_point=world["touch_points"][0]).update(touch_point=None)
    world["surveys"][1].delete()

    rolled = AnswerDay.objects.aggregate(n=Sum("count"))["n"]
    assert rolled == Answer.objects.filter(submitted_at__lt=through).count()
    rolled = ResponseDay.objects.aggregate(n=Sum("count"))["n"]
    assert rolled == Response.objects.completed().filter(submitted_at__lt=through).count()
    assert_same_as_raw(world, monkeypatch)


def test_another_time_zone_reads_the_raw_rows(world, monkeypatch):
    rollup.refresh()
    with timezone.override("America/New_York"):
        assert rollup.state() is None
    assert RollupState.objects.get().time_zone == "UTC"


def test_the_corridor_reads_the_rollup_and_gives_the_raw_figures(world, monkeypatch):
    from insights.selectors.corridor import CorridorScope, corridor

    today = timezone.localdate()
    for response in Response.objects.order_by("pk")[:30]:
        response.attributes = {"technician": "R. Nowak" if response.pk % 2 else "S. Li"}
        response.save(update_fields=["attributes"])
    scopes = [
        CorridorScope(since=today - timedelta(days=40), until=today),
        CorridorScope(since=today - timedelta(days=5), until=today - timedelta(days=1)),
        CorridorScope(since=today - timedelta(days=200), until=today, period="quarter"),
        CorridorScope(since=today - timedelta(days=40), until=today, attribute="technician"),
    ]

    def figures(scope):
        result = corridor(scope=scope)
        return [(line.touch_point.pk, line.value, line.cells) for line in result.lines]

    with monkeypatch.context() as m:
        m.setattr(rollup, "state", lambda: None)
        raw = [figures(scope) for scope in scopes]
    rollup.refresh()

    assert [figures(scope) for scope in scopes] == raw
    nowak = [line for line in raw[3] if line[1] == "R. Nowak"]
    assert nowak and sum(cell.responses for cell in nowak[0][2]) == 15
