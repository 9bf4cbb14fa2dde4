import factory

from insights.cases.constants import ConditionKind, NumberOperator, RouteTarget, ScoreTarget
from insights.cases.models import AlertCondition, AlertRule


class AlertRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertRule

    name = factory.Sequence(lambda n: f"Rule {n}")
    route_to = RouteTarget.SPECIALIST
    sla_hours = 24


class AlertConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlertCondition

    rule = factory.SubFactory(AlertRuleFactory)
    kind = ConditionKind.ANSWER_NUMBER
    score_target = ScoreTarget.NPS
    number_operator = NumberOperator.LTE
    number = 6

    class Params:
        touch_point_is = factory.Trait(
            kind=ConditionKind.TOUCH_POINT, score_target="", number_operator="", number=None
        )
