"""Pages of the debtor list as a work tool (issue 16, items 2 and 3): the list with its filters,
sort and pages, its XLSX export, saved views, and the bulk actions with their confirmation.
Thin: read the address or the form, call a selector or a service, render."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import (
    can_collect,
    can_reassign_debtors,
    can_share_views,
    is_manager,
)
from dunwell.cells import xlsx_response
from dunwell.forms import query_id
from dunwell.ladder.models import TaskStatus
from dunwell.ladder.selectors import awaiting_approval
from dunwell.ledger.models import Counterparty
from dunwell.paging import CountedPaginator
from dunwell.views import bad_query
from dunwell.work import bulk_actions, exports, listing, saved_views
from dunwell.work.errors import WorkError
from dunwell.work.forms import BulkRefusalForm, OpenTasksForm
from dunwell.work.listing import DebtorListForm
from dunwell.work.rows import debtor_list_rows


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _list_url(query: str = "") -> str:
    base = reverse("work:debtors")
    return f"{base}?{query}" if query else base


def _safe_query(text: str) -> str:
    """A list query string sent back by a form, kept to the list's own parameters."""
    return listing.view_query(QueryDict(text or "").dict())


def _sort_links(params: QueryDict, current: str) -> list[dict[str, Any]]:
    """One heading per sortable column: its link (asc, or desc when already asc) and its
    aria-sort state."""
    links = []
    for key, label in listing.SORT_COLUMNS.items():
        state = "none"
        target = key if key in ("name", "country", "segment", "collector") else f"-{key}"
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        query = params.copy()
        query["sort"] = target
        query.pop("page", None)
        query.pop("view", None)  # another order is no longer the saved view
        links.append({"key": key, "label": label, "state": state, "url": "?" + query.urlencode()})
    return links


def _reassign_targets(user: User) -> list[User]:
    if not can_reassign_debtors(user):
        return []
    return [u for u in listing.list_people(user).collectors if can_collect(u)]


@login_required
def debtors(request: HttpRequest) -> HttpResponse:
    """The debtor list: filters and sort from the address; with no address at all, the
    user's default view."""
    user = _user(request)
    views = list(saved_views.visible_views(user))
    default = saved_views.default_view(user, views)
    if not request.GET and default is not None:
        query = "&".join(q for q in (default.query, f"view={default.pk}") if q)
        return redirect(_list_url(query))
    form = DebtorListForm(request.GET or None, user=user)
    today = timezone.localdate()
    status = 200
    labels = listing.column_labels()
    reassign_targets = _reassign_targets(user)
    rows: list[Any] = []
    if request.GET and not form.is_valid():
        status = 400
        page = Paginator(Counterparty.objects.none(), listing.PAGE_SIZE).get_page(1)
        sort = listing.DEFAULT_SORT
    else:
        filters = form.filters() if request.GET else listing.DebtorFilters()
        sort = filters.sort
        page = CountedPaginator(
            listing.debtor_rows(user, filters, today), listing.PAGE_SIZE
        ).get_page(request.GET.get("page"))
        page.object_list = listing.page_details(page.object_list, today)
        select = _("Select %(name)s")
        for cp in page.object_list:
            cp.select_label = select % {"name": cp.name}  # type: ignore[attr-defined]
        rows = debtor_list_rows(page.object_list, labels, pickable=bool(reassign_targets))
    current_query = listing.view_query(request.GET.dict())
    active_id = query_id(request.GET.get("view", ""))
    active = next((v for v in views if v.pk == active_id), None)
    page_params = request.GET.copy()
    page_params.pop("page", None)
    return render(
        request,
        "work/debtors.html",
        {
            "page": page,
            "form": form,
            "sort_links": _sort_links(request.GET, sort),
            "page_query": page_params.urlencode(),
            "current_query": current_query,
            "export_url": reverse("work:debtors_export")
            + (f"?{current_query}" if current_query else ""),
            "views": views,
            "active_view": active,
            "default_view": default,
            "can_share": can_share_views(user),
            "reassign_targets": reassign_targets,
            "rows": rows,
        },
        status=status,
    )


@login_required
def debtors_export(request: HttpRequest) -> HttpResponse:
    """The current view (same filters and sort) as an XLSX file."""
    user = _user(request)
    form = DebtorListForm(request.GET or None, user=user)
    if request.GET and not form.is_valid():
        from dunwell.views import bad_query

        return bad_query(request, form)
    filters = form.filters() if request.GET else listing.DebtorFilters()
    today = timezone.localdate()
    rows = listing.debtor_rows(user, filters, today)
    limit = listing.export_max()
    count = rows.count()
    if count > limit:
        # A spreadsheet of every debtor takes minutes to write (openpyxl: ~1 s per 2,500
        # rows); past the limit the user narrows the view instead of waiting for a timeout.
        messages.error(
            request,
            ngettext(
                "The view has %(count)s debtor; the export takes at most %(max)s. "
                "Narrow the filters and export again.",
                "The view has %(count)s debtors; the export takes at most %(max)s. "
                "Narrow the filters and export again.",
                count,
            )
            % {"count": number_format(count), "max": number_format(limit)},
        )
        query = listing.view_query(request.GET.dict())
        return redirect(_list_url(query))
    content = exports.debtor_list_xlsx(rows, today)
    return xlsx_response(content, f"debtors-{today:%Y-%m-%d}.xlsx")


# --- saved views -----------------------------------------------------------------------------


@login_required
@require_POST
def view_save(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    query = _safe_query(request.POST.get("query", ""))
    form = DebtorListForm(QueryDict(query) or None, user=user)
    if query and not form.is_valid():
        messages.error(request, _("These filters have errors; correct them before saving."))
        return redirect(_list_url(query))
    try:
        view = saved_views.save_view(
            user, request.POST.get("name", ""), query, shared=request.POST.get("shared") == "1"
        )
    except WorkError as exc:
        messages.error(request, str(exc.message))
        return redirect(_list_url(query))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_list_url("&".join(q for q in (query, f"view={view.pk}") if q)))


def _owned_view_action(request: HttpRequest, pk: int) -> tuple[User, Any] | HttpResponse:
    user = _user(request)
    view = saved_views.visible_view(user, pk)
    if view.owner_id != user.pk:
        raise PermissionDenied(_("Only the person who saved this view can change it."))
    return user, view


@login_required
@require_POST
def view_rename(request: HttpRequest, pk: int) -> HttpResponse:
    found = _owned_view_action(request, pk)
    if isinstance(found, HttpResponse):
        return found
    user, view = found
    try:
        saved_views.rename_view(user, view, request.POST.get("name", ""))
    except WorkError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("View renamed to “%(name)s”.") % {"name": view.name})
    return redirect(_list_url("&".join(q for q in (view.query, f"view={view.pk}") if q)))


@login_required
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    found = _owned_view_action(request, pk)
    if isinstance(found, HttpResponse):
        return found
    user, view = found
    name = view.name
    saved_views.delete_view(user, view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
    return redirect(_list_url("sort=" + listing.DEFAULT_SORT))


@login_required
@require_POST
def view_default(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a view (own or shared with the user) the one the list opens with; again on the
    default view: back to the plain list."""
    user = _user(request)
    view = saved_views.visible_view(user, pk)
    current = saved_views.default_view(user)
    if current is not None and current.pk == view.pk:
        saved_views.set_default_view(user, None)
        messages.success(request, _("The list opens without a view again."))
    else:
        saved_views.set_default_view(user, view)
        messages.success(request, _("The list now opens with “%(name)s”.") % {"name": view.name})
    return redirect(_list_url("&".join(q for q in (view.query, f"view={view.pk}") if q)))


# --- bulk actions ----------------------------------------------------------------------------


def _ids(request: HttpRequest) -> list[int] | None:
    """The selected ids of a bulk form, or None when one is not an id."""
    ids = []
    for raw in request.POST.getlist("ids"):
        value = query_id(raw)
        if value is None:
            return None
        ids.append(value)
    return ids


def _confirm_page(
    request: HttpRequest, plan: bulk_actions.Plan, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    if plan.problems:
        status = 403
    return render(request, "work/bulk_confirm.html", {"plan": plan, **context}, status=status)


@login_required
@require_POST
def bulk_reassign(request: HttpRequest) -> HttpResponse:
    """Reassign the debtors selected on the list: a confirmation that says what will happen,
    then all of them in one transaction (or none)."""
    user = _user(request)
    if not can_reassign_debtors(user):
        raise PermissionDenied(_("Only a supervisor or the director reassigns debtors."))
    ids = _ids(request)
    back = _safe_query(request.POST.get("back", ""))
    targets = {u.pk: u for u in _reassign_targets(user)}
    target = targets.get(query_id(request.POST.get("to_user", "")) or 0)
    if ids is None or not ids or target is None:
        messages.error(
            request,
            _("Select at least one debtor and the person to give them to.")
            if ids is not None
            else _("The selection is not valid."),
        )
        return redirect(_list_url(back))
    reason = request.POST.get("reason", "")
    if request.POST.get("confirm") == "1":
        try:
            count = bulk_actions.reassign_debtors(user, ids, target, reason)
        except bulk_actions.BulkRefused as exc:
            plan = bulk_actions.plan_reassign(user, ids, target)
            plan.problems = exc.problems
            return _confirm_page(request, plan, _reassign_context(ids, target, reason, back))
        messages.success(
            request,
            ngettext(
                "%(count)d debtor reassigned to %(new)s.",
                "%(count)d debtors reassigned to %(new)s.",
                count,
            )
            % {"count": count, "new": target},
        )
        return redirect(_list_url(back))
    plan = bulk_actions.plan_reassign(user, ids, target)
    return _confirm_page(request, plan, _reassign_context(ids, target, reason, back))


def _reassign_context(ids: list[int], target: User, reason: str, back: str) -> dict[str, Any]:
    return {
        "action_url": reverse("work:bulk_reassign"),
        "hidden": [("ids", i) for i in ids] + [("to_user", target.pk), ("back", back)],
        "note_name": "reason",
        "note_label": _("Reason (kept on each debtor's timeline)"),
        "note_value": reason,
        "note_required": False,
        "back_url": _list_url(back),
        "title": _("Reassign debtors"),
    }


# Lazy: read in the reader's language (built at import, they were English on every page).
NOTE_LABELS = {
    "approve": gettext_lazy("Comment (optional)"),
    "reject": gettext_lazy("Why are they rejected?"),
    "complete": gettext_lazy("What was done?"),
    "skip": gettext_lazy("Why are they skipped?"),
}


def _task_context(action: str, ids: list[int], note: str, back_url: str) -> dict[str, Any]:
    return {
        "action_url": reverse("work:bulk_tasks_apply"),
        "hidden": [("ids", i) for i in ids] + [("action", action)],
        "note_name": "note",
        "note_label": NOTE_LABELS[action],
        "note_value": note,
        "note_required": action != "approve",
        "back_url": back_url,
        "title": _("Approvals") if action in ("approve", "reject") else _("Tasks"),
    }


def _open_tasks_filters(form: OpenTasksForm) -> tuple[User | None, str, str]:
    """The valid filters of the open tasks page: the person, the due choice, and both as the
    page's query (to come back to after a bulk action)."""
    assignee = form.cleaned_data.get("assignee")
    due = form.cleaned_data.get("due") or ""
    pairs = [("assignee", assignee.pk if assignee else ""), ("due", due)]
    return assignee, due, urlencode([(k, v) for k, v in pairs if v])


@login_required
def bulk_tasks(request: HttpRequest) -> HttpResponse:
    """Open tasks to select and complete or skip together: one's own, and for a manager the
    team's; of one person (the team page's counts link here) and by when they are due."""
    user = _user(request)
    form = OpenTasksForm(request.GET, user=user)
    if not form.is_valid():
        return bad_query(request, form)
    assignee, due, back = _open_tasks_filters(form)
    now = timezone.now()
    tasks = bulk_actions.open_tasks_for_bulk(user, now, assignee=assignee, due=due)[
        : bulk_actions.BULK_MAX
    ]
    # One person's figures on the team page count their steps waiting for approval too: say
    # how many of those this list leaves out, so that the numbers add up.
    waiting = (
        bulk_actions.open_tasks_for_bulk(
            user, now, assignee=assignee, due=due, status=TaskStatus.AWAITING_APPROVAL
        ).count()
        if assignee is not None
        else 0
    )
    return render(
        request,
        "work/bulk_tasks.html",
        {
            "tasks": tasks,
            "form": form,
            "show_people": is_manager(user),
            "only_overdue": due == "past",
            "back": back,
            "waiting": waiting,
            "can_skip": is_manager(user),
        },
    )


@login_required
def bulk_approvals(request: HttpRequest) -> HttpResponse:
    """Steps waiting for the user's decision, to select and approve or reject together."""
    user = _user(request)
    return render(
        request,
        "work/bulk_approvals.html",
        {"tasks": awaiting_approval(user)[: bulk_actions.BULK_MAX]},
    )


@login_required
@require_POST
def bulk_tasks_apply(request: HttpRequest) -> HttpResponse:
    """Approve, reject, complete or skip the selected tasks: confirmation first, then all of
    them in one transaction (or none)."""
    user = _user(request)
    action = request.POST.get("action", "")
    approving = action in ("approve", "reject")
    back_url = reverse("work:bulk_approvals" if approving else "work:bulk_tasks")
    # Back to the open tasks as they were filtered (one person's, past their time).
    back = ""
    if not approving:
        form = OpenTasksForm(QueryDict(request.POST.get("back", "")), user=user)
        if form.is_valid():
            back = _open_tasks_filters(form)[2]
    if back:
        back_url = f"{back_url}?{back}"
    ids = _ids(request)
    if action not in bulk_actions.TASK_ACTIONS or ids is None or not ids:
        messages.error(request, _("Select at least one row."))
        return redirect(back_url)
    note = request.POST.get("note", "")
    context = _task_context(action, ids, note, back_url)
    # A rejection may be "not now": one day to ask again on, for every selected step.
    refusal = BulkRefusalForm(request.POST) if action == "reject" else None
    context["refusal"] = refusal
    if back:
        context["hidden"].append(("back", back))
    if request.POST.get("confirm") == "1":
        problem = bulk_actions.note_problem(action, note)
        day_wrong = refusal is not None and not refusal.is_valid()
        if problem or day_wrong:
            plan, _tasks = bulk_actions.plan_tasks(user, ids, action)
            context["note_error"] = problem
            return _confirm_page(request, plan, context, status=400)
        again = refusal.cleaned_data["ask_again_on"] if refusal is not None else None
        try:
            count = bulk_actions.run_tasks(user, ids, action, note, ask_again_on=again)
        except bulk_actions.BulkRefused as exc:
            plan, _tasks = bulk_actions.plan_tasks(user, ids, action)
            plan.problems = exc.problems
            return _confirm_page(request, plan, context)
        messages.success(request, _done_message(action, count, again))
        return redirect(back_url)
    plan, _tasks = bulk_actions.plan_tasks(user, ids, action)
    return _confirm_page(request, plan, context)


def _done_message(action: str, count: int, again: date | None = None) -> str:
    if action == "approve":
        text = ngettext("%(count)d step approved.", "%(count)d steps approved.", count)
    elif action == "reject" and again is not None:
        # as the approvals page says it of one step: "Rejected until 12.01.2027: …"
        text = ngettext(
            "%(count)d step rejected until %(date)s.",
            "%(count)d steps rejected until %(date)s.",
            count,
        )
        return text % {"count": count, "date": date_format(again, "SHORT_DATE_FORMAT")}
    elif action == "reject":
        text = ngettext("%(count)d step rejected.", "%(count)d steps rejected.", count)
    elif action == "complete":
        text = ngettext("%(count)d task done.", "%(count)d tasks done.", count)
    else:
        text = ngettext("%(count)d task skipped.", "%(count)d tasks skipped.", count)
    return text % {"count": count}


__all__ = [
    "bulk_approvals",
    "bulk_reassign",
    "bulk_tasks",
    "bulk_tasks_apply",
    "debtors",
    "debtors_export",
    "view_default",
    "view_delete",
    "view_rename",
    "view_save",
]
