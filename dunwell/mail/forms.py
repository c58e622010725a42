from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SenderForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Leave empty to remove the address."),
    )
    display_name = forms.CharField(
        label=_("Name shown to the reader"), max_length=120, required=False
    )


class CompanySenderForm(SenderForm):
    allow_personal = forms.BooleanField(
        label=_("Collectors may send from their own address"), required=False, initial=True
    )
