"""What the surveys app adds to customers' contact list: send a survey to the selected contacts."""

from django import forms
from django.contrib.admin import ModelAdmin, action, helpers
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from cem_project.admin_tools import AdminExtension, admin_extend
from customers.models import Contact

from ..models import Survey
from ..services.invitations import distribution_create
from .common import BACK, send_confirm, send_step

# The step-one form's submit button; the preview posts it again with its own.
APPLY = "apply"


class ChooseSurveyForm(forms.Form):
    """Which live survey to send to the selected contacts."""

    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.live())
    name = forms.CharField(
        label=_("Name of this send"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for the survey title and today's date."),
    )


@action(description=_("Send a survey to the selected contacts"))
def send_survey(
    model_admin: ModelAdmin, request: HttpRequest, queryset: QuerySet[Contact]
) -> HttpResponse | None:
    if not request.user.has_perm("surveys.add_distribution"):
        raise PermissionDenied
    step = send_step(request) if APPLY in request.POST else "choose"
    form = ChooseSurveyForm(request.POST if step != "choose" or BACK in request.POST else None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": _("Send a survey to the selected contacts"),
        "form": form,
        "queryset": queryset,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": model_admin.media + form.media,
    }
    if step != "choose" and form.is_valid():
        contacts = list(queryset.select_related("account"))
        survey = form.cleaned_data["survey"]
        return send_confirm(
            model_admin,
            request,
            survey=survey,
            contacts=contacts,
            form=form,
            context=context,
            hidden=[
                ("action", "send_survey"),
                (APPLY, "1"),
                *((helpers.ACTION_CHECKBOX_NAME, str(c.pk)) for c in contacts),
            ],
            send=lambda: distribution_create(
                survey=survey,
                contacts=contacts,
                name=form.cleaned_data["name"] or None,
                created_by=request.user,
            ),
        )
    return TemplateResponse(request, "admin/customers/contact/send_survey.html", context)


admin_extend(Contact, AdminExtension(actions=(send_survey,)))
