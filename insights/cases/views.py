"""Staff pages of cases: the queues, one case (work it, reply to the customer), reports and
the user's mail preferences. Thin views over `selectors` and `services`."""

import logging
from datetime import timedelta

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.constants import AuditAction, Language
from customers.privacy import audit_log_record

from . import replies, selectors, services
from .forms import (
    AssignForm,
    BulkAssignForm,
    CaseFilterForm,
    CaseReportForm,
    NoteForm,
    ReplyForm,
    StaffProfileForm,
    TransitionForm,
)
from .models import Case, StaffProfile

security_log = logging.getLogger("cem.security")
LANGUAGE_NAMES = dict(Language.choices)
PAGE_SIZE = 50


def _case_or_404(request, pk: int) -> Case:
    case = selectors.case_detail_queryset(user=request.user).filter(pk=pk).first()
    if case is None:
        if Case.objects.filter(pk=pk).exists():
            security_log.warning("Out-of-scope case %s requested by user %s", pk, request.user.pk)
        raise Http404(_("No such case."))
    return case


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
def case_queue(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    case_filter, ordering = form.case_filter()
    page = Paginator(
        selectors.case_list(user=request.user, filters=case_filter, ordering=ordering), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    workable = set(
        Case.objects.workable_by(request.user)
        .filter(pk__in=[case.pk for case in page])
        .values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "scope": case_filter.scope,
        "counts": selectors.queue_counts(user=request.user),
        "workable": workable,
        "bulk_form": BulkAssignForm(),
        "query": query.urlencode(),
        "filtered": bool(set(form.changed_data) - {"scope"}) or bool(form.errors),
    }
    return render(request, "cases/queue.html", context)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def cases_bulk_assign(request):
    form = BulkAssignForm(request.POST)
    if form.is_valid():
        try:
            changed = services.cases_assign(
                case_ids=form.cleaned_data["cases"],
                user=request.user,
                owner=form.cleaned_data["owner"],
                team=form.cleaned_data["team"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)d cases reassigned.") % {"n": changed})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    # Back to the same queue view; the query string is rebuilt, never echoed as a URL.
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    return redirect(f"{reverse('cases:queue')}?{query.urlencode()}")


def _render_case(request, case: Case, status: int = 200, **forms):
    can_work = selectors.case_can_work(user=request.user, case=case)
    reply_form = forms.get("reply_form")
    if reply_form is None and can_work and case.contact_id:
        draft = replies.case_reply_draft(case=case, user=request.user)
        reply_form = ReplyForm(initial={"subject": draft.subject, "body": draft.body})
    context = {
        "case": case,
        "can_work": can_work,
        "answers": selectors.case_answers(case=case),
        "transition_form": forms.get("transition_form") or TransitionForm(case=case),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"owner": case.owner_id, "team": case.team_id}),
        "note_form": forms.get("note_form") or NoteForm(),
        "reply_form": reply_form,
        "reply_language": LANGUAGE_NAMES.get(
            case.response.language or (case.contact.language if case.contact else ""), ""
        ),
    }
    return render(request, "cases/case_detail.html", context, status=status)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
def case_detail(request, pk: int):
    case = _case_or_404(request, pk)
    audit_log_record(
        actor=request.user, action=AuditAction.VIEWED, subject="case", object_id=case.pk,
        contact_id=case.contact_id, via="web",
    )  # fmt: skip
    return _render_case(request, case)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def case_transition(request, pk: int):
    case = _case_or_404(request, pk)
    form = TransitionForm(request.POST, case=case)
    if form.is_valid():
        try:
            services.case_transition(
                case=case,
                user=request.user,
                to_state=form.cleaned_data["to_state"],
                note=form.cleaned_data["note"],
                root_cause=form.cleaned_data["root_cause"],
                customer_contacted=form.contacted(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Case updated."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, transition_form=form)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def case_assign(request, pk: int):
    case = _case_or_404(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.case_assign(
                case=case,
                user=request.user,
                owner=form.cleaned_data["owner"],
                team=form.cleaned_data["team"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Case reassigned."))
            if not Case.objects.visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("cases:queue")  # given away to someone outside the account
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, assign_form=form)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def case_note(request, pk: int):
    case = _case_or_404(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.case_note_add(case=case, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, note_form=form)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
@require_POST
def case_reply(request, pk: int):
    case = _case_or_404(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            replies.case_reply_send(
                case=case,
                user=request.user,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        except replies.ReplyNotSent:
            form.add_error(None, _("The mail server did not accept the reply; try again later."))
            return _render_case(request, case, status=503, reply_form=form)
        else:
            messages.success(request, _("Reply sent to the customer."))
            return redirect("cases:detail", pk=case.pk)
    return _render_case(request, case, status=400, reply_form=form)


@staff_member_required
@permission_required("cases.view_case", raise_exception=True)
def case_reports(request):
    form = CaseReportForm(request.GET or None)
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    since = data.get("since") or today - timedelta(days=365)
    until = data.get("until") or today
    period = data.get("period") or "month"
    user = request.user
    context = {
        "form": form,
        "since": since,
        "until": until,
        "per_period": selectors.cases_per_period(
            user=user, since=since, until=until, period=period
        ),
        "sla": selectors.case_sla_summary(user=user, since=since, until=until),
        "root_causes": selectors.root_causes_by_touch_point(user=user, since=since, until=until),
        "repeats": selectors.repeat_problem_accounts(user=user, since=since, until=until),
    }
    return render(request, "cases/reports.html", context)


@staff_member_required
def staff_preferences(request):
    profile = StaffProfile.objects.filter(user=request.user).first() or StaffProfile(
        user=request.user
    )
    form = StaffProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Preferences saved."))
        return redirect("cases:preferences")
    return render(request, "cases/preferences.html", {"form": form})
