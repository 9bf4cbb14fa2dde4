"""The respondent form, built from a list of questions so that pages, skip logic and an
open-link variant can reuse it with a subset of questions or other initial values."""

from collections.abc import Sequence

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import logic
from .constants import SCALE_TYPES, QuestionType
from .models import Question
from .services.answers import TEXT_MAX_LENGTH, field_name
from .services.texts import SurveyTexts

REQUIRED_MESSAGE = _("This question needs an answer.")
SCALE_TEMPLATE = "surveys/respond/fields/scale.html"


class ScaleField(forms.TypedChoiceField):
    """A numeric scale shown as a row of buttons; the end labels explain the extremes."""

    def __init__(self, *, low: int, high: int, min_label: str = "", max_label: str = "", **kw):
        choices = [(value, str(value)) for value in range(low, high + 1)]
        widget = forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"})
        super().__init__(choices=choices, coerce=int, empty_value=None, widget=widget, **kw)
        self.error_messages["invalid_choice"] = _("Choose a value on the scale.")
        self.min_label, self.max_label = min_label, max_label


def question_field(question: Question, texts: SurveyTexts) -> forms.Field:
    common = {
        # Escaped HTML, a fallback marked with its language (Crispy renders help text as is).
        "label": texts.question_display(question, "text"),
        "help_text": texts.question_display(question, "help_text"),
        "required": question.required,
        "error_messages": {"required": REQUIRED_MESSAGE},
    }
    if question.type in SCALE_TYPES:
        low, high = question.scale
        return ScaleField(
            low=low,
            high=high,
            min_label=texts.question_display(question, "min_label"),
            max_label=texts.question_display(question, "max_label"),
            **common,
        )
    choices = [(choice.value, texts.choice_display(choice)) for choice in question.choices.all()]
    if question.type == QuestionType.SINGLE_CHOICE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(
        max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4}), **common
    )


class SurveyResponseForm(forms.Form):
    """The questions of one page (or of the whole survey).

    `all_questions` and `prior_answers` (the saved answers of the other pages) let the form
    apply skip logic: a question its condition skips is neither required nor validated, and
    its value is dropped. Questions whose condition depends on a question of the same form
    carry data attributes that survey.js uses to show and hide them as the respondent answers.
    """

    def __init__(
        self,
        *args,
        questions: Sequence[Question],
        texts: SurveyTexts,
        all_questions: Sequence[Question] | None = None,
        prior_answers: dict | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.all_questions = list(all_questions) if all_questions is not None else self.questions
        self.prior_answers = dict(prior_answers or {})
        on_form = {question.pk: question for question in self.questions}
        layout = []
        for question in self.questions:
            name = field_name(question)
            self.fields[name] = question_field(question, texts)
            item = Field(name, template=SCALE_TEMPLATE) if question.scale else Field(name)
            attrs = {"data_question": name}
            controlling = on_form.get(question.condition_question_id)
            if controlling is not None:
                attrs.update(
                    data_show_if=field_name(controlling),
                    data_operator=question.condition_operator,
                    data_value=question.condition_value,
                )
            layout.append(Div(item, css_class="survey-item", **attrs))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*layout)

    def clean(self):
        cleaned = super().clean()
        merged = {**self.prior_answers, **self._values()}
        shown = {q.pk for q in logic.visible_questions(self.all_questions, merged)}
        for question in self.questions:
            if question.pk not in shown:
                # Skipped by its condition: not required, and whatever was posted is ignored.
                name = field_name(question)
                self._errors.pop(name, None)
                cleaned[name] = None
        return cleaned

    def _values(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def answers(self) -> dict[int, object]:
        """Cleaned values keyed by question id, as `response_submit` takes them; invalid or
        skipped answers are None."""
        return self._values()

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error)

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, question, message) for the summary at the top of the page."""
        summary = []
        for name, errors in self.errors.items():
            if name not in self.fields:
                summary.extend(("", "", message) for message in errors)
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                anchor = f"{anchor}_0"
            summary.extend((anchor, bound.label, message) for message in errors)
        return summary
