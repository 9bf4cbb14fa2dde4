"""The surveys app's models, one module per concern; import them from here.

- `surveys`: Survey, Question, Choice, SurveyTranslation (what is asked)
- `invitations`: Distribution (a send), Invitation (the ledger of personal links)
- `responses`: Response, Answer (what was answered)
- `programmes`: RelationshipProgramme, Wave (relationship surveys in periodic waves)
- `pulse`: PulseSegment, Inquiry (pulse audiences and qualitative research)

`new_token` and `default_languages` stay importable here: the migrations name them
`surveys.models.new_token` and `surveys.models.default_languages`.
"""

from .invitations import Distribution, Invitation, new_token
from .programmes import RelationshipProgramme, Wave
from .pulse import Inquiry, PulseSegment
from .responses import Answer, Response
from .surveys import Choice, Question, Survey, SurveyTranslation, default_languages

__all__ = [
    "Answer",
    "Choice",
    "Distribution",
    "Inquiry",
    "Invitation",
    "PulseSegment",
    "Question",
    "RelationshipProgramme",
    "Response",
    "Survey",
    "SurveyTranslation",
    "Wave",
    "default_languages",
    "new_token",
]
