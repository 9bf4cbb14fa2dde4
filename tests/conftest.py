import pytest

from tests.factories import UserFactory


@pytest.fixture
def staff_user(db):
    return UserFactory(username="analyst", superuser=True)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
