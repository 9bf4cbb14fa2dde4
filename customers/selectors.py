"""Reads of customer data: every list starts from the caller's visible accounts."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Account, AccountRevenue, Contact, TouchPoint, VerticalMarket


def user_sees_all_accounts(user) -> bool:
    return user.is_superuser or user.has_perm("customers.view_all_accounts")


def visible_account_ids(user) -> frozenset[int] | None:
    """Ids of the accounts `user` may see, or None when the user sees every account."""
    if user_sees_all_accounts(user):
        return None
    return frozenset(Account.objects.visible_to(user).values_list("id", flat=True))


def latest_billed() -> Coalesce:
    """The billed revenue of an account's latest revenue period (0 without any), as an
    expression to annotate on an Account queryset (e.g. `.annotate(billed=latest_billed())`)."""
    latest = AccountRevenue.objects.filter(account=OuterRef("pk")).order_by("-period_start")
    return Coalesce(
        Subquery(latest.values("billed")[:1]),
        Decimal(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def account_list(*, user) -> QuerySet[Account]:
    """Visible accounts with their latest revenue period annotated (one query per page)."""
    latest = AccountRevenue.objects.filter(account=OuterRef("pk")).order_by("-period_start")
    return (
        Account.objects.visible_to(user)
        .select_related("vertical_market")
        .prefetch_related("account_team")
        .annotate(
            latest_period_start=Subquery(latest.values("period_start")[:1]),
            latest_billed=Subquery(latest.values("billed")[:1]),
            latest_forecast=Subquery(latest.values("forecast")[:1]),
            latest_currency=Subquery(latest.values("currency")[:1]),
        )
        .order_by("name", "id")
    )


def account_revenue_list(*, account: Account) -> QuerySet[AccountRevenue]:
    return AccountRevenue.objects.filter(account=account).order_by("-period_start")


def contact_list(*, user) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).order_by("account_id", "name", "id")


def touch_point_list() -> QuerySet[TouchPoint]:
    return TouchPoint.objects.order_by("corridor_position", "code")


def vertical_market_list() -> QuerySet[VerticalMarket]:
    return VerticalMarket.objects.order_by("name")
