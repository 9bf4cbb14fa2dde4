"""Pulse segments (who a pulse goes to, and sending one) and inquiries (interviews and focus
groups), the qualitative research beside the pulse surveys."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from cem_project.admin_tools import VisibleAccountsAdminMixin, VisibleAccountsInlineMixin

from ..constants import SurveyKind
from ..models import Inquiry, PulseSegment, Survey
from ..services.pulse import pulse_send, segment_contacts, segment_matched_count
from .common import send_confirm, send_step
from .forms import PulseSegmentAdminForm


class PulseSendForm(forms.Form):
    survey = forms.ModelChoiceField(
        label=_("Pulse survey"),
        queryset=Survey.objects.live().filter(kind=SurveyKind.PULSE).order_by("title"),
        help_text=_("Live pulse surveys only."),
    )


@admin.register(PulseSegment)
class PulseSegmentAdmin(admin.ModelAdmin):
    form = PulseSegmentAdminForm
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})  # roles the user sees

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)  # markets and touch points
        try:
            matched = segment_matched_count(segment=form.instance)
        except ValidationError:
            return  # the page shows why it cannot be counted
        if not matched:
            self.message_user(
                request,
                _("No contact matches this segment: a pulse to it would reach nobody."),
                messages.WARNING,
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
        if send_step(request) != "choose" and form.is_valid() and not error:
            survey = form.cleaned_data["survey"]
            contacts = segment_contacts(segment=segment)
            if not contacts:
                form.add_error(None, _("No contact matches this segment."))
            else:
                return send_confirm(
                    self,
                    request,
                    survey=survey,
                    contacts=contacts,
                    form=form,
                    context=context,
                    send=lambda: pulse_send(
                        survey=survey, segment=segment, created_by=request.user
                    ),
                )
        return TemplateResponse(request, "admin/surveys/pulsesegment/send_pulse.html", context)


class _InquiryRows:
    """Inquiries of the user's accounts, and those they recorded (e.g. a focus group across
    accounts, which has none)."""

    account_path = "account"

    def visible_also(self, request):
        return Q(created_by=request.user)


@admin.register(Inquiry)
class InquiryAdmin(_InquiryRows, VisibleAccountsAdminMixin, admin.ModelAdmin):
    list_display = ("title", "kind", "held_on", "account", "survey", "themes")
    list_filter = ("kind", "held_on", "account")
    search_fields = ("title", "themes", "notes", "participants")
    # Not a raw id for the account: its label would name any account whose id is typed in.
    autocomplete_fields = ("account",)
    raw_id_fields = ("survey",)
    list_select_related = ("account", "survey")
    date_hierarchy = "held_on"
    readonly_fields = ("created_by", "created_at")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class InquiryInline(_InquiryRows, VisibleAccountsInlineMixin, admin.TabularInline):
    """Interviews and focus groups beside the pulse survey they relate to (edited on their own)."""

    model = Inquiry
    fields = ("title", "kind", "held_on", "account", "themes")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("related inquiries (interviews, focus groups)")

    def has_add_permission(self, request, obj=None) -> bool:
        return False
