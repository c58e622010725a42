"""The form that issues an API token on the tokens page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.accounts.models import User
from dunwell.accounts.visibility import can_manage_integrations
from dunwell.restapi.models import Scope
from dunwell.restapi.tokens import grantable_scopes


def user_label(user: User) -> str:
    """'Adrian Admin (admin)': the name people know, and the login the API answers with."""
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class TokenForm(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"),
        max_length=100,
        required=False,
        help_text=_("What uses it, e.g. “ERP sync”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after, days"),
        min_value=1,
        max_value=3650,
        required=False,
        help_text=_("Empty: until revoked."),
    )
    user = forms.ModelChoiceField(label=_("For user"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        scopes = cast(forms.MultipleChoiceField, self.fields["scopes"])
        scopes.choices = [(value, f"{value}: {label}") for value, label in Scope.choices]
        if can_manage_integrations(actor):
            user_field: Any = self.fields["user"]
            user_field.queryset = User.objects.filter(is_active=True).order_by("username")
            # The login beside the name, as the table of tokens and the API's "user" say it.
            user_field.label_from_instance = user_label
            user_field.help_text = _("Empty: yourself.")
        else:
            del self.fields["user"]
            scopes.choices = [
                (value, f"{value}: {label}")
                for value, label in Scope.choices
                if value in grantable_scopes(actor)
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        owner = data.get("user") or self.actor
        data["user"] = owner
        refused = [s for s in data.get("scopes", []) if s not in grantable_scopes(owner)]
        if refused:
            self.add_error(
                "scopes",
                _("%(user)s may not be given %(scopes)s.")
                % {"user": owner.username, "scopes": ", ".join(refused)},
            )
        return data
