"""The cases app's models, one module per concern."""

from .bookkeeping import ResponseEvaluation, StaffProfile
from .cases import Case, CaseEvent, CaseNotice, CaseReply
from .rules import MAX_KEYWORDS, AlertCondition, AlertRule, ReplyTemplate

__all__ = [
    "MAX_KEYWORDS",
    "AlertCondition",
    "AlertRule",
    "Case",
    "CaseEvent",
    "CaseNotice",
    "CaseReply",
    "ReplyTemplate",
    "ResponseEvaluation",
    "StaffProfile",
]
