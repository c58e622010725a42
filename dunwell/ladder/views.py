"""Pressure-scale pages: policies (read for everyone, edited by management), approvals,
overdue tasks and punctuality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_see_team_task_reports,
    can_set_debtor_scale,
    visible_counterparties,
    visible_people,
)
from dunwell.forms import query_id
from dunwell.ladder import editor, preview, selectors, services, upcoming
from dunwell.ladder.decide import task_window
from dunwell.ladder.forms import (
    DebtorScaleForm,
    PolicyForm,
    RefusalForm,
    SampleInvoiceForm,
    StepFormSet,
)
from dunwell.ladder.models import Policy, PolicyStep, SegmentPolicy, Task
from dunwell.paging import CountedPaginator


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _require_team_reports(user: User) -> None:
    if not can_see_team_task_reports(user):
        raise PermissionDenied


@dataclass(frozen=True)
class Window:
    start: time
    end: time
    default: bool  # the step has no window (or no start or end) of its own


def step_window(step: PolicyStep) -> Window:
    """The window the run gives a step's tasks, in the debtor's time: the step's own, or the
    default working hours where it has none (decide.task_window, as the run computes it)."""
    begins, ends = task_window(date(2026, 1, 5), step.window_start, step.window_end, "UTC")
    return Window(begins.time(), ends.time(), not (step.window_start and step.window_end))


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    """Every signed-in user may read the pressure scale; management edits it."""
    items = Policy.objects.prefetch_related("steps").order_by("name")
    segments = {
        link.policy_id: link.segment for link in SegmentPolicy.objects.select_related("segment")
    }
    return render(
        request,
        "ladder/policies.html",
        {
            "policies": [
                (p, segments.get(p.pk), [(step, step_window(step)) for step in p.steps.all()])
                for p in items
            ],
            "can_edit": services.can_edit_policies(_user(request)),
        },
    )


@login_required
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    if not services.can_edit_policies(user):
        raise PermissionDenied
    policy = get_object_or_404(Policy, pk=pk) if pk is not None else Policy()
    form = PolicyForm(request.POST or None, instance=policy)
    formset = StepFormSet(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.save_policy(form, formset, user=user)
        except services.LadderError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The pressure scale was saved."))
            return redirect("ladder:policy_edit", pk=saved.pk)
    return render(
        request,
        "ladder/policy_edit.html",
        {
            "form": form,
            "formset": formset,
            "steps": editor.step_views(formset),
            "step_texts": editor.step_texts(),
            "policy_fields": editor.policy_fields(form),
            "errors": editor.error_links(form, formset) if request.method == "POST" else [],
            "policy": policy,
            "sample": SampleInvoiceForm(initial=editor.sample_initial(timezone.localdate())),
        },
    )


@login_required
@require_POST
def policy_preview(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """The calendar the editor's steps (saved or not) produce for a sample invoice (htmx)."""
    if not services.can_edit_policies(_user(request)):
        raise PermissionDenied
    policy = get_object_or_404(Policy, pk=pk) if pk is not None else Policy()
    formset = StepFormSet(request.POST, instance=policy)
    sample = SampleInvoiceForm(request.POST)
    context: dict[str, object] = {"sample": sample}
    if not formset.management_form.is_valid():
        context["broken"] = True
    elif sample.is_valid():
        steps, left_out = editor.preview_steps(formset, sample.collector_stands_in_for())
        context["rows"] = preview.policy_calendar(
            steps,
            due=sample.cleaned_data["due"],
            amount=sample.cleaned_data["amount"],
            country=sample.cleaned_data["country"],
            closed=sample.closed_days(),
        )
        context["left_out"] = left_out
    return render(request, "ladder/_preview.html", context)


APPROVALS_PER_PAGE = 50


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    waiting = selectors.awaiting_approval(user).select_related("asked_again_from__approver")
    page = CountedPaginator(waiting, APPROVALS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ladder/approvals.html",
        # A step past its day waits on the approver: its day is marked, as on the overdue list.
        {
            "page": page,
            "tasks": page.object_list,
            "now": timezone.now(),
            "tomorrow": timezone.localdate() + timedelta(days=1),
        },
    )


def _one_stop(sentence: str) -> str:
    """A sentence that ends with a name ending in a full stop ("… — Elektrobud S.A.") ends
    with one full stop, not two."""
    return sentence[:-1] if sentence.endswith("..") else sentence


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = get_object_or_404(Task, pk=pk)
    if not services.can_approve(user, task):
        raise PermissionDenied
    comment = request.POST.get("comment", "")
    # The list holds many alike steps ("Stop shipments (director's approval) — …"): each message
    # names the one decided.
    step = task.localized_title
    try:
        if request.POST.get("decision") == "approve":
            services.approve_task(task, user=user, comment=comment)
            messages.success(request, _one_stop(_("Approved: %(step)s.") % {"step": step}))
        else:
            refusal = RefusalForm(request.POST)
            if not refusal.is_valid():
                # not a date, or not after today: the field's own message
                raise services.LadderError(str(refusal.errors["ask_again_on"][0]))
            again = refusal.cleaned_data["ask_again_on"]
            services.reject_task(task, user=user, comment=comment, ask_again_on=again)
            said = _("Rejected: %(step)s.") % {"step": step}
            if again is not None:
                said = _("Rejected until %(date)s: %(step)s.") % {
                    "step": step,
                    "date": date_format(again, "SHORT_DATE_FORMAT"),
                }
            messages.success(request, _one_stop(said))
    except services.LadderError as exc:
        messages.error(request, f"{step}: {exc.message}")
    # back to the page the decision was taken on
    page = request.POST.get("page", "")
    url = reverse("ladder:approvals")
    return redirect(f"{url}?page={page}" if page.isdigit() and page != "1" else url)


@login_required
def debtor_next(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """The debtor card's "Next on the pressure scale" (loaded by htmx into the card): the days
    the steps still ahead land on, for whom, and where the regulation turns."""
    user = _user(request)
    counterparty = get_object_or_404(visible_counterparties(user), pk=counterparty_id)
    ahead = upcoming.upcoming(counterparty, timezone.localdate())
    return render(request, "ladder/_next_steps.html", {"ahead": ahead})


@login_required
@require_POST
def debtor_scale(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """The debtor card's form: give this debtor its own pressure scale, or put it back on its
    segment's, with a reason (management only)."""
    user = _user(request)
    if not can_set_debtor_scale(user):
        raise PermissionDenied
    counterparty = get_object_or_404(visible_counterparties(user), pk=counterparty_id)
    form = DebtorScaleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    else:
        policy = form.chosen_policy()
        try:
            services.assign_policy(
                counterparty=counterparty,
                policy=policy,
                user=user,
                reason=form.cleaned_data["reason"],
            )
        except services.LadderError as exc:
            messages.error(request, str(exc.message))
        else:
            if policy is None:
                messages.success(request, _("The debtor is back on its segment's scale."))
            else:
                messages.success(
                    request,
                    _("The debtor is now on its own scale “%(name)s”.")
                    % {"name": policy.localized_name},
                )
    return redirect(reverse("work:debtor", args=[counterparty.pk]) + "#ladder-state")


TASKS_PER_PAGE = 50


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """The team's tasks not done on time, every one a page at a time (the page showed the
    first 500 and nothing of the rest), narrowed to one person if asked."""
    user = _user(request)
    _require_team_reports(user)
    people = list(visible_people(user).order_by("first_name", "last_name", "username"))
    who = query_id(request.GET.get("who"))
    if who not in {person.pk for person in people}:
        who = None
    tasks = selectors.overdue_tasks(user, timezone.now()).order_by("due_at", "pk")
    if who is not None:
        tasks = tasks.filter(assignee_id=who)
    page = CountedPaginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "ladder/overdue.html",
        {
            "page": page,
            "tasks": page.object_list,
            "people": people,
            "who": who,
            "page_query": urlencode({"who": who}) if who else "",
        },
    )


@login_required
def punctuality(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_team_reports(user)
    try:
        days = max(1, min(int(request.GET.get("days", "30")), 366))
    except ValueError:
        days = 30
    until = timezone.now()
    rows = selectors.punctuality(user, until - timedelta(days=days), until)
    return render(request, "ladder/punctuality.html", {"rows": rows, "days": days})


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The ladder's tasks assigned to me, open first, by due time."""
    user = _user(request)
    tasks = (
        selectors.visible_tasks(user)
        .filter(assignee=user, status__in=["open", "awaiting_approval"])
        .select_related("counterparty", "step")
        .order_by("due_at", "pk")
    )
    page = CountedPaginator(tasks, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ladder/tasks.html", {"page": page, "tasks": page.object_list})
