from datetime import date
from decimal import Decimal

import pytest

from customers.models import Account
from customers.selectors import latest_billed
from tests.factories import AccountFactory, AccountRevenueFactory

pytestmark = pytest.mark.django_db


def test_latest_billed_is_the_billed_revenue_of_the_latest_period_and_zero_without_any():
    grown = AccountFactory()
    AccountRevenueFactory(
        account=grown, period_start=date(2025, 1, 1), period_end=date(2025, 12, 31), billed=9
    )
    AccountRevenueFactory(
        account=grown, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), billed=12
    )
    AccountRevenueFactory(
        account=grown, period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), billed=30
    )
    new = AccountFactory()

    billed = dict(Account.objects.annotate(billed=latest_billed()).values_list("pk", "billed"))

    assert billed == {grown.pk: Decimal(12), new.pk: Decimal(0)}
