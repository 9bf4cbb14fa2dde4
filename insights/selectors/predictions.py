"""Reads of predictions: who may record them, and the predictions a user may see."""

from django.db.models import QuerySet

from customers.models import Account

from ..models import Prediction


def prediction_writable_accounts(*, user) -> QuerySet[Account]:
    """Accounts whose predictions `user` may record or change: the accounts they serve (account
    team, named general manager, general manager of the market; `served_by`); a superuser,
    every account. Seeing every account (analysts) is not enough: a prediction is the team's.
    The model permissions (add/change/delete_prediction, cem_project/roles.py) come on top."""
    if user.is_superuser:
        return Account.objects.all()
    return Account.objects.served_by(user)


def prediction_list(*, user) -> QuerySet[Prediction]:
    """The predictions of the accounts `user` sees, with what a list shows."""
    return (
        Prediction.objects.filter(account__in=Account.objects.visible_to(user))
        .select_related("account", "wave", "predicted_by")
        .order_by("-wave__period_start", "account__name", "metric", "pk")
    )
