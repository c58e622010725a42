from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.credit.selectors import orders_wait_for
from dunwell.forms import query_errors
from dunwell.menu import INTEGRATION_SECTIONS, menu_for, reachable, role_home
from dunwell.work.task_queries import has_work_today


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the first page of their menu (the worklist for a collector), or,
    when nothing is due for them today, to their role's page (`menu.ROLE_HOME`: a director
    to the indicators, finance to aging, a lawyer to the legal cases…)."""
    items = menu_for(request)
    if not items:
        return render(request, "home.html")
    elsewhere = role_home(request, items)
    user = request.user
    assert isinstance(user, User)
    # Orders waiting for the user's credit decision (asked once).
    waiting = elsewhere is not None and orders_wait_for(user)
    # A credit controller's work starts from the orders waiting for their decision (a sale
    # waits on each); with none waiting, from the credit check.
    if elsewhere == reverse("credit:check") and waiting:
        return redirect("credit:approvals")
    # Orders waiting for a credit decision are work My day lists too (a director with only
    # those landed on the KPIs): who decides them lands on My day, which says so.
    if elsewhere is not None and not waiting and not has_work_today(user, timezone.now()):
        return redirect(elsewhere)
    return redirect(str(items[0]["url"]))


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and tools ask for on their own: the site's SVG icon."""
    return HttpResponsePermanentRedirect(static("dunwell/favicon.svg"))


def bad_query(request: HttpRequest, form: Form) -> HttpResponse:
    """A page asked with parameters it cannot use (a date that does not exist, a number out of
    range): 400 and the reason for each, never a 500."""
    return render(
        request,
        "bad_query.html",
        {"problems": query_errors(form), "back": request.path},
        status=400,
    )


@login_required
def integrations(request: HttpRequest) -> HttpResponse:
    """The ways other systems connect: API tokens (every user has their own), and for those
    who manage integrations, webhooks and the 1C connection."""
    user = request.user
    assert isinstance(user, User)  # login_required
    manager = can_manage_integrations(user)
    sections = [
        s
        for s in reachable(INTEGRATION_SECTIONS)
        if (s["allowed"](user) if callable(s["allowed"]) else manager or not s["managers_only"])
    ]
    if not manager and not sections:
        raise PermissionDenied
    return render(request, "integrations.html", {"sections": sections})


def _back(request: HttpRequest) -> str:
    """The page the user came from, when it is one of ours and not this one; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return "" if urlsplit(referer).path == request.path else referer


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 in the product's layout and the user's language, saying why and where to go; any
    page a role may not open (Django's own is a bare English "403 Forbidden")."""
    # A view may say why (PermissionDenied(_("The team view is for supervisors …")), already in
    # the user's language); otherwise the page names the user's role.
    reason = str(exception.args[0]) if exception.args and exception.args[0] else ""
    return render(request, "403.html", {"back": _back(request), "reason": reason}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in the product's layout and the user's language (Django's own is bare English and
    names the model, "No LegalCase matches the given query")."""
    return render(request, "404.html", {"back": _back(request)}, status=404)
