from datetime import date
from typing import Self

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .constants import OPEN_ACTION_STATUSES, ReportKind


def _visible_accounts(user):
    from customers.models import Account

    return Account.objects.visible_to(user).values("pk")


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Plans of the accounts `user` may see (`Account.objects.visible_to`, the one rule)."""
        from customers.querysets import visible_rows

        if not user.is_authenticated or not user.is_staff:
            return self.none()
        return visible_rows(self, user, account_path="account")

    def overlapping(self, since: date | None, until: date | None) -> Self:
        """Plans whose period overlaps [since, until] (either end open)."""
        queryset = self
        if since is not None:
            queryset = queryset.filter(period_end__gte=since)
        if until is not None:
            queryset = queryset.filter(period_start__lte=until)
        return queryset


class ActionQuerySet(models.QuerySet):
    def open(self) -> Self:
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today: date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today)


class TargetQuerySet(models.QuerySet):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def applicable_to(self, account) -> Self:
        """Targets whose scope includes `account`: its vertical market (or none named), a team
        that serves it (or none named); a touch point target applies to every account."""
        from customers.models import Account

        serves = Account.objects.filter(pk=account.pk, account_team__groups=OuterRef("team_id"))
        return self.filter(
            Q(vertical_market__isnull=True) | Q(vertical_market_id=account.vertical_market_id),
            Q(team__isnull=True) | Q(Exists(serves)),
        )


class ReportQuerySet(models.QuerySet):
    def packs(self) -> Self:
        return self.filter(kind=ReportKind.MONTHLY_PACK)

    def packs_visible_to(self, user) -> Self:
        """Packs of the vertical markets all of whose accounts `user` may see: a pack names
        every account of its market, so seeing a few of them is not enough."""
        from customers.models import Account

        if not user.is_authenticated or not user.is_staff:
            return self.none()
        hidden = Account.objects.filter(vertical_market=OuterRef("vertical_market_id")).exclude(
            pk__in=_visible_accounts(user)
        )
        return self.packs().filter(~Exists(hidden))
