import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient

from cem_project.roles import ACCOUNT_TEAM_MEMBER, GENERAL_MANAGER
from tests.factories import AccountFactory, UserFactory

# Writes a team user is given here on top of the role, so that the tests can show writes stay
# within the user's accounts (the role itself is read-only: tests/api/test_role_permissions.py).
SCOPED_WRITES = (
    "add_account", "change_account", "delete_account",
    "add_contact", "change_contact", "delete_contact",
    "add_touchpointevent",
)  # fmt: skip


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
    """A staff user on the account team of `account_a` only, who may also write accounts,
    contacts and events."""
    user = UserFactory(username="team-a", roles=[ACCOUNT_TEAM_MEMBER])
    user.user_permissions.add(*Permission.objects.filter(codename__in=SCOPED_WRITES))
    return user


@pytest.fixture
def account_a(user_a):
    account = AccountFactory(name="Alpha Corp")
    account.account_team.add(user_a)
    return account


@pytest.fixture
def account_b(db):
    """An account of another team."""
    return AccountFactory(
        name="Beta Ltd", general_manager=UserFactory(username="team-b", roles=[GENERAL_MANAGER])
    )


@pytest.fixture
def api_a(user_a, account_a):
    client = APIClient()
    client.force_authenticate(user_a)
    return client
