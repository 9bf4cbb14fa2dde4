"""Staff pages of experience targets: each against actual (over the accounts the viewer may
see) with its trend, and the form to set one."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from customers.constants import RTL_LANGUAGES

from ..forms import TargetForm
from ..models import ExperienceTarget
from ..rendering import target_chart
from ..selectors.targets import target_list, target_list_for, targets_progress_for
from ..services.targets import target_save
from .plans import require_perm


def targets_context(user, *, limit: int | None = None) -> dict:
    """What the targets include (templates/plans/_targets.html) needs: the targets that
    concern `user` (the soonest due first, at most `limit`) against actual over the accounts
    the user may see, with their trend charts. The dashboards call it; nothing for a user
    whose role does not read targets."""
    if not user.has_perm("plans.view_experiencetarget"):
        return {"targets": [], "more_targets": False}
    targets = target_list_for(user=user)
    shown = targets[:limit] if limit else targets
    rtl = translation.get_language() in RTL_LANGUAGES
    progress = targets_progress_for(user=user, targets=shown)
    return {
        "targets": [(p, target_chart(p, rtl=rtl)) for p in progress],
        "more_targets": bool(limit) and targets.count() > limit,
    }


@staff_member_required
@permission_required("plans.view_experiencetarget", raise_exception=True)
def target_list_view(request: HttpRequest) -> HttpResponse:
    context = targets_context(request.user)
    context["targets_page"] = True
    context["can_change"] = request.user.has_perm("plans.change_experiencetarget")
    context["inactive"] = target_list(active_only=False).filter(is_active=False)
    return render(request, "plans/target_list.html", context)


@staff_member_required
def target_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    target = get_object_or_404(ExperienceTarget, pk=pk) if pk else None
    require_perm(
        request.user,
        "plans.change_experiencetarget" if target else "plans.add_experiencetarget",
    )
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        try:
            target_save(target=target, user=request.user, data=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("plans:targets")
    return render(request, "plans/target_form.html", {"form": form, "target": target})
