from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.correspondence.models import Direction, PaperLetter
from dunwell.forms import date_input
from dunwell.legal.models import LegalCase

DATE = date_input()


class LetterForm(forms.ModelForm[PaperLetter]):
    """Register a letter or change one; our number is given by the register."""

    class Meta:
        model = PaperLetter
        fields = [
            "direction",
            "date",
            "their_number",
            "party",
            "subject",
            "legal_case",
            "tracking_number",
            "delivered_on",
            "scan",
        ]
        widgets = {"date": DATE, "delivered_on": DATE}
        help_texts = {
            "delivered_on": _(
                "For a pretension linked to a legal case: the response period counts from this "
                "date."
            ),
            "scan": _("PDF or JPEG, up to 20 MB."),
        }

    def __init__(self, *args: Any, cases: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["legal_case"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cases if cases is not None else LegalCase.objects.none()
        self.fields["party"].label = _("Sender or addressee")
        if editing:
            del self.fields["direction"]


class LetterFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Direction"),
        required=False,
        choices=[("", pgettext_lazy("letters", "All"))] + list(Direction.choices),
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    registered = forms.BooleanField(label=_("Registered mail only"), required=False)


class AssignForm(forms.Form):
    counterparty = forms.IntegerField(label=_("Debtor"), widget=forms.HiddenInput)
