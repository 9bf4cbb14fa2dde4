"""Potential patterns: pulse segments and the qualitative inquiries beside them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, TouchPoint, VerticalMarket

from ..constants import InquiryKind, Quadrant
from .surveys import Survey


class PulseSegment(models.Model):
    """Potential patterns: a saved filter of contacts, with an optional reproducible sample."""

    name = models.CharField(_("name"), max_length=200)
    vertical_markets = models.ManyToManyField(
        VerticalMarket,
        blank=True,
        related_name="+",
        verbose_name=_("vertical markets"),
    )
    quadrants = models.JSONField(_("matrix quadrants"), default=list, blank=True)
    touch_points = models.ManyToManyField(
        TouchPoint,
        blank=True,
        related_name="+",
        verbose_name=_("touch points experienced"),
    )
    experienced_since = models.DateField(_("experienced since"), null=True, blank=True)
    experienced_until = models.DateField(_("experienced until"), null=True, blank=True)
    roles = models.JSONField(_("contact roles"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    key_contacts_only = models.BooleanField(_("key contacts only"), default=False)
    sample_size = models.PositiveIntegerField(_("random sample size"), null=True, blank=True)
    seed = models.IntegerField(_("sample seed"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pulse segment")
        verbose_name_plural = _("pulse segments")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        for name, known in (("quadrants", Quadrant.values), ("languages", Language.values)):
            values = getattr(self, name)
            if not isinstance(values, list) or any(v not in known for v in values):
                errors[name] = _("Choose from the list.")
        if not isinstance(self.roles, list) or not all(isinstance(r, str) for r in self.roles):
            errors["roles"] = _("Choose from the list.")
        since, until = self.experienced_since, self.experienced_until
        if since and until and until < since:
            errors["experienced_until"] = _("The period ends before it starts.")
        if self.sample_size == 0:
            errors["sample_size"] = _(
                "A sample needs at least one contact; leave it empty for all."
            )
        if errors:
            raise ValidationError(errors)


class Inquiry(models.Model):
    """Qualitative research beside the pulse surveys: interview or focus-group notes."""

    kind = models.CharField(_("kind"), max_length=20, choices=InquiryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"), blank=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("account"),
    )
    survey = models.ForeignKey(
        Survey,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("related pulse survey"),
    )
    themes = models.CharField(
        _("themes"), max_length=300, blank=True, help_text=_("Comma-separated.")
    )
    notes = models.TextField(_("notes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("inquiry")
        verbose_name_plural = _("inquiries")

    def __str__(self) -> str:
        return self.title
