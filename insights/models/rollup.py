"""Daily rollups behind the metrics on PostgreSQL (see `insights.rollup`).

Kept exact by statement-level triggers on surveys_answer and surveys_response for every day
before `RollupState.through`; the selectors read those days here and the rest from the raw
rows. No foreign keys: a deleted survey or question takes its answers with it and the
triggers subtract them.
"""

from django.db import models


class AnswerDay(models.Model):
    """Submitted answers per local day, survey, touch point, question and value."""

    day = models.DateField()
    survey_id = models.BigIntegerField()
    touch_point_id = models.BigIntegerField(null=True)
    question_id = models.BigIntegerField()
    question_type = models.CharField(max_length=20)
    number = models.SmallIntegerField(null=True)
    count = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "survey_id", "touch_point_id", "question_id", "number"],
                nulls_distinct=False,
                name="insights_answerday_key",
            ),
        ]
        required_db_vendor = "postgresql"

    def __str__(self) -> str:
        return f"{self.day} q{self.question_id}={self.number}: {self.count}"


class ResponseDay(models.Model):
    """Completed responses per local day, survey and touch point."""

    day = models.DateField()
    survey_id = models.BigIntegerField()
    touch_point_id = models.BigIntegerField(null=True)
    count = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "survey_id", "touch_point_id"],
                nulls_distinct=False,
                name="insights_responseday_key",
            ),
        ]
        required_db_vendor = "postgresql"

    def __str__(self) -> str:
        return f"{self.day} survey {self.survey_id}: {self.count}"


class RollupState(models.Model):
    """One row once the rollup was built: it is complete for submitted_at < through, with
    days taken in time_zone. No row: the selectors read the raw rows only."""

    through = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    refreshed_at = models.DateTimeField()

    class Meta:
        required_db_vendor = "postgresql"

    def __str__(self) -> str:
        return f"through {self.through:%Y-%m-%d %H:%M} {self.time_zone}"
