"""One matching rule per kind of key: the account, contact and touch-point lookups of
`customers.selectors` (the APIs and the CSV import use them: tests/api/test_lookups.py)."""

import pytest

from customers.selectors import account_lookup, contact_lookup, key_as_id, touch_point_lookup
from tests.factories import AccountFactory, ContactFactory, TouchPointFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(superuser=True)


@pytest.mark.parametrize(
    ("key", "expected"),
    [(7, 7), ("7", 7), ("0", None), (0, None), (-3, None), ("٣", None), (True, None),
     ("9" * 19, None), ("9" * 30, None), (2**63 - 1, 2**63 - 1), ("7a", None), ("", None)],
)  # fmt: skip
def test_key_as_id_accepts_only_ids_the_database_can_hold(key, expected):
    assert key_as_id(key) == expected


def test_an_account_is_found_by_external_id_then_by_id(admin):
    by_external = AccountFactory(external_id="ACC-1")
    numeric = AccountFactory(external_id="100")  # a CRM with numeric external ids
    other = AccountFactory(external_id=None)

    assert account_lookup(key="ACC-1", user=admin) == by_external
    assert account_lookup(key=str(other.pk), user=admin) == other
    assert account_lookup(key=other.pk, user=admin) == other
    # A string is an external id first: "100" is that account even if an id 100 exists.
    assert account_lookup(key="100", user=admin) == numeric
    # An int is an id only.
    assert account_lookup(key=numeric.pk, user=admin) == numeric
    assert account_lookup(key="ACC-NOPE", user=admin) is None
    assert account_lookup(key="a\x00b", user=admin) is None


def test_an_account_out_of_scope_is_none_like_an_unknown_one_and_logged(caplog):
    mine, theirs = AccountFactory(external_id="MINE"), AccountFactory(external_id="THEIRS")
    user = UserFactory()
    mine.account_team.add(user)

    with caplog.at_level("WARNING", logger="cem.security"):
        assert account_lookup(key="MINE", user=user) == mine
        assert account_lookup(key="THEIRS", user=user) is None
        assert account_lookup(key=theirs.pk, user=user) is None
        assert account_lookup(key="NOBODY", user=user) is None

    messages = [r.getMessage() for r in caplog.records if r.name == "cem.security"]
    assert messages == [
        f"Out-of-scope account 'THEIRS' looked up by user {user.pk}",
        f"Out-of-scope account '{theirs.pk}' looked up by user {user.pk}",
    ]


def test_a_contact_is_found_by_exact_email_then_case_insensitively_then_by_id():
    account = AccountFactory()
    older = ContactFactory(account=account, email="Ann@Alpha.example")
    exact = ContactFactory(account=account, email="ann@alpha.example")
    stranger = ContactFactory(email="bob@beta.example")

    assert contact_lookup(account=account, key="ann@alpha.example") == exact
    assert contact_lookup(account=account, key="ANN@ALPHA.EXAMPLE") == older
    assert contact_lookup(account=account, key=str(exact.pk)) == exact
    assert contact_lookup(account=account, key=exact.pk) == exact
    assert contact_lookup(account=account, key="bob@beta.example") is None
    assert contact_lookup(account=account, key=stranger.pk) is None
    assert contact_lookup(account=account, key="ann") is None


def test_a_touch_point_is_found_by_code_then_by_id_and_retired_ones_take_no_events():
    repair = TouchPointFactory(code="repair")
    retired = TouchPointFactory(code="fax", is_active=False)
    digits = TouchPointFactory(code=str(repair.pk + 1000))

    assert touch_point_lookup(key="repair") == repair
    assert touch_point_lookup(key=str(repair.pk)) == repair
    assert touch_point_lookup(key=repair.pk) == repair
    assert touch_point_lookup(key=digits.code) == digits  # the code wins over an id
    assert touch_point_lookup(key="fax") == retired
    assert touch_point_lookup(key="fax", active_only=True) is None
    assert touch_point_lookup(key=str(retired.pk), active_only=True) is None
    assert touch_point_lookup(key="teleport") is None
