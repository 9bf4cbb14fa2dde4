from typing import Self

from django.db import models
from django.utils import timezone

from customers.querysets import visible_rows

from .constants import InvitationStatus, ResponseStatus, SurveyStatus
from .rates import delivered_q


class SurveyQuerySet(models.QuerySet):
    def live(self) -> Self:
        return self.filter(status=SurveyStatus.LIVE)


class InvitationQuerySet(models.QuerySet):
    def delivered(self) -> Self:
        """Links that reached their mailbox (`surveys.rates.delivered_q`)."""
        return self.filter(delivered_q())

    def due(self, now=None) -> Self:
        now = now or timezone.now()
        return self.filter(status=InvitationStatus.PENDING).filter(
            models.Q(send_after__isnull=True) | models.Q(send_after__lte=now)
        )

    def answerable(self, now=None) -> Self:
        now = now or timezone.now()
        return self.filter(
            status__in=[
                InvitationStatus.SENT,
                InvitationStatus.OPENED,
                InvitationStatus.PENDING,
                InvitationStatus.SENDING,
            ],
            survey__status=SurveyStatus.LIVE,
        ).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ResponseQuerySet(models.QuerySet):
    def completed(self) -> Self:
        return self.filter(status=ResponseStatus.COMPLETED)

    def visible_to(self, user) -> Self:
        return visible_rows(self, user, account_path="account")


class AnswerQuerySet(models.QuerySet):
    def submitted(self) -> Self:
        return self.filter(submitted_at__isnull=False)
