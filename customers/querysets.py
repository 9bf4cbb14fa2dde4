from typing import Self

from django.db import models
from django.db.models import Q


class AccountQuerySet(models.QuerySet):
    def visible_to(self, user) -> Self:
        """Accounts a staff user may see: all for superusers and analysts, else their own."""
        if user.is_superuser or user.has_perm("customers.view_all_accounts"):
            return self
        return self.filter(Q(account_team=user) | Q(general_manager=user)).distinct()


class ContactQuerySet(models.QuerySet):
    def reachable(self) -> Self:
        return self.filter(opted_out=False)

    def visible_to(self, user) -> Self:
        from .models import Account

        return self.filter(account__in=Account.objects.visible_to(user))
