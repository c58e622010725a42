from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.forms import AmountField, CurrencyInput
from dunwell.letters.models import WordingKind
from dunwell.letters.services import LEGACY_BUCKETS, overdue_buckets
from dunwell.work.bucket_names import bucket_name

ATTACHMENTS = (
    ("statement", _("Statement of account (PDF)")),
    ("reconciliation", _("Reconciliation statement since 1 January (PDF)")),
)


class ComposeForm(forms.Form):
    # "To" alone is also a date range's end in other apps, and their words won ("Până la").
    contact = forms.TypedChoiceField(
        label=pgettext_lazy("recipient", "To"), coerce=int, required=False, choices=()
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Letter"), widget=forms.Textarea(attrs={"rows": 22}))
    attach = forms.MultipleChoiceField(
        label=_("Attach"), choices=ATTACHMENTS, required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note for the task"), required=False, max_length=500)
    token = forms.CharField(widget=forms.HiddenInput)
    # The contact the draft greets: the email goes to no one else.
    greets = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, contacts: list[tuple[int, str, bool]] = (), **kwargs: Any):  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(pk, label) for pk, label, _usable in contacts]


class WordingForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 24}))


class BucketField(forms.ChoiceField):
    """The company's buckets; a fixed bucket of before is still accepted when posted
    (services.LEGACY_BUCKETS), though no longer offered."""

    def valid_value(self, value: Any) -> bool:
        return super().valid_value(value) or value in LEGACY_BUCKETS


class MailingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Wording"), choices=WordingKind.choices)
    segment = forms.ChoiceField(label=_("Segment"), required=False, choices=())
    bucket = BucketField(label=_("Aging bucket"), required=False, choices=())
    min_days_overdue = forms.IntegerField(
        label=_("At least this many days overdue"), min_value=1, max_value=3650, initial=1
    )
    collector = forms.TypedChoiceField(label=_("Collector"), required=False, coerce=int, choices=())
    currency = forms.CharField(
        label=_("Currency of the minimum amount"),
        required=False,
        max_length=3,
        widget=CurrencyInput,
    )
    min_amount = AmountField(label=_("Minimum overdue amount"), required=False)

    def __init__(
        self,
        *args: Any,
        segments: list[tuple[str, str]] = (),  # type: ignore[assignment]
        collectors: list[tuple[int, str]] = (),  # type: ignore[assignment]
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("segment", segments), ("collector", collectors)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", _("any")), *choices]
        # The company's buckets as the aging page has them, named in the reader's language.
        buckets = self.fields["bucket"]
        assert isinstance(buckets, forms.ChoiceField)
        buckets.choices = [("", _("any")), *[(b, bucket_name(b)) for b in overdue_buckets()]]

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        from dunwell.money import is_currency_code

        if code and not is_currency_code(code):
            raise forms.ValidationError(_("Not a currency code (e.g. EUR)."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("min_amount") is not None and not data.get("currency"):
            self.add_error("currency", _("Choose the currency the minimum amount is in."))
        return data


LANGUAGE_NAMES = dict(settings.LANGUAGES)
