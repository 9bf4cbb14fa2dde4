"""The models of `plans`, one module per concern."""

from .plans import Action, ActionPlan, Finding, FrozenError, PlanChange, PlanVerbatim, PlanVersion
from .reports import Report
from .sharing import ActionComment, ActionFollowUp, PlanAcknowledgement, PlanShare
from .targets import ExperienceTarget

__all__ = [
    "Action",
    "ActionComment",
    "ActionFollowUp",
    "ActionPlan",
    "ExperienceTarget",
    "Finding",
    "FrozenError",
    "PlanAcknowledgement",
    "PlanChange",
    "PlanShare",
    "PlanVerbatim",
    "PlanVersion",
    "Report",
]
