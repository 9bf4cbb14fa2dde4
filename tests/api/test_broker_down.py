"""POST /api/v1/events/ with the broker down: the event and its invitation are stored, the
client hears 201, and the dispatcher queues the invitation once the broker is back.

A real, unreachable broker: Redis on a port nobody listens on (no mock of the publish)."""

import kombu.pools
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cem_project.celery import app
from customers.models import TouchPointEvent
from surveys.constants import InvitationStatus
from surveys.models import Invitation
from surveys.services.invitations import invitations_claim_due
from tests.conftest import free_port
from tests.factories import ContactFactory, SurveyFactory, TouchPointFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    keys = (
        "task_always_eager",
        "broker_url",
        "broker_connection_timeout",
        "broker_connection_max_retries",
    )
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        task_always_eager=False,
        broker_url=f"redis://127.0.0.1:{free_port()}/0",
        broker_connection_timeout=1,
        broker_connection_max_retries=0,
    )
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.update(saved)
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None
        kombu.pools.reset()


def test_an_event_posted_while_the_broker_is_down_is_201_and_waits_for_the_dispatcher(
    broker_down,
):
    survey = SurveyFactory(transaction=True, touch_point=TouchPointFactory(code="repair"))
    contact = ContactFactory()
    client = APIClient()
    client.force_authenticate(UserFactory(superuser=True))

    response = client.post(
        "/api/v1/events/",
        {
            "contact": contact.email,
            "account": contact.account.external_id,
            "touch_point": "repair",
            "external_id": "WO-BROKER-DOWN",
            "occurred_at": timezone.now().isoformat(),
        },
        format="json",
    )

    assert response.status_code == 201
    assert TouchPointEvent.objects.filter(external_id="WO-BROKER-DOWN").exists()
    invitation = Invitation.objects.get(survey=survey, contact=contact)
    assert invitation.status == InvitationStatus.PENDING
    # Its lease runs out and the dispatcher claims it again (what beat does every 15 s).
    later = timezone.now() + timezone.timedelta(hours=1)
    assert invitations_claim_due(now=later) == [invitation.pk]
