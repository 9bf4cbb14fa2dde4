import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory


@pytest.fixture
def admin_api(db):
    """A superuser on the API: sees every account, holds every permission."""
    client = APIClient()
    client.force_authenticate(UserFactory(username="privacy-admin", superuser=True))
    return client
