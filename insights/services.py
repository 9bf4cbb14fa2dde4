"""The writes of `insights`: predictions of an account's score before a wave."""

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Account
from surveys.constants import WaveStatus
from surveys.models import Wave

from .models import Prediction
from .selectors.predictions import prediction_writable_accounts


def prediction_check_open(*, wave: Wave, now: datetime | None = None) -> None:
    """A prediction is the team's expectation before the answers are in: it can be recorded,
    changed or withdrawn until the wave closes, never after."""
    now = now or timezone.now()
    if wave.status == WaveStatus.CLOSED or wave.closes_at <= now:
        raise ValidationError(
            {
                "wave": ValidationError(
                    _("This wave has closed: its predictions can no longer change."),
                    code="wave_closed",
                )
            }
        )


def prediction_check_writable(*, account: Account, user) -> None:
    if not prediction_writable_accounts(user=user).filter(pk=account.pk).exists():
        raise ValidationError(
            {
                "account": ValidationError(
                    _("Only the account's team records its predictions."),
                    code="not_account_team",
                )
            }
        )


@transaction.atomic
def prediction_create(
    *, account: Account, wave: Wave, metric: str, score: Decimal, predicted_by
) -> Prediction:
    prediction_check_writable(account=account, user=predicted_by)
    prediction_check_open(wave=wave)
    prediction = Prediction(
        account=account, wave=wave, metric=metric, score=score, predicted_by=predicted_by
    )
    prediction.full_clean()
    prediction.save()
    return prediction


@transaction.atomic
def prediction_update(*, prediction: Prediction, score: Decimal, predicted_by) -> Prediction:
    """A new score for the same account, wave and metric, by `predicted_by`."""
    prediction_check_writable(account=prediction.account, user=predicted_by)
    prediction_check_open(wave=prediction.wave)
    prediction.score = score
    prediction.predicted_by = predicted_by
    prediction.full_clean()
    prediction.save(update_fields=["score", "predicted_by", "updated_at"])
    return prediction


@transaction.atomic
def prediction_delete(*, prediction: Prediction, user) -> None:
    prediction_check_writable(account=prediction.account, user=user)
    prediction_check_open(wave=prediction.wave)
    prediction.delete()
