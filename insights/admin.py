"""Predictions in the admin: the account team records each account's expected score before a
wave; the rules are those of `insights.services` (own accounts only, until the wave closes)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from cem_project.admin_tools import VisibleAccountsAdminMixin

from . import services
from .models import Prediction
from .selectors.matrix import relationship_waves
from .selectors.predictions import prediction_writable_accounts


class PredictionAdminForm(forms.ModelForm):
    class Meta:
        model = Prediction
        fields = ["account", "wave", "metric", "score"]

    def clean(self):
        cleaned = super().clean()
        account, wave = cleaned.get("account"), cleaned.get("wave")
        if self.instance.pk:  # account, wave and metric are fixed once recorded
            account, wave = self.instance.account, self.instance.wave
        try:
            if wave is not None:
                services.prediction_check_open(wave=wave)
            if account is not None:
                services.prediction_check_writable(account=account, user=self.user)
        except ValidationError as error:
            messages = error.message_dict.get("wave") or error.message_dict["account"]
            raise ValidationError(messages) from error
        return cleaned


@admin.register(Prediction)
class PredictionAdmin(VisibleAccountsAdminMixin, admin.ModelAdmin):
    account_path = "account"
    form = PredictionAdminForm
    list_display = ["account", "wave", "metric", "score", "predicted_by", "updated_at"]
    list_filter = ["wave", "metric"]
    search_fields = ["account__name"]
    list_select_related = ["account", "wave", "predicted_by"]
    readonly_fields = ["predicted_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["account", "wave", "metric"] if obj is not None else []
        return [*fixed, *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account":
            kwargs["queryset"] = prediction_writable_accounts(user=request.user).order_by("name")
        elif db_field.name == "wave":
            kwargs["queryset"] = relationship_waves()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            services.prediction_update(prediction=obj, score=obj.score, predicted_by=request.user)
        else:
            saved = services.prediction_create(
                account=obj.account,
                wave=obj.wave,
                metric=obj.metric,
                score=obj.score,
                predicted_by=request.user,
            )
            obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.prediction_delete(prediction=obj, user=request.user)

    def has_delete_permission(self, request, obj=None):
        # Bulk deletion would skip the rule that closed waves keep their predictions.
        return obj is not None and super().has_delete_permission(request, obj)
