"""The staff preview of the respondent form: `/surveys/<pk>/preview/`."""

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.views.decorators.http import require_http_methods

from .. import logic
from ..forms import SurveyResponseForm
from ..models import Survey
from ..selectors.questions import survey_questions
from ..services.answers import answers_clean
from ..services.texts import sample_piping, survey_language_codes, survey_texts
from .public import language_links, public_page, public_page_headers

TEMPLATES = "surveys/respond/"


def _preview_language(request: HttpRequest, survey: Survey) -> str:
    requested = request.GET.get("language", "")
    if requested in dict(settings.LANGUAGES):
        return requested
    return survey.default_language


@staff_member_required
@public_page_headers(referrer_policy="same-origin")
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The respondent form for staff, every page at once, placeholders filled with sample
    values; posting validates like a respondent but stores nothing."""
    survey = get_object_or_404(Survey, pk=pk)
    language = _preview_language(request, survey)
    with translation.override(language):
        questions = survey_questions(survey=survey)
        texts = survey_texts(
            survey=survey, questions=questions, language=language, piping=sample_piping()
        )
        context = {
            "texts": texts,
            "preview": True,
            "first_page": True,
            "is_last": True,
            "form_action": "",
            "language_links": language_links(
                survey_language_codes(survey), language, "language", {}
            ),
        }
        data = request.POST if request.method == "POST" else None
        form = SurveyResponseForm(
            data,
            questions=logic.renderable_questions(questions, {}),
            all_questions=questions,
            texts=texts,
        )
        if request.method == "POST" and form.is_valid():
            try:
                answers_clean(questions=questions, answers=form.answers())
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return public_page(request, TEMPLATES + "thank_you.html", context)
        return public_page(request, TEMPLATES + "form.html", {**context, "form": form})
