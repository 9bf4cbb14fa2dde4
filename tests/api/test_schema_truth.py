"""The schema says what the API answers (schemathesis in .ci/run checks it against a live
server; these pin the truths it once found false)."""

import jsonschema
import pytest

from tests.factories import QuestionFactory, ResponseFactory, SurveyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_api):
    return admin_api.get("/api/schema/?format=json").json()


def _validator(schema: dict, component: str):
    """A JSON-schema validator of one component, with the schema's $refs resolvable."""
    document = {**schema["components"]["schemas"][component], "components": schema["components"]}
    return jsonschema.Draft7Validator(document)


def _openapi_nullable(schema: dict) -> dict:
    """OpenAPI 3.0's `nullable: true` as JSON Schema's null type, everywhere."""
    if isinstance(schema, dict):
        out = {key: _openapi_nullable(value) for key, value in schema.items()}
        if out.pop("nullable", False):
            return {"anyOf": [out, {"type": "null"}]}
        return out
    if isinstance(schema, list):
        return [_openapi_nullable(item) for item in schema]
    return schema


def test_a_survey_without_touch_point_and_a_question_without_driver_fit_the_schema(
    admin_api, schema
):
    survey = SurveyFactory()  # relationship: no touch point
    QuestionFactory(survey=survey, driver="")

    body = admin_api.get(f"/api/v1/surveys/{survey.pk}/").json()

    assert body["touch_point"] is None and body["questions"][0]["driver"] == ""
    errors = list(_validator(_openapi_nullable(schema), "Survey").iter_errors(body))
    assert errors == []


def test_a_response_without_touch_point_fits_the_schema(admin_api, schema):
    response = ResponseFactory(survey=SurveyFactory())

    body = admin_api.get(f"/api/v1/responses/{response.pk}/").json()

    assert body["touch_point"] is None
    assert list(_validator(_openapi_nullable(schema), "Response").iter_errors(body)) == []


def test_every_operation_documents_its_errors(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch") or operation.get("parameters"):
                assert "400" in codes, (method, path)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "429" in token
