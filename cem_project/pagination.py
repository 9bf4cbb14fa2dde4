"""API pagination: bounded pages only.

`?limit=` above MAX_LIMIT is served as MAX_LIMIT (a client asking for everything gets the most
one page holds, and the next link); a limit or offset too large for the database is refused as
400 rather than reaching it. Responses, the table that grows without end, page by cursor.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, LimitOffsetPagination

MAX_LIMIT = 500
# Offsets beyond this are refused: PostgreSQL's bigint ends near 9.2e18, and no page that far
# exists; a cursor serves deep reads.
MAX_OFFSET = 10_000_000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is not None and raw.strip().isdigit() and int(raw) > MAX_OFFSET:
            raise ValidationError(
                {self.offset_query_param: [_("At most %(n)d.") % {"n": MAX_OFFSET}]}
            )
        return super().get_offset(request)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"]["maximum"] = MAX_LIMIT
                parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.offset_query_param:
                parameter["schema"]["maximum"] = MAX_OFFSET
                parameter["schema"]["minimum"] = 0
        return parameters


class ResponseCursorPagination(CursorPagination):
    """Newest first by submission time (ties by id); `?cursor=` from `next`/`previous`,
    `?page_size=` up to MAX_LIMIT."""

    ordering = ("-submitted_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_LIMIT

    def decode_cursor(self, request):
        # DRF answers a garbled cursor with 404; it is a bad parameter, not a missing page.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor.")]}) from error
