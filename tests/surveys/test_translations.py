import csv
import io

import polib
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.constants import QuestionType
from surveys.models import SurveyTranslation
from surveys.services.translations import (
    translation_completeness,
    translation_rows,
    translations_export_csv,
    translations_export_po,
    translations_import,
    translations_save,
)
from tests.factories import ChoiceFactory, QuestionFactory, SurveyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey():
    """9 texts: title, intro, thank-you, NPS text + 2 end labels, choice question + 2 labels."""
    survey = SurveyFactory(title="Repair survey", languages=["en", "pl", "fa", "zh-hans"])
    QuestionFactory(
        survey=survey,
        type=QuestionType.NPS,
        text="How likely are you to recommend us?",
        min_label="Not at all likely",
        max_label="Extremely likely",
    )
    choice_question = QuestionFactory(
        survey=survey, type=QuestionType.SINGLE_CHOICE, text="Which visit?"
    )
    ChoiceFactory(question=choice_question, value="first", label="The first")
    ChoiceFactory(question=choice_question, value="second", label="=SUM(A1:A9)")
    return survey


def key_of(survey, prefix: str) -> str:
    rows = translation_rows(survey=survey, language="pl")
    return next(row.key for row in rows if row.key.startswith(prefix))


def translate(survey, language: str, count: int) -> None:
    rows = translation_rows(survey=survey, language=language)[:count]
    translations_save(
        survey=survey, language=language, texts={r.key: f"{language}:{r.source}" for r in rows}
    )


# ------------------------------------------------------------------ completeness


def test_completeness_counts_only_texts_with_a_source(survey):
    translate(survey, "pl", 7)

    by_language = {c.language: c for c in translation_completeness(survey=survey)}

    assert set(by_language) == {"pl", "fa", "zh-hans"}  # the default language is not listed
    assert (by_language["pl"].translated, by_language["pl"].total) == (7, 9)
    assert by_language["pl"].percent == 78
    assert by_language["fa"].percent == 0


def test_completeness_shows_100_only_when_every_text_is_translated(survey):
    translate(survey, "pl", 9)
    SurveyTranslation.objects.create(survey=survey, language="pl", key="stale:1", text="x")

    pl = translation_completeness(survey=survey, languages=["pl"])[0]

    assert (pl.translated, pl.total, pl.percent, pl.complete) == (9, 9, 100, True)


# ------------------------------------------------------------------ saving


def test_save_writes_and_an_emptied_text_removes_the_translation(survey):
    translations_save(survey=survey, language="pl", texts={"title": "Ankieta", "intro": "Wstęp"})
    translations_save(survey=survey, language="pl", texts={"intro": "  "})

    stored = dict(
        SurveyTranslation.objects.filter(survey=survey, language="pl").values_list("key", "text")
    )
    assert stored == {"title": "Ankieta"}


def test_save_rejects_unknown_keys_languages_and_overlong_texts(survey):
    with pytest.raises(ValidationError):
        translations_save(survey=survey, language="pl", texts={"question:999999:text": "x"})
    with pytest.raises(ValidationError):
        translations_save(survey=survey, language="en", texts={"title": "x"})
    with pytest.raises(ValidationError):
        translations_save(survey=survey, language="pl", texts={"title": "x" * 201})
    assert not SurveyTranslation.objects.exists()


# ------------------------------------------------------------------ export


def test_csv_export_has_key_source_translation_and_neutralises_formulas(survey):
    translations_save(survey=survey, language="pl", texts={"title": "-Ankieta @serwis"})

    content = translations_export_csv(survey=survey, language="pl")

    assert content.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets then read UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == ["key", "source", "translation"]
    by_key = {row[0]: row for row in rows[1:]}
    assert by_key["title"] == ["title", "Repair survey", "'-Ankieta @serwis"]
    formula = next(row for row in rows if "SUM" in row[1])
    assert formula[1] == "'=SUM(A1:A9)"
    assert len(rows) == 10
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_po_export_keys_entries_by_context(survey):
    translations_save(survey=survey, language="fa", texts={"title": "نظرسنجی تعمیر"})

    po = polib.pofile(translations_export_po(survey=survey, language="fa").decode())

    assert po.metadata["Language"] == "fa"
    title = next(entry for entry in po if entry.msgctxt == "title")
    assert (title.msgid, title.msgstr) == ("Repair survey", "نظرسنجی تعمیر")
    assert len(po) == 9


def test_export_round_trips_through_import(survey):
    translate(survey, "pl", 9)
    translations_save(survey=survey, language="pl", texts={"title": "-minus start"})
    before = dict(SurveyTranslation.objects.values_list("key", "text"))

    for fmt, export in (("csv", translations_export_csv), ("po", translations_export_po)):
        content = export(survey=survey, language="pl")
        result = translations_import(
            survey=survey, language="pl", file_name=f"x.{fmt}", content=content
        )
        assert (result.saved, result.unchanged, result.errors) == (0, 9, [])

    assert dict(SurveyTranslation.objects.values_list("key", "text")) == before


# ------------------------------------------------------------------ import


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["key", "source", "translation"], *rows])
    return buffer.getvalue().encode()


def test_import_stores_good_rows_and_reports_bad_ones_by_row_number(survey):
    other = SurveyFactory()
    other_key = f"question:{QuestionFactory(survey=other).pk}:text"
    SurveyTranslation.objects.create(survey=survey, language="fa", key="title", text="عنوان")
    SurveyTranslation.objects.create(survey=survey, language="pl", key="intro", text="Stary wstęp")
    text_key = key_of(survey, "question:")
    help_key = text_key.replace(":text", ":help_text")  # empty in the survey
    content = csv_bytes(
        [
            ["title", "Repair survey", "Ankieta serwisowa"],  # row 2: good
            [other_key, "Question", "Pytanie"],  # row 3: another survey's key
            ["intro", "Tell us how we are doing.", ""],  # row 4: blank = no change
            ["", "", "sierota"],  # row 5: no key
            [help_key, "", "Pomoc"],  # row 6: nothing to translate
            ["title", "Repair survey", "Drugi raz"],  # row 7: duplicate
            [text_key, "Old wording", "Jak bardzo polecił(a)by Pan(i) nas?"],  # row 8: warning
        ]
    )

    result = translations_import(survey=survey, language="pl", file_name="pl.CSV", content=content)

    assert result.saved == 2
    assert result.blank == 1
    assert [(e.row, e.key) for e in result.errors] == [
        (3, other_key),
        (5, ""),
        (6, help_key),
        (7, "title"),
    ]
    assert [(w.row, w.key) for w in result.warnings] == [(8, text_key)]
    stored = dict(
        SurveyTranslation.objects.filter(survey=survey, language="pl").values_list("key", "text")
    )
    assert stored == {
        "title": "Ankieta serwisowa",
        "intro": "Stary wstęp",
        text_key: "Jak bardzo polecił(a)by Pan(i) nas?",
    }
    assert SurveyTranslation.objects.get(survey=survey, language="fa").text == "عنوان"


def test_import_refuses_unreadable_files_whole(survey):
    cases = [
        ("pl.xlsx", b"PK\x03\x04"),
        ("pl.csv", b"key;translation\ntitle;Ankieta"),
        ("pl.csv", "key,translation\ntitle,Ankieta".encode("utf-16")),
        ("pl.po", b"this is not a catalog"),
    ]
    for name, content in cases:
        with pytest.raises(ValidationError):
            translations_import(survey=survey, language="pl", file_name=name, content=content)
    assert not SurveyTranslation.objects.exists()


def test_import_refuses_a_po_file_made_for_another_language(survey):
    content = translations_export_po(survey=survey, language="fa")

    with pytest.raises(ValidationError):
        translations_import(survey=survey, language="pl", file_name="fa.po", content=content)


def test_po_import_numbers_entries(survey):
    po = polib.POFile()
    po.metadata = {"Language": "zh_Hans", "Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgctxt="title", msgid="Repair survey", msgstr="维修调查"))
    po.append(polib.POEntry(msgctxt="choice:0:label", msgid="Gone", msgstr="没有"))

    result = translations_import(
        survey=survey, language="zh-hans", file_name="zh.po", content=str(po).encode()
    )

    assert result.saved == 1
    assert [(e.row, e.key) for e in result.errors] == [(2, "choice:0:label")]


# ------------------------------------------------------------------ pages


def test_pages_need_staff(client, survey):
    url = reverse("surveys:translations:overview", kwargs={"pk": survey.pk})
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code == 302


def test_overview_shows_completeness_and_the_table(staff_client, survey):
    translate(survey, "pl", 7)

    response = staff_client.get(reverse("surveys:translations:overview", kwargs={"pk": survey.pk}))

    assert response.status_code == 200
    page = response.content.decode()
    assert "pl 7/9 texts, 78%" in page
    assert "Repair survey" in page and "pl:Repair survey" in page
    assert 'dir="rtl"' in page  # the Persian text boxes


def test_inline_edit_saves_only_changed_rows(staff_client, survey):
    SurveyTranslation.objects.create(survey=survey, language="pl", key="intro", text="Wstęp")
    url = reverse("surveys:translations:edit", kwargs={"pk": survey.pk, "language": "pl"})

    response = staff_client.post(url, {"pl-title": "Ankieta", "pl-intro": "Wstęp"})

    assert response.status_code == 302
    assert response["Location"].endswith("#lang-pl")
    assert dict(SurveyTranslation.objects.filter(language="pl").values_list("key", "text")) == {
        "title": "Ankieta",
        "intro": "Wstęp",
    }


def test_inline_edit_shows_errors(staff_client, survey):
    url = reverse("surveys:translations:edit", kwargs={"pk": survey.pk, "language": "pl"})

    response = staff_client.post(url, {"pl-title": "x" * 300})

    assert response.status_code == 400
    assert "longer than 200" in response.content.decode()
    assert not SurveyTranslation.objects.exists()


def test_export_views_download_files(staff_client, survey):
    for fmt in ("po", "csv"):
        url = reverse(
            "surveys:translations:export", kwargs={"pk": survey.pk, "language": "fa", "fmt": fmt}
        )
        response = staff_client.get(url)
        assert response.status_code == 200
        assert f'filename="{survey.slug}-fa.{fmt}"' in response["Content-Disposition"]

    bad = reverse(
        "surveys:translations:export", kwargs={"pk": survey.pk, "language": "fa", "fmt": "xls"}
    )
    assert staff_client.get(bad).status_code == 404
    not_offered = reverse(
        "surveys:translations:export", kwargs={"pk": survey.pk, "language": "en", "fmt": "po"}
    )
    assert staff_client.get(not_offered).status_code == 404


def test_import_view_reports_rows(staff_client, survey):
    url = reverse("surveys:translations:import", kwargs={"pk": survey.pk, "language": "pl"})
    upload = SimpleUploadedFile(
        "pl.csv", csv_bytes([["title", "", "Ankieta"], ["nope", "", "x"]]), "text/csv"
    )

    response = staff_client.post(url, {"file": upload})

    assert response.status_code == 200
    page = response.content.decode()
    assert "1 saved" in page
    assert "This key does not belong to this survey." in page
    assert SurveyTranslation.objects.get(language="pl", key="title").text == "Ankieta"


def test_import_view_refuses_bad_files(staff_client, survey):
    url = reverse("surveys:translations:import", kwargs={"pk": survey.pk, "language": "pl"})
    upload = SimpleUploadedFile("pl.txt", b"hello", "text/plain")

    response = staff_client.post(url, {"file": upload})

    assert response.status_code == 400
    assert "Upload a .po or .csv file." in response.content.decode()


def test_writes_need_the_change_permission(client, survey):
    client.force_login(UserFactory(is_staff=True))
    url = reverse("surveys:translations:edit", kwargs={"pk": survey.pk, "language": "pl"})

    assert client.post(url, {"pl-title": "Ankieta"}).status_code == 403
