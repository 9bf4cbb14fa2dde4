"""The demo, driven from here because insights is the one app that may depend on every other:
each app seeds its own rows (customers/demo.py, then surveys/demo/), and what spans the apps,
giving the staff users their roles (cem_project/roles.py), is done here. `manage.py seed_demo`
calls `demo_seed`.

insights seeds the account teams' predictions for the latest relationship wave (the perception
gap), and its alert rules and a queue of cases from the answers (insights/cases/demo.py); its
daily rollup is rebuilt from the answers by `metrics_rollup`; then the action plans shared
with the customers, targets and a monthly review (insights/plans/demo.py), whose evidence
includes those cases.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from cem_project.roles import roles_sync
from customers.demo import (
    DEMO_PASSWORD_DEFAULT,
    STAFF,
    customers_demo_reset,
    customers_demo_seed,
)
from customers.models import Account, Contact, VerticalMarket
from surveys.demo import DEMO_SLUGS, READY_ACCOUNTS, surveys_demo_reset, surveys_demo_seed
from surveys.demo.generator import MOOD
from surveys.demo.surveys import SLUG_RELATIONSHIP
from surveys.models import Answer, Invitation, Response, Survey, Wave

from .cases.demo import demo_cases_reset, demo_cases_seed
from .models import Prediction
from .plans.demo import plans_demo_reset, plans_demo_seed


@dataclass(frozen=True)
class DemoSummary:
    created_activity: bool
    verticals: int
    accounts: int  # every demo account: the customers and the event-demo account
    contacts: int
    surveys: int
    invitations: int
    responses: int
    answers: int
    password: str
    customers: int = 0  # the HiTouch customers among the accounts
    event_contacts: tuple[str, ...] = ()
    cases: object = None  # insights.cases.demo.CasesDemoSummary
    plans: int = 0


# The group earlier demos made, holding every view_ permission; its users now have roles.
LEGACY_GROUP = "Account teams"


def demo_roles_seed(*, users: dict[str, object]) -> None:
    """Each demo staff user has their product role and no other group; which accounts they see
    follows from the accounts' teams, named general managers and the markets' general managers
    (customers/demo.py)."""
    groups = roles_sync()
    for username, _name, _vertical, role in STAFF:
        users[username].groups.set([groups[role]])
    Group.objects.filter(name=LEGACY_GROUP).delete()
    # The designer serves the accounts quiet for six weeks, so that their send by hand (which
    # reaches the contacts of the accounts one serves) invites at once.
    for account in Account.objects.filter(name__in=READY_ACCOUNTS):
        account.account_team.add(users["designer"])


# How each vertical's teams read their accounts: (weight of the customers' own NPS, lift).
# Most see every account as fine, as in the survey where 80% of companies believed they
# delivered a superior experience and 8% of their customers agreed; the public-sector team
# knows its accounts.
TEAM_READING = {
    "healthcare": (0.5, 35),
    "manufacturing": (0.5, 30),
    "retail": (0.4, 40),
    "public-sector": (0.9, 0),
}


def _nps_of_mood(mood: float) -> float:
    """About the NPS an account of this demo mood gives in a wave (fitted on the seeded waves;
    see surveys.demo.generator)."""
    return 230 * mood - 120


def demo_predictions_seed(*, accounts: list[Account], seed: int) -> int:
    """Each account team's NPS prediction for the latest relationship wave, recorded the week
    before it opened; once. Written directly: the wave has closed since, and the service only
    takes predictions for waves still open."""
    wave = (
        Wave.objects.filter(programme__survey__slug=SLUG_RELATIONSHIP)
        .order_by("-period_start")
        .first()
    )
    if wave is None or Prediction.objects.filter(wave=wave).exists():
        return 0
    rng = random.Random(f"{seed}:predictions")
    teams = {
        account.pk: sorted(account.account_team.all(), key=lambda user: user.username)
        for account in Account.objects.filter(pk__in=[a.pk for a in accounts]).prefetch_related(
            "account_team"
        )
    }
    predictions = []
    for account in sorted(accounts, key=lambda a: a.name):
        weight, lift = TEAM_READING[account.vertical_market.code]
        guess = weight * _nps_of_mood(MOOD[account.name]) + lift + rng.gauss(0, 10)
        team = teams.get(account.pk) or [None]
        predictions.append(
            Prediction(
                account=account,
                wave=wave,
                metric="nps",
                score=Decimal(max(-100, min(100, round(guess)))),
                predicted_by=team[0],
            )
        )
    Prediction.objects.bulk_create(predictions)
    recorded = wave.opens_at - timedelta(days=7)
    Prediction.objects.filter(wave=wave).update(created_at=recorded, updated_at=recorded)
    return len(predictions)


def demo_reset() -> None:
    """Removes what the demo created, the apps that depend on others first."""
    demo_cases_reset()
    plans_demo_reset()
    surveys_demo_reset()
    customers_demo_reset()


@transaction.atomic
def demo_seed(
    *,
    password: str = DEMO_PASSWORD_DEFAULT,
    reset: bool = False,
    seed: int = 2026,
    now: datetime | None = None,
) -> DemoSummary:
    """Seeds the HiTouch demo; a second run keeps what exists and adds nothing."""
    now = now or timezone.now()
    if reset:
        demo_reset()
    customers = customers_demo_seed(password=password, seed=seed, today=now.date())
    demo_roles_seed(users=customers.users)
    created = surveys_demo_seed(customers=customers, seed=seed, now=now)
    demo_predictions_seed(accounts=customers.accounts, seed=seed)
    cases = demo_cases_seed(password=password, seed=seed, now=now)
    plans = plans_demo_seed(users=customers.users, now=now)
    # The HiTouch customers and the event-demo account (HT-CALLS), which has contacts too.
    accounts = [*customers.accounts, *{c.account for c in customers.event_contacts}]
    demo_surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    return DemoSummary(
        created_activity=created,
        verticals=VerticalMarket.objects.filter(accounts__in=accounts).distinct().count(),
        accounts=len(accounts),
        customers=len(customers.accounts),
        contacts=Contact.objects.filter(account__in=accounts).count(),
        surveys=demo_surveys.count(),
        invitations=Invitation.objects.filter(survey__in=demo_surveys).count(),
        responses=Response.objects.filter(survey__in=demo_surveys).count(),
        answers=Answer.objects.filter(survey__in=demo_surveys).count(),
        password=password,
        event_contacts=tuple(contact.email for contact in customers.event_contacts),
        cases=cases,
        plans=plans,
    )


def demo_mail_location() -> str:
    # Matched by class name: the .eml backend is the embedded default wherever it lives.
    if settings.EMAIL_BACKEND.endswith(".EmlFileBackend"):
        return f"one .eml file per message in {settings.EMAIL_FILE_PATH}"
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        return f"SMTP server {settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    return f"the {settings.EMAIL_BACKEND} backend"
