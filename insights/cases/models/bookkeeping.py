"""Bookkeeping: which responses the rules ran on, and staff users' mail preferences."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Response

USER = settings.AUTH_USER_MODEL


class ResponseEvaluation(models.Model):
    """Marks a response whose rules ran; the sweep evaluates completed responses without one.
    Inserting it first also makes a second, concurrent evaluation of the response a no-op."""

    response = models.OneToOneField(
        Response,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="case_evaluation",
        verbose_name=_("response"),
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), default=timezone.now)
    rules_checked = models.PositiveIntegerField(_("rules checked"), default=0)
    cases_opened = models.PositiveIntegerField(_("cases opened"), default=0)

    class Meta:
        verbose_name = _("response evaluation")
        verbose_name_plural = _("response evaluations")

    def __str__(self) -> str:
        return f"{self.response_id} @ {self.evaluated_at:%Y-%m-%d %H:%M}"


class StaffProfile(models.Model):
    """A staff user's preferences for case mail: the language (else LANGUAGE_CODE) and
    whether to receive one daily digest instead of a mail per case."""

    user = models.OneToOneField(
        USER, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("user")
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    digest_only = models.BooleanField(
        _("daily digest only"),
        default=False,
        help_text=_("One mail a day listing new cases instead of a mail per case."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)
