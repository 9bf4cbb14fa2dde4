from datetime import date

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.constants import BusinessFunction, Channel
from customers.models import (
    Account,
    AccountRevenue,
    Contact,
    TouchPoint,
    TouchPointEvent,
    VerticalMarket,
)
from surveys.constants import (
    InvitationStatus,
    QuestionType,
    ResponseStatus,
    SurveyKind,
    SurveyStatus,
)
from surveys.models import Answer, Choice, Distribution, Invitation, Question, Response, Survey


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True  # `roles` saves what it changes

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pass-word-123")
    is_staff = True

    class Params:
        superuser = factory.Trait(is_superuser=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[ACCOUNT_TEAM_MEMBER]): the user's roles (cem_project/roles.py)."""
        from cem_project.roles import role_assign

        if create:
            for role in extracted or ():
                role_assign(user=self, role=role)


class VerticalMarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerticalMarket
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Vertical {n}")
    code = factory.Sequence(lambda n: f"vertical-{n}")


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    name = factory.Faker("company")
    external_id = factory.Sequence(lambda n: f"ACC-{n:05d}")
    vertical_market = factory.SubFactory(VerticalMarketFactory)


class AccountRevenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountRevenue

    account = factory.SubFactory(AccountFactory)
    period_start = date(2026, 1, 1)
    period_end = date(2026, 12, 31)
    billed = 1_000_000
    forecast = 500_000


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    language = "en"


class TouchPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TouchPoint
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tp-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    channel = Channel.FIELD
    owning_function = BusinessFunction.SERVICE_OPERATIONS


class TouchPointEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TouchPointEvent

    external_id = factory.Sequence(lambda n: f"EVT-{n}")
    contact = factory.SubFactory(ContactFactory)
    account = factory.SelfAttribute("contact.account")
    touch_point = factory.SubFactory(TouchPointFactory)
    occurred_at = factory.LazyFunction(timezone.now)


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    kind = SurveyKind.RELATIONSHIP
    title = factory.Sequence(lambda n: f"Survey {n}")
    slug = factory.Sequence(lambda n: f"survey-{n}")
    intro = "Tell us how we are doing."
    thank_you = "Thank you for your answers."
    status = SurveyStatus.LIVE

    class Params:
        transaction = factory.Trait(
            kind=SurveyKind.TRANSACTION, touch_point=factory.SubFactory(TouchPointFactory)
        )
        draft = factory.Trait(status=SurveyStatus.DRAFT)
        closed = factory.Trait(status=SurveyStatus.CLOSED)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.Sequence(lambda n: n)
    type = QuestionType.NPS
    text = factory.Sequence(lambda n: f"Question {n}?")
    required = True


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory, type=QuestionType.SINGLE_CHOICE)
    position = factory.Sequence(lambda n: n)
    value = factory.Sequence(lambda n: f"choice-{n}")
    label = factory.Sequence(lambda n: f"Choice {n}")


class DistributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distribution

    survey = factory.SubFactory(SurveyFactory)
    name = factory.Sequence(lambda n: f"Send {n}")


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    survey = factory.SubFactory(SurveyFactory)
    distribution = factory.SubFactory(DistributionFactory, survey=factory.SelfAttribute("..survey"))
    contact = factory.SubFactory(ContactFactory)
    status = InvitationStatus.SENT
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=60))

    class Params:
        pending = factory.Trait(status=InvitationStatus.PENDING, sent_at=None)
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(days=1))
        )


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    survey = factory.SubFactory(SurveyFactory)
    contact = factory.SubFactory(ContactFactory)
    account = factory.SelfAttribute("contact.account")
    touch_point = factory.SelfAttribute("survey.touch_point")
    status = ResponseStatus.COMPLETED
    submitted_at = factory.LazyFunction(timezone.now)


class AnswerFactory(factory.django.DjangoModelFactory):
    """Copies the response's survey, account, touch point and time, as the service does."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(
        QuestionFactory, survey=factory.SelfAttribute("..response.survey")
    )
    question_type = factory.SelfAttribute("question.type")
    survey = factory.SelfAttribute("response.survey")
    account = factory.SelfAttribute("response.account")
    touch_point = factory.SelfAttribute("response.touch_point")
    submitted_at = factory.SelfAttribute("response.submitted_at")
