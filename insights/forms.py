import logging

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Account, TouchPoint

from .selectors.aggregates import ResultFilter, result_filter_for

security_log = logging.getLogger("cem.security")


class ResultFilterForm(forms.Form):
    """Filters of the results pages (GET); the account list is the user's visible accounts."""

    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    touch_point = forms.ModelChoiceField(
        label=_("Touch point"),
        queryset=TouchPoint.objects.order_by("corridor_position", "code"),
        to_field_name="code",
        required=False,
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["account"].queryset = Account.objects.visible_to(user).order_by("name")

    def account_refused(self) -> bool:
        """Whether the page was asked for an account the user may not see (or none at all):
        the page is then a 404, never figures under another account's name. Logged when the
        account exists (ASVS 16.3.2)."""
        value = str(self.data.get("account") or "")
        if not value or "account" not in self.errors:
            return False
        well_formed = value.isascii() and value.isdigit() and len(value) < 19
        if well_formed and Account.objects.filter(pk=int(value)).exists():
            security_log.warning(
                "Out-of-scope results of account %s requested by user %s", value, self.user.pk
            )
        return True

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        return cleaned

    def result_filter(self, **extra) -> ResultFilter:
        """The filter for valid input; only the user's scope (and `extra`) otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        account, touch_point = data.get("account"), data.get("touch_point")
        return result_filter_for(
            self.user,
            account_id=account.pk if account else None,
            touch_point_id=touch_point.pk if touch_point else None,
            since=data.get("since"),
            until=data.get("until"),
            **extra,
        )
