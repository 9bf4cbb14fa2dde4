from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import AccountStatus, AuditAction, BusinessFunction, Channel, Language
from .querysets import AccountQuerySet, ContactQuerySet
from .validators import no_line_breaks


class VerticalMarket(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    general_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_vertical_markets",
        verbose_name=_("general managers"),
        help_text=_("They see every account of this vertical market."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("vertical market")
        verbose_name_plural = _("vertical markets")

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    """A customer company: the CRM facts that sit beside the customer's own words."""

    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The account's id in the CRM or billing system."),
    )
    vertical_market = models.ForeignKey(
        VerticalMarket,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("vertical market"),
    )
    account_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="team_accounts",
        verbose_name=_("account team"),
    )
    general_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_accounts",
        verbose_name=_("general manager"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccountStatus.choices,
        default=AccountStatus.ACTIVE,
    )
    status_changed_at = models.DateTimeField(
        _("status changed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the status last changed, e.g. when the account was lost."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        # Granted by name only (cem_project/roles.py): the codename starts with none of the
        # prefixes of Django's default permissions, so no pattern over them picks it up.
        permissions = [
            ("scope_all_accounts", _("Sees every account")),
            ("report_events_all_accounts", _("Reports touch-point events for every account")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Every write path (services, admin, imports) stamps the change of status here, so
        # loyalty reports know when an account was lost.
        loaded = getattr(self, "_loaded_status", None)
        changed = self._state.adding and self.status != AccountStatus.ACTIVE
        changed = changed or (
            not self._state.adding and loaded is not None and loaded != self.status
        )
        update_fields = kwargs.get("update_fields")
        if changed and (update_fields is None or "status" in update_fields):
            self.status_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "status_changed_at"}
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @classmethod
    def from_db(cls, db, field_names, values):
        account = super().from_db(db, field_names, values)
        account._loaded_status = account.__dict__.get("status")
        return account


class AccountRevenue(models.Model):
    """Billed and forecast revenue of an account for one period (imported from billing/CRM)."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="revenues",
        verbose_name=_("account"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    billed = models.DecimalField(_("billed revenue"), max_digits=14, decimal_places=2, default=0)
    forecast = models.DecimalField(
        _("forecast revenue"),
        max_digits=14,
        decimal_places=2,
        default=0,
        help_text=_("Orders placed but not paid, plus potential orders."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    class Meta:
        ordering = ["account", "-period_start"]
        verbose_name = _("account revenue")
        verbose_name_plural = _("account revenues")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period_start"],
                name="customers_accountrevenue_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="customers_accountrevenue_period_order",
            ),
            models.CheckConstraint(
                condition=Q(billed__gte=0) & Q(forecast__gte=0),
                name="customers_accountrevenue_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.period_start:%Y-%m}"


class Contact(models.Model):
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=Language.choices,
        default=Language.ENGLISH,
    )
    role = models.CharField(_("role"), max_length=120, blank=True, validators=[no_line_breaks])
    is_key_contact = models.BooleanField(_("key contact"), default=False)
    opted_out = models.BooleanField(_("opted out"), default=False)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("erased at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Personal data erased; the answers stay in the figures, anonymised."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["account", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        permissions = [
            ("erase_contact", _("Can erase a contact's personal data")),
            ("export_contact", _("Can export a contact's personal data")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "email"],
                name="customers_contact_unique_email_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class TouchPoint(models.Model):
    """One instance of direct contact; `corridor_position` orders the customer corridor."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    owning_function = models.CharField(
        _("owning function"),
        max_length=30,
        choices=BusinessFunction.choices,
    )
    corridor_position = models.PositiveSmallIntegerField(_("position in corridor"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="specialist_touch_points",
        verbose_name=_("specialist"),
        help_text=_("Receives the problems that alert rules route to this touch point."),
    )

    class Meta:
        ordering = ["corridor_position", "code"]
        verbose_name = _("touch point")
        verbose_name_plural = _("touch points")

    def __str__(self) -> str:
        return self.name


class TouchPointEvent(models.Model):
    """A completed transaction for a contact at a touch point, as reported by a source system."""

    external_id = models.CharField(_("external id"), max_length=120, unique=True)
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("contact"),
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("touch point"),
    )
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("touch-point event")
        verbose_name_plural = _("touch-point events")

    def __str__(self) -> str:
        return f"{self.touch_point.code}:{self.external_id}"


class AuditLogEntry(models.Model):
    """Who viewed, exported or erased a contact's personal data, when and through what.

    Ids, never names or addresses: the log outlives the data it is about (an erased contact's
    entries stay), and must not hold the personal data itself.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_username = models.CharField(
        _("username"), max_length=150, blank=True, help_text=_("Empty for the retention task.")
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    subject = models.CharField(_("subject"), max_length=40, help_text=_("e.g. contact, response"))
    object_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    contact_id = models.BigIntegerField(_("contact id"), null=True, blank=True, db_index=True)
    via = models.CharField(_("via"), max_length=20, help_text=_("api, admin, web or retention"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action} {self.subject}"
