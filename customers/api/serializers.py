"""Shapes of the customer API. Server-set fields are read-only; nothing is `__all__`."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Account, AccountRevenue, Contact, TouchPoint, VerticalMarket
from ..selectors import account_lookup, key_as_id

MAX_TEAM_SIZE = 100


class VerticalMarketSerializer(serializers.ModelSerializer):
    class Meta:
        model = VerticalMarket
        fields = ["id", "code", "name"]
        read_only_fields = fields


class LatestRevenueSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    billed = serializers.DecimalField(max_digits=14, decimal_places=2)
    forecast = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()


class CodeRelatedField(serializers.SlugRelatedField):
    """A row by its code; a NUL character (which PostgreSQL cannot compare) is no code."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class AccountSerializer(serializers.ModelSerializer):
    """`vertical_market` is the market's code (e.g. "healthcare"); users are referenced by id."""

    vertical_market = CodeRelatedField(
        slug_field="code",
        queryset=VerticalMarket.objects.all(),
        help_text=_("Code of the vertical market."),
    )
    account_team = serializers.PrimaryKeyRelatedField(
        many=True,
        required=False,
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text=_("Ids of the staff users on the account team."),
    )
    general_manager = serializers.PrimaryKeyRelatedField(
        allow_null=True,
        required=False,
        queryset=get_user_model().objects.filter(is_staff=True, is_active=True),
        help_text=_("Id of the staff user who is the account's general manager."),
    )
    latest_revenue = serializers.SerializerMethodField(
        help_text=_("Billed and forecast revenue of the latest period, or null.")
    )

    class Meta:
        model = Account
        fields = [
            "id",
            "name",
            "external_id",
            "vertical_market",
            "status",
            "account_team",
            "general_manager",
            "latest_revenue",
            "created_at",
        ]
        read_only_fields = ["id", "latest_revenue", "created_at"]

    def to_internal_value(self, data):
        # Each id is one lookup: refuse oversized lists before resolving them.
        team = data.get("account_team") if hasattr(data, "get") else None
        if isinstance(team, list) and len(team) > MAX_TEAM_SIZE:
            raise serializers.ValidationError(
                {"account_team": [_("At most %(n)d users.") % {"n": MAX_TEAM_SIZE}]}
            )
        return super().to_internal_value(data)

    @extend_schema_field(LatestRevenueSerializer(allow_null=True))
    def get_latest_revenue(self, account: Account) -> dict | None:
        # Annotated by customers.selectors.account_list; no query here.
        period_start = getattr(account, "latest_period_start", None)
        if period_start is None:
            return None
        return LatestRevenueSerializer(
            {
                "period_start": period_start,
                "billed": account.latest_billed,
                "forecast": account.latest_forecast,
                "currency": account.latest_currency,
            }
        ).data


class AccountRevenueSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccountRevenue
        fields = ["id", "period_start", "period_end", "billed", "forecast", "currency"]
        read_only_fields = fields


class VisibleAccountField(serializers.PrimaryKeyRelatedField):
    """An account the caller may see, by id (or by external id), matched by
    `customers.selectors.account_lookup`; shown as its id."""

    default_error_messages = {
        "does_not_exist": _("Unknown account."),
        "incorrect_type": _("Unknown account."),
    }

    def _user(self):
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_queryset(self):
        user = self._user()
        return Account.objects.visible_to(user) if user is not None else Account.objects.none()

    def to_internal_value(self, data):
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        key = data
        if isinstance(data, str) and key_as_id(data) is not None:
            key = key_as_id(data)  # this field is an id: digits name an id, not an external id
        user = self._user()
        account = account_lookup(key=key, user=user) if user is not None else None
        if account is None:
            self.fail("does_not_exist", pk_value=data)
        return account


class ContactSerializer(serializers.ModelSerializer):
    account = VisibleAccountField(help_text=_("Id (or external id) of one of your accounts."))

    class Meta:
        model = Contact
        fields = [
            "id",
            "account",
            "name",
            "email",
            "language",
            "role",
            "is_key_contact",
            "opted_out",
            "opted_out_at",
            "erased_at",
            "created_at",
        ]
        read_only_fields = ["id", "opted_out_at", "erased_at", "created_at"]


class TouchPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = TouchPoint
        fields = [
            "id",
            "code",
            "name",
            "channel",
            "owning_function",
            "corridor_position",
            "is_active",
        ]
        read_only_fields = ["id"]
