from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dunwell.forms import query_errors
from dunwell.menu import menu_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the first page of their menu (the worklist for a collector)."""
    items = menu_for(request)
    if items:
        return redirect(str(items[0]["url"]))
    return render(request, "home.html")


def bad_query(request: HttpRequest, form: Form) -> HttpResponse:
    """A page asked with parameters it cannot use (a date that does not exist, a number out of
    range): 400 and the reason for each, never a 500."""
    return render(
        request,
        "bad_query.html",
        {"problems": query_errors(form), "back": request.path},
        status=400,
    )
