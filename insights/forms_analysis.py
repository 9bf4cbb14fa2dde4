"""Filters of the analysis pages (GET): trends, key drivers, loyalty outcomes and the
dashboards' drill-down. Each turns valid input into a selector scope limited to the user's
accounts; invalid input shows its errors and the default scope."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Account, TouchPoint, VerticalMarket
from surveys.constants import QuestionType
from surveys.models import Survey

from .forms import AccountRefusalMixin
from .metrics import ANSWER_BANDS, BAND_LABELS, METRICS
from .selectors.aggregates import ResultFilter, result_filter_for
from .selectors.drivers import ANALYSES, OUTCOMES, DriverScope, driver_scope_for
from .selectors.trends import PERIOD_LABELS, TREND_METRICS, TrendScope, trend_scope_for


def _date(label):
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class _RangeForm(forms.Form):
    since = _date(_("From"))
    until = _date(_("Until (inclusive)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("since", _("The start date must not be after the end date."))
        return cleaned

    def data_or_default(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


def _market_field():
    return forms.ModelChoiceField(
        label=_("Vertical market"),
        queryset=VerticalMarket.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All vertical markets"),
    )


class TrendFilterForm(AccountRefusalMixin, _RangeForm):
    metric = forms.ChoiceField(
        label=_("Metric"), choices=[(k, METRICS[k].label) for k in TREND_METRICS], required=False
    )
    period = forms.ChoiceField(label=_("Per"), choices=list(PERIOD_LABELS.items()), required=False)
    survey = forms.ModelChoiceField(
        label=_("Survey"), queryset=Survey.objects.order_by("title"), required=False
    )
    touch_point = forms.ModelChoiceField(
        label=_("Touch point"),
        queryset=TouchPoint.objects.order_by("corridor_position", "code"),
        to_field_name="code",
        required=False,
    )
    account = forms.ModelChoiceField(
        label=_("Account"), queryset=Account.objects.none(), required=False
    )
    vertical_market = _market_field()
    field_order = ["metric", "period", "survey", "touch_point", "account", "vertical_market"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["account"].queryset = Account.objects.visible_to(user).order_by("name")

    def scope(self) -> tuple[TrendScope, str]:
        data = self.data_or_default()
        pk = lambda name: data[name].pk if data.get(name) else None  # noqa: E731
        scope = trend_scope_for(
            self.user,
            period=data.get("period") or "month",
            since=data.get("since"),
            until=data.get("until"),
            survey_id=pk("survey"),
            touch_point_id=pk("touch_point"),
            account_id=pk("account"),
            vertical_market_id=pk("vertical_market"),
        )
        return scope, data.get("metric") or "nps"


class DriverFilterForm(_RangeForm):
    analysis = forms.ChoiceField(label=_("Drivers"), choices=list(ANALYSES.items()), required=False)
    outcome = forms.ChoiceField(
        label=_("Relationship score"),
        choices=[(k, METRICS[k].label) for k in OUTCOMES],
        required=False,
    )
    survey = forms.ModelChoiceField(
        label=_("Survey (questions)"),
        queryset=Survey.objects.filter(questions__type=QuestionType.NPS)
        .distinct()
        .order_by("title"),
        required=False,
        help_text=_("Whose questions are analysed; by default the latest relationship survey."),
    )
    vertical_market = _market_field()
    field_order = ["analysis", "outcome", "survey", "vertical_market"]

    def scope(self) -> DriverScope:
        data = self.data_or_default()
        survey, market = data.get("survey"), data.get("vertical_market")
        return driver_scope_for(
            self.user,
            since=data.get("since"),
            until=data.get("until"),
            analysis=data.get("analysis") or "touch_points",
            outcome=data.get("outcome") or "nps",
            survey_id=survey.pk if survey else None,
            vertical_market_id=market.pk if market else None,
        )


class CommentFilterForm(forms.Form):
    """The results page's comment filter: the band of the response's headline score."""

    band = forms.ChoiceField(label=_("Comments with a score"), required=False)

    def __init__(self, *args, metric: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        bands = ANSWER_BANDS.get(metric or "", {})
        choices = [("", _("Any score"))]
        for key, (low, high) in bands.items():
            scores = f"{low}–{high}" if low != high else str(low)
            choices.append((key, f"{BAND_LABELS[key]} ({scores})"))
        self.fields["band"].choices = choices

    def selected_band(self) -> str | None:
        return (self.cleaned_data.get("band") or None) if self.is_valid() else None


class ResponseFilterForm(TrendFilterForm):
    """The analyst's drill-down: the trend filters without metric and period."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        del self.fields["metric"], self.fields["period"]

    def result_filter(self) -> tuple[ResultFilter, int | None]:
        """(the filter of the user's scope, vertical market id) for valid input."""
        data = self.data_or_default()
        pk = lambda name: data[name].pk if data.get(name) else None  # noqa: E731
        result_filter = result_filter_for(
            self.user,
            survey_id=pk("survey"),
            touch_point_id=pk("touch_point"),
            account_id=pk("account"),
            since=data.get("since"),
            until=data.get("until"),
        )
        return result_filter, pk("vertical_market")
