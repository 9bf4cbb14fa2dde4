"""Reads of predictions: who may record them, and the predictions a user may see."""

from django.db.models import Q, QuerySet

from customers.models import Account

from ..models import Prediction


def prediction_writable_accounts(*, user) -> QuerySet[Account]:
    """Accounts whose predictions `user` may record or change: their own accounts (on the
    account team or as general manager) among those they see; a superuser, every account.
    Seeing every account (analysts) is not enough: a prediction is the account team's."""
    if user.is_superuser:
        return Account.objects.all()
    return (
        Account.objects.visible_to(user)
        .filter(Q(account_team=user) | Q(general_manager=user))
        .distinct()
    )


def prediction_list(*, user) -> QuerySet[Prediction]:
    """The predictions of the accounts `user` sees, with what a list shows."""
    return (
        Prediction.objects.filter(account__in=Account.objects.visible_to(user))
        .select_related("account", "wave", "predicted_by")
        .order_by("-wave__period_start", "account__name", "metric", "pk")
    )
