from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dunwell.accounts.models import User
from dunwell.search import selectors
from dunwell.search.forms import SearchForm
from dunwell.search.terms import MIN_LENGTH


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    groups = (
        selectors.search(cast(User, request.user), form.cleaned_data["q"]) if form.ready else []
    )
    return render(
        request,
        "search/results.html",
        {
            "form": form,
            "q": form.cleaned_data.get("q", "") if form.is_valid() else "",
            "groups": groups,
            "found": any(group.total for group in groups),
            "min_length": MIN_LENGTH,
        },
        status=200 if form.is_valid() else 400,
    )
