import logging

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from customers.models import Account, TouchPoint, VerticalMarket

from .metrics import MATRIX_METRICS, METRICS
from .selectors.aggregates import ResultFilter, result_filter_for
from .selectors.corridor import PERIOD_LABELS, CorridorScope, corridor_scope_for
from .selectors.matrix import MatrixScope, matrix_scope_for, relationship_waves, wave_previous

security_log = logging.getLogger("cem.security")


class AccountRefusalMixin:
    """For a filter form with an `account` field of the user's visible accounts (and `user`)."""

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


class ResultFilterForm(AccountRefusalMixin, forms.Form):
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


class WaveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, wave) -> str:
        return wave.name


class MatrixFilterForm(forms.Form):
    """Filters of the customer matrix (GET): a wave or a date range, the satisfaction metric,
    a vertical market, and a wave to compare with (the arrows of movement)."""

    wave = WaveChoiceField(
        label=_("Relationship wave"),
        queryset=relationship_waves(),
        required=False,
        empty_label=_("No wave: a date range"),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    metric = forms.ChoiceField(
        label=_("Satisfaction"),
        choices=[(key, METRICS[key].label) for key in MATRIX_METRICS],
        required=False,
    )
    vertical_market = forms.ModelChoiceField(
        label=_("Vertical market"),
        queryset=VerticalMarket.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All vertical markets"),
    )
    compare = WaveChoiceField(
        label=_("Compare with wave"),
        queryset=relationship_waves(),
        required=False,
        empty_label=_("No comparison"),
        help_text=_("Arrows show where each account was in that wave."),
    )

    def __init__(self, data=None, *, user, **kwargs):
        if data is not None and "compare" not in data and data.get("wave"):
            # Opening a wave compares it with the wave before it, until the viewer chooses.
            try:
                wave = self.base_fields["wave"].clean(data.get("wave"))
            except forms.ValidationError:
                wave = None
            previous = wave_previous(wave=wave) if wave else None
            if previous is not None:
                data = data.copy()
                data["compare"] = str(previous.pk)
        super().__init__(data, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        wave, since, until = cleaned.get("wave"), cleaned.get("since"), cleaned.get("until")
        if wave and (since or until):
            self.add_error("wave", _("Choose a wave or a date range, not both."))
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        compare = cleaned.get("compare")
        if compare and not wave:
            self.add_error("compare", _("Choose the wave to compare it with first."))
        elif compare and compare == wave:
            self.add_error("compare", _("Choose another wave than the one shown."))
        return cleaned

    def query(self) -> tuple[MatrixScope, str, object]:
        """(scope, metric, wave to compare with) for valid input; the default otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        market = data.get("vertical_market")
        scope = matrix_scope_for(
            self.user,
            wave=data.get("wave"),
            since=data.get("since"),
            until=data.get("until"),
            vertical_market_id=market.pk if market else None,
        )
        return scope, data.get("metric") or "nps", data.get("compare")


class CorridorFilterForm(forms.Form):
    """Filters of the touch-point corridor (GET): dates, period and an event attribute."""

    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period = forms.ChoiceField(label=_("Per"), choices=list(PERIOD_LABELS.items()), required=False)
    attribute = forms.ChoiceField(label=_("Cut by event attribute"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        names = settings.CEM_CORRIDOR_ATTRIBUTES
        self.fields["attribute"].choices = [("", _("No cut"))] + [(n, n) for n in names]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        return cleaned

    def scope(self) -> CorridorScope:
        """The scope for valid input; the default (the last twelve months) otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return corridor_scope_for(
            self.user,
            since=data.get("since"),
            until=data.get("until"),
            period=data.get("period") or "month",
            attribute=data.get("attribute") or None,
        )


class PerceptionGapForm(forms.Form):
    """The wave and metric of the perception gap (GET); the wave defaults to the latest one
    with predictions."""

    wave = WaveChoiceField(
        label=_("Relationship wave"),
        queryset=relationship_waves(),
        required=False,
        empty_label=None,
    )
    metric = forms.ChoiceField(
        label=_("Metric"),
        choices=[(key, METRICS[key].label) for key in MATRIX_METRICS],
        required=False,
    )

    def selection(self, default_wave):
        """(wave, metric) for valid input; the default wave and NPS otherwise."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return data.get("wave") or default_wave, data.get("metric") or "nps"
