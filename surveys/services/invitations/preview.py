"""Who a send would reach, before it is made: the audience rules applied without writing.

The admin's send pages show this before the designer confirms, so that a send never surprises
with "0 of 6 sent". It calls the same `rules.skip_reasons` that `create.invitations_create`
calls, on the contacts deduplicated the same way, so the preview's counts are the send's.
The digest names the outcome (who is invited, who is skipped and why): a confirmation that
carries an outdated digest is shown the new preview instead of being sent.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from customers.models import Contact

from ...constants import SkipReason
from ...models import Survey
from . import rules


def audience_contacts(contacts: Iterable[Contact]) -> list[Contact]:
    """The chosen contacts once each, in the order chosen: what a send makes rows for."""
    return list({c.pk: c for c in contacts}.values())


@dataclass(frozen=True)
class AudiencePreview:
    survey: Survey
    # Contacts listed by account, then name.
    invited: list[Contact]
    # SkipReason value -> its contacts, in the order of SkipReason; only reasons that apply.
    skipped: dict[str, list[Contact]]
    digest: str
    fatigue_window_days: int
    account_limit: int
    account_window_days: int
    at: datetime = field(repr=False)

    @property
    def total(self) -> int:
        return len(self.invited) + self.skipped_count

    @property
    def skipped_count(self) -> int:
        return sum(len(group) for group in self.skipped.values())

    def skipped_groups(self) -> list[tuple[str, str, list[Contact]]]:
        """(reason, its label, contacts) for each reason that applies."""
        return [(reason, SkipReason(reason).label, group) for reason, group in self.skipped.items()]


def _digest(survey: Survey, contacts: list[Contact], reasons: dict[int, str]) -> str:
    outcome = ",".join(f"{c.pk}:{reasons.get(c.pk, '')}" for c in sorted(contacts, key=_pk))
    return hashlib.sha256(f"{survey.pk}|{outcome}".encode()).hexdigest()


def _pk(contact: Contact) -> int:
    return contact.pk


def _by_account_and_name(contact: Contact) -> tuple:
    # Load the accounts with the contacts (select_related): the page names both.
    return (contact.account.name, contact.name, contact.pk)


def audience_preview(
    *, survey: Survey, contacts: Iterable[Contact], at: datetime | None = None
) -> AudiencePreview:
    """Who of `contacts` a send of `survey` planned for `at` (now) would invite, and who it
    would skip, by reason; nothing is written."""
    at = at or timezone.now()
    chosen = audience_contacts(contacts)
    reasons = rules.skip_reasons(survey=survey, contacts=chosen, at=at)
    listed = sorted(chosen, key=_by_account_and_name)
    skipped: dict[str, list[Contact]] = {}
    for reason in SkipReason.values:
        group = [c for c in listed if reasons.get(c.pk) == reason]
        if group:
            skipped[reason] = group
    return AudiencePreview(
        survey=survey,
        invited=[c for c in listed if c.pk not in reasons],
        skipped=skipped,
        digest=_digest(survey, chosen, reasons),
        fatigue_window_days=rules.fatigue_window(survey).days,
        account_limit=settings.CEM_ACCOUNT_MAX_INVITATIONS,
        account_window_days=settings.CEM_ACCOUNT_WINDOW_DAYS,
        at=at,
    )
