from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.models import Company
from dunwell.outbox.models import EventKind


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=_("Receiver URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Dunwell POSTs each event there as JSON, signed with the secret."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.order_by("name"),
        required=False,
        empty_label=_("All companies"),
    )
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
