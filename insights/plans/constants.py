"""Choices of action plans, targets and reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    # A draft is the version being written; a published plan's current version is frozen.
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class OwnerSide(models.TextChoices):
    OURS = "ours", _("Our side")
    CUSTOMER = "customer", _("The customer's side")


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Plan created")
    EDITED = "edited", _("Plan edited")
    NEW_VERSION = "new_version", _("New version started")
    EVIDENCE = "evidence", _("Evidence refreshed")
    FINDING_ADDED = "finding_added", _("Finding added")
    FINDING_CHANGED = "finding_changed", _("Finding changed")
    FINDING_REMOVED = "finding_removed", _("Finding removed")
    ACTION_ADDED = "action_added", _("Action added")
    ACTION_CHANGED = "action_changed", _("Action changed")
    ACTION_REMOVED = "action_removed", _("Action removed")
    VERBATIMS = "verbatims", _("Verbatims chosen")
    PUBLISHED = "published", _("Version published")
    SHARED = "shared", _("Shared with a contact")
    REVOKED = "revoked", _("Customer link revoked")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the customer")
    COMMENTED = "commented", _("Commented by the customer")
    FOLLOW_UP = "follow_up", _("Follow-up pulse scheduled")


class TargetMetric(models.TextChoices):
    """The metrics a target can set (keys of insights.metrics.METRICS)."""

    NPS = "nps", _("Net Promoter Score")
    CX_INDEX = "cx_index", _("CX index")
    CSAT = "csat", _("Customer satisfaction (% 4-5)")
    CES = "ces", _("Customer effort (mean, 1-7)")


# The values a target of each metric may take (the metric's scale).
TARGET_RANGES = {
    TargetMetric.NPS: (-100, 100),
    TargetMetric.CX_INDEX: (0, 100),
    TargetMetric.CSAT: (0, 100),
    TargetMetric.CES: (1, 7),
}


class TargetState(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    BEHIND = "behind", _("Behind")
    MISSED = "missed", _("Missed")
    NO_DATA = "no_data", _("No answers yet")


class ReportKind(models.TextChoices):
    MONTHLY_PACK = "monthly_pack", _("Monthly operations review")
    PLANS_ZIP = "plans_zip", _("Action plans (ZIP of PDFs)")
    ACTIONS_XLSX = "actions_xlsx", _("Actions (XLSX)")
    ACTIONS_CSV = "actions_csv", _("Actions (CSV)")


EXPORT_KINDS = (ReportKind.PLANS_ZIP, ReportKind.ACTIONS_XLSX, ReportKind.ACTIONS_CSV)


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
