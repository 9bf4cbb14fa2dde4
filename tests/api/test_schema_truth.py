"""The schema says what the API answers (schemathesis in .ci/run checks it against a live
server; these pin the truths it once found false)."""

import pytest

from tests.factories import QuestionFactory, ResponseFactory, SurveyFactory
from tests.openapi import schema_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(admin_api):
    return admin_api.get("/api/schema/?format=json").json()


def test_a_survey_without_touch_point_and_a_question_without_driver_fit_the_schema(admin_api):
    survey = SurveyFactory()  # relationship: no touch point
    QuestionFactory(survey=survey, driver="")

    body = admin_api.get(f"/api/v1/surveys/{survey.pk}/").json()

    assert body["touch_point"] is None and body["questions"][0]["driver"] == ""
    assert schema_errors(admin_api, "Survey", body) == []


def test_a_response_without_touch_point_fits_the_schema(admin_api):
    response = ResponseFactory(survey=SurveyFactory())

    body = admin_api.get(f"/api/v1/responses/{response.pk}/").json()

    assert body["touch_point"] is None
    assert schema_errors(admin_api, "Response", body) == []


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


def _project_model_serializers():
    from rest_framework import serializers

    from cem_project.urls import urlpatterns  # noqa: F401  (imports every API module)

    pending, seen = [serializers.ModelSerializer], []
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            if subclass.__module__.split(".")[0] in {"surveys", "customers", "insights"}:
                seen.append(subclass)
    return seen


def test_no_read_only_choice_field_denies_the_blank_its_model_field_allows():
    """DRF drops `allow_blank` from the fields it makes read-only, so the schema said a case's
    root cause or an event's from_state could never be "" while the API answered ""."""
    from django.core.exceptions import FieldDoesNotExist
    from rest_framework import serializers

    wrong = []
    for serializer_class in _project_model_serializers():
        model = serializer_class.Meta.model
        for name, field in serializer_class().fields.items():
            if not isinstance(field, serializers.ChoiceField) or field.allow_blank:
                continue
            try:
                model_field = model._meta.get_field(field.source)
            except FieldDoesNotExist:  # a source that is no model field
                continue
            if getattr(model_field, "blank", False) and not model_field.null:
                wrong.append(f"{serializer_class.__qualname__}.{name}")
    assert wrong == []
