"""Customer API: accounts, contacts, touch points, vertical markets. Staff only (settings).

Account and contact writes call `customers.services`; the hooks here only hand over the
validated input and turn a service's ValidationError into a 400.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from cem_project.auth import LoginAttemptsThrottle

from .. import privacy, selectors, services
from ..constants import AuditAction
from ..models import Account, Contact
from .filters import AccountFilterSet, ContactFilterSet, TouchPointFilterSet
from .mixins import ScopedObjectMixin
from .serializers import (
    AccountRevenueSerializer,
    AccountSerializer,
    ContactSerializer,
    TouchPointSerializer,
    VerticalMarketSerializer,
)


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed sign-ins for this user from your address. Try again later.")
    default_code = "locked_out"


class TokenInputSerializer(AuthTokenSerializer):
    # Bounded like the admin's login form (the user model's 150): a longer name cannot be a
    # user, and the lockout's records hold at most 255 characters.
    username = serializers.CharField(label=_("Username"), max_length=150, write_only=True)
    password = serializers.CharField(
        label=_("Password"),
        style={"input_type": "password"},
        trim_whitespace=False,
        max_length=4096,
        write_only=True,
    )


class AuthTokenApi(ObtainAuthToken):
    """Exchange a staff user's username and password for an API token.

    Counted per address with the admin login (LoginAttemptsThrottle); after repeated failures
    for a username from an address, django-axes refuses that pair, even the right password."""

    throttle_classes = [LoginAttemptsThrottle]
    serializer_class = TokenInputSerializer

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes marks the request it refused (the DRF request wraps Django's).
            if getattr(request, "axes_locked_out", False) or getattr(
                request._request, "axes_locked_out", False
            ):
                raise LockedOut()
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if not user.is_staff:
            # Same message as a wrong password: a token is of no use to non-staff users.
            raise ValidationError(
                {"non_field_errors": [_("Unable to log in with provided credentials.")]}
            )
        # A sign-in like the admin's: last_login moves and django-axes forgets the failures.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class ProtectedDestroyMixin:
    """Deleting an object other rows still depend on answers 409 instead of a 500."""

    def perform_destroy(self, instance):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise Conflict() from exc


class Conflict(ValidationError):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This object is still in use and cannot be deleted.")

    def __init__(self):
        super().__init__({"detail": self.default_detail})


@contextmanager
def _as_api_errors() -> Iterator[None]:
    """A service's ValidationError as a 400 with the serializer's error shape."""
    try:
        yield
    except DjangoValidationError as error:
        raise ValidationError(as_serializer_error(error)) from error


class AccountViewSet(ScopedObjectMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    unscoped_model = Account
    serializer_class = AccountSerializer
    filterset_class = AccountFilterSet

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Account.objects.none()
        return selectors.account_list(user=self.request.user)

    def perform_create(self, serializer):
        with _as_api_errors():
            serializer.instance = services.account_create(
                created_by=self.request.user, **serializer.validated_data
            )

    def perform_update(self, serializer):
        with _as_api_errors():
            serializer.instance = services.account_update(
                account=serializer.instance, data=serializer.validated_data
            )

    @extend_schema(responses=AccountRevenueSerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=AccountRevenueSerializer)
    def revenues(self, request, pk=None):
        """Billed and forecast revenue of the account per period, newest first."""
        account = self.get_object()
        queryset = selectors.account_revenue_list(account=account)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(AccountRevenueSerializer(page, many=True).data)


class HoldsPermission(BasePermission):
    """A staff user holding one model permission, e.g. `customers.erase_contact`."""

    def __init__(self, permission: str):
        self.permission = permission

    def __call__(self):  # DRF instantiates permission classes
        return self

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.is_staff and user.has_perm(self.permission)
        )


class ContactViewSet(ScopedObjectMixin, viewsets.ModelViewSet):
    """Contacts of the caller's accounts. Reading one contact is logged (audit log); so are
    its export and erasure, which need `customers.export_contact` / `customers.erase_contact`.
    DELETE removes the contact with its events, invitations and responses; erase keeps the
    responses, anonymised, in the figures."""

    unscoped_model = Contact
    serializer_class = ContactSerializer
    filterset_class = ContactFilterSet

    def retrieve(self, request, *args, **kwargs):
        contact = self.get_object()
        privacy.audit_log_record(
            actor=request.user,
            action=AuditAction.VIEWED,
            subject="contact",
            object_id=contact.pk,
            contact_id=contact.pk,
            via="api",
        )
        return Response(self.get_serializer(contact).data)

    @extend_schema(
        request=None,
        responses={
            200: ContactSerializer,
            403: OpenApiResponse(description=_("Needs the permission to erase contacts.")),
            404: OpenApiResponse(description=_("Not one of your contacts.")),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[HoldsPermission("customers.erase_contact")],
    )
    def erase(self, request, pk=None):
        """Erase the contact's personal data: name, email and role replaced, free-text answers
        emptied, links dead; scores and choices stay in the figures, anonymised."""
        contact = privacy.contact_erase(contact=self.get_object(), actor=request.user, via="api")
        return Response(self.get_serializer(contact).data)

    @extend_schema(
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=_("The contact, account, events, invitations and responses."),
            ),
            403: OpenApiResponse(description=_("Needs the permission to export contacts.")),
            404: OpenApiResponse(description=_("Not one of your contacts.")),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[HoldsPermission("customers.export_contact")],
        filter_backends=[],
        pagination_class=None,
    )
    def export(self, request, pk=None):
        """Everything about the contact as one JSON document (a data subject's access request)."""
        data = privacy.contact_export(contact=self.get_object(), actor=request.user, via="api")
        response = Response(data)
        response["Content-Disposition"] = (
            f'attachment; filename="contact-{data["contact"]["id"]}.json"'
        )
        return response

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Contact.objects.none()
        return selectors.contact_list(user=self.request.user)

    def perform_create(self, serializer):
        with _as_api_errors():
            serializer.instance = services.contact_create(**serializer.validated_data)

    def perform_update(self, serializer):
        # `opted_out` goes through contact_opt_out: the contact's waiting invitations are
        # skipped, as from the unsubscribe page.
        with _as_api_errors():
            serializer.instance = services.contact_update(
                contact=serializer.instance, data=serializer.validated_data
            )


class TouchPointViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    serializer_class = TouchPointSerializer
    filterset_class = TouchPointFilterSet

    def get_queryset(self):
        return selectors.touch_point_list()


class VerticalMarketViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = VerticalMarketSerializer
    filter_backends: list = []

    def get_queryset(self):
        return selectors.vertical_market_list()
