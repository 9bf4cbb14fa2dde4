"""The message catalogs: the public pages and the invitation email in zh-Hans, Polish, Persian."""

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from surveys.forms import REQUIRED_MESSAGE
from surveys.services.invitations import invitation_email_build
from tests.factories import ContactFactory, InvitationFactory, QuestionFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
# gettext locale folder -> Django language code
LOCALES = {"zh_Hans": "zh-hans", "pl": "pl", "fa": "fa"}
PUBLIC_SOURCES = (
    "templates/surveys/respond/",
    "templates/surveys/email/",
    "templates/surveys/optout/",
    "templates/surveys/open/",
    "templates/base.html",
)
KEY_STRINGS = [
    "Send my answers",  # the submit button
    "This survey link is not valid. It may have expired or already been used.",  # 404 page
    "Thank you",  # thank-you heading
    "This question needs an answer.",  # required-field error
    "Please check your answers",
    "Your opinion on %(title)s",  # email subject
    "Next",  # multi-page navigation
    "Back",
    "Click a score to start; the rest of the survey opens below it.",  # email one-click scale
]


def catalog(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"%\(\w+\)[sd]", text))


def all_placeholders(text: str) -> list[str]:
    """%(name)s, %s and {name} placeholders, and %% (a literal per cent in a format)."""
    return sorted(re.findall(r"%\(\w+\)[sdfi]|%[sdfi]|%%|\{[\w.]*\}", text))


def used_by(entry: polib.POEntry, prefixes: tuple[str, ...]) -> bool:
    return any(path.startswith(prefixes) for path, _line in entry.occurrences)


@pytest.mark.parametrize("locale", LOCALES)
def test_key_public_strings_are_translated(locale):
    with translation.override(LOCALES[locale]):
        for message in KEY_STRINGS:
            assert gettext(message) != message, (locale, message)
        assert str(REQUIRED_MESSAGE) != "This question needs an answer."
        # Django's own catalogs cover the built-in validation messages.
        assert gettext("This field is required.") != "This field is required."


@pytest.mark.parametrize("locale", LOCALES)
def test_every_public_msgid_is_translated(locale):
    po = catalog(locale)
    public = [entry for entry in po if not entry.obsolete and used_by(entry, PUBLIC_SOURCES)]
    respond = [e for e in public if used_by(e, ("templates/surveys/respond/",))]
    assert len(respond) >= 10  # the catalog was extracted from the answering templates

    for entry in public:
        assert "fuzzy" not in entry.flags, entry.msgid
        if entry.msgid_plural:
            assert all(entry.msgstr_plural.values()), entry.msgid
        else:
            assert entry.msgstr.strip(), entry.msgid
            # Same placeholders, or the page breaks at render time.
            assert placeholders(entry.msgstr) == placeholders(entry.msgid), entry.msgid


def test_the_catalogs_hold_every_translatable_string_of_the_source(tmp_path, monkeypatch):
    """makemessages over the tree, into a copy of the catalogs: a string added to the code
    without its translations (or changed so that its translation turns fuzzy) fails here."""
    root = Path(settings.BASE_DIR)
    for child in root.iterdir():
        if child.name not in {"locale", "var", "node_modules"} and not child.name.startswith("."):
            (tmp_path / child.name).symlink_to(child)
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [str(tmp_path / "locale")])

    call_command("makemessages", locale=list(LOCALES), symlinks=True, verbosity=0)

    for locale in LOCALES:
        fresh = polib.pofile(str(tmp_path / "locale" / locale / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in fresh if not e.obsolete and not e.translated()]
        assert missing == [], locale


@pytest.mark.parametrize("locale", LOCALES)
def test_every_msgid_of_the_product_is_translated_with_its_placeholders(locale):
    """Staff pages, the admin, mails, PDFs and API docs too: nothing untranslated or fuzzy."""
    wrong = []
    for entry in catalog(locale):
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            wrong.append(("fuzzy", entry.msgid))
        elif entry.msgid_plural:
            forms = entry.msgstr_plural.values()
            if not all(form.strip() for form in forms):
                wrong.append(("untranslated plural", entry.msgid))
            elif any(set(all_placeholders(f)) != set(all_placeholders(entry.msgid_plural))
                     for f in forms):  # fmt: skip
                wrong.append(("placeholders", entry.msgid))
        elif not entry.msgstr.strip():
            wrong.append(("untranslated", entry.msgid))
        elif all_placeholders(entry.msgstr) != all_placeholders(entry.msgid):
            wrong.append(("placeholders", entry.msgid))
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalog_is_up_to_date(locale):
    po = catalog(locale)
    mo = polib.mofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo if not e.msgid_plural}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


def test_polish_plural_forms_follow_the_grammar():
    with translation.override("pl"):
        forms = [
            ngettext("It stays open for %(days)s day.", "It stays open for %(days)s days.", n)
            % {"days": n}
            for n in (1, 3, 30)
        ]
    assert forms == [
        "Link pozostaje aktywny przez 1 dzień.",
        "Link pozostaje aktywny przez 3 dni.",
        "Link pozostaje aktywny przez 30 dni.",
    ]


@pytest.mark.parametrize(
    ("language", "submit", "direction"),
    [
        ("fa", "ارسال پاسخ‌ها", "rtl"),
        ("zh-hans", "提交回答", "ltr"),
        ("pl", "Wyślij odpowiedzi", "ltr"),
    ],
)
def test_the_answering_page_speaks_the_contacts_language(client, language, submit, direction):
    invitation = InvitationFactory(contact=ContactFactory(language=language))
    QuestionFactory(survey=invitation.survey)

    page = client.get(reverse("surveys:respond", args=[invitation.token])).content.decode()

    assert f'dir="{direction}"' in page
    assert f'lang="{language}"' in page
    assert submit in page


def test_a_persian_contacts_invitation_email_is_persian():
    survey = SurveyFactory(title="Installation survey")
    survey.translations.create(language="fa", key="title", text="نظرسنجی نصب")
    contact = ContactFactory(language="fa", name="Sara Ahmadi")
    invitation = InvitationFactory(survey=survey, contact=contact)

    message = invitation_email_build(invitation=invitation)
    html = message.alternatives[0][0]

    assert message.subject == "نظر شما دربارهٔ نظرسنجی نصب"
    assert "Sara Ahmadi گرامی،" in message.body
    assert "«نظرسنجی نصب»" in message.body
    assert "این پیوند شخصی است" in message.body
    for line in message.body.splitlines():
        if line.strip() and not line.startswith("http"):  # the links stay URLs
            assert not re.search("[A-Za-z]{3,}", line.replace("Sara Ahmadi", "")), line
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert "پاسخ به نظرسنجی" in html  # the button
