"""The API tokens page (/integrations/tokens/): every signed-in user lists, issues and revokes
their own tokens; those who manage integrations see and revoke everyone's and may issue one
for another user.

A new token's secret is shown once, on the page the form's answer redirects to (Post/Redirect/
Get): reloading it neither posts the form again (a second live token) nor shows the secret
again. Until that page is shown the secret waits in the user's session, sealed
(`secrets_box`: the sessions are rows of the database), never in the database or an address."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.restapi.forms import TokenForm
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import (
    TokenError,
    create_token,
    manageable_tokens,
    revoke_token,
)
from dunwell.secrets_box import SecretUnreadable, open_secret, seal

# The session key of the new tokens' secrets not shown yet ({token id: sealed secret}), and
# their sealing purpose.
_WAITING = "restapi.new_token_secrets"
_PURPOSE = "restapi.new_token_secret"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required
    return user


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = _user(request)
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
            waiting = dict(request.session.get(_WAITING, {}))
            waiting[str(issued.token.pk)] = seal(issued.secret, _PURPOSE)
            request.session[_WAITING] = waiting
            return redirect("restapi:created", issued.token.pk)
    return _page(request, user, form, status=422 if request.method == "POST" else 200)


@never_cache  # the browser's Back asks again: the secret is not kept in its history
@login_required
@require_GET
def created(request: HttpRequest, token_id: int) -> HttpResponse:
    """The tokens page with the new token's secret, the first time only; later it says the
    secret was shown once."""
    user = _user(request)
    token = manageable_tokens(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    waiting = dict(request.session.get(_WAITING, {}))
    sealed = waiting.pop(str(token.pk), None)
    secret = None
    if sealed is not None:
        request.session[_WAITING] = waiting
        try:
            secret = open_secret(sealed, _PURPOSE)
        except SecretUnreadable:  # sealed under an older SECRET_KEY: as if shown
            secret = None
    return _page(request, user, TokenForm(actor=user), new_token=token, secret=secret)


def _page(
    request: HttpRequest,
    user: User,
    form: TokenForm,
    *,
    status: int = 200,
    new_token: ApiToken | None = None,
    secret: str | None = None,
) -> HttpResponse:
    return render(
        request,
        "restapi/tokens.html",
        {
            "tokens": manageable_tokens(user),
            "form": form,
            "new_token": new_token,
            "secret": secret,
            "manager": can_manage_integrations(user),
        },
        status=status,
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
