"""The survey admin: questions and translations inline, send progress, sending to contacts,
creating a survey from a template. Pulse surveys also list their related inquiries."""

from adminsortable2.admin import SortableAdminBase
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from customers.models import Account, Contact, TouchPoint, VerticalMarket

from ..constants import SurveyKind
from ..models import Survey, SurveyTranslation
from ..selectors.invitations import send_audience
from ..selectors.progress import visible_progress
from ..services.invitations import distribution_create
from ..services.templates import SURVEY_TEMPLATES, survey_create_from_template
from .common import preview_url, progress_table, send_confirm, send_step
from .forms import FilteredChoices, IsolatedChoices, SurveyAdminForm
from .pulse import InquiryInline
from .questions import QuestionInline


class SendSurveyForm(forms.Form):
    """Who receives a send: chosen contacts plus the contacts of chosen accounts and markets."""

    vertical_markets = IsolatedChoices(
        label=_("Vertical markets"),
        queryset=VerticalMarket.objects.all(),
        required=False,
        widget=FilteredChoices(_("vertical markets"), is_stacked=False),
        help_text=_("Every contact of every account in these markets."),
    )
    accounts = IsolatedChoices(
        label=_("Accounts"),
        queryset=Account.objects.none(),
        required=False,
        widget=FilteredChoices(_("accounts"), is_stacked=False),
        help_text=_("Every contact of these accounts."),
    )
    key_contacts_only = forms.BooleanField(
        label=_("Key contacts only"),
        required=False,
        help_text=_("Applies to the contacts taken from markets and accounts."),
    )
    contacts = IsolatedChoices(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=FilteredChoices(_("contacts"), is_stacked=False),
        help_text=_("Individual contacts, added whatever the filters above say."),
    )
    name = forms.CharField(
        label=_("Name of this send"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the survey title and today's date."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        accounts = Account.objects.visible_to(user).select_related("vertical_market")
        self.fields["accounts"].queryset = accounts
        self.fields["contacts"].queryset = Contact.objects.filter(
            account__in=accounts
        ).select_related("account")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not (
            cleaned.get("vertical_markets") or cleaned.get("accounts") or cleaned.get("contacts")
        ):
            raise forms.ValidationError(_("Choose contacts, accounts or vertical markets."))
        return cleaned


class SurveyFromTemplateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Template"),
        choices=[(key, t.label) for key, t in SURVEY_TEMPLATES.items()],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    touch_point = forms.ModelChoiceField(
        label=_("Touch point"),
        queryset=TouchPoint.objects.filter(is_active=True),
        required=False,
        help_text=_("Required for transaction surveys."),
    )


class TranslationInline(admin.TabularInline):
    model = SurveyTranslation
    fields = ("language", "key", "text")
    extra = 0
    classes = ("collapse",)


@admin.register(Survey)
class SurveyAdmin(SortableAdminBase, admin.ModelAdmin):  # sortable2: questions by drag
    form = SurveyAdminForm
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
        url = preview_url(survey)
        return format_html('<a href="{}">{}</a>', url, _("Preview")) if url else "–"

    @admin.display(description=_("Send progress"))
    def send_progress(self, survey: Survey) -> str:
        viewer = getattr(survey, "viewer", None)
        if survey.pk is None or viewer is None:
            return "–"
        return progress_table(visible_progress(user=viewer, invitations=survey.invitations.all()))

    def get_object(self, request, object_id, from_field=None):
        survey = super().get_object(request, object_id, from_field)
        if survey is not None:
            survey.viewer = request.user  # send progress counts only this user's accounts
        return survey

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.kind == SurveyKind.PULSE:
            return (*inlines, InquiryInline)
        return inlines

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
            "preview_url": preview_url(survey) if survey else None,
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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": survey,
            "title": _("Send “%(survey)s” to contacts") % {"survey": survey},
            "form": form,
            "media": self.media + form.media,
        }
        if send_step(request) != "choose" and form.is_valid():
            contacts = list(
                send_audience(
                    user=request.user,
                    vertical_markets=form.cleaned_data["vertical_markets"],
                    accounts=form.cleaned_data["accounts"],
                    contacts=form.cleaned_data["contacts"],
                    key_contacts_only=form.cleaned_data["key_contacts_only"],
                )
            )
            if not survey.is_live:
                form.add_error(None, _("Only a live survey can be sent."))
            elif not contacts:
                form.add_error(None, _("No contact matches this choice."))
            else:
                return send_confirm(
                    self,
                    request,
                    survey=survey,
                    contacts=contacts,
                    form=form,
                    context=context,
                    send=lambda: distribution_create(
                        survey=survey,
                        contacts=contacts,
                        name=form.cleaned_data["name"] or None,
                        created_by=request.user,
                    ),
                )
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
