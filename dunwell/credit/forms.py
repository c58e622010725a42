"""Forms of the credit pages: input checked at the edge, each error naming its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.accounts.models import User
from dunwell.accounts.visibility import committee_members
from dunwell.credit.models import CreditRuleSet, RequestKind, Vote
from dunwell.credit.services import RULE_FIELDS
from dunwell.forms import AmountField, CurrencyInput, date_input
from dunwell.money import is_currency_code


def _currency(value: str) -> str:
    code = (value or "").strip().upper()
    if not is_currency_code(code):
        raise forms.ValidationError(
            _("Not an ISO 4217 currency code: %(value)s"), params={"value": value}
        )
    return code


def limit_field(label: Any, *, required: bool = False) -> AmountField:
    """A limit's amount: zero or more. 0 is a limit of its own (no credit, prepayment only:
    the check then asks for approval of any order on credit), so a negative amount is told
    that, not the order amount's 'greater than zero'."""
    return AmountField(
        label=label,
        required=required,
        allow_zero=True,
        error_messages={
            "positive": _("A limit is zero or more: 0 means no credit, prepayment only.")
        },
    )


class CheckForm(forms.Form):
    counterparty = forms.CharField(
        label=_("Customer (external id or tax id)"),
        max_length=64,
        help_text=_("Or type a part of the name and pick the customer."),
        widget=forms.TextInput(
            attrs={
                "list": "customer-options",
                "autocomplete": "off",
                "data-picker-url": reverse_lazy("credit:customers"),
            }
        ),
    )
    amount = AmountField(label=_("Order amount"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=CurrencyInput
    )
    order = forms.CharField(label=_("Order reference"), max_length=64, required=False)

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", pgettext_lazy("credit", "Approve")), ("reject", _("Reject"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(
        label=_("Approval valid until"),
        required=False,
        widget=date_input(),
    )

    def __init__(self, *args: Any, exception: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An exception to a stop of shipments holds to the end of the day after the approval
        # unless the approver names another day.
        self.exception = exception
        if exception:
            self.fields["expires_on"].help_text = _("Empty: until the end of tomorrow.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and not data.get("expires_on") and not self.exception:
            self.add_error("expires_on", _("Give the day the approval holds until."))
        return data


class ExceptionForm(forms.Form):
    """A sales manager's request to let one order through a customer's stop of shipments."""

    order = forms.CharField(label=_("Order reference"), max_length=64)
    amount = AmountField(label=_("Order amount"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=CurrencyInput
    )
    reason = forms.CharField(
        label=_("Why the order may go despite the stop"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: the customer paid today and the bank statement is not in yet."),
    )

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class LiftForm(forms.Form):
    reason = forms.CharField(label=_("Why shipments may go again"), max_length=1000)


class LimitForm(forms.Form):
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=CurrencyInput
    )
    total = limit_field(_("Total limit"))
    open_not_due = limit_field(_("Open, not yet due"))
    overdue = limit_field(_("Overdue"))
    orders_confirmed = limit_field(_("Confirmed orders"))
    orders_shipped = limit_field(_("Shipped, not invoiced"))
    valid_from = forms.DateField(label=_("Valid from"), widget=date_input())
    review_on = forms.DateField(label=_("Review on"), required=False, widget=date_input())
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class RuleSetForm(forms.ModelForm[CreditRuleSet]):
    default_limit = limit_field(_("Default limit"))

    class Meta:
        model = CreditRuleSet
        fields = ["segment", *RULE_FIELDS]
        widgets = {"effective_from": date_input()}

    def clean_limit_currency(self) -> str:
        return _currency(self.cleaned_data["limit_currency"])

    def clean_new_customer_prepayment_percent(self) -> Any:
        value = self.cleaned_data["new_customer_prepayment_percent"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("A percentage between 0 and 100."))
        return value


# --- the credit committee ---------------------------------------------------------------------


class LimitRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Request"),
        choices=[
            (RequestKind.NEW_LIMIT.value, RequestKind.NEW_LIMIT.label),
            (RequestKind.CHANGE_LIMIT.value, RequestKind.CHANGE_LIMIT.label),
            (RequestKind.CHANGE_TERM.value, RequestKind.CHANGE_TERM.label),
        ],
    )
    requested_limit = limit_field(_("Requested limit"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, min_length=3, widget=CurrencyInput
    )
    requested_term_days = forms.IntegerField(
        label=_("Requested payment term, days"), required=False, min_value=0, max_value=3650
    )
    justification = forms.CharField(
        label=_("Justification"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    order_ref = forms.CharField(label=_("Order reference"), max_length=64, required=False)

    def clean_currency(self) -> str:
        return _currency(self.cleaned_data["currency"])


class MeetingForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=date_input())
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = committee_members()
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["members"].queryset = people  # type: ignore[attr-defined]


class VoteForm(forms.Form):
    vote = forms.ChoiceField(label=_("Vote"), choices=Vote.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommitteeDecisionForm(forms.Form):
    limit = limit_field(_("Credit limit"), required=True)
    term_days = forms.IntegerField(label=_("Payment term, days"), min_value=0, max_value=3650)
    review_on = forms.DateField(label=_("Review on"), widget=date_input())
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NegotiationForm(forms.Form):
    agreed_term_days = forms.IntegerField(
        label=_("Agreed payment term, days"), required=False, min_value=0, max_value=3650
    )
    agreed_schedule = forms.CharField(
        label=_("Agreed payment schedule"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("Notes of the negotiation"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recording = forms.FileField(
        label=_("Call recording (audio file)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "audio/*"}),
    )
    call = forms.IntegerField(label=_("Or a recorded call (number)"), required=False, min_value=1)
