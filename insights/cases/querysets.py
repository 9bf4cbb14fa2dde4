from datetime import datetime
from typing import Self

from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import F, Q, Value, When
from django.utils import timezone

from .constants import OPEN_STATES, CaseState


def _sees_every_case(user) -> bool:
    return bool(user.is_superuser)


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Cases a staff user may see: those of the accounts they may see
        (`Account.objects.visible_to`, the one rule of visibility), and those routed to them,
        to one of their teams or escalated to them (a specialist sees what is theirs)."""
        from customers.models import Account

        if not user.is_authenticated or not user.is_staff:
            return self.none()
        if _sees_every_case(user):
            return self
        return self.filter(
            Q(account__in=Account.objects.visible_to(user).values("pk"))
            | Q(owner=user)
            | Q(escalated_to=user)
            | Q(team__in=user.groups.values("pk"))
        )

    def workable_by(self, user) -> Self:
        """Cases `user` may act on (change state, reassign, reply): visible ones that are
        theirs, their team's, escalated to them, or of an account they serve; a holder of
        `cases.change_case` may act on every case they see. Analysts only read."""
        from customers.models import Account

        visible = self.visible_to(user)
        if _sees_every_case(user) or user.has_perm("cases.change_case"):
            return visible
        served = Account.objects.filter(Q(account_team=user) | Q(general_manager=user))
        return visible.filter(
            Q(owner=user)
            | Q(escalated_to=user)
            | Q(team__in=user.groups.values("pk"))
            | Q(account__in=served.values("pk"))
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


def overdue_q(now: datetime) -> Q:
    new_late = Q(state=CaseState.NEW, due_at__lt=now)
    worked_late = Q(
        state__in=(CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS), resolve_due_at__lt=now
    )
    return new_late | worked_late
