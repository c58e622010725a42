"""Forms of the grace page: the until-date, the reason and a limit per currency the debtor
owes in."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dunwell.forms import AmountField, date_input
from dunwell.money_l10n import money_text


class GraceForm(forms.Form):
    until = forms.DateField(label=_("Forgiven until"), widget=date_input())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, currencies: Sequence[tuple[str, Decimal]] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.currencies = [code for code, _amount in currencies]
        for code, amount in currencies:
            self.fields[f"limit_{code}"] = AmountField(
                label=_("Limit in %(currency)s") % {"currency": code},
                required=False,
                help_text=_("open now: %(amount)s %(currency)s")
                % {"amount": money_text(amount), "currency": code},
            )

    def limits(self) -> dict[str, Decimal]:
        return {
            code: self.cleaned_data[f"limit_{code}"]
            for code in self.currencies
            if self.cleaned_data.get(f"limit_{code}") is not None
        }


class EndGraceForm(forms.Form):
    end_reason = forms.CharField(label=_("Why it ends"), widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False)
