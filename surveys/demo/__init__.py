"""The surveys side of the demo: four live surveys with their translations (surveys.py, texts.py)
and a year of activity: events, invitations, waves, a pulse, responses and answers
(activity.py, drawing from generator.py). It runs on the rows of the customers demo
(customers/demo.py); `manage.py seed_demo` drives both.
"""

from datetime import datetime

from customers.demo import CustomersDemo
from customers.models import TouchPointEvent

from ..models import Inquiry, Invitation, PulseSegment, RelationshipProgramme, Survey
from .activity import demo_activity_seed
from .generator import EVENT_PREFIX, READY_ACCOUNTS
from .surveys import DEMO_SLUGS, demo_surveys_seed

__all__ = [
    "DEMO_SLUGS",
    "EVENT_PREFIX",
    "READY_ACCOUNTS",
    "surveys_demo_reset",
    "surveys_demo_seed",
]


def surveys_demo_seed(*, customers: CustomersDemo, seed: int, now: datetime) -> bool:
    """Seeds the demo surveys (existing ones are kept) and, once, their year of activity.
    Returns whether the activity was written by this run."""
    admin = customers.users["admin"]
    surveys = demo_surveys_seed(touch_points=customers.touch_points, admin=admin)
    if Invitation.objects.filter(survey__slug__in=DEMO_SLUGS).exists():
        return False
    demo_activity_seed(
        surveys=surveys, accounts=customers.accounts, seed=seed, now=now, admin=admin
    )
    return True


def surveys_demo_reset() -> None:
    """Removes the demo surveys with their history, and the demo's touch-point events."""
    surveys = Survey.objects.filter(slug__in=DEMO_SLUGS)
    RelationshipProgramme.objects.filter(survey__in=surveys).delete()
    Inquiry.objects.filter(survey__in=surveys).delete()
    PulseSegment.objects.filter(name__startswith="Growth accounts").delete()
    surveys.delete()
    TouchPointEvent.objects.filter(external_id__startswith=EVENT_PREFIX).delete()
