import pytest
from rest_framework.test import APIClient

from tests.factories import AccountFactory, UserFactory


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def admin_api(db):
    """A superuser: sees every account."""
    client = APIClient()
    client.force_authenticate(UserFactory(username="api-admin", superuser=True))
    return client


@pytest.fixture
def user_a(db):
    """A staff user on the account team of `account_a` only."""
    return UserFactory(username="team-a")


@pytest.fixture
def account_a(user_a):
    account = AccountFactory(name="Alpha Corp")
    account.account_team.add(user_a)
    return account


@pytest.fixture
def account_b(db):
    """An account of another team."""
    return AccountFactory(name="Beta Ltd", general_manager=UserFactory(username="team-b"))


@pytest.fixture
def api_a(user_a, account_a):
    client = APIClient()
    client.force_authenticate(user_a)
    return client
