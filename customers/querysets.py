"""Who sees which accounts: the one rule, used by every page, API endpoint, admin page, export
and PDF (and nowhere else spelled out).

A staff user sees the accounts they serve: those whose account team they are on, those where
they are the named general manager, and every account of a vertical market they are a general
manager of. Superusers and holders of SEES_EVERY_ACCOUNT (the analyst and executive roles,
cem_project/roles.py) see every account. A row of another model is visible when its account is
(`visible_q`, `visible_rows`); a row of no account only to those who see every account.
"""

from typing import Self

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet

# Granted by name only, to the roles that list it; see customers.models.Account.Meta.
SEES_EVERY_ACCOUNT = "customers.scope_all_accounts"
# A source system's user (the integration role) reports events for every account it serves
# the company for, without seeing any of their data.
REPORTS_EVENTS_FOR_EVERY_ACCOUNT = "customers.report_events_all_accounts"


def _active_staff(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def user_sees_all_accounts(user) -> bool:
    return _active_staff(user) and (user.is_superuser or user.has_perm(SEES_EVERY_ACCOUNT))


class AccountQuerySet(models.QuerySet):
    def served_by(self, user) -> Self:
        """Accounts `user` serves (team, named general manager, general manager of the
        vertical market), whatever else their role lets them see."""
        if not _active_staff(user):
            return self.none()
        # Subqueries, not joins: no duplicate rows, so no DISTINCT under the admin's ordering
        # and annotations.
        team = self.model.account_team.through.objects.filter(user_id=user.pk)
        market_model = self.model._meta.get_field("vertical_market").related_model
        markets = market_model.general_managers.through.objects.filter(user_id=user.pk)
        return self.filter(
            Q(pk__in=team.values("account_id"))
            | Q(general_manager_id=user.pk)
            | Q(vertical_market_id__in=markets.values("verticalmarket_id"))
        )

    def visible_to(self, user) -> Self:
        """Accounts a staff user may see: every account for superusers and holders of
        SEES_EVERY_ACCOUNT, else the accounts they serve; none for anyone else."""
        if user_sees_all_accounts(user):
            return self
        return self.served_by(user)

    def reportable_by(self, user) -> Self:
        """Accounts `user` may report touch-point events for: the visible ones, or every
        account for holders of REPORTS_EVENTS_FOR_EVERY_ACCOUNT (who still see none)."""
        if _active_staff(user) and user.has_perm(REPORTS_EVENTS_FOR_EVERY_ACCOUNT):
            return self
        return self.visible_to(user)


def _many_valued(model: type[models.Model], path: str) -> bool:
    """Whether the lookup `path` from `model` crosses a one-to-many or many-to-many relation."""
    for name in path.split("__"):
        if name == "pk":
            return False
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValueError(f"{model.__name__} has no relation path {path!r}") from exc
        if field.one_to_many or field.many_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False


def visible_q(user, *, model: type[models.Model], account_path: str) -> Q | None:
    """A filter keeping the rows of `model` whose account `user` may see, the account reached
    through `account_path` ("pk" for Account itself, "account", "contact__account",
    "invitations__contact__account"...); None when the user sees every account."""
    if user_sees_all_accounts(user):
        return None
    from .models import Account

    visible = Account.objects.visible_to(user).values("pk")
    if _many_valued(model, account_path):
        # One row per object however many of its related rows are visible.
        rows = model._default_manager.filter(**{f"{account_path}__in": visible})
        return Q(pk__in=rows.values("pk"))
    return Q(**{f"{account_path}__in": visible})


def visible_rows(queryset: QuerySet, user, *, account_path: str) -> QuerySet:
    """`queryset` limited to the rows `user` may see (see `visible_q`)."""
    q = visible_q(user, model=queryset.model, account_path=account_path)
    return queryset if q is None else queryset.filter(q)


class ContactQuerySet(models.QuerySet):
    def reachable(self) -> Self:
        return self.filter(opted_out=False)

    def visible_to(self, user) -> Self:
        return visible_rows(self, user, account_path="account")
