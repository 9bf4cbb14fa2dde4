"""Who was asked: sends (distributions) and the invitation ledger, one row per personal link."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, TouchPointEvent

from ..constants import DistributionOrigin, InvitationStatus, SkipReason
from ..querysets import InvitationQuerySet
from .surveys import Survey


def new_token() -> str:
    """256 random bits from the OS CSPRNG, URL-safe; never derived from ids."""
    return secrets.token_urlsafe(32)


class Distribution(models.Model):
    """One send of a survey: by hand, a relationship wave, a pulse, or the stream of events."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="distributions",
        verbose_name=_("survey"),
    )
    name = models.CharField(_("name"), max_length=200)
    origin = models.CharField(
        _("origin"),
        max_length=20,
        choices=DistributionOrigin.choices,
        default=DistributionOrigin.MANUAL,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("send")
        verbose_name_plural = _("sends")

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """The ledger row of one personal link: the database, not the broker, says who was invited."""

    survey = models.ForeignKey(
        Survey,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("survey"),
    )
    distribution = models.ForeignKey(
        Distribution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("send"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("contact"),
    )
    # RESTRICT, not SET_NULL: nulling the event of a contact's event invitations (all in the
    # survey's one continuous send) before they are deleted collided with the partial unique
    # constraint below. An event cannot be deleted under the invitations it caused; deleting
    # its contact or account deletes both.
    event = models.ForeignKey(
        TouchPointEvent,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("event"),
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    skip_reason = models.CharField(
        _("skip reason"),
        max_length=20,
        choices=SkipReason.choices,
        blank=True,
    )
    send_after = models.DateTimeField(
        _("send after"),
        null=True,
        blank=True,
        help_text=_("The schedule: not mailed before this time (empty: at once)."),
    )
    leased_until = models.DateTimeField(
        _("leased until"),
        null=True,
        blank=True,
        help_text=_(
            "Queued or being sent: the dispatcher leaves the row alone until then, and treats"
            " it as lost afterwards."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "contact"],
                condition=Q(distribution__isnull=False, event__isnull=True),
                name="surveys_invitation_one_per_contact_per_send",
            ),
            models.UniqueConstraint(
                fields=["survey", "event"],
                condition=Q(event__isnull=False),
                name="surveys_invitation_one_per_event",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "send_after"], name="surveys_inv_due_idx"),
            models.Index(fields=["status", "leased_until"], name="surveys_inv_lease_idx"),
            models.Index(fields=["contact", "sent_at"], name="surveys_inv_contact_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} → {self.contact}"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/s/{self.token}/"
