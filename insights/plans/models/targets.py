"""Experience targets: a metric, a value and a date, for a vertical market, an account team
or a touch point (or a combination: installation NPS 40 in Healthcare by the end of Q3)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.models import TouchPoint, VerticalMarket

from ..constants import TARGET_RANGES, TargetMetric
from ..querysets import TargetQuerySet


class ExperienceTarget(models.Model):
    name = models.CharField(_("name"), max_length=200, blank=True)
    vertical_market = models.ForeignKey(
        VerticalMarket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("vertical market"),
    )
    team = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="experience_targets",
        verbose_name=_("account team"),
        help_text=_("The accounts its members serve."),
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("touch point"),
    )
    metric = models.CharField(_("metric"), max_length=12, choices=TargetMetric.choices)
    value = models.DecimalField(_("target value"), max_digits=6, decimal_places=1)
    starts_on = models.DateField(_("from"), help_text=_("The trend toward it starts here."))
    due_on = models.DateField(_("by"))
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("experience target")
        verbose_name_plural = _("experience targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(vertical_market__isnull=False)
                | Q(team__isnull=False)
                | Q(touch_point__isnull=False),
                name="plans_experiencetarget_has_scope",
                violation_error_message=_(
                    "Choose a vertical market, an account team or a touch point."
                ),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gt=F("starts_on")),
                name="plans_experiencetarget_due_after_start",
                violation_error_message=_("The date to reach it must come after its start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.label

    @property
    def label(self) -> str:
        scope = " · ".join(
            str(part) for part in (self.vertical_market, self.team, self.touch_point) if part
        )
        return f"{self.get_metric_display()} {self.value} · {scope}"

    def clean(self) -> None:
        super().clean()
        if self.metric in TARGET_RANGES and self.value is not None:
            low, high = TARGET_RANGES[self.metric]
            if not low <= float(self.value) <= high:
                raise ValidationError(
                    {
                        "value": _("A %(metric)s target lies between %(low)s and %(high)s.")
                        % {"metric": self.get_metric_display(), "low": low, "high": high}
                    }
                )
