from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.accounts.models import User
from dunwell.accounts.visibility import deal_owners, visible_counterparties
from dunwell.forms import AmountField, CurrencyInput
from dunwell.ledger.models import Counterparty, DealStage
from dunwell.money import is_currency_code


class DealForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"),
        max_length=255,
        help_text=_("The customer's code, tax id or exact name."),
    )
    name = forms.CharField(label=_("Deal"), max_length=255, required=False)
    amount = AmountField(label=_("Amount"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=CurrencyInput
    )
    stage = forms.ModelChoiceField(
        label=pgettext_lazy("deal", "Stage"), queryset=DealStage.objects.none()
    )
    probability = forms.IntegerField(
        label=_("Probability, %"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Empty: the stage's default."),
    )
    # A date input shows and sends ISO dates, whatever the language's date format.
    expected_close = forms.DateField(
        label=_("Expected close"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    payment_days = forms.IntegerField(
        label=_("Payment terms, days"), min_value=0, max_value=3650, initial=0
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)

    def __init__(
        self,
        *args: Any,
        user: User,
        stages: list[DealStage],
        editing: bool,
        owner_id: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["stage"].queryset = DealStage.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in stages]
        )
        # Who may own a deal (sales managers), and the deal's owner as it is (`owner_id`).
        self.fields["owner"].queryset = deal_owners(owner_id).order_by(  # type: ignore[attr-defined]
            "username"
        )
        if editing:
            # The customer of an existing deal does not change (a new deal for another one).
            del self.fields["customer"]

    def clean_customer(self) -> Counterparty:
        text = self.cleaned_data["customer"].strip()
        found = list(
            visible_counterparties(self.user).filter(
                Q(external_id=text) | Q(tax_id=text) | Q(name__iexact=text)
            )[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _("No customer you may see has this code, tax id or name.")
                if not found
                else _("Several customers match: give the code.")
            )
        return found[0]

    def clean_currency(self) -> str:
        code = str(self.cleaned_data["currency"]).upper()
        if not is_currency_code(code):
            raise forms.ValidationError(_("Not an ISO 4217 currency code."))
        return code
