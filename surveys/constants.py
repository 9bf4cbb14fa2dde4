from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SurveyKind(models.TextChoices):
    TRANSACTION = "transaction", _("Transaction (continuous)")
    RELATIONSHIP = "relationship", _("Relationship (periodic)")
    PULSE = "pulse", _("Pulse (targeted)")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")


class QuestionType(models.TextChoices):
    NPS = "nps", _("Net Promoter (0-10)")
    RATING = "rating", _("Rating scale (CSAT 1-5 or custom)")
    EFFORT = "effort", _("Customer effort (1-7)")
    CX_NEEDS = "cx_needs", _("CX index: needs met (1-5)")
    CX_EASE = "cx_ease", _("CX index: ease (1-5)")
    CX_EMOTION = "cx_emotion", _("CX index: emotion (1-5)")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TEXT = "text", _("Free text")


CX_INDEX_TYPES = (QuestionType.CX_NEEDS, QuestionType.CX_EASE, QuestionType.CX_EMOTION)
CHOICE_TYPES = (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)

# Fixed scales per type; RATING takes its bounds from the question (default 1-5 CSAT).
FIXED_SCALES: dict[str, tuple[int, int]] = {
    QuestionType.NPS: (0, 10),
    QuestionType.EFFORT: (1, 7),
    QuestionType.CX_NEEDS: (1, 5),
    QuestionType.CX_EASE: (1, 5),
    QuestionType.CX_EMOTION: (1, 5),
}
SCALE_TYPES = (*FIXED_SCALES, QuestionType.RATING)

# The end labels (lowest, highest) of the standard scales. Product strings: translated in the
# message catalogs and copied into every language of a survey made from a template
# (services/templates.py), where a designer may still reword them per survey.
SCALE_LABELS = {
    "likely": (
        pgettext_lazy("scale end label", "Not at all likely"),
        pgettext_lazy("scale end label", "Extremely likely"),
    ),
    "satisfied": (
        pgettext_lazy("scale end label", "Very dissatisfied"),
        pgettext_lazy("scale end label", "Very satisfied"),
    ),
    "needs_met": (
        pgettext_lazy("scale end label", "Not at all"),
        pgettext_lazy("scale end label", "Completely"),
    ),
    "ease": (
        pgettext_lazy("scale end label", "Very hard"),
        pgettext_lazy("scale end label", "Very easy"),
    ),
    "emotion": (
        pgettext_lazy("scale end label", "Very bad"),
        pgettext_lazy("scale end label", "Very good"),
    ),
    "effort": (
        pgettext_lazy("scale end label", "Very difficult"),
        pgettext_lazy("scale end label", "Very easy"),
    ),
}


class Driver(models.TextChoices):
    PRODUCT = "product", _("Product")
    SERVICE = "service", _("Service")
    RELATIONSHIP = "relationship", _("Relationship")
    CONVENIENCE = "convenience", _("Convenience (effort)")
    BRAND = "brand", _("Brand image")
    PRICE = "price", _("Price")


class ConditionOperator(models.TextChoices):
    LT = "lt", _("is less than")
    LTE = "lte", _("is at most")
    EQ = "eq", _("equals")
    NE = "ne", _("is not")
    GTE = "gte", _("is at least")
    GT = "gt", _("is greater than")
    ANSWERED = "answered", _("was answered")


class DistributionOrigin(models.TextChoices):
    MANUAL = "manual", _("Sent by hand")
    TRANSACTION = "transaction", _("Touch-point event")
    WAVE = "wave", _("Relationship wave")
    PULSE = "pulse", _("Pulse segment")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")
    SKIPPED = "skipped", _("Skipped")


class SkipReason(models.TextChoices):
    OPTED_OUT = "opted_out", _("Contact opted out")
    CONTACT_FATIGUE = "contact_fatigue", _("Contact surveyed too recently")
    ACCOUNT_FATIGUE = "account_fatigue", _("Account surveyed too often")
    SURVEY_NOT_LIVE = "survey_not_live", _("Survey not live")


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


class Audience(models.TextChoices):
    ALL_ACCOUNTS = "all_accounts", _("All accounts")
    VERTICAL_MARKETS = "vertical_markets", _("Chosen vertical markets")
    KEY_CONTACTS = "key_contacts", _("Key contacts only")


class WaveStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("In the field")
    CLOSED = "closed", _("Closed")


class InquiryKind(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    FOCUS_GROUP = "focus_group", _("Focus group")
    FORUM = "forum", _("Forum or community")
    OBSERVATION = "observation", _("Observation")


class Quadrant(models.TextChoices):
    MODEL = "model", _("Model")
    AT_RISK = "at_risk", _("At risk")
    GROWTH = "growth", _("Growth")
    DANGLING = "dangling", _("Dangling")
