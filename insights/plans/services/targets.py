"""Setting experience targets."""

from django.db import transaction

from ..models import ExperienceTarget

TARGET_FIELDS = (
    "name",
    "vertical_market",
    "team",
    "touch_point",
    "metric",
    "value",
    "starts_on",
    "due_on",
    "is_active",
)


@transaction.atomic
def target_save(*, target: ExperienceTarget | None, user, data: dict) -> ExperienceTarget:
    """Create a target (`target` None) or change one; the model's checks decide what is valid
    (a scope, a date after the start, a value on the metric's scale)."""
    if target is None:
        target = ExperienceTarget(created_by=user if user.is_authenticated else None)
    else:
        target = ExperienceTarget.objects.select_for_update().get(pk=target.pk)
    for name in TARGET_FIELDS:
        if name in data:
            setattr(target, name, data[name])
    target.full_clean()
    target.save()
    return target
