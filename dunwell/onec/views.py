"""The 1C connection page: connections, "Test connection", "Sync now" and the sync log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.onec import services
from dunwell.onec.forms import ConnectionForm
from dunwell.onec.models import Connection
from dunwell.onec.presets import LOAD_ORDER

ENTITY_LABELS = {
    "currencies": gettext_lazy("Currencies"),
    "countries": gettext_lazy("Countries"),
    "counterparties": gettext_lazy("Counterparties"),
    "contracts": gettext_lazy("Contracts"),
    "documents": gettext_lazy("Sales documents"),
    "settlements": gettext_lazy("Settlement objects"),
    "payments": gettext_lazy("Payments"),
}


def _manager(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_manage_integrations(user):
        raise PermissionDenied
    return user


def _connection(value: str | None) -> Connection | None:
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    connection = Connection.objects.select_related("company").filter(pk=int(value)).first()
    if connection is None:
        raise Http404
    return connection


def _page(connection: Connection) -> str:
    return reverse("onec:connections") + f"?connection={connection.pk}"


def _runs(connection: Connection | None) -> list[dict[str, object]]:
    if connection is None:
        return []
    rows = []
    for run in connection.runs.all()[:30]:
        stats = [
            {"label": ENTITY_LABELS.get(key, key), **run.stats[key]}
            for key in LOAD_ORDER
            if key in run.stats
        ]
        rows.append({"run": run, "stats": stats})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def connections(request: HttpRequest) -> HttpResponse:
    _manager(request)
    services.fail_abandoned_runs()
    selected = _connection(request.POST.get("id") or request.GET.get("connection"))
    # A connection of `dunwell sync-1c` shows its log here; its settings live on the command line.
    editable = selected if selected is not None and not selected.from_command else None
    if request.method == "POST":
        form = ConnectionForm(request.POST, instance=editable)
        if form.is_valid():
            saved = services.save_connection(form.save(commit=False), form.cleaned_data["password"])
            messages.success(request, _("The 1C connection was saved."))
            return redirect(_page(saved))
    else:
        form = ConnectionForm(instance=editable)
    context = {
        "connections": Connection.objects.select_related("company"),
        "selected": selected,
        "editable": editable,
        "form": form,
        "runs": _runs(selected),
        "busy": selected is not None and services.busy(selected),
    }
    return render(request, "onec/connections.html", context)


@login_required
@require_POST
def test(request: HttpRequest) -> HttpResponse:
    _manager(request)
    connection = _connection(request.POST.get("connection"))
    if connection is None or connection.from_command:
        raise Http404
    result = services.test_connection(connection)
    for text in result.messages:
        (messages.success if result.ok else messages.error)(request, text)
    return redirect(_page(connection))


@login_required
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    connection = _connection(request.POST.get("connection"))
    if connection is None or connection.from_command:
        raise Http404
    try:
        services.request_sync(connection, user=user)
    except services.ConnectionProblem as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The sync was started; its progress shows below."))
    return redirect(_page(connection))


@login_required
def log(request: HttpRequest) -> HttpResponse:
    """The sync log of a connection (the connection page polls it while a sync runs), as a page
    of its own when opened directly."""
    _manager(request)
    connection = _connection(request.GET.get("connection"))
    if connection is None:
        # Opened on its own (a bookmark, a link): the connections whose log there is, or, before
        # the first one, where to set one up, rather than "Page not found".
        listed = {"connections": Connection.objects.select_related("company")}
        return render(request, "onec/log.html", listed)
    context = {"selected": connection, "runs": _runs(connection), "busy": services.busy(connection)}
    if request.headers.get("HX-Request"):  # the running sync's log, polled
        return render(request, "onec/_log.html", context)
    return render(request, "onec/log.html", context)
