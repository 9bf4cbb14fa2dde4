"""Choices of alert rules and cases, and the one table of case state transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MatchMode(models.TextChoices):
    ALL = "all", _("All conditions")
    ANY = "any", _("Any condition")


class ConditionKind(models.TextChoices):
    SURVEY = "survey", _("Survey is")
    SURVEY_KIND = "survey_kind", _("Survey kind is")
    TOUCH_POINT = "touch_point", _("Touch point is")
    ANSWER_NUMBER = "answer_number", _("Score of an answer")
    ANSWER_CHOICE = "answer_choice", _("Choice answered")
    TEXT_CONTAINS = "text_contains", _("Free text contains")
    EVENT_ATTRIBUTE = "event_attribute", _("Event attribute")
    ACCOUNT_QUADRANT = "account_quadrant", _("Account's quadrant in the customer matrix")
    ACCOUNT_BILLED_ABOVE = "account_billed_above", _("Account's billed revenue above")
    ACCOUNT_FORECAST_ABOVE = "account_forecast_above", _("Account's forecast revenue above")


class ScoreTarget(models.TextChoices):
    """Which answers a score condition reads, when it names no single question."""

    NPS = "nps", _("Net Promoter (0-10)")
    RATING = "rating", _("Rating / CSAT")
    EFFORT = "effort", _("Customer effort (1-7)")
    CX_NEEDS = "cx_needs", _("CX index: needs met")
    CX_EASE = "cx_ease", _("CX index: ease")
    CX_EMOTION = "cx_emotion", _("CX index: emotion")
    CX_ANY = "cx_any", _("Any CX index item")


class NumberOperator(models.TextChoices):
    LT = "lt", _("is less than")
    LTE = "lte", _("is at most")
    EQ = "eq", _("equals")
    NE = "ne", _("is not")
    GTE = "gte", _("is at least")
    GT = "gt", _("is greater than")


class TextOperator(models.TextChoices):
    EQUALS = "equals", _("equals")
    NOT_EQUALS = "not_equals", _("is not")
    CONTAINS = "contains", _("contains")


class RouteTarget(models.TextChoices):
    SPECIALIST = "specialist", _("The touch point's specialist")
    GENERAL_MANAGER = "general_manager", _("The account's general manager")
    ACCOUNT_TEAM = "account_team", _("The account team")
    USER = "user", _("A named user")
    TEAM = "team", _("A team")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class CaseState(models.TextChoices):
    # Their own context: a case's state agrees with "case" where a language has genders
    # (Polish: "Zamknięte" zgłoszenie, not the "Zamknięta" ankieta of a survey's status).
    NEW = "new", pgettext_lazy("case state", "New")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("case state", "Acknowledged")
    IN_PROGRESS = "in_progress", pgettext_lazy("case state", "In progress")
    RESOLVED = "resolved", pgettext_lazy("case state", "Resolved")
    CLOSED = "closed", pgettext_lazy("case state", "Closed")


# The one place that says which state may follow which. Leaving NEW in any direction is the
# acknowledgement the SLA measures; closing asks for a root cause and customer contact.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseState.NEW: (CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS, CaseState.CLOSED),
    CaseState.ACKNOWLEDGED: (CaseState.IN_PROGRESS, CaseState.RESOLVED, CaseState.CLOSED),
    CaseState.IN_PROGRESS: (CaseState.RESOLVED, CaseState.CLOSED),
    CaseState.RESOLVED: (CaseState.CLOSED, CaseState.IN_PROGRESS),
    CaseState.CLOSED: (CaseState.IN_PROGRESS,),
}
OPEN_STATES = (CaseState.NEW, CaseState.ACKNOWLEDGED, CaseState.IN_PROGRESS)
DONE_STATES = (CaseState.RESOLVED, CaseState.CLOSED)


class RootCause(models.TextChoices):
    PRODUCT = "product", _("Product defect or limitation")
    PROCESS = "process", _("Service process")
    PEOPLE = "people", _("Staff skills or behaviour")
    COMMUNICATION = "communication", _("Communication or expectations")
    DELAY = "delay", _("Delay or missed appointment")
    BILLING = "billing", _("Billing error")
    THIRD_PARTY = "third_party", _("Third party acting for us")
    CUSTOMER = "customer", _("Customer-side cause")
    NO_FAULT = "no_fault", _("No fault found")
    OTHER = "other", _("Other")


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Opened")
    TRANSITION = "transition", _("State changed")
    ASSIGNED = "assigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated")
    NOTE = "note", _("Note")
    REPLY = "reply", _("Reply sent to the customer")


class NoticeKind(models.TextChoices):
    ASSIGNED = "assigned", _("Case assigned")
    ESCALATED = "escalated", _("Case escalated")


class NoticeStatus(models.TextChoices):
    PENDING = "pending", _("To be mailed")
    SENDING = "sending", _("Being mailed")
    DIGEST = "digest", _("Held for the daily digest")
    SENT = "sent", _("Mailed")
    FAILED = "failed", _("Failed")


class ReplyStatus(models.TextChoices):
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
