"""Present patterns: relationship programmes and their periodic waves."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import VerticalMarket

from ..constants import Audience, WaveStatus
from .invitations import Distribution
from .surveys import Survey


class RelationshipProgramme(models.Model):
    """Present patterns: a relationship survey sent in periodic waves to an audience."""

    name = models.CharField(_("name"), max_length=200)
    survey = models.ForeignKey(
        Survey,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("survey"),
    )
    cadence_months = models.PositiveSmallIntegerField(
        _("every (months)"),
        default=12,
        help_text=_("6 for half-yearly waves, 12 for yearly."),
    )
    first_wave_on = models.DateField(_("first wave on"))
    audience = models.CharField(
        _("audience"),
        max_length=20,
        choices=Audience.choices,
        default=Audience.ALL_ACCOUNTS,
    )
    vertical_markets = models.ManyToManyField(
        VerticalMarket,
        blank=True,
        related_name="programmes",
        verbose_name=_("vertical markets"),
    )
    field_period_days = models.PositiveSmallIntegerField(_("field period (days)"), default=30)
    reminder_after_days = models.PositiveSmallIntegerField(_("remind after (days)"), default=7)
    max_reminders = models.PositiveSmallIntegerField(_("at most reminders"), default=2)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("relationship programme")
        verbose_name_plural = _("relationship programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_months__gte=1),
                name="surveys_programme_cadence_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """One run of a programme; unique per period so a restarted or doubled beat starts it once."""

    programme = models.ForeignKey(
        RelationshipProgramme,
        on_delete=models.CASCADE,
        related_name="waves",
        verbose_name=_("programme"),
    )
    distribution = models.OneToOneField(
        Distribution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wave",
        verbose_name=_("send"),
    )
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("period start"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=WaveStatus.choices,
        default=WaveStatus.SCHEDULED,
    )

    class Meta:
        ordering = ["programme", "-period_start"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "period_start"],
                name="surveys_wave_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="surveys_wave_closes_after_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.name
