"""Questions and their choices; the survey page edits them inline, ordered by drag and drop
(django-admin-sortable2)."""

from adminsortable2.admin import CustomInlineFormSet, SortableTabularInline
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import logic
from ..models import Choice, Question


class QuestionInlineFormSet(CustomInlineFormSet):
    """The questions in the order respondents meet them: by page, then as dragged.

    Dragging numbers the rows' positions 1..n as they stand (sortable2); the page number
    decides the page (the page script moves a dropped row's page to fit its neighbours, and
    a page typed by hand moves the question to that page). `clean` renumbers every row in
    that order, new rows last on their page, and then checks the skip logic of the survey
    as it will be after this save: moving several questions at once can break a condition
    that each row alone would not, and a row alone cannot be judged against rows that are
    being renumbered (`Question.logic_checked_with_survey`).
    """

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.instance.logic_checked_with_survey = True
        return form

    def clean(self) -> None:
        super().clean()
        kept = [
            (index, form)
            for index, form in enumerate(self.forms)
            if form.has_changed() or form.instance.pk is not None
            if not (self.can_delete and self._should_delete_form(form))
            if not form.errors
        ]

        def order(item) -> tuple:
            index, form = item
            dragged = form.instance.position if form.instance.pk is not None else None
            return (form.instance.page, dragged is None, dragged or 0, index)

        self.renumbered: dict[int, int] = {}
        for position, (_index, form) in enumerate(sorted(kept, key=order), start=1):
            untouched = form.instance.pk is not None and not form.has_changed()
            if untouched and form.instance.position != position:
                self.renumbered[form.instance.pk] = position
            form.instance.position = position
        errors = logic.logic_errors([form.instance for _index, form in kept])
        if errors:
            raise ValidationError(errors)

    def save(self, commit: bool = True):
        saved = super().save(commit)
        if commit and getattr(self, "renumbered", None):
            # Rows the designer did not touch, moved along by the renumbering.
            rows = [Question(pk=pk, position=pos) for pk, pos in self.renumbered.items()]
            Question.objects.bulk_update(rows, ["position"])
        return saved


class QuestionInline(SortableTabularInline):
    model = Question
    formset = QuestionInlineFormSet
    # Scale bounds and labels, choices and conditions are on the question's own page: the
    # list stays narrow enough to read and drag without scrolling sideways.
    fields = ("page", "type", "text", "required", "driver")
    ordering = ("page", "position", "id")
    extra = 0
    show_change_link = True
    # Two lines per question text: the list stays short enough to drag along.
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}

    def __init__(self, parent_model, admin_site) -> None:
        super().__init__(parent_model, admin_site)
        # sortable2 takes the first ordering field; ours orders by page first.
        self.default_order_direction, self.default_order_field = "", "position"

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-questions.js"])


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
