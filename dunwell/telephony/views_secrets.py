"""The "Telephone exchange keys" page: for administrators, each provider's secrets with where
their value comes from (stored, the environment, not set; never the value), a form to store or
clear one, and the log of changes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_provider_secrets
from dunwell.telephony import secrets
from dunwell.telephony.models import Provider, ProviderSecretChange

LOG_ROWS = 50


class SecretForm(forms.Form):
    name = forms.ChoiceField(choices=[(spec.name, spec.name) for spec in secrets.SECRETS])
    action = forms.ChoiceField(choices=[("set", "set"), ("clear", "clear")])
    # Write-only: never rendered back; secrets.set_secret checks it and names the field.
    value = forms.CharField(required=False, strip=False)


def _keeper(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not can_manage_provider_secrets(user):
        raise PermissionDenied
    return user


def _groups() -> list[dict[str, object]]:
    rows = secrets.overview()
    groups: list[dict[str, object]] = []
    for provider in (Provider.ZADARMA, Provider.MANGO, Provider.TWILIO, Provider.ASTERISK):
        mine = [row for row in rows if row.spec.provider == provider]
        if mine:
            groups.append({"provider": provider.label, "rows": mine})
    return groups


def _log() -> list[dict[str, object]]:
    labels = {spec.name: secrets.field_name(spec) for spec in secrets.SECRETS}
    out = []
    for change in ProviderSecretChange.objects.select_related("by")[:LOG_ROWS]:
        by = change.by
        out.append(
            {
                "at": change.at,
                "field": labels.get(change.name, change.name),
                "action": change.get_action_display(),
                "by": (by.get_full_name() or by.get_username()) if by is not None else "",
            }
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def provider_secrets(request: HttpRequest) -> HttpResponse:
    user = _keeper(request)
    error = ""
    if request.method == "POST":
        form = SecretForm(request.POST)
        if not form.is_valid():
            error = _("Choose one of the listed secrets.")
        else:
            name = form.cleaned_data["name"]
            label = secrets.field_name(secrets.BY_NAME[name])
            try:
                if form.cleaned_data["action"] == "clear":
                    if secrets.clear_secret(name, by=user):
                        messages.success(
                            request,
                            _("%(field)s: the stored value is cleared.") % {"field": label},
                        )
                else:
                    secrets.set_secret(name, form.cleaned_data["value"], by=user)
                    messages.success(request, _("%(field)s: stored.") % {"field": label})
            except secrets.SecretError as exc:
                error = str(exc)
            else:
                return redirect("telephony:secrets")
    context = {"groups": _groups(), "log": _log(), "error": error}
    return render(request, "telephony/secrets.html", context, status=400 if error else 200)
