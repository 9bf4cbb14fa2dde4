"""Translating a survey's own texts: completeness per language, editing, PO/CSV export and import.

The keys are those of `survey_source_texts` (`title`, `question:<id>:text`, `choice:<id>:label`
...); a SurveyTranslation row holds one key in one language. Only keys whose source text is not
empty are offered for translation: an empty help text has nothing to translate.

Import is forgiving per row and strict per file: a file that cannot be read is refused as a
whole, while a readable file stores its good rows and reports each bad one with its number.
A blank translation in a file means "no change", and nothing here touches other languages.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import to_language, to_locale

from ..models import Question, Survey, SurveyTranslation
from .texts import survey_source_texts

CSV_COLUMNS = ("key", "source", "translation")
# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# The source fields' own limits, so a translation fits wherever the source text fits.
FIELD_MAX_LENGTHS = {
    "title": Survey._meta.get_field("title").max_length,
    "help_text": Question._meta.get_field("help_text").max_length,
    "min_label": Question._meta.get_field("min_label").max_length,
    "max_label": Question._meta.get_field("max_label").max_length,
    "label": 200,  # Choice.label
}
TEXT_MAX_LENGTH = 5000
EXPORT_FORMATS = ("po", "csv")


@dataclass(frozen=True)
class TranslationRow:
    key: str
    source: str
    translation: str


@dataclass(frozen=True)
class LanguageCompleteness:
    language: str
    translated: int
    total: int

    @property
    def percent(self) -> int:
        if not self.total:
            return 100
        percent = round(100 * self.translated / self.total)
        # 199 of 200 is not "100%": only a complete language shows 100.
        return min(percent, 99) if self.translated < self.total else percent

    @property
    def complete(self) -> bool:
        return self.translated >= self.total


@dataclass(frozen=True)
class ImportIssue:
    row: int
    key: str
    message: str


@dataclass
class ImportResult:
    saved: int = 0
    unchanged: int = 0
    blank: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)


# ------------------------------------------------------------------ reading


def translation_languages(*, survey: Survey) -> list[str]:
    """The languages a designer translates into: the survey's languages but its default."""
    return [code for code in survey.languages if code != survey.default_language]


def _questions(survey: Survey) -> list[Question]:
    return list(survey.questions.prefetch_related("choices").order_by("page", "position", "id"))


def translatable_texts(*, survey: Survey) -> dict[str, str]:
    """{key: source text} of every key worth translating, in the order of the survey."""
    texts = survey_source_texts(survey=survey, questions=_questions(survey))
    return {key: text for key, text in texts.items() if text.strip()}


def translation_rows(*, survey: Survey, language: str) -> list[TranslationRow]:
    sources = translatable_texts(survey=survey)
    existing = dict(
        SurveyTranslation.objects.filter(
            survey=survey, language=language, key__in=list(sources)
        ).values_list("key", "text")
    )
    return [
        TranslationRow(key=key, source=source, translation=existing.get(key, ""))
        for key, source in sources.items()
    ]


def translation_completeness(
    *, survey: Survey, languages: Iterable[str] | None = None
) -> list[LanguageCompleteness]:
    """How many of the survey's texts each language has; one COUNT query for all languages."""
    languages = list(translation_languages(survey=survey) if languages is None else languages)
    keys = list(translatable_texts(survey=survey))
    counts = dict(
        SurveyTranslation.objects.filter(survey=survey, language__in=languages, key__in=keys)
        .exclude(text="")
        .values("language")
        .annotate(n=Count("id"))
        .values_list("language", "n")
    )
    return [
        LanguageCompleteness(language=code, translated=counts.get(code, 0), total=len(keys))
        for code in languages
    ]


# ------------------------------------------------------------------ writing


def _max_length(key: str) -> int:
    field_name = key.rsplit(":", 1)[-1]
    return FIELD_MAX_LENGTHS.get(field_name) or TEXT_MAX_LENGTH


def _text_error(key: str, text: str) -> str | None:
    limit = _max_length(key)
    if len(text) > limit:
        return _("The translation is longer than %(limit)d characters.") % {"limit": limit}
    if "\x00" in text:
        return _("The translation contains characters that are not allowed.")
    return None


def _check_language(survey: Survey, language: str) -> None:
    if language not in translation_languages(survey=survey):
        raise ValidationError(
            _("%(language)s is not a translation language of this survey."),
            code="invalid_language",
            params={"language": language},
        )


def _store(survey: Survey, language: str, texts: Mapping[str, str]) -> None:
    SurveyTranslation.objects.bulk_create(
        [
            SurveyTranslation(survey=survey, language=language, key=k, text=t)
            for k, t in texts.items()
        ],
        update_conflicts=True,
        unique_fields=["survey", "language", "key"],
        update_fields=["text"],
    )


@transaction.atomic
def translations_save(*, survey: Survey, language: str, texts: Mapping[str, str]) -> int:
    """Store edited translations of one language; an emptied text removes its translation.

    Only the keys passed are touched, so an editor who saved a few rows does not overwrite
    rows someone else changed meanwhile. Returns the number of keys written or removed.
    """
    _check_language(survey, language)
    sources = translatable_texts(survey=survey)
    errors: dict[str, list[str]] = {}
    for key, text in texts.items():
        if key not in sources:
            errors.setdefault(key, []).append(_("This text is not part of the survey."))
        elif message := _text_error(key, text.strip()):
            errors.setdefault(key, []).append(message)
    if errors:
        raise ValidationError(errors)
    filled = {key: text.strip() for key, text in texts.items() if text.strip()}
    emptied = [key for key, text in texts.items() if not text.strip()]
    SurveyTranslation.objects.filter(survey=survey, language=language, key__in=emptied).delete()
    _store(survey, language, filled)
    return len(texts)


# ------------------------------------------------------------------ export


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_uncell(value: str) -> str:
    """Undo `_csv_cell`, so an exported file imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def translations_export_csv(*, survey: Survey, language: str) -> bytes:
    """UTF-8 with a byte-order mark, which spreadsheets need to read Chinese or Persian."""
    _check_language(survey, language)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in translation_rows(survey=survey, language=language):
        writer.writerow([_csv_cell(row.key), _csv_cell(row.source), _csv_cell(row.translation)])
    return buffer.getvalue().encode("utf-8-sig")


def translations_export_po(*, survey: Survey, language: str) -> bytes:
    """A gettext catalog: msgctxt is the key, msgid the source text, msgstr the translation."""
    _check_language(survey, language)
    po = polib.POFile(wrapwidth=0)
    po.metadata = {
        "Project-Id-Version": f"survey {survey.slug}",
        "Language": to_locale(language),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": to_locale(survey.default_language),
    }
    for row in translation_rows(survey=survey, language=language):
        po.append(
            polib.POEntry(msgctxt=row.key, msgid=row.source, msgstr=row.translation, tcomment="")
        )
    return str(po).encode("utf-8")


def translations_export(*, survey: Survey, language: str, fmt: str) -> bytes:
    exporters = {"po": translations_export_po, "csv": translations_export_csv}
    if fmt not in exporters:
        raise ValidationError(_("Unknown export format."), code="invalid_format")
    return exporters[fmt](survey=survey, language=language)


# ------------------------------------------------------------------ import


@dataclass(frozen=True)
class _ParsedRow:
    number: int  # as the translator sees it: spreadsheet row, or PO entry
    key: str
    source: str | None
    translation: str


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("The file is not UTF-8 text. Save it as UTF-8 and upload it again."),
            code="encoding",
        ) from None


def _parse_csv(content: bytes) -> list[_ParsedRow]:
    text = _decode(content)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise ValidationError(
            _("The CSV file cannot be read: %(error)s"), code="csv", params={"error": error}
        ) from None
    if not rows:
        raise ValidationError(_("The file is empty."), code="empty")
    header = [cell.strip().lower() for cell in rows[0]]
    if "key" not in header or "translation" not in header:
        raise ValidationError(
            _("The first row must name the columns: key, source, translation."),
            code="csv_header",
        )
    key_at, translation_at = header.index("key"), header.index("translation")
    source_at = header.index("source") if "source" in header else None
    parsed = []
    for number, cells in enumerate(rows[1:], start=2):  # the header is spreadsheet row 1
        if not any(cell.strip() for cell in cells):
            continue

        def cell(index: int | None, cells: list[str] = cells) -> str:
            return _csv_uncell(cells[index]) if index is not None and index < len(cells) else ""

        parsed.append(
            _ParsedRow(
                number=number,
                key=cell(key_at).strip(),
                source=cell(source_at) if source_at is not None else None,
                translation=cell(translation_at),
            )
        )
    return parsed


def _parse_po(content: bytes, language: str) -> list[_ParsedRow]:
    text = _decode(content)
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("The PO file cannot be read: %(error)s"), code="po", params={"error": error}
        ) from None
    file_language = po.metadata.get("Language", "").strip()
    if file_language and to_language(file_language) != to_language(language):
        raise ValidationError(
            _("This file is for %(file)s, not %(language)s."),
            code="wrong_language",
            params={"file": file_language, "language": to_locale(language)},
        )
    return [
        _ParsedRow(
            number=number,
            key=(entry.msgctxt or "").strip(),
            source=entry.msgid,
            translation=entry.msgstr,
        )
        for number, entry in enumerate(po, start=1)
        if not entry.obsolete
    ]


def _file_format(file_name: str) -> str:
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in EXPORT_FORMATS:
        raise ValidationError(_("Upload a .po or .csv file."), code="invalid_format")
    return extension


@transaction.atomic
def translations_import(
    *, survey: Survey, language: str, file_name: str, content: bytes
) -> ImportResult:
    """Store the good rows of an uploaded PO or CSV file for one language; report the others.

    Raises ValidationError only when the file as a whole cannot be used (format, encoding,
    size, header, the PO file's language).
    """
    _check_language(survey, language)
    if len(content) > IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(size)d MB.") % {"size": IMPORT_MAX_BYTES // 2**20},
            code="too_large",
        )
    fmt = _file_format(file_name)
    rows = _parse_csv(content) if fmt == "csv" else _parse_po(content, language)

    sources = translatable_texts(survey=survey)
    all_keys = set(survey_source_texts(survey=survey, questions=_questions(survey)))
    existing = dict(
        SurveyTranslation.objects.filter(survey=survey, language=language).values_list(
            "key", "text"
        )
    )
    result = ImportResult()
    seen: dict[str, int] = {}
    good: dict[str, str] = {}
    for row in rows:
        if not row.key:
            result.errors.append(ImportIssue(row.number, "", _("The key is missing.")))
            continue
        if row.key not in sources:
            message = (
                _("This text is empty in the survey, so there is nothing to translate.")
                if row.key in all_keys
                else _("This key does not belong to this survey.")
            )
            result.errors.append(ImportIssue(row.number, row.key, message))
            continue
        if row.key in seen:
            result.errors.append(
                ImportIssue(
                    row.number,
                    row.key,
                    _("This key already appeared in row %(row)d.") % {"row": seen[row.key]},
                )
            )
            continue
        seen[row.key] = row.number
        translation = row.translation.strip()
        if not translation:
            result.blank += 1
            continue
        if message := _text_error(row.key, translation):
            result.errors.append(ImportIssue(row.number, row.key, message))
            continue
        if row.source is not None and row.source.strip() != sources[row.key].strip():
            result.warnings.append(
                ImportIssue(
                    row.number,
                    row.key,
                    _("The source text changed since the export; check this translation."),
                )
            )
        if existing.get(row.key) == translation:
            result.unchanged += 1
            continue
        good[row.key] = translation
    _store(survey, language, good)
    result.saved = len(good)
    return result
