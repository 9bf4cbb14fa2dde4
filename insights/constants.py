from django.db import models
from django.utils.translation import gettext_lazy as _


class SatisfactionMetric(models.TextChoices):
    """Satisfaction metrics of the customer matrix and of predictions (metrics.MATRIX_METRICS)."""

    NPS = "nps", _("Net Promoter Score")
    CX_INDEX = "cx_index", _("CX index")
    CSAT = "csat", _("Customer satisfaction (% 4-5)")
