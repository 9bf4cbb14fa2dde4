"""Staff pages to translate a survey's own texts: completeness, inline editing, export, import."""

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers.constants import RTL_LANGUAGES

from ..models import Survey
from ..services.translations import (
    EXPORT_FORMATS,
    IMPORT_MAX_BYTES,
    TranslationRow,
    translation_completeness,
    translation_languages,
    translation_rows,
    translations_export,
    translations_import,
    translations_save,
)

TEMPLATE = "surveys/translations/survey_translations.html"
CONTENT_TYPES = {
    "po": "text/x-gettext-translation; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


class TranslationEditForm(forms.Form):
    """One text field per key; the label is the source text it translates."""

    def __init__(self, *args, rows: list[TranslationRow], language: str, **kwargs):
        super().__init__(*args, prefix=language, **kwargs)
        self.rows = rows
        attrs = {"rows": 2, "lang": language, "dir": "rtl" if language in RTL_LANGUAGES else "ltr"}
        for row in rows:
            self.fields[row.key] = forms.CharField(
                label=row.source,
                required=False,
                initial=row.translation,
                strip=False,
                widget=forms.Textarea(attrs={**attrs, "class": "form-control form-control-sm"}),
            )

    def table(self):
        """(row, bound field) pairs for the template."""
        return [(row, self[row.key]) for row in self.rows]

    def changed_texts(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in self.changed_data}


class TranslationImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("PO or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".po,.csv", "class": "form-control"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(gettext_lazy("The file is too large."))
        return upload


def _survey_and_language(pk: int, language: str | None = None) -> Survey:
    survey = get_object_or_404(Survey, pk=pk)
    if language is not None and language not in translation_languages(survey=survey):
        raise Http404("Not a translation language of this survey.")
    return survey


def _require_change(request: HttpRequest) -> None:
    if not request.user.has_perm("surveys.change_survey"):
        raise PermissionDenied


def _overview(
    request: HttpRequest,
    survey: Survey,
    *,
    bound: dict[str, object] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page; `bound` carries a submitted form or import report for one language."""
    bound = bound or {}
    sections = []
    for item in translation_completeness(survey=survey):
        code = item.language
        info = get_language_info(code)
        edit_form = bound.get(f"edit:{code}") or TranslationEditForm(
            rows=translation_rows(survey=survey, language=code), language=code
        )
        sections.append(
            {
                "code": code,
                "name": info["name_translated"],
                "name_local": info["name_local"],
                "rtl": code in RTL_LANGUAGES,
                "completeness": item,
                "form": edit_form,
                "import_form": bound.get(f"import:{code}") or TranslationImportForm(),
                "import_result": bound.get(f"result:{code}"),
                "import_error": bound.get(f"import_error:{code}"),
                "exports": [
                    (
                        fmt.upper(),
                        reverse(
                            "surveys:translations:export",
                            kwargs={"pk": survey.pk, "language": code, "fmt": fmt},
                        ),
                    )
                    for fmt in EXPORT_FORMATS
                ],
            }
        )
    context = {
        "survey": survey,
        "sections": sections,
        "default_language": get_language_info(survey.default_language),
        "can_change": request.user.has_perm("surveys.change_survey"),
    }
    return render(request, TEMPLATE, context, status=status)


@staff_member_required
@require_GET
def translations_overview(request: HttpRequest, pk: int) -> HttpResponse:
    return _overview(request, _survey_and_language(pk))


@staff_member_required
@require_POST
def translations_edit(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    _require_change(request)
    survey = _survey_and_language(pk, language)
    form = TranslationEditForm(
        request.POST, rows=translation_rows(survey=survey, language=language), language=language
    )
    if form.is_valid():
        try:
            count = translations_save(survey=survey, language=language, texts=form.changed_texts())
        except ValidationError as error:
            for key, messages_ in error.message_dict.items():
                form.add_error(key if key in form.fields else None, messages_)
        else:
            messages.success(
                request,
                _("%(language)s: %(count)d texts saved.")
                % {"language": get_language_info(language)["name_translated"], "count": count},
            )
            return redirect(_section_url(survey, language))
    return _overview(request, survey, bound={f"edit:{language}": form}, status=400)


@staff_member_required
@require_POST
def translations_import_upload(request: HttpRequest, pk: int, language: str) -> HttpResponse:
    _require_change(request)
    survey = _survey_and_language(pk, language)
    form = TranslationImportForm(request.POST, request.FILES)
    bound: dict[str, object] = {f"import:{language}": form}
    if not form.is_valid():
        return _overview(request, survey, bound=bound, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = translations_import(
            survey=survey, language=language, file_name=upload.name, content=upload.read()
        )
    except ValidationError as error:
        bound[f"import_error:{language}"] = error.messages
        return _overview(request, survey, bound=bound, status=400)
    bound[f"result:{language}"] = result
    return _overview(request, survey, bound=bound)


@staff_member_required
@require_GET
def translations_export_file(request: HttpRequest, pk: int, language: str, fmt: str):
    survey = _survey_and_language(pk, language)
    if fmt not in EXPORT_FORMATS:
        raise Http404("Unknown export format.")
    content = translations_export(survey=survey, language=language, fmt=fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-{language}.{fmt}"'
    return response


def _section_url(survey: Survey, language: str) -> str:
    return reverse("surveys:translations:overview", kwargs={"pk": survey.pk}) + f"#lang-{language}"
