import django_filters
from django import forms

from ..models import Account, Contact, TouchPoint
from ..selectors import MAX_ID


class IdFilter(django_filters.NumberFilter):
    """A primary key: an integer in the database's range (out of range is a 400, not a 500)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class AccountFilterSet(django_filters.FilterSet):
    vertical_market = django_filters.CharFilter(field_name="vertical_market__code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Account
        fields = ["status", "vertical_market", "name", "external_id"]


class ContactFilterSet(django_filters.FilterSet):
    account = IdFilter(field_name="account_id")

    class Meta:
        model = Contact
        fields = ["account", "language", "is_key_contact", "opted_out"]


class TouchPointFilterSet(django_filters.FilterSet):
    class Meta:
        model = TouchPoint
        fields = ["channel", "owning_function", "is_active"]
