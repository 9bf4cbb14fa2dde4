"""A plan shared with the customer: one personal link per contact, their acknowledgements and
their comments on actions; and the follow-up pulse of a done action."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from surveys.models import Distribution, Survey, new_token

from .plans import Action, ActionPlan, PlanVersion


class PlanShare(models.Model):
    """The link `/p/<token>/` of one contact to one plan: 256 random bits (surveys.new_token),
    revocable, expiring. Unknown, revoked and expired links answer the same 404."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="shares", verbose_name=_("plan")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="plan_shares", verbose_name=_("contact")
    )
    token = models.CharField(
        _("token"), max_length=64, unique=True, default=new_token, editable=False
    )
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shared by"),
    )
    created_at = models.DateTimeField(_("shared at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-created_at"]
        verbose_name = _("customer link")
        verbose_name_plural = _("customer links")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "contact"],
                condition=Q(revoked_at__isnull=True),
                name="plans_planshare_one_live_per_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} → {self.contact}"

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/p/{self.token}/"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class PlanAcknowledgement(models.Model):
    """A contact acknowledged one published version (once: a constraint, not only a check)."""

    share = models.ForeignKey(PlanShare, on_delete=models.CASCADE, related_name="acknowledgements")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("team notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "contact"], name="plans_planacknowledgement_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact} v{self.version.number}"


class ActionComment(models.Model):
    """A contact's comment on one action, seen by the team (and by that contact)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    share = models.ForeignKey(PlanShare, on_delete=models.CASCADE, related_name="comments")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    notified_at = models.DateTimeField(_("team notified at"), null=True, blank=True)

    class Meta:
        ordering = ["action", "created_at", "pk"]
        verbose_name = _("customer comment")
        verbose_name_plural = _("customer comments")

    def __str__(self) -> str:
        return self.text[:60]


class ActionFollowUp(models.Model):
    """The short pulse that closes the loop on a done action: sent through the surveys'
    send (`distribution_create`) to the contacts the action concerned. `before` keeps their
    scores as they stood when it was scheduled; the after scores are read from its send."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="follow_up")
    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="+")
    distribution = models.OneToOneField(
        Distribution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    send_after = models.DateTimeField(_("sent after"))
    before = models.JSONField(_("scores before"), default=dict)
    before_since = models.DateField(_("before: answers since"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("scheduled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up pulse")
        verbose_name_plural = _("follow-up pulses")

    def __str__(self) -> str:
        return f"{self.action} → {self.survey}"
