"""GET/POST /api/v1/action-plans/ and GET /api/v1/action-plans/<id>/: the caller's plans only
(another team's plan is a 404), created through `services.plans.action_plan_create`."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from ..models import Action, ActionPlan, Finding
from ..selectors.plans import PlanFilter, plan_get_or_404, plan_list
from ..services.plans import action_plan_create
from .serializers import PlanFilterSerializer, PlanInputSerializer, PlanOutputSerializer


def _with_rows(plans):
    return plans.prefetch_related(
        Prefetch("findings", queryset=Finding.objects.select_related("touch_point")),
        Prefetch(
            "actions",
            queryset=Action.objects.select_related("owner_user", "touch_point").order_by(
                "position", "pk"
            ),
        ),
    )


class ActionPlanListCreateApi(GenericAPIView):
    """The caller's action plans (filters: account, status, since, until), and a new plan
    for one of the caller's accounts with its findings and actions. Reading needs
    `plans.view_actionplan`, posting `plans.add_actionplan` (cem_project.permissions)."""

    serializer_class = PlanOutputSerializer
    queryset = ActionPlan.objects.none()  # for the schema; reads go through selectors

    @extend_schema(parameters=[PlanFilterSerializer], responses=PlanOutputSerializer(many=True))
    def get(self, request):
        params = PlanFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        plans = _with_rows(
            plan_list(
                user=request.user,
                filters=PlanFilter(
                    account_id=data.get("account"),
                    status=data.get("status"),
                    since=data.get("since"),
                    until=data.get("until"),
                ),
            )
        )
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(PlanOutputSerializer(page, many=True).data)

    @extend_schema(request=PlanInputSerializer, responses={201: PlanOutputSerializer})
    def post(self, request):
        serializer = PlanInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            plan = action_plan_create(
                account=data.pop("account"),
                created_by=request.user,
                wave=data.pop("wave", None),
                period_start=data.pop("period_start", None),
                period_end=data.pop("period_end", None),
                title=data.pop("title", ""),
                language=data.pop("language", None),
                findings=data.pop("findings", []),
                actions=data.pop("actions", []),
            )
        except DjangoValidationError as error:
            raise ValidationError(as_serializer_error(error)) from error
        plan = plan_get_or_404(user=request.user, pk=plan.pk, full=True)
        return Response(PlanOutputSerializer(plan).data, status=status.HTTP_201_CREATED)


class ActionPlanDetailApi(GenericAPIView):
    """One of the caller's action plans with its findings and actions."""

    serializer_class = PlanOutputSerializer
    queryset = ActionPlan.objects.none()

    @extend_schema(responses=PlanOutputSerializer)
    def get(self, request, pk: int):
        return Response(
            PlanOutputSerializer(plan_get_or_404(user=request.user, pk=pk, full=True)).data
        )
