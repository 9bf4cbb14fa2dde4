import django_filters
from django.utils.translation import gettext_lazy as _

from customers.api.filters import IdFilter

from ..constants import CaseState, Priority
from ..models import Case
from ..querysets import overdue_q


class CaseFilterSet(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(
        choices=CaseState.choices, help_text=_("Repeat for several states.")
    )
    owner = IdFilter(field_name="owner_id")
    team = IdFilter(field_name="team_id")
    account = IdFilter(field_name="account_id")
    rule = IdFilter(field_name="rule_id")
    touch_point = django_filters.CharFilter(
        field_name="touch_point__code", help_text=_("Touch-point code.")
    )
    priority = django_filters.TypedChoiceFilter(choices=Priority.choices, coerce=int)
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Case
        fields = ["state", "owner", "team", "account", "rule", "touch_point", "priority", "overdue"]

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)
