"""The OpenAPI schema states every status code the API answers with.

drf-spectacular documents the success of each operation; the errors every endpoint shares come
from the frameworks around the view (authentication, permissions, lookups, filters, throttles)
and are added here once, as a postprocessing hook (SPECTACULAR_SETTINGS), so that
schemathesis' status-code check holds: 400 (a rejected body, parameter or filter), 401 and 403
(no or insufficient credentials), 404 (an object outside the caller's accounts, or none), 409 (a
delete of an object still in use), 429 (the password endpoint's limits). A view's own
`extend_schema(responses=...)` wins where it says more.
"""

from django.utils.translation import gettext_lazy as _

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": str(
        _(
            "An error: `detail` with a message, or messages per field name"
            " (`non_field_errors` for the whole input)."
        )
    ),
    "additionalProperties": {},
}

_DESCRIPTIONS = {
    "400": _("Invalid input: a body, parameter or filter value; messages name the field."),
    "401": _("No valid credentials (token or staff session)."),
    "403": _("Not allowed: staff only, and the model permission of the method."),
    "404": _("No such object among the caller's accounts."),
    "409": _("The object is still in use by other rows and cannot be deleted."),
    "414": _("The request line is longer than the server takes (gunicorn: 4,094 bytes)."),
    "429": _("Too many attempts from this address, or a locked-out username; try later."),
}


def _error(code: str) -> dict:
    return {
        "description": str(_DESCRIPTIONS[code]),
        "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}
        },
    }


def _codes(path: str, method: str, operation: dict) -> list[str]:
    codes = ["401", "403"]
    has_input = bool(operation.get("parameters")) or "requestBody" in operation
    if has_input or method in ("post", "put", "patch"):
        codes.append("400")
    if "{" in path:
        codes.append("404")
    if any(p.get("in") == "query" for p in operation.get("parameters", [])):
        codes.append("414")
    if method == "delete":
        codes.append("409")
    if path.endswith("/auth/token/"):
        codes.append("429")
    return codes


def add_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: every operation lists the errors it can answer."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _codes(path, method, operation):
                responses.setdefault(code, _error(code))
    return result
