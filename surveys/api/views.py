"""Survey API: definitions and completed responses, scoped to the caller; touch-point events."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from cem_project.pagination import ResponseCursorPagination
from customers.api.mixins import ScopedObjectMixin
from customers.constants import AuditAction
from customers.models import TouchPointEvent
from customers.privacy import audit_log_record

from ..models import Response
from ..selectors.events import event_get
from ..selectors.responses import response_list, survey_list
from ..services.events import EventConflict, event_record
from .filters import ResponseFilterSet, SurveyFilterSet
from .serializers import (
    EventBatchInputSerializer,
    EventBatchOutputSerializer,
    EventInputSerializer,
    EventSerializer,
    ResponseSerializer,
    SurveySerializer,
)

EVENT_MAX_BYTES = 64 * 1024
BATCH_MAX_EVENTS = 1000
BATCH_MAX_BYTES = 4 * 1024 * 1024


class SurveyViewSet(viewsets.ReadOnlyModelViewSet):
    """Survey definitions with their questions and choices."""

    serializer_class = SurveySerializer
    filterset_class = SurveyFilterSet

    def get_queryset(self):
        return survey_list()


class ResponseViewSet(ScopedObjectMixin, viewsets.ReadOnlyModelViewSet):
    """Completed responses of the caller's accounts, newest first, a page at a time: follow
    `next` (a `?cursor=`); `?page_size=` up to 500.

    `attributes` holds the facts of the event that caused the response (technician, channel,
    order number...); filter on them with `?attr.<name>=<value>` (up to 5, exact text match).
    """

    unscoped_model = Response
    serializer_class = ResponseSerializer
    filterset_class = ResponseFilterSet
    # The table that grows without end: a cursor (`next`/`previous`), no count, no offset.
    pagination_class = ResponseCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Response.objects.none()
        return response_list(user=self.request.user)

    def retrieve(self, request, *args, **kwargs):
        response = self.get_object()
        audit_log_record(
            actor=request.user,
            action=AuditAction.VIEWED,
            subject="response",
            object_id=response.pk,
            contact_id=response.contact_id,
            via="api",
        )
        return ApiResponse(self.get_serializer(response).data)


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _refuse_large_body(request, limit: int) -> None:
    """DRF reads the body itself, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE: cap it here."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise PayloadTooLarge()


def _messages(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {field: [str(m) for m in msgs] for field, msgs in error.message_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _record(data: dict):
    """event_record with the validated input; (event, created) or a DjangoValidationError."""
    return event_record(
        account=data["account"],
        contact=data["contact"],
        touch_point=data["touch_point"],
        external_id=data["external_id"],
        occurred_at=data["occurred_at"],
        attributes=data["attributes"],
    )


class EventCreateApi(APIView):
    """Report one completed transaction; it becomes an invitation to each live transaction
    survey on its touch point, after the survey's send delay.

    Idempotent on `external_id`: a replay stores nothing new and answers 200 with the first
    event; the same id for another account or touch point is a 409.
    """

    permission_model = TouchPointEvent  # posting needs customers.add_touchpointevent

    @extend_schema(
        operation_id="events_create",
        request=EventInputSerializer,
        responses={
            201: EventSerializer,
            200: OpenApiResponse(EventSerializer, description=_("A replay: the stored event.")),
            400: OpenApiResponse(description=_("Invalid input; messages name the field.")),
            409: OpenApiResponse(description=_("The external id belongs to another event.")),
            413: OpenApiResponse(description=_("Body over 64 KB.")),
        },
        examples=[
            OpenApiExample(
                "Repair visit",
                request_only=True,
                value={
                    "contact": "ann@customer.example",
                    "account": "ACC-00042",
                    "touch_point": "repair",
                    "external_id": "WO-2026-118233",
                    "occurred_at": "2026-11-20T14:05:00Z",
                    "attributes": {"technician": "Kim", "channel": "field"},
                },
            )
        ],
    )
    def post(self, request):
        _refuse_large_body(request, EVENT_MAX_BYTES)
        serializer = EventInputSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        try:
            event, created = _record(serializer.validated_data)
        except EventConflict as error:
            raise Conflict(_messages(error)) from error
        except DjangoValidationError as error:
            raise ValidationError(_messages(error)) from error
        return ApiResponse(
            EventSerializer(event_get(pk=event.pk)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class EventBatchApi(APIView):
    """Report up to 1,000 transactions at once. Each row is stored or refused on its own; the
    answer lists every row by index: created, duplicate (a replay) or error with messages."""

    permission_model = TouchPointEvent

    @extend_schema(
        operation_id="events_batch_create",
        request=EventBatchInputSerializer,
        responses={
            200: EventBatchOutputSerializer,
            400: OpenApiResponse(description=_('The body is not {"events": [...]}.')),
            413: OpenApiResponse(description=_("More than 1,000 events, or a body over 4 MB.")),
        },
    )
    def post(self, request):
        _refuse_large_body(request, BATCH_MAX_BYTES)
        rows = request.data.get("events") if isinstance(request.data, dict) else None
        if not isinstance(rows, list):
            raise ValidationError({"events": [_("Send a JSON object with a list `events`.")]})
        if len(rows) > BATCH_MAX_EVENTS:
            raise PayloadTooLarge(_("At most %(n)d events per batch.") % {"n": BATCH_MAX_EVENTS})
        context = {"request": request}  # shared: accounts and touch points looked up once
        results = []
        for index, row in enumerate(rows):
            results.append({"index": index, **self._row(row, context)})
        counts = {
            key: sum(r["status"] == key for r in results)
            for key in ("created", "duplicate", "error")
        }
        return ApiResponse(
            EventBatchOutputSerializer(
                {
                    "created": counts["created"],
                    "duplicates": counts["duplicate"],
                    "errors": counts["error"],
                    "results": results,
                }
            ).data
        )

    @staticmethod
    def _row(row, context) -> dict:
        serializer = EventInputSerializer(data=row, context=context)
        if not serializer.is_valid():
            return {"status": "error", "id": None, "errors": serializer.errors}
        try:
            event, created = _record(serializer.validated_data)
        except DjangoValidationError as error:
            return {"status": "error", "id": None, "errors": _messages(error)}
        return {"status": "created" if created else "duplicate", "id": event.pk, "errors": {}}
