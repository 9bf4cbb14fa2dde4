"""The respondent-facing text of a survey in one language, falling back per key to the source.

Keys are shared with SurveyTranslation rows: `title`, `intro`, `thank_you`,
`question:<id>:<field>` and `choice:<id>:label`. Language switching and translation export
build on `survey_source_texts` and `survey_texts`, so keep every key defined here.

Piping: texts may name fields of the invited contact, its account or the touch-point event,
written `{contact.name}`, `{contact.first_name}`, `{contact.role}`, `{account.name}`,
`{event.external_id}`, `{event.occurred_at}`, `{event.touch_point}` or any key of the event's
attributes (`{event.technician}`). Substitution is a regular expression over plain text, never
a template engine. A placeholder of a known source (contact, account, event) whose field is
unknown or empty becomes blank; anything else in braces (`{price}`) is left as written. Values
are plain text: templates escape labels, and rich texts (intro, thank-you) are sanitized
first and get HTML-escaped values.
"""

import dataclasses
import re
from collections.abc import Callable, Iterable

import nh3
from django.conf import settings
from django.utils import formats
from django.utils.html import conditional_escape, escape, format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info, gettext

from ..models import Invitation, Question, Survey, SurveyTranslation

SURVEY_FIELDS = ("title", "intro", "thank_you")
QUESTION_FIELDS = ("text", "help_text", "min_label", "max_label")
RICH_FIELDS = ("intro", "thank_you")

PLACEHOLDER = re.compile(r"\{(contact|account|event)\.([A-Za-z_][A-Za-z0-9_]{0,60})\}")
PIPED_VALUE_MAX_LENGTH = 200

ALLOWED_TAGS = {"a", "b", "br", "em", "i", "li", "ol", "p", "strong", "ul"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

Lookup = Callable[[str, str], str]


def question_key(question_id: int, field: str) -> str:
    return f"question:{question_id}:{field}"


def choice_key(choice_id: int) -> str:
    return f"choice:{choice_id}:label"


def sanitize_rich_text(text: str) -> str:
    """Staff-authored intro and thank-you text may hold simple markup: allowlist it."""
    if "<" not in text:
        # Plain text: keep the author's paragraphs and line breaks.
        text = linebreaks(escape(text))
    return nh3.clean(
        text,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def pipe_text(text: str, lookup: Lookup | None, *, html: bool = False) -> str:
    """Fill `{source.field}` placeholders; `html` escapes the values (for sanitized HTML)."""
    if lookup is None or "{" not in text:
        return text

    def replace(match: re.Match) -> str:
        value = lookup(match.group(1), match.group(2))[:PIPED_VALUE_MAX_LENGTH]
        return escape(value) if html else value

    return PLACEHOLDER.sub(replace, text)


def _plain(value) -> str:
    if value is None or isinstance(value, dict | list | tuple):
        return ""
    return " ".join(str(value).split())


def invitation_piping(invitation: Invitation) -> Lookup:
    """Values for the placeholders of one invitation (contact, account and event).

    Read on the first placeholder only: most texts have none, and the account (a join the
    answering pages then need not make) is loaded only for a text that pipes from it."""
    values: dict[tuple[str, str], object] = {}

    def load() -> dict[tuple[str, str], object]:
        contact = invitation.contact
        event = invitation.event
        values.update(
            {
                ("contact", "name"): contact.name,
                ("contact", "first_name"): (contact.name.split() or [""])[0],
                ("contact", "role"): contact.role,
                ("account", "name"): contact.account.name,
            }
        )
        if event is not None:
            attributes = event.attributes if isinstance(event.attributes, dict) else {}
            values.update({("event", str(key)): value for key, value in attributes.items()})
            values[("event", "external_id")] = event.external_id
            values[("event", "occurred_at")] = formats.date_format(event.occurred_at, "DATE_FORMAT")
            values[("event", "touch_point")] = event.touch_point.name
        return values

    def lookup(source: str, name: str) -> str:
        return _plain((values or load()).get((source, name)))

    return lookup


def sample_piping() -> Lookup:
    """Preview: plausible sample values, and `[field]` for event attributes."""
    samples = {
        ("contact", "name"): gettext("Alex Sample"),
        ("contact", "first_name"): gettext("Alex"),
        ("contact", "role"): gettext("Operations manager"),
        ("account", "name"): gettext("Sample Company Ltd"),
        ("event", "external_id"): "EVT-12345",
    }

    def lookup(source: str, name: str) -> str:
        return samples.get((source, name), f"[{name}]")

    return lookup


def _direction(language: str) -> str:
    try:
        return "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        return "auto"


@dataclasses.dataclass(frozen=True)
class SurveyTexts:
    language: str
    texts: dict[str, str]
    piping: Lookup | None = dataclasses.field(default=None, compare=False)
    # Keys shown in `source_language` because `language` has no translation of them.
    fallbacks: frozenset[str] = frozenset()
    source_language: str = ""

    def __getitem__(self, key: str) -> str:
        # KeyError on unknown keys lets templates fall back to attributes (`texts.language`).
        return pipe_text(self.texts[key], self.piping)

    def question(self, question: Question, field: str) -> str:
        return pipe_text(self.texts.get(question_key(question.pk, field), ""), self.piping)

    def choice(self, choice) -> str:
        return pipe_text(self.texts.get(choice_key(choice.pk), ""), self.piping)

    def rich(self, key: str) -> SafeString:
        """Sanitized HTML of a rich text with piped, escaped values."""
        text = self.texts.get(key, "")
        if not text:
            return mark_safe("")  # noqa: S308 - empty string
        html = pipe_text(sanitize_rich_text(text), self.piping, html=True)
        if key in self.fallbacks:
            return format_html("<div{}>{}</div>", self.attrs(key), mark_safe(html))  # noqa: S308
        return mark_safe(html)  # noqa: S308 - nh3 allowlist output plus escaped values

    # A text that fell back to the source language is marked with that language and its
    # direction: on a Persian page an English "How likely ...?" keeps its "?" at the end,
    # and a screen reader reads it in English.

    def attrs(self, key: str) -> SafeString:
        """` lang=".." dir=".."` for the element showing `key` if it is a fallback, else ""."""
        if key not in self.fallbacks:
            return mark_safe("")  # noqa: S308 - empty string
        language = self.source_language
        return format_html(' lang="{}" dir="{}"', language, _direction(language))

    def display(self, key: str) -> SafeString:
        """The piped text as escaped HTML; a fallback is wrapped in a span marked with its
        language. For form labels and choices, which are rendered as given."""
        text = pipe_text(self.texts.get(key, ""), self.piping)
        if not text or key not in self.fallbacks:
            return conditional_escape(text)
        return format_html("<span{}>{}</span>", self.attrs(key), text)

    def question_display(self, question: Question, field: str) -> SafeString:
        return self.display(question_key(question.pk, field))

    def choice_display(self, choice) -> SafeString:
        return self.display(choice_key(choice.pk))

    @property
    def title_attrs(self) -> SafeString:
        return self.attrs("title")

    @property
    def intro_html(self) -> SafeString:
        return self.rich("intro")

    @property
    def thank_you_html(self) -> SafeString:
        return self.rich("thank_you")


def survey_source_texts(*, survey: Survey, questions: Iterable[Question]) -> dict[str, str]:
    """Every translatable key with the survey's own text (questions need choices prefetched)."""
    texts = {field: getattr(survey, field) for field in SURVEY_FIELDS}
    for question in questions:
        for field in QUESTION_FIELDS:
            texts[question_key(question.pk, field)] = getattr(question, field)
        for choice in question.choices.all():
            texts[choice_key(choice.pk)] = choice.label
    return texts


def survey_texts(
    *,
    survey: Survey,
    questions: Iterable[Question],
    language: str,
    piping: Lookup | None = None,
) -> SurveyTexts:
    """Texts in `language`, each missing or empty translation falling back to the source.
    The source is in the survey's default language, so that language reads no translations.

    Without `piping` placeholders are left as written (exports, admin); respondent pages pass
    `invitation_piping(invitation)`, the preview `sample_piping()`.
    """
    texts = survey_source_texts(survey=survey, questions=questions)
    fallbacks: frozenset[str] = frozenset()
    if language != survey.default_language:
        # The source texts are written in the default language: nothing to look up for it.
        translated = dict(
            SurveyTranslation.objects.filter(survey=survey, language=language, key__in=list(texts))
            .exclude(text="")
            .values_list("key", "text")
        )
        fallbacks = frozenset(key for key, text in texts.items() if text and key not in translated)
        texts.update(translated)
    return SurveyTexts(
        language=language,
        texts=texts,
        piping=piping,
        fallbacks=fallbacks,
        source_language=survey.default_language,
    )


def survey_language_codes(survey: Survey) -> list[str]:
    """The languages a respondent may choose: the survey's default language first, then the
    survey's other languages that the site supports."""
    supported = dict(settings.LANGUAGES)
    codes = [survey.default_language, *(survey.languages or [])]
    return [code for code in dict.fromkeys(codes) if isinstance(code, str) and code in supported]
