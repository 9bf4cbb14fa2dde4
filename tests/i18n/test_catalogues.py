"""What tests/surveys/test_i18n.py leaves out of the catalogues' checks (it holds every entry
translated, none fuzzy, placeholders kept): HTML tags kept, every plural form the file's
Plural-Forms header asks for, and Latin digits in Persian. Reads the .po files only."""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PERSIAN_DIGITS = re.compile("[۰-۹٠-٩]")


@cache
def catalogue(path: Path) -> polib.POFile:
    return polib.pofile(str(path))


def problems(po: polib.POFile) -> list[tuple[str, str]]:
    nplurals = int(re.search(r"nplurals\s*=\s*(\d+)", po.metadata["Plural-Forms"]).group(1))
    found = []
    for entry in po:
        if entry.obsolete or "fuzzy" in entry.flags:
            continue
        if entry.msgid_plural:
            forms = [entry.msgstr_plural.get(n, "") for n in range(nplurals)]
            if not all(form.strip() for form in forms):
                found.append(("missing plural form", entry.msgid))
            tags = sorted(TAG.findall(entry.msgid_plural))
            if any(sorted(TAG.findall(form)) != tags for form in forms if form.strip()):
                found.append(("tags differ", entry.msgid))
        elif entry.msgstr and sorted(TAG.findall(entry.msgstr)) != sorted(TAG.findall(entry.msgid)):
            found.append(("tags differ", entry.msgid))
    return found


def test_there_are_catalogues():
    assert {path.parts[-3] for path in CATALOGUES} >= {"zh_Hans", "pl", "fa"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_plural_form_is_there_and_html_tags_are_kept(path):
    assert problems(catalogue(path)) == []


def test_persian_translations_write_latin_digits():
    """Django's fa formats write Latin digits; a message in Persian digits mixes both on a page."""
    for path in CATALOGUES:
        if path.parts[-3] == "fa":
            for entry in catalogue(path).translated_entries():
                texts = [entry.msgstr, *entry.msgstr_plural.values()]
                assert not any(PERSIAN_DIGITS.search(text) for text in texts), entry.msgid


def test_the_check_catches_what_it_should():
    po = polib.POFile()
    po.metadata = {"Plural-Forms": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);"}
    po.append(polib.POEntry(msgid="<b>%(n)s</b> days", msgstr="<b>%(n)s</b> dni"))
    po.append(polib.POEntry(msgid="<strong>%(n)s</strong> days", msgstr="%(n)s dni"))
    po.append(
        polib.POEntry(
            msgid="%(n)s day",
            msgid_plural="%(n)s days",
            msgstr_plural={0: "%(n)s dzień", 1: "%(n)s dni"},  # the third form is missing
        )
    )
    assert problems(po) == [
        ("tags differ", "<strong>%(n)s</strong> days"),
        ("missing plural form", "%(n)s day"),
    ]


def test_a_case_state_agrees_with_case_in_polish_not_with_survey():
    from django.utils import translation

    from insights.cases.constants import CaseState
    from surveys.constants import SurveyStatus

    with translation.override("pl"):
        assert [str(CaseState.NEW.label), str(CaseState.CLOSED.label)] == ["Nowe", "Zamknięte"]
        assert str(SurveyStatus.CLOSED.label) == "Zamknięta"  # ankieta
