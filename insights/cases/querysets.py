from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import F, Q, Value, When
from django.utils import timezone

from .constants import OPEN_STATES, CaseState

# A supervisor's right, granted by name to no role by default: act on every case one sees.
WORKS_EVERY_CASE = "cases.work_every_case"
WORKS_CASES = "cases.change_case"


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Cases a staff user may see: those of the accounts they may see
        (`Account.objects.visible_to`, the one rule of visibility), and those routed to them,
        to one of their teams or escalated to them (a specialist sees what is routed to
        them). Cases of no account: only for those who see every account."""
        from customers.models import Account
        from customers.querysets import user_sees_all_accounts

        if not (user.is_authenticated and user.is_active and user.is_staff):
            return self.none()
        if user_sees_all_accounts(user):
            return self
        return self.filter(
            Q(account__in=Account.objects.visible_to(user).values("pk")) | routed_to_q(user)
        )

    def workable_by(self, user) -> Self:
        """Cases `user` may act on (change state, reassign, reply, note): their role gives
        `cases.change_case` (analysts and executives only read), and the case is theirs, their
        team's, escalated to them or of an account they serve; holders of
        `cases.work_every_case` (and superusers) act on every case they see."""
        from customers.models import Account

        visible = self.visible_to(user)
        if user.is_superuser or user.has_perm(WORKS_EVERY_CASE):
            return visible
        if not user.has_perm(WORKS_CASES):
            return self.none()
        return visible.filter(
            routed_to_q(user) | Q(account__in=Account.objects.served_by(user).values("pk"))
        )

    def open(self) -> Self:
        return self.filter(state__in=OPEN_STATES)

    def with_next_due(self) -> Self:
        """`next_due_at`: acknowledge-by while new, resolve-by while being worked, else null."""
        return self.annotate(
            next_due_at=CaseWhen(
                When(state=CaseState.NEW, then=F("due_at")),
                When(
                    state__in=(CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS),
                    then=F("resolve_due_at"),
                ),
                default=Value(None),
                output_field=models.DateTimeField(),
            )
        )

    def overdue(self, now: datetime | None = None) -> Self:
        now = now or timezone.now()
        return self.filter(overdue_q(now))

    def with_overdue(self, now: datetime | None = None) -> Self:
        now = now or timezone.now()
        return self.annotate(
            is_overdue=CaseWhen(
                When(overdue_q(now), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def escalation_due(self, now: datetime) -> Self:
        """Unacknowledged cases past their response-time target, not escalated yet."""
        return self.filter(state=CaseState.NEW, due_at__lt=now, escalated_at__isnull=True)


def routed_to_q(user) -> Q:
    """Cases routed to `user`: owned by them, escalated to them, or waiting in their team."""
    return Q(owner=user) | Q(escalated_to=user) | Q(team__in=user.groups.values("pk"))


def overdue_q(now: datetime) -> Q:
    new_late = Q(state=CaseState.NEW, due_at__lt=now)
    worked_late = Q(
        state__in=(CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS), resolve_due_at__lt=now
    )
    return new_late | worked_late
