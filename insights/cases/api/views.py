"""Cases and alert rules over the API, through the same selectors and services as the pages."""

from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from customers.api.mixins import ScopedObjectMixin
from customers.constants import AuditAction
from customers.privacy import audit_log_record

from .. import selectors, services
from ..evaluation import rule_dry_run
from ..models import Case
from .filters import CaseFilterSet
from .serializers import (
    AlertRuleSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CaseUpdateInputSerializer,
    DryRunInputSerializer,
    DryRunSerializer,
)


def _api_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class CaseViewSet(
    ScopedObjectMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Cases the caller may see (their accounts' and those routed to them), soonest due
    first. PATCH changes the state, the owner or team, or adds a note, through the same
    services as the case page."""

    unscoped_model = Case
    filterset_class = CaseFilterSet
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        if self.action == "list":
            return selectors.case_list(user=self.request.user)
        return selectors.case_detail_queryset(user=self.request.user)

    def get_serializer_class(self):
        return CaseSerializer if self.action == "list" else CaseDetailSerializer

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        audit_log_record(
            actor=request.user, action=AuditAction.VIEWED, subject="case", object_id=case.pk,
            contact_id=case.contact_id, via="api",
        )  # fmt: skip
        return Response(self._detail(case))

    def _detail(self, case: Case) -> dict:
        case.answers = selectors.case_answers(case=case)
        return CaseDetailSerializer(case).data

    @extend_schema(request=CaseUpdateInputSerializer, responses=CaseDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        params = CaseUpdateInputSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        try:
            # State first: once reassigned, the caller may no longer be the one to act.
            with transaction.atomic():
                if "state" in data:
                    case = services.case_transition(
                        case=case,
                        user=request.user,
                        to_state=data["state"],
                        note=data.get("note", ""),
                        root_cause=data.get("root_cause", ""),
                        customer_contacted=data.get("customer_contacted"),
                    )
                if "owner" in data or "team" in data:
                    case = services.case_assign(
                        case=case,
                        user=request.user,
                        owner=data.get("owner", case.owner),
                        team=data.get("team", case.team),
                        note="" if "state" in data else data.get("note", ""),
                    )
                if not ({"state", "owner", "team"} & set(data)):
                    services.case_note_add(case=case, user=request.user, note=data["note"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(self._detail(selectors.case_after_change(case=case)))


class AlertRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Alert rules with their conditions (`cases.view_alertrule` to read, `add_alertrule` to
    create). POST validates each condition as the admin does."""

    serializer_class = AlertRuleSerializer

    def get_queryset(self):
        return selectors.alert_rule_list()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        conditions = data.pop("conditions")
        templates = data.pop("reply_templates", [])
        try:
            rule = services.alert_rule_create(
                user=request.user, conditions=conditions, reply_templates=templates, **data
            )
        except DjangoValidationError as error:
            raise _api_error(error) from error
        rule = self.get_queryset().get(pk=rule.pk)
        return Response(self.get_serializer(rule).data, status=201)

    @extend_schema(parameters=[DryRunInputSerializer], responses=DryRunSerializer)
    @action(detail=True, methods=["get"], url_path="dry-run")
    def dry_run(self, request, pk=None):
        """ "This rule would have opened N cases" over the completed responses."""
        params = DryRunInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        result = rule_dry_run(rule=self.get_object(), **params.validated_data)
        return Response(DryRunSerializer(asdict(result)).data)
