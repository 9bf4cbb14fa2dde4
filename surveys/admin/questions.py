"""Questions and their choices; the survey page edits them inline."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .. import logic
from ..models import Choice, Question


class QuestionInlineFormSet(BaseInlineFormSet):
    """Checks the skip logic of the survey as it will be after this save: moving several
    questions at once can break a condition that each row alone would not."""

    def clean(self) -> None:
        super().clean()
        questions = [
            form.instance
            for form in self.forms
            if form.has_changed() or form.instance.pk is not None
            if not (self.can_delete and self._should_delete_form(form))
            if not form.errors
        ]
        errors = logic.logic_errors(questions)
        if errors:
            raise ValidationError(errors)


class QuestionInline(admin.TabularInline):
    model = Question
    formset = QuestionInlineFormSet
    fields = ("page", "position", "type", "text", "required", "driver", "scale_min", "scale_max")
    ordering = ("page", "position", "id")
    extra = 0
    show_change_link = True  # choices, labels and conditions are edited on the question page


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("position", "value", "label")
    ordering = ("position", "id")
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("text", "survey", "page", "position", "type", "required")
    list_filter = ("type", "driver", "survey")
    search_fields = ("text", "survey__title")
    list_select_related = ("survey",)
    inlines = (ChoiceInline,)
    fieldsets = (
        (None, {"fields": ("survey", "page", "position", "type", "text", "help_text", "required")}),
        (_("Scale"), {"fields": ("driver", "scale_min", "scale_max", "min_label", "max_label")}),
        (
            _("Show only if"),
            {"fields": ("condition_question", "condition_operator", "condition_value")},
        ),
    )
    raw_id_fields = ("survey", "condition_question")
