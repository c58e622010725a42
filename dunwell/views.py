from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dunwell.menu import menu_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the first page of their menu (the worklist for a collector)."""
    items = menu_for(request)
    if items:
        return redirect(str(items[0]["url"]))
    return render(request, "home.html")
