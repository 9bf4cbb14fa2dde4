"""Staff pages of action plans under /action-plans/: the list per account team, a plan's page,
its edit page, the verbatims, publishing and links, follow-ups and the PDF. Thin views over
`selectors.plans` and the services; another team's plan is a 404 (`plan_get_or_404`)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ...reports import ReportRenderError
from ..forms import (
    ActionFormSet,
    FindingFormSet,
    FollowUpForm,
    PlanCreateForm,
    PlanFilterForm,
    PlanForm,
    PublishForm,
)
from ..models import Action, PlanShare
from ..rendering import document_context, plan_pdf
from ..selectors.documents import plan_content
from ..selectors.follow_ups import follow_up_after, follow_up_progress
from ..selectors.plans import (
    plan_acknowledgements,
    plan_for_document,
    plan_get_or_404,
    plan_history,
    plan_list,
    plan_shares,
    plan_versions,
    shareable_contacts,
    verbatim_candidates,
)
from ..services.contents import RowEdit, action_plan_edit, plan_verbatims_set
from ..services.follow_ups import action_follow_up_schedule
from ..services.plans import action_plan_create, action_plan_publish, plan_evidence_refresh
from ..services.sharing import plan_share_revoke

PLANS_PER_PAGE = 50
HISTORY_LINES = 100


def require_perm(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


# Reading plans is a role's right (cem_project/roles.py), on top of seeing the account.
can_read_plans = permission_required("plans.view_actionplan", raise_exception=True)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@staff_member_required
@can_read_plans
def plan_list_view(request: HttpRequest) -> HttpResponse:
    form = PlanFilterForm(request.GET or None, user=request.user)
    plans = Paginator(plan_list(user=request.user, filters=form.plan_filter()), PLANS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "plans": plans.get_page(request.GET.get("page")),
            "filter_query": query.urlencode(),
            "can_add": request.user.has_perm("plans.add_actionplan"),
        },
    )


@staff_member_required
@can_read_plans
def plan_create_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "plans.add_actionplan")
    form = PlanCreateForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = action_plan_create(
                account=data["account"],
                wave=data["wave"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                title=data["title"],
                language=data["language"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_create.html", {"form": form})


@staff_member_required
@can_read_plans
def plan_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_or_404(user=request.user, pk=pk, full=True)
    language = translation.get_language()
    document = document_context(plan_content(plan), language=language)
    actions = list(plan.actions.all())
    for action in actions:
        follow_up = getattr(action, "follow_up", None)  # None: no follow-up (a reverse 1:1)
        if follow_up is not None:
            action.after_scores = follow_up_after(follow_up)
            action.follow_progress = follow_up_progress(follow_up)
    context = {
        "plan": plan,
        "doc": document,
        "actions": actions,
        "cases": plan.evidence.get("cases") or {},
        "shares": plan_shares(plan=plan),
        "acknowledgements": plan_acknowledgements(plan=plan),
        "versions": plan_versions(plan=plan),
        "history": plan_history(plan=plan)[:HISTORY_LINES],
        "follow_up_form": FollowUpForm(),
        "can_change": request.user.has_perm("plans.change_actionplan"),
    }
    return render(request, "plans/plan_detail.html", context)


def _rows(formset) -> list[RowEdit]:
    """The formset's rows for the edit service, each existing one read afresh: validating a
    model form writes its values onto its instance, and the service diffs against the row."""
    model = formset.model
    fresh = model.objects.in_bulk([f.instance.pk for f in formset.forms if f.instance.pk])
    rows = []
    for form in formset.forms:
        if form.instance.pk is None and not form.has_changed():
            continue
        if form.instance.pk is not None and form.instance.pk not in fresh:
            continue  # removed meanwhile
        data = {
            name: form.cleaned_data.get(name)
            for name in form._meta.fields
            if name != formset.fk.name
        }
        rows.append(
            RowEdit(
                instance=fresh.get(form.instance.pk),
                data=data,
                delete=bool(form.cleaned_data.get("DELETE", False)),
            )
        )
    return rows


@staff_member_required
@can_read_plans
def plan_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "plans.change_actionplan")
    plan = plan_get_or_404(user=request.user, pk=pk)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, prefix="plan")
    findings = FindingFormSet(data, instance=plan, prefix="findings")
    actions = ActionFormSet(data, instance=plan, prefix="actions", form_kwargs={"plan": plan})
    if request.method == "POST" and form.is_valid() and findings.is_valid() and actions.is_valid():
        try:
            action_plan_edit(
                plan=plan_get_or_404(user=request.user, pk=pk),
                user=request.user,
                plan_data={name: form.cleaned_data[name] for name in form._meta.fields},
                findings=_rows(findings),
                actions=_rows(actions),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The plan was saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_edit.html",
        {"plan": plan, "form": form, "findings": findings, "actions": actions},
    )


@staff_member_required
@can_read_plans
def plan_verbatims_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_or_404(user=request.user, pk=pk)
    candidates = verbatim_candidates(plan=plan)
    chosen = {v.answer_id: v for v in plan.verbatims.all()}
    if request.method == "POST":
        require_perm(request.user, "plans.change_actionplan")
        by_id = {answer.pk: answer for answer in candidates}
        picked = [by_id[pk] for pk in _ids(request.POST.getlist("show")) if pk in by_id]
        try:
            plan_verbatims_set(
                plan=plan,
                user=request.user,
                answers=picked,
                attributed=_ids(request.POST.getlist("name")),
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("The comments shown were saved."))
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request,
        "plans/plan_verbatims.html",
        {"plan": plan, "candidates": candidates, "chosen": chosen},
    )


def _ids(values) -> list[int]:
    return [int(v) for v in values if isinstance(v, str) and v.isdigit() and len(v) < 19]


@staff_member_required
@can_read_plans
@require_POST
def plan_evidence_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "plans.change_actionplan")
    plan = plan_get_or_404(user=request.user, pk=pk)
    plan_evidence_refresh(plan=plan, user=request.user)
    messages.success(request, _("The evidence was gathered again."))
    return redirect("plans:detail", pk=plan.pk)


@staff_member_required
@can_read_plans
def plan_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "plans.change_actionplan")
    plan = plan_get_or_404(user=request.user, pk=pk)
    form = PublishForm(request.POST or None, contacts=shareable_contacts(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            version = action_plan_publish(
                plan=plan,
                user=request.user,
                contacts=form.cleaned_data["contacts"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(n)s is published; %(m)s contacts were sent their link.")
                % {"n": version.number, "m": len(form.cleaned_data["contacts"])},
            )
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_publish.html", {"plan": plan, "form": form})


@staff_member_required
@can_read_plans
@require_POST
def share_revoke_view(request: HttpRequest, pk: int, share_id: int) -> HttpResponse:
    require_perm(request.user, "plans.change_actionplan")
    plan = plan_get_or_404(user=request.user, pk=pk)
    share = get_object_or_404(PlanShare, pk=share_id, plan=plan)
    plan_share_revoke(share=share, user=request.user)
    messages.success(request, _("The link of %(name)s no longer works.") % {"name": share.contact})
    return redirect("plans:detail", pk=plan.pk)


@staff_member_required
@can_read_plans
@require_POST
def follow_up_view(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    require_perm(request.user, "plans.change_actionplan")
    plan = plan_get_or_404(user=request.user, pk=pk)
    action = get_object_or_404(Action, pk=action_id, plan=plan)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a pulse survey."))
        return redirect("plans:detail", pk=plan.pk)
    try:
        action_follow_up_schedule(
            action=action,
            user=request.user,
            survey=form.cleaned_data["survey"],
            send_after=form.send_after(),
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The follow-up pulse is scheduled."))
    return redirect("plans:detail", pk=plan.pk)


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
@can_read_plans
def plan_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The working copy (marked draft while it is one), or `?version=N` as published; in
    `?lang=` or the plan's language."""
    plan = plan_get_or_404(user=request.user, pk=pk)
    language = request.GET.get("lang")
    if language not in dict(settings.LANGUAGES):
        language = plan.language
    number = request.GET.get("version", "")
    if number.isdigit() and len(number) < 9:
        version = get_object_or_404(plan.versions, number=int(number))
        content, draft = version.content, False
    else:
        content = plan_content(plan_for_document(pk=plan.pk))
        draft = not plan.is_published
    try:
        pdf = plan_pdf(content, language=language, draft=draft)
    except ReportRenderError as error:
        return render(request, "plans/pdf_failed.html", {"plan": plan, "error": error}, status=503)
    return pdf_response(pdf, f"action-plan-{plan.pk}-v{content['version']}.pdf")
