"""The account team's expected score per account before a wave: the perception gap."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..constants import SatisfactionMetric


class Prediction(models.Model):
    """What the account team expects an account to score in a relationship wave, recorded
    before its answers are known; beside the customers' own score it makes the perception gap.
    """

    account = models.ForeignKey(
        "customers.Account",
        on_delete=models.CASCADE,
        related_name="predictions",
        verbose_name=_("account"),
    )
    wave = models.ForeignKey(
        "surveys.Wave",
        on_delete=models.CASCADE,
        related_name="predictions",
        verbose_name=_("wave"),
    )
    metric = models.CharField(
        _("metric"),
        max_length=12,
        choices=SatisfactionMetric.choices,
        default=SatisfactionMetric.NPS,
    )
    score = models.DecimalField(
        _("predicted score"),
        max_digits=4,
        decimal_places=1,
        help_text=_("NPS from -100 to 100; CX index and CSAT from 0 to 100."),
    )
    predicted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("predicted by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["wave", "account__name", "metric"]
        verbose_name = _("prediction")
        verbose_name_plural = _("predictions")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "wave", "metric"],
                name="insights_prediction_unique_account_wave_metric",
                violation_error_message=_(
                    "This account already has a prediction of this metric for this wave."
                ),
            ),
            models.CheckConstraint(
                condition=Q(metric__in=SatisfactionMetric.values),
                name="insights_prediction_metric_known",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=-100, score__lte=100)
                & (Q(metric=SatisfactionMetric.NPS) | Q(score__gte=0)),
                name="insights_prediction_score_in_scale",
                violation_error_message=_(
                    "The score is outside the metric's scale (NPS -100 to 100, others 0 to 100)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} · {self.wave} · {self.metric} {self.score}"
