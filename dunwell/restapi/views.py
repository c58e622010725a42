"""The API tokens page (/integrations/tokens/): every signed-in user lists, issues and revokes
their own tokens; those who manage integrations see and revoke everyone's and may issue one
for another user. A new token's secret is shown once, in the answer to the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.restapi.forms import TokenForm
from dunwell.restapi.tokens import (
    IssuedToken,
    TokenError,
    create_token,
    manageable_tokens,
    revoke_token,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    issued: IssuedToken | None = None
    form = TokenForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            issued = create_token(
                form.cleaned_data["user"],
                form.cleaned_data["scopes"],
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                created_by=user,
            )
        except TokenError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenForm(actor=user)
    return render(
        request,
        "restapi/tokens.html",
        {
            "tokens": manageable_tokens(user),
            "form": form,
            "issued": issued,
            "manager": can_manage_integrations(user),
        },
        status=422 if request.method == "POST" and issued is None else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = revoke_token(token_id, by=_user(request))
    except TokenError:
        raise Http404 from None
    messages.success(request, _("Token %(prefix)s revoked.") % {"prefix": token.prefix})
    return redirect("restapi:tokens")
