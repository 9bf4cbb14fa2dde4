"""An account's action plan: its evidence, findings and actions, its frozen published versions
and the history of who changed what."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from customers.constants import Language
from customers.models import Account, Contact, TouchPoint
from surveys.constants import Driver
from surveys.models import Answer, Wave

from ..constants import ActionStatus, ChangeKind, OwnerSide, PlanStatus
from ..querysets import ActionPlanQuerySet, ActionQuerySet


class ActionPlan(models.Model):
    """One account's plan for one relationship wave or one period: the working copy the team
    edits. What the customer sees is the latest PlanVersion, frozen when it was published."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="action_plans", verbose_name=_("account")
    )
    wave = models.ForeignKey(
        Wave,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_plans",
        verbose_name=_("relationship wave"),
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language of the plan"),
        max_length=10,
        choices=Language.choices,
        default=Language.ENGLISH,
        help_text=_("The language the team writes the findings and actions in."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        help_text=_("The version being written (draft) or last published."),
    )
    published_at = models.DateTimeField(_("last published at"), null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    evidence_at = models.DateTimeField(_("evidence gathered at"), null=True, blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Never shown to the customer.")
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "account__name", "pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "wave"],
                condition=Q(wave__isnull=False),
                name="plans_actionplan_one_per_account_wave",
            ),
            models.UniqueConstraint(
                fields=["account", "period_start", "period_end"],
                condition=Q(wave__isnull=True),
                name="plans_actionplan_one_per_account_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plans_actionplan_period_order",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="plans_actionplan_version"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    @property
    def last_published_number(self) -> int | None:
        """The number of the version the customer sees, if any."""
        if self.status == PlanStatus.PUBLISHED:
            return self.version
        return self.version - 1 if self.version > 1 else None


class FrozenError(RuntimeError):
    """A published version was about to change."""


class PlanVersion(models.Model):
    """A published version: a frozen copy of what the customer sees (no internal notes)."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan")
    )
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["plan", "-number"]
        verbose_name = _("published version")
        verbose_name_plural = _("published versions")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"], name="plans_planversion_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise FrozenError("A published version never changes; edit the plan instead.")
        return super().save(*args, **kwargs)


class Finding(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="findings", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("finding"), max_length=200)
    text = models.TextField(_("details"), blank=True)
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touch point"),
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Driver.choices, blank=True)
    from_evidence = models.BooleanField(
        _("suggested from the evidence"), default=False, editable=False
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(
        _("owner"), max_length=10, choices=OwnerSide.choices, default=OwnerSide.OURS
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("owner (our side)"),
    )
    owner_name = models.CharField(
        _("owner's name"),
        max_length=200,
        blank=True,
        help_text=_("Who owns it on the customer's side, or a name on ours."),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touch point"),
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Driver.choices, blank=True)
    target = models.CharField(
        _("target"), max_length=200, blank=True, help_text=_("e.g. installation NPS 30 by June")
    )
    internal_note = models.TextField(
        _("internal note"), blank=True, help_text=_("Never shown to the customer.")
    )
    contacts = models.ManyToManyField(
        Contact,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("contacts it concerns"),
        help_text=_("A follow-up pulse goes to these contacts once the action is done."),
    )
    completed_at = models.DateTimeField(_("done at"), null=True, blank=True)
    first_published = models.PositiveIntegerField(
        _("first published in version"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE, completed_at__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(completed_at__isnull=True)),
                name="plans_action_done_has_completed_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_display(self) -> str:
        if self.owner_user_id and self.owner_side == OwnerSide.OURS:
            user = self.owner_user
            return user.get_full_name() or user.get_username()
        return self.owner_name


class PlanVerbatim(models.Model):
    """A comment from the account's answers that the team chose to show, anonymised unless
    the team chose to name who said it."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="verbatims", verbose_name=_("plan")
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    score = models.SmallIntegerField(_("NPS answered with it"), null=True, blank=True)
    touch_point = models.ForeignKey(
        TouchPoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("touch point"),
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    attributed = models.BooleanField(
        _("name the contact"),
        default=False,
        help_text=_("Off: shown anonymised, without name or role."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("verbatim")
        verbose_name_plural = _("verbatims")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "answer"],
                condition=Q(answer__isnull=False),
                name="plans_planverbatim_one_per_answer",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def attribution(self) -> str | None:
        """Who said it, when the team chose to say so; None when anonymised."""
        if not self.attributed or self.contact is None:
            return None
        return ", ".join(part for part in (self.contact.name, self.contact.role) if part)


class PlanChange(models.Model):
    """One line of a plan's history: who (a staff user or a contact) did what, in which version,
    with the fields changed as {field: [before, after]}."""

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan")
    )
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("what"), max_length=20, choices=ChangeKind.choices)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by (staff)"),
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by (customer)"),
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "-created_at", "-pk"]
        verbose_name = _("plan change")
        verbose_name_plural = _("plan history")
        indexes = [models.Index(fields=["plan", "created_at"], name="plans_change_plan_idx")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.version} {self.kind}"

    @property
    def who(self) -> str:
        if self.actor_id:
            return self.actor.get_full_name() or self.actor.get_username()
        if self.contact_id:
            return self.contact.name
        return ""
