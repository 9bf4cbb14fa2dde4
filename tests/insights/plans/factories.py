from datetime import date, timedelta

import factory

from insights.plans.constants import OwnerSide, TargetMetric
from insights.plans.models import Action, ActionPlan, ExperienceTarget, Finding
from tests.factories import AccountFactory


class ActionPlanFactory(factory.django.DjangoModelFactory):
    """A plan written by hand (no evidence); services.action_plan_create gathers evidence."""

    class Meta:
        model = ActionPlan

    account = factory.SubFactory(AccountFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 6, 30)
    title = factory.Sequence(lambda n: f"Plan {n}")


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Finding

    plan = factory.SubFactory(ActionPlanFactory)
    title = factory.Sequence(lambda n: f"Finding {n}")
    text = "What we heard."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    plan = factory.SubFactory(ActionPlanFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_side = OwnerSide.OURS
    owner_name = "Field service lead"
    due_date = factory.LazyFunction(lambda: date.today() + timedelta(days=30))
    target = "Installation NPS 30"


class ExperienceTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExperienceTarget

    metric = TargetMetric.NPS
    value = 40
    starts_on = date(2026, 1, 1)
    due_on = date(2026, 9, 30)
