"""Reads of customer data: every list starts from the caller's visible accounts.

The lookups at the end are the one place where a key sent by a caller (an API field, a CSV
cell) is matched to an account, a contact or a touch point; every API and import uses them.
"""

import logging
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Account, AccountRevenue, Contact, TouchPoint, VerticalMarket
from .querysets import user_sees_all_accounts  # the rule itself lives in customers.querysets

MAX_ID = 2**63 - 1  # the largest primary key the database holds
security_log = logging.getLogger("cem.security")


def visible_account_ids(user) -> frozenset[int] | None:
    """Ids of the accounts `user` may see (`Account.objects.visible_to`), or None when the
    user sees every account."""
    if user_sees_all_accounts(user):
        return None
    return frozenset(Account.objects.visible_to(user).values_list("id", flat=True))


def latest_revenue(field: str = "billed", *, as_of: date | None = None) -> Coalesce:
    """`field` ("billed" or "forecast") of an account's latest revenue period (0 without any),
    as an expression to annotate on an Account queryset. With `as_of`, the latest period that
    started on or before that day: the revenue as it stood then."""
    if field not in ("billed", "forecast"):
        raise ValueError(f"Not a revenue figure: {field!r}")
    latest = AccountRevenue.objects.filter(account=OuterRef("pk"))
    if as_of is not None:
        latest = latest.filter(period_start__lte=as_of)
    return Coalesce(
        Subquery(latest.order_by("-period_start").values(field)[:1]),
        Decimal(0),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )


def latest_billed(*, as_of: date | None = None) -> Coalesce:
    """The billed revenue of an account's latest revenue period (0 without any), as an
    expression to annotate on an Account queryset (e.g. `.annotate(billed=latest_billed())`)."""
    return latest_revenue("billed", as_of=as_of)


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


# ------------------------------------------------------------------ lookups by key


def key_as_id(key: int | str) -> int | None:
    """The primary key `key` can name: an int, or a string of ASCII digits, from 1 to MAX_ID."""
    if isinstance(key, str) and key.isascii() and key.isdigit() and len(key) <= 19:
        key = int(key)
    if isinstance(key, bool) or not isinstance(key, int):
        return None
    return key if 1 <= key <= MAX_ID else None


def _unmatchable(key: int | str) -> bool:
    # No stored value holds a NUL, and PostgreSQL refuses one in a query: answer None early.
    return isinstance(key, str) and "\x00" in key


def account_lookup(*, key: int | str, user, reporting_events: bool = False) -> Account | None:
    """The account `key` names among the accounts `user` may see, or None.

    An int is an id. A string is an external id or, when no visible account has that external
    id and the string is all digits, an id. An account the user may not see is None, exactly
    like an unknown one, and the attempt is logged (`cem.security`). `reporting_events`: among
    the accounts the user may report touch-point events for (`Account.objects.reportable_by`:
    a source system's user reports for every account without seeing them).
    """
    if _unmatchable(key):
        return None
    accounts = Account.objects
    visible = accounts.reportable_by(user) if reporting_events else accounts.visible_to(user)
    account = visible.filter(external_id=key).first() if isinstance(key, str) else None
    pk = key_as_id(key)
    if account is None and pk is not None:
        account = visible.filter(pk=pk).first()
    if account is None:
        elsewhere = Q(external_id=key) if isinstance(key, str) else Q(pk__in=[])
        if pk is not None:
            elsewhere |= Q(pk=pk)
        if Account.objects.filter(elsewhere).exists():  # asked only when refused
            security_log.warning(
                "Out-of-scope account %r looked up by user %s", str(key)[:100], user.pk
            )
    return account


def contact_lookup(*, account: Account, key: int | str) -> Contact | None:
    """A contact of `account`, or None: a string with "@" is an email (the exact address,
    else case-insensitively the oldest contact); otherwise `key` is an id."""
    if _unmatchable(key):
        return None
    contacts = Contact.objects.filter(account=account)
    if isinstance(key, str) and "@" in key:
        return (
            contacts.filter(email=key).first()
            or contacts.filter(email__iexact=key).order_by("pk").first()
        )
    pk = key_as_id(key)
    return contacts.filter(pk=pk).first() if pk is not None else None


def touch_point_lookup(*, key: int | str, active_only: bool = False) -> TouchPoint | None:
    """The touch point `key` names, or None: a string is a code or, when no touch point has
    that code and the string is all digits, an id; an int is an id. `active_only` for new
    facts (events): a retired touch point still has its results, but takes no new events."""
    if _unmatchable(key):
        return None
    touch_points = TouchPoint.objects.filter(is_active=True) if active_only else TouchPoint.objects
    touch_point = touch_points.filter(code=key).first() if isinstance(key, str) else None
    pk = key_as_id(key)
    if touch_point is None and pk is not None:
        touch_point = touch_points.filter(pk=pk).first()
    return touch_point


def contact_role_list(*, user) -> list[str]:
    """The roles of the contacts `user` may see, once each (roles match case-insensitively,
    as pulse segments compare them), sorted; for choosing roles in a segment."""
    roles = (
        Contact.objects.visible_to(user)
        .exclude(role="")
        .values_list("role", flat=True)
        .distinct()
        .order_by("role")
    )
    unique: dict[str, str] = {}
    for role in roles:
        unique.setdefault(role.strip().casefold(), role.strip())
    return sorted(unique.values(), key=str.casefold)
