import django_filters

from ..models import Account, Contact, TouchPoint


class AccountFilterSet(django_filters.FilterSet):
    vertical_market = django_filters.CharFilter(field_name="vertical_market__code")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Account
        fields = ["status", "vertical_market", "name", "external_id"]


class ContactFilterSet(django_filters.FilterSet):
    account = django_filters.NumberFilter(field_name="account_id")

    class Meta:
        model = Contact
        fields = ["account", "language", "is_key_contact", "opted_out"]


class TouchPointFilterSet(django_filters.FilterSet):
    class Meta:
        model = TouchPoint
        fields = ["channel", "owning_function", "is_active"]
