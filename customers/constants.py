from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    ENGLISH = "en", _("English")
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")
    POLISH = "pl", _("Polish")
    PERSIAN = "fa", _("Persian")


RTL_LANGUAGES = frozenset({Language.PERSIAN})


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost")
    DEFECTED = "defected", _("Defected")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Web")
    FIELD = "field", _("Field service")
    MAIL = "mail", _("Mail / document")


class BusinessFunction(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SERVICE_OPERATIONS = "service_operations", _("Service operations")
    PRODUCT_DEVELOPMENT = "product_development", _("Product development")
    IT = "it", _("IT")
    HR = "hr", _("HR")
    ACCOUNT_TEAMS = "account_teams", _("Account teams")
    FINANCE = "finance", _("Finance")
    LOGISTICS = "logistics", _("Logistics")


class AuditAction(models.TextChoices):
    VIEWED = "viewed", _("Viewed")
    EXPORTED = "exported", _("Exported")
    ERASED = "erased", _("Erased")
