"""Check an API body against the project's own OpenAPI schema (the check schemathesis makes in
.ci/run, pinned by tests on the data that once broke it)."""

import jsonschema


def _openapi_nullable(schema):
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null type, everywhere."""
    if isinstance(schema, dict):
        out = {key: _openapi_nullable(value) for key, value in schema.items()}
        if out.pop("nullable", False):
            return {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(schema, list):
        return [_openapi_nullable(item) for item in schema]
    return schema


def schema_errors(client, component: str, body) -> list[str]:
    """What in `body` breaks the schema's `component`, as readable lines (empty: it fits)."""
    schema = _openapi_nullable(client.get("/api/schema/", {"format": "json"}).json())
    document = {**schema["components"]["schemas"][component], "components": schema["components"]}
    validator = jsonschema.Draft4Validator(document)  # OpenAPI 3.0: boolean exclusiveMaximum
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]
