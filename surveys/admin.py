from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from customers.admin import ContactAdmin, TouchPointEventAdmin
from customers.models import Contact, TouchPointEvent

from . import logic
from .constants import InvitationStatus, SurveyKind
from .forms_admin import ChooseSurveyForm, SendSurveyForm, SurveyFromTemplateForm
from .models import (
    Answer,
    Choice,
    Distribution,
    Inquiry,
    Invitation,
    PulseSegment,
    Question,
    RelationshipProgramme,
    Response,
    Survey,
    SurveyTranslation,
    Wave,
)
from .selectors.invitations import (
    distribution_progress,
    progress_counts,
    response_rate,
    send_audience,
    survey_send_progress,
)
from .selectors.waves import wave_coverage, wave_list, wave_progress, wave_response_rate
from .services.events import CSV_MAX_BYTES, events_import_csv
from .services.invitations import distribution_create
from .services.pulse import pulse_send, segment_matched_count
from .services.templates import survey_create_from_template
from .services.waves import wave_send_reminders, wave_start_or_get

# The columns shown wherever send progress appears, in funnel order.
PROGRESS_COLUMNS = (
    InvitationStatus.PENDING,
    InvitationStatus.SENT,
    InvitationStatus.OPENED,
    InvitationStatus.COMPLETED,
    InvitationStatus.FAILED,
    InvitationStatus.SKIPPED,
    InvitationStatus.EXPIRED,
)


def _progress_table(progress: dict) -> str:
    if not progress["total"]:
        return _("Not sent yet.")
    rate = progress["response_rate"]
    cells = [(status.label, progress[status.value]) for status in PROGRESS_COLUMNS]
    cells.append((InvitationStatus.SENDING.label, progress[InvitationStatus.SENDING]))
    cells.append((_("Response rate"), "–" if rate is None else f"{rate}%"))
    return format_html(
        "<table><tr>{}</tr><tr>{}</tr></table>",
        format_html_join("", "<th>{}</th>", ((label,) for label, _v in cells)),
        format_html_join("", "<td>{}</td>", ((value,) for _l, value in cells)),
    )


def _preview_url(survey: Survey) -> str | None:
    try:
        return reverse("surveys:preview", args=[survey.pk])
    except NoReverseMatch:  # the respondent pages may not be installed
        return None


def _send_created(model_admin, request: HttpRequest, distribution: Distribution):
    progress = distribution_progress(distribution=distribution)
    model_admin.message_user(
        request,
        _("Sending to %(count)s contacts (%(skipped)s skipped).")
        % {"count": progress["total"] - progress["skipped"], "skipped": progress["skipped"]},
        messages.SUCCESS,
    )
    return HttpResponseRedirect(
        reverse("admin:surveys_distribution_change", args=[distribution.pk])
    )


# ------------------------------------------------------------------ surveys and questions


class ReadOnlyMixin:
    """The ledger and the answers are written by services only; the admin shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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


class TranslationInline(admin.TabularInline):
    model = SurveyTranslation
    fields = ("language", "key", "text")
    extra = 0
    classes = ("collapse",)


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ("position", "value", "label")
    ordering = ("position", "id")
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "touch_point", "created_at", "preview_link")
    list_filter = ("kind", "status", "touch_point")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    list_select_related = ("touch_point",)
    readonly_fields = ("send_progress", "created_by", "created_at", "updated_at")
    autocomplete_fields = ()
    inlines = (QuestionInline, TranslationInline)
    actions = ("send_to_contacts",)
    fieldsets = (
        (None, {"fields": ("title", "slug", "kind", "touch_point", "status")}),
        (_("Texts"), {"fields": ("intro", "thank_you", "default_language", "languages")}),
        (
            _("Sending"),
            {
                "fields": (
                    "send_progress",
                    "field_period_days",
                    "send_delay",
                    "fatigue_window_days",
                    "open_link_enabled",
                )
            },
        ),
        (_("History"), {"fields": ("created_by", "created_at", "updated_at")}),
    )

    @admin.display(description=_("Preview"))
    def preview_link(self, survey: Survey) -> str:
        url = _preview_url(survey)
        return format_html('<a href="{}">{}</a>', url, _("Preview")) if url else "–"

    @admin.display(description=_("Send progress"))
    def send_progress(self, survey: Survey) -> str:
        if survey.pk is None:
            return "–"
        return _progress_table(survey_send_progress(survey=survey))

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "from-template/", view(self.from_template_view), name="surveys_survey_from_template"
            ),
            path("<int:object_id>/send/", view(self.send_view), name="surveys_survey_send"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        survey = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "preview_url": _preview_url(survey) if survey else None,
            "can_send": bool(survey and survey.is_live),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Send to contacts…"))
    def send_to_contacts(self, request: HttpRequest, queryset: QuerySet[Survey]):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one survey to send."), messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:surveys_survey_send", args=[queryset.get().pk]))

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        survey = get_object_or_404(Survey, pk=object_id)
        if not self.has_change_permission(request, survey) or not request.user.has_perm(
            "surveys.add_distribution"
        ):
            raise PermissionDenied
        form = SendSurveyForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            contacts = send_audience(
                user=request.user,
                vertical_markets=form.cleaned_data["vertical_markets"],
                accounts=form.cleaned_data["accounts"],
                contacts=form.cleaned_data["contacts"],
                key_contacts_only=form.cleaned_data["key_contacts_only"],
            )
            try:
                distribution = distribution_create(
                    survey=survey,
                    contacts=contacts,
                    name=form.cleaned_data["name"] or None,
                    created_by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _send_created(self, request, distribution)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": survey,
            "title": _("Send “%(survey)s” to contacts") % {"survey": survey},
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/surveys/survey/send.html", context)

    def from_template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SurveyFromTemplateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                survey = survey_create_from_template(
                    template=form.cleaned_data["template"],
                    title=form.cleaned_data["title"],
                    touch_point=form.cleaned_data["touch_point"],
                    created_by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Survey created from the template."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:surveys_survey_change", args=[survey.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Create a survey from a template"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/surveys/survey/from_template.html", context)


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


# ------------------------------------------------------------------ sends and the ledger


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "survey",
        "origin",
        "created_at",
        *(f"{status.value}_count" for status in PROGRESS_COLUMNS),
        "response_rate",
    )
    list_filter = ("origin", "survey")
    search_fields = ("name", "survey__title")
    list_select_related = ("survey",)
    readonly_fields = ("progress", "invitations_link", "created_by", "created_at", "origin")
    fields = ("survey", "name", "origin", "closes_at", "progress", "invitations_link")
    raw_id_fields = ("survey",)
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(**progress_counts("invitations__"))

    def has_add_permission(self, request) -> bool:
        return False  # sends are made from a survey or from the contacts list

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "survey") if obj else self.readonly_fields

    @admin.display(description=_("Progress"))
    def progress(self, distribution: Distribution) -> str:
        return _progress_table(distribution_progress(distribution=distribution))

    @admin.display(description=_("Invitations"))
    def invitations_link(self, distribution: Distribution) -> str:
        url = reverse("admin:surveys_invitation_changelist")
        return format_html(
            '<a href="{}?distribution__id__exact={}">{}</a>',
            url,
            distribution.pk,
            _("See the invitations of this send"),
        )

    @admin.display(description=_("Response rate"))
    def response_rate(self, distribution: Distribution) -> str:
        rate = response_rate(completed=distribution.completed, delivered=distribution.delivered)
        return "–" if rate is None else f"{rate}%"


def _count_column(status: InvitationStatus):
    @admin.display(description=status.label, ordering=status.value)
    def column(self, distribution: Distribution) -> int:
        return getattr(distribution, status.value)

    return column


for _status in PROGRESS_COLUMNS:
    setattr(DistributionAdmin, f"{_status.value}_count", _count_column(_status))


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The ledger, read-only. The token is a bearer secret: it is never displayed."""

    list_display = (
        "contact",
        "survey",
        "distribution",
        "status",
        "skip_reason",
        "send_after",
        "sent_at",
        "attempts",
    )
    list_filter = ("status", "skip_reason", "survey", "distribution__origin")
    search_fields = ("contact__email", "contact__name")
    list_select_related = ("contact", "survey", "distribution")
    date_hierarchy = "created_at"
    fields = (
        "survey",
        "distribution",
        "contact",
        "event",
        "status",
        "skip_reason",
        "send_after",
        "sent_at",
        "opened_at",
        "completed_at",
        "failed_at",
        "expires_at",
        "attempts",
        "error",
        "reminders_sent",
        "last_reminded_at",
        "created_at",
    )
    readonly_fields = fields


# ------------------------------------------------------------------ responses


class AnswerInline(ReadOnlyMixin, admin.TabularInline):
    model = Answer
    fields = ("question", "question_type", "number", "choice", "text")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Response)
class ResponseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "survey", "contact", "account", "status", "language", "submitted_at")
    list_filter = ("status", "survey", "touch_point", "language")
    search_fields = ("contact__email", "account__name")
    list_select_related = ("survey", "contact", "account")
    date_hierarchy = "submitted_at"
    fields = (
        "survey",
        "contact",
        "account",
        "touch_point",
        "event",
        "distribution",
        "status",
        "language",
        "attributes",
        "started_at",
        "submitted_at",
    )
    readonly_fields = fields
    inlines = (AnswerInline,)


# ------------------------------------------------------------------ programmes, pulses, research


class WaveInline(admin.TabularInline):
    model = Wave
    fields = ("name", "period_start", "opens_at", "closes_at", "status", "distribution")
    readonly_fields = ("distribution",)
    extra = 0
    show_change_link = True


@admin.register(RelationshipProgramme)
class RelationshipProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "survey", "cadence_months", "first_wave_on", "audience", "is_active")
    list_filter = ("is_active", "audience")
    search_fields = ("name",)
    filter_horizontal = ("vertical_markets",)
    inlines = (WaveInline,)
    actions = ("start_wave_now",)

    @admin.action(description=_("Start a wave now (current period)"))
    def start_wave_now(self, request: HttpRequest, queryset: QuerySet[RelationshipProgramme]):
        if not request.user.has_perm("surveys.add_wave"):
            raise PermissionDenied
        for programme in queryset.select_related("survey"):
            try:
                wave, created = wave_start_or_get(programme=programme, started_by=request.user)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("%(programme)s: no wave started: %(error)s")
                    % {"programme": programme, "error": " ".join(error.messages)},
                    messages.ERROR,
                )
                continue
            if created:
                self.message_user(
                    request, _("Started %(wave)s.") % {"wave": wave}, messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _("%(wave)s already exists for this period; nothing was sent.")
                    % {"wave": wave},
                    messages.WARNING,
                )


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value}%"


@admin.register(Wave)
class WaveAdmin(admin.ModelAdmin):
    """Per-wave progress: invited, sent, completed, response rate and coverage."""

    list_display = (
        "name",
        "programme",
        "period_start",
        "status",
        "closes_at",
        "invited",
        "sent",
        "completed",
        "rate",
        "coverage_accounts",
        "coverage_billed",
    )
    list_filter = ("status", "programme")
    search_fields = ("name", "programme__name")
    date_hierarchy = "period_start"
    actions = ("send_reminders_now",)
    fields = (
        "programme",
        "name",
        "period_start",
        "opens_at",
        "closes_at",
        "status",
        "distribution",
        "progress",
        "coverage",
        "results_link",
    )
    readonly_fields = (
        "programme",
        "period_start",
        "opens_at",
        "status",
        "distribution",
        "progress",
        "coverage",
        "results_link",
    )

    def get_queryset(self, request):
        return wave_list()

    def has_add_permission(self, request) -> bool:
        return False  # waves are started by the schedule or the programme's action

    @admin.display(description=_("invited"), ordering="total")
    def invited(self, wave: Wave) -> int:
        return wave.total

    @admin.display(description=_("sent"), ordering="delivered")
    def sent(self, wave: Wave) -> int:
        return wave.delivered

    @admin.display(description=_("completed"))
    def completed(self, wave: Wave) -> int:
        return getattr(wave, InvitationStatus.COMPLETED)

    @admin.display(description=_("response rate"))
    def rate(self, wave: Wave) -> str:
        return _percent(wave_response_rate(wave))

    @staticmethod
    def _coverage(wave: Wave):
        # One coverage query per row, shared by the two columns.
        if not hasattr(wave, "_coverage_cache"):
            wave._coverage_cache = wave_coverage(wave=wave)
        return wave._coverage_cache

    @admin.display(description=_("accounts covered"))
    def coverage_accounts(self, wave: Wave) -> str:
        return _percent(self._coverage(wave).accounts_share)

    @admin.display(description=_("billed revenue covered"))
    def coverage_billed(self, wave: Wave) -> str:
        return _percent(self._coverage(wave).billed_share)

    @admin.display(description=_("progress"))
    def progress(self, wave: Wave) -> str:
        return _progress_table(wave_progress(wave=wave)) if wave.distribution_id else "–"

    @admin.display(description=_("coverage"))
    def coverage(self, wave: Wave) -> str:
        cover = self._coverage(wave)
        return format_html(
            "{} / {} {} ({}) · {} / {} {} ({})",
            cover.accounts_answered,
            cover.accounts,
            _("accounts"),
            _percent(cover.accounts_share),
            cover.billed_answered,
            cover.billed,
            _("billed"),
            _percent(cover.billed_share),
        )

    @admin.display(description=_("results"))
    def results_link(self, wave: Wave) -> str:
        try:
            url = reverse("insights:programme_waves", args=[wave.programme_id])
        except NoReverseMatch:
            return "–"
        return format_html('<a href="{}">{}</a>', url, _("Compare the programme's waves"))

    @admin.action(description=_("Send reminders to non-respondents now"))
    def send_reminders_now(self, request: HttpRequest, queryset: QuerySet[Wave]):
        if not request.user.has_perm("surveys.change_wave"):
            raise PermissionDenied
        sent = sum(wave_send_reminders(wave=wave) for wave in queryset.select_related("programme"))
        self.message_user(
            request, _("%(count)s reminders sent.") % {"count": sent}, messages.SUCCESS
        )


class PulseSendForm(forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Pulse survey"),
        queryset=Survey.objects.live().filter(kind=SurveyKind.PULSE).order_by("title"),
        help_text=_("Live pulse surveys only."),
    )


@admin.register(PulseSegment)
class PulseSegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "key_contacts_only", "sample_size", "seed", "created_at")
    search_fields = ("name",)
    filter_horizontal = ("vertical_markets", "touch_points")
    readonly_fields = ("matched",)
    actions = ("send_pulse",)
    fieldsets = (
        (None, {"fields": ("name", "matched")}),
        (
            _("Who"),
            {
                "fields": (
                    "vertical_markets",
                    "quadrants",
                    "roles",
                    "languages",
                    "key_contacts_only",
                )
            },
        ),
        (
            _("Touch points experienced"),
            {"fields": ("touch_points", "experienced_since", "experienced_until")},
        ),
        (_("Sample"), {"fields": ("sample_size", "seed")}),
    )

    @admin.display(description=_("matching contacts"))
    def matched(self, segment: PulseSegment) -> str:
        if segment.pk is None:
            return "–"
        try:
            count = segment_matched_count(segment=segment)
        except ValidationError as error:
            return " ".join(error.messages)
        return str(count)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/send-pulse/",
                view(self.send_pulse_view),
                name="surveys_pulsesegment_send",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Send a pulse survey…"))
    def send_pulse(self, request: HttpRequest, queryset: QuerySet[PulseSegment]):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one segment."), messages.WARNING)
            return None
        return HttpResponseRedirect(
            reverse("admin:surveys_pulsesegment_send", args=[queryset.get().pk])
        )

    def send_pulse_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        segment = get_object_or_404(PulseSegment, pk=object_id)
        if not request.user.has_perm("surveys.add_distribution"):
            raise PermissionDenied
        form = PulseSendForm(request.POST or None)
        matched, error = None, None
        try:
            matched = segment_matched_count(segment=segment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if request.method == "POST" and form.is_valid():
            try:
                distribution = pulse_send(
                    survey=form.cleaned_data["survey"], segment=segment, created_by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _send_created(self, request, distribution)
        sample = None
        if matched is not None:
            sample = min(matched, segment.sample_size) if segment.sample_size else matched
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": segment,
            "title": _("Send a pulse to “%(segment)s”") % {"segment": segment},
            "form": form,
            "matched": matched,
            "sample": sample,
            "segment_error": error,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/surveys/pulsesegment/send_pulse.html", context)


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "held_on", "account", "survey", "themes")
    list_filter = ("kind", "held_on", ("account", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "themes", "notes", "participants")
    raw_id_fields = ("account", "survey")
    list_select_related = ("account", "survey")
    date_hierarchy = "held_on"
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class InquiryInline(admin.TabularInline):
    """Interviews and focus groups beside the pulse survey they relate to (edited on their own)."""

    model = Inquiry
    fields = ("title", "kind", "held_on", "account", "themes")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("related inquiries (interviews, focus groups)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SurveyWithResearchAdmin(SurveyAdmin):
    """Pulse surveys show their related inquiries; added from here to keep the research admin
    in one section."""

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.kind == SurveyKind.PULSE:
            return (*inlines, InquiryInline)
        return inlines


admin.site.unregister(Survey)
admin.site.register(Survey, SurveyWithResearchAdmin)


# ------------------------------------------------------------------ contacts: send a survey


class ContactWithSurveyAdmin(ContactAdmin):
    """The customers app knows nothing of surveys, so the send action is added from here."""

    actions = (*(ContactAdmin.actions or ()), "send_survey")

    @admin.action(description=_("Send a survey to the selected contacts"))
    def send_survey(self, request: HttpRequest, queryset: QuerySet[Contact]):
        if not request.user.has_perm("surveys.add_distribution"):
            raise PermissionDenied
        form = ChooseSurveyForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                distribution = distribution_create(
                    survey=form.cleaned_data["survey"],
                    contacts=queryset,
                    name=form.cleaned_data["name"] or None,
                    created_by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return _send_created(self, request, distribution)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send a survey to the selected contacts"),
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/customers/contact/send_survey.html", context)


admin.site.unregister(Contact)
admin.site.register(Contact, ContactWithSurveyAdmin)


# ------------------------------------------------------------------ touch-point events: CSV import


class EventCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, comma-separated, with a header row: contact_email, account_external_id,"
            " touch_point, external_id, occurred_at (ISO 8601); any other column becomes an"
            " attribute of the event. At most 5 MB and 10,000 rows."
        ),
    )


class TouchPointEventWithImportAdmin(TouchPointEventAdmin):
    """The customers app's read-only event list, plus a CSV import for systems without the API.
    Each row turns into invitations exactly like an event posted to /api/v1/events/."""

    change_list_template = "admin/customers/touchpointevent/change_list.html"

    def get_urls(self):
        urls = [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="customers_touchpointevent_import_csv",
            )
        ]
        return urls + super().get_urls()

    def import_csv_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request) or not request.user.has_perm(
            "customers.add_touchpointevent"
        ):
            raise PermissionDenied
        report = None
        form = EventCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > CSV_MAX_BYTES:
                form.add_error("file", _("The file is larger than 5 MB."))
            else:
                report = events_import_csv(data=upload.read(), user=request.user)
                if not report.error:
                    self.message_user(
                        request,
                        _(
                            "%(created)s events stored, %(duplicates)s duplicates, %(errors)s rows"
                            " refused."
                        )  # fmt: skip
                        % {
                            "created": report.count("created"),
                            "duplicates": report.count("duplicate"),
                            "errors": report.count("error"),
                        },
                        messages.WARNING if report.count("error") else messages.SUCCESS,
                    )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import touch-point events from CSV"),
            "form": form,
            "report": report,
            "created": report.count("created") if report else 0,
            "duplicates": report.count("duplicate") if report else 0,
            "errors": report.count("error") if report else 0,
            "problems": [row for row in report.rows if row.status != "created"] if report else [],
        }
        return TemplateResponse(request, "admin/customers/touchpointevent/import_csv.html", context)


admin.site.unregister(TouchPointEvent)
admin.site.register(TouchPointEvent, TouchPointEventWithImportAdmin)
