"""Forms of the case pages: input shape only; the rules are in the services."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from customers.models import Account, TouchPoint

from .constants import OPEN_STATES, TRANSITIONS, CaseState, Priority, RootCause
from .models import AlertRule, Case, StaffProfile
from .selectors import ORDERINGS, CaseFilter, Scope

YES_NO = (("", "—"), ("yes", _("Yes")), ("no", _("No")))
ORDERING_CHOICES = (
    ("due", _("Due first")),
    ("-due", _("Due last")),
    ("priority", _("Highest priority")),
    ("-opened", _("Newest")),
    ("opened", _("Oldest")),
)
assert {key for key, _label in ORDERING_CHOICES} <= set(ORDERINGS)  # noqa: S101


def staff_users():
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


class CaseFilterForm(forms.Form):
    """Filters of a queue (GET). Accounts offered are the user's visible ones."""

    scope = forms.ChoiceField(
        choices=((Scope.MINE, _("Mine")), (Scope.TEAM, _("My teams")), (Scope.ALL, _("All"))),
        required=False,
        widget=forms.HiddenInput,
    )
    state = forms.MultipleChoiceField(
        label=_("State"),
        choices=CaseState.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        choices=(("", "—"), *Priority.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    rule = forms.ModelChoiceField(label=_("Rule"), queryset=AlertRule.objects.all(), required=False)
    touch_point = forms.ModelChoiceField(
        label=_("Touch point"),
        queryset=TouchPoint.objects.order_by("corridor_position", "code"),
        required=False,
    )
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Group.objects.order_by("name"), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    ordering = forms.ChoiceField(
        label=_("Sort"), choices=ORDERING_CHOICES, required=False, initial="due"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.visible_to(user).order_by("name")

    def case_filter(self, *, default_scope: str = Scope.MINE) -> tuple[CaseFilter, str]:
        data = self.cleaned_data if self.is_valid() else {}
        account, rule = data.get("account"), data.get("rule")
        touch_point, team = data.get("touch_point"), data.get("team")
        case_filter = CaseFilter(
            scope=data.get("scope") or default_scope,
            # A queue shows the cases still to work unless asked for others.
            states=tuple(data.get("state") or OPEN_STATES),
            priority=data.get("priority"),
            rule_id=rule.pk if rule else None,
            touch_point_id=touch_point.pk if touch_point else None,
            account_id=account.pk if account else None,
            team_id=team.pk if team else None,
            overdue=bool(data.get("overdue")),
        )
        return case_filter, data.get("ordering") or "due"


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("New state"), choices=())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))
    root_cause = forms.ChoiceField(
        label=_("Root cause (to close)"), choices=(("", "—"), *RootCause.choices), required=False
    )
    customer_contacted = forms.ChoiceField(
        label=_("Customer contacted (to close)"), choices=YES_NO, required=False
    )

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = TRANSITIONS.get(case.state, ())
        self.fields["to_state"].choices = [(s, CaseState(s).label) for s in allowed]

    def contacted(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("customer_contacted"))


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=staff_users(), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Group.objects.order_by("name"), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()


class IdListField(forms.Field):
    """Repeated `name=<id>` values (checkboxes of a queue page) as a list of ids."""

    widget = forms.MultipleHiddenInput
    max_ids = 500

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if len(values) > self.max_ids:
            raise forms.ValidationError(_("At most %(n)d cases at once.") % {"n": self.max_ids})
        try:
            ids = [int(v) for v in values]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("Invalid case.")) from exc
        if any(not 0 < pk < 2**63 for pk in ids):
            raise forms.ValidationError(_("Invalid case."))
        return list(dict.fromkeys(ids))

    def validate(self, value) -> None:
        if self.required and not value:
            raise forms.ValidationError(_("Select at least one case."))


class BulkAssignForm(AssignForm):
    cases = IdListField(label=_("Cases"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea({"rows": 3}))


class ReplyForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea({"rows": 10})
    )


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ["language", "digest_only"]


class CaseReportForm(forms.Form):
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    period = forms.ChoiceField(
        label=_("Per"),
        choices=(("month", _("Month")), ("week", _("Week")), ("day", _("Day"))),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        return cleaned
