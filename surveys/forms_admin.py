"""Forms behind the admin's intermediate pages (send a survey, create from a template)."""

from django import forms
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _

from customers.models import Account, Contact, TouchPoint, VerticalMarket

from .models import Survey
from .services.templates import SURVEY_TEMPLATES


class SendSurveyForm(forms.Form):
    """Who receives a send: chosen contacts plus the contacts of chosen accounts and markets."""

    vertical_markets = forms.ModelMultipleChoiceField(
        label=_("Vertical markets"),
        queryset=VerticalMarket.objects.all(),
        required=False,
        widget=FilteredSelectMultiple(_("vertical markets"), is_stacked=False),
        help_text=_("Every contact of every account in these markets."),
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("Accounts"),
        queryset=Account.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("accounts"), is_stacked=False),
        help_text=_("Every contact of these accounts."),
    )
    key_contacts_only = forms.BooleanField(
        label=_("Key contacts only"),
        required=False,
        help_text=_("Applies to the contacts taken from markets and accounts."),
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=FilteredSelectMultiple(_("contacts"), is_stacked=False),
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


class ChooseSurveyForm(forms.Form):
    """The Contact changelist action: which live survey to send to the selected contacts."""

    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.live())
    name = forms.CharField(
        label=_("Name of this send"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the survey title and today's date."),
    )


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
