"""Forms of the staff pages: shapes and choices only; every rule is in the services."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Account, Contact, TouchPoint, VerticalMarket
from surveys.constants import SurveyKind, SurveyStatus
from surveys.models import Survey, Wave

from .constants import EXPORT_KINDS, PlanStatus, ReportKind
from .models import Action, ActionPlan, ExperienceTarget, Finding
from .selectors.plans import PlanFilter
from .services.sharing import share_ttl

DATE = {"type": "date"}


def _touch_points():
    return TouchPoint.objects.order_by("corridor_position", "code")


class PlanFilterForm(forms.Form):
    """The plan list's filters (GET); choices are the user's visible accounts and their teams."""

    vertical_market = forms.ModelChoiceField(
        label=_("Vertical market"), queryset=VerticalMarket.objects.none(), required=False
    )
    team_member = forms.ModelChoiceField(
        label=_("Account team"), queryset=get_user_model().objects.none(), required=False
    )
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "---------"), *PlanStatus.choices], required=False
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=DATE))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = Account.objects.visible_to(user)
        self.fields["account"].queryset = accounts.order_by("name")
        self.fields["vertical_market"].queryset = VerticalMarket.objects.filter(
            pk__in=accounts.values("vertical_market_id")
        )
        self.fields["team_member"].queryset = (
            get_user_model()
            .objects.filter(team_accounts__in=accounts.values("pk"))
            .distinct()
            .order_by("username")
        )
        self.fields["team_member"].label_from_instance = lambda u: u.get_full_name() or u.username

    def plan_filter(self) -> PlanFilter:
        data = self.cleaned_data if self.is_valid() else {}
        pk = lambda key: data[key].pk if data.get(key) else None  # noqa: E731
        return PlanFilter(
            account_id=pk("account"),
            vertical_market_id=pk("vertical_market"),
            team_member_id=pk("team_member"),
            status=data.get("status") or None,
            since=data.get("since"),
            until=data.get("until"),
        )


class PlanCreateForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    wave = forms.ModelChoiceField(
        label=_("Relationship wave"),
        queryset=Wave.objects.none(),
        required=False,
        help_text=_("Or leave empty and give a period."),
    )
    period_start = forms.DateField(
        label=_("Period start"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    period_end = forms.DateField(
        label=_("Period end"), required=False, widget=forms.DateInput(attrs=DATE)
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of the plan"), choices=())

    def __init__(self, *args, user, **kwargs):
        from customers.constants import Language

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.visible_to(user).order_by("name")
        self.fields["wave"].queryset = (
            Wave.objects.filter(distribution__isnull=False)
            .select_related("programme")
            .order_by("-period_start", "-pk")
        )
        self.fields["language"].choices = Language.choices

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("wave") and not (
            cleaned.get("period_start") and cleaned.get("period_end")
        ):
            raise forms.ValidationError(_("Choose a relationship wave or a period."))
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if not cleaned.get("wave") and start and end and end < start:
            self.add_error("period_end", _("The period must not end before it starts."))
        return cleaned


class PlanForm(forms.ModelForm):
    class Meta:
        model = ActionPlan
        fields = ["title", "language", "internal_notes"]
        widgets = {"internal_notes": forms.Textarea(attrs={"rows": 3})}


class FindingForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = ["title", "text", "touch_point", "theme"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touch_point"].queryset = _touch_points()


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner_side",
            "owner_user",
            "owner_name",
            "due_date",
            "status",
            "touch_point",
            "theme",
            "target",
            "contacts",
            "internal_note",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "contacts": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touch_point"].queryset = _touch_points()
        self.fields["contacts"].queryset = plan.account.contacts.order_by("name")
        self.fields["owner_user"].queryset = (
            get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
        )


FindingFormSet = inlineformset_factory(
    ActionPlan, Finding, form=FindingForm, extra=1, can_delete=True
)
ActionFormSet = inlineformset_factory(ActionPlan, Action, form=ActionForm, extra=1, can_delete=True)


class PublishForm(forms.Form):
    contacts = forms.ModelMultipleChoiceField(
        label=_("Share with"),
        queryset=Contact.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each gets a personal link by mail, in their language."),
    )
    expires_on = forms.DateField(label=_("Links work until"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts
        self.fields["contacts"].label_from_instance = lambda c: (
            f"{c.name} <{c.email}> · {c.get_language_display()}"
        )
        self.fields["expires_on"].initial = timezone.localdate() + share_ttl()

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return day

    def expires_at(self):
        from datetime import datetime, time

        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class FollowUpForm(forms.Form):
    survey = forms.ModelChoiceField(label=_("Pulse survey"), queryset=Survey.objects.none())
    send_on = forms.DateField(
        label=_("Send on"),
        required=False,
        widget=forms.DateInput(attrs=DATE),
        help_text=_("Empty: a week after the action was done, or now if that has passed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(
            kind=SurveyKind.PULSE, status=SurveyStatus.LIVE
        ).order_by("title")

    def send_after(self):
        from datetime import datetime, time

        day = self.cleaned_data.get("send_on")
        if day is None:
            return None
        return max(timezone.now(), timezone.make_aware(datetime.combine(day, time(9))))


class ExportForm(forms.Form):
    since = forms.DateField(label=_("Plans from"), widget=forms.DateInput(attrs=DATE))
    until = forms.DateField(label=_("until"), widget=forms.DateInput(attrs=DATE))
    kind = forms.ChoiceField(
        label=_("Export"),
        choices=[(k.value, k.label) for k in ReportKind if k in EXPORT_KINDS],
        widget=forms.RadioSelect,
        initial=ReportKind.PLANS_ZIP,
    )
    team_member = forms.ModelChoiceField(
        label=_("Account team"), queryset=get_user_model().objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = Account.objects.visible_to(user)
        self.fields["team_member"].queryset = (
            get_user_model()
            .objects.filter(team_accounts__in=accounts.values("pk"))
            .distinct()
            .order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("since") and cleaned.get("until") and cleaned["until"] < cleaned["since"]:
            self.add_error("until", _("The period must not end before it starts."))
        return cleaned


class TargetForm(forms.ModelForm):
    class Meta:
        model = ExperienceTarget
        fields = [
            "name",
            "vertical_market",
            "team",
            "touch_point",
            "metric",
            "value",
            "starts_on",
            "due_on",
            "is_active",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "due_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["touch_point"].queryset = _touch_points()
        self.fields["team"].queryset = Group.objects.order_by("name")
        if not self.instance.pk:
            self.fields["starts_on"].initial = timezone.localdate()
