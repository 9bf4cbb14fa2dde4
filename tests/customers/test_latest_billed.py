from datetime import date
from decimal import Decimal

import pytest

from customers.models import Account
from customers.selectors import latest_billed, latest_revenue
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


def test_latest_revenue_as_of_a_day_is_the_period_that_had_started_by_then():
    account = AccountFactory()
    AccountRevenueFactory(
        account=account,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
        billed=9,
        forecast=4,
    )
    AccountRevenueFactory(
        account=account,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        billed=12,
        forecast=7,
    )

    def figures(as_of):
        return (
            Account.objects.annotate(
                billed=latest_revenue("billed", as_of=as_of),
                forecast=latest_revenue("forecast", as_of=as_of),
            )
            .values_list("billed", "forecast")
            .get()
        )

    assert figures(date(2025, 12, 31)) == (Decimal(9), Decimal(4))
    assert figures(date(2026, 1, 1)) == (Decimal(12), Decimal(7))
    assert figures(date(2024, 6, 1)) == (Decimal(0), Decimal(0))
    assert figures(None) == (Decimal(12), Decimal(7))
