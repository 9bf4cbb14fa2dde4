import re

import django_filters
from django.db.models import TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from customers.api.filters import IdFilter

from ..models import Response, Survey
from ..selectors.responses import day_start

ATTRIBUTE_PREFIX = "attr."
ATTRIBUTE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
MAX_ATTRIBUTE_FILTERS = 5


class SurveyFilterSet(django_filters.FilterSet):
    touch_point = django_filters.CharFilter(field_name="touch_point__code")

    class Meta:
        model = Survey
        fields = ["kind", "status", "touch_point"]


class ResponseFilterSet(django_filters.FilterSet):
    survey = IdFilter(field_name="survey_id")
    account = IdFilter(field_name="account_id")
    touch_point = django_filters.CharFilter(
        field_name="touch_point__code", help_text=_("Touch-point code.")
    )
    since = django_filters.DateFilter(
        method="filter_since", help_text=_("Submitted on or after this day (YYYY-MM-DD).")
    )
    until = django_filters.DateFilter(
        method="filter_until", help_text=_("Submitted on or before this day, inclusive.")
    )

    class Meta:
        model = Response
        fields = ["survey", "account", "touch_point", "since", "until"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=day_start(value, days_after=1))

    def filter_queryset(self, queryset):
        return attributes_filter(super().filter_queryset(queryset), self.data)


def attributes_filter(queryset, params):
    """`?attr.technician=Kim`: responses whose event attribute equals the text given.

    The name is matched against a pattern and used only as a JSON key (KeyTextTransform), never
    as a lookup: request data is not splatted into the ORM.
    """
    wanted = [(key[len(ATTRIBUTE_PREFIX) :], params.get(key)) for key in params
              if key.startswith(ATTRIBUTE_PREFIX)]  # fmt: skip
    if len(wanted) > MAX_ATTRIBUTE_FILTERS:
        raise ValidationError({"attr": [f"At most {MAX_ATTRIBUTE_FILTERS} attribute filters."]})
    for number, (name, value) in enumerate(wanted):
        if (
            not ATTRIBUTE_NAME.match(name)
            or "__" in name
            or value is None
            or len(value) > 200
            or "\x00" in value
        ):
            raise ValidationError({f"attr.{name[:64]}": ["Invalid attribute filter."]})
        alias = f"_attr_{number}"
        # Cast: compare plain text, not a JSON value (SQLite would parse `value` as JSON).
        text = Cast(KeyTextTransform(name, "attributes"), output_field=TextField())
        queryset = queryset.alias(**{alias: text}).filter(**{alias: value})
    return queryset
