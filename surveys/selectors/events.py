"""Reads of touch-point events for the API."""

from customers.models import TouchPointEvent


def event_get(*, pk: int) -> TouchPointEvent:
    """One event with its invitations, for the API's answer."""
    return (
        TouchPointEvent.objects.select_related("touch_point")
        .prefetch_related("invitations")
        .get(pk=pk)
    )
