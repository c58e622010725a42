from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dunwell.forms import CurrencyInput
from dunwell.ledger.importing.kinds import KINDS
from dunwell.ledger.importing.readers import ENCODINGS
from dunwell.ledger.models import Company, ImportKind

ALLOWED_SUFFIXES = {".csv", ".txt", ".xlsx"}


class RequisitesForm(forms.Form):
    """What the company's letters print so that the debtor knows where to pay (checked by
    ledger.services.clean_requisites)."""

    legal_address = forms.CharField(label=_("Legal address"), max_length=500, required=False)
    registration_number = forms.CharField(
        label=_("Registration number"),
        max_length=64,
        required=False,
        help_text=_("In the national register: ОГРН, ЄДРПОУ, IDNO, Nr. Reg. Com."),
    )


class BankFields(forms.Form):
    """Where the debtor pays (checked by ledger.services.clean_requisites)."""

    bank_name = forms.CharField(label=_("Bank"), max_length=255, required=False)
    bank_account = forms.CharField(
        label=_("Bank account"),
        max_length=60,  # an IBAN typed in groups of four
        required=False,
        help_text=_("IBAN, or the national account number"),
    )
    bank_code = forms.CharField(
        label=_("Bank code"),
        max_length=20,
        required=False,
        help_text=_("BIC (SWIFT), БИК or МФО"),
    )


class BankAccountForm(BankFields):
    """One of our company's bank accounts (ledger.services.save_bank_account checks it)."""

    field_order = ("currency", "bank_account", "bank_name", "bank_code", "is_default")

    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO 4217 code: EUR"), widget=CurrencyInput
    )
    is_default = forms.BooleanField(
        label=_("Print this account on the documents in its currency"),
        required=False,
        help_text=_(
            "A currency's first account is always printed. Tick this on another account of the "
            "same currency to print it instead of the first."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].required = True


class CompanyForm(RequisitesForm, BankFields):
    """Our own company, on a fresh database (ledger.services.create_company checks it); the
    account given is the one of the company's own currency."""

    field_order = ("code", "name", "country", "currency", "tax_id", "time_zone")

    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Short, used by import files: e.g. main")
    )
    name = forms.CharField(label=_("Legal name"), max_length=255)
    country = forms.CharField(label=_("Country"), max_length=2, help_text=_("ISO 3166 code: RO"))
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        help_text=_("ISO 4217 code: RON"),
        widget=CurrencyInput,
    )
    tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        help_text=_("Leave empty to use the country's (e.g. Europe/Bucharest)"),
    )


class CompanyEditForm(RequisitesForm):
    """Our company's name, tax id and requisites (ledger.services.update_company)."""

    name = forms.CharField(label=_("Legal name"), max_length=255)
    tax_id = forms.CharField(label=_("Tax id"), max_length=32, required=False)
    field_order = ("name", "tax_id")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("CSV or XLSX file"))
    company = forms.ModelChoiceField(
        label=_("Company"),
        queryset=Company.objects.all(),
        required=False,
        # Not Django's "---------": what an import without a company chosen does.
        empty_label=_("— the file's company column, or the only company —"),
    )
    partial = forms.BooleanField(
        label=_("Apply the valid rows and give me the rejected ones as a file"), required=False
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of a CSV file"),
        choices=[("", _("Detect"))] + list(ENCODINGS.items()),
        required=False,
    )

    def __init__(self, *args: Any, may_import_users: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_import_users = may_import_users
        if not may_import_users:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [
                (value, label) for value, label in ImportKind.choices if value != ImportKind.USERS
            ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        limit = settings.IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(max)s: split it or ask an administrator.")
                % {"max": filesizeformat(limit)}
            )
        return upload


# Fields whose model field has no name of its own to show (keys to other rows, file-only fields).
FIELD_LABELS = {
    "counterparty": _("counterparty"),
    "contract": _("contract"),
    "company": _("company"),
    "counterparty_tax_id": _("counterparty's tax id"),
    "kpp": _("KPP"),
    "roles": _("roles"),
    "stage": _("stage"),
}


@functools.cache
def _target_model(kind: str) -> Any:
    """The model an import kind writes (its table), looked up once per process."""
    return next((m for m in apps.get_models() if m._meta.db_table == KINDS[kind].target), None)


def field_label(kind: str, name: str) -> str:
    """What a file field holds, in the reader's language, with the field's own name that
    the import formats' page uses: "Due date (due_date)"."""
    label: object = FIELD_LABELS.get(name)
    if label is None:
        model = _target_model(kind)
        try:
            label = getattr(model._meta.get_field(name), "verbose_name", None) if model else None
        except FieldDoesNotExist:
            label = None
    return f"{capfirst(str(label))} ({name})" if label else name


class MappingForm(forms.Form):
    """One select per file header: which field the column holds (or ignore it)."""

    def __init__(
        self, *args: Any, kind: str, headers: list[str], initial_mapping: dict[str, str], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.kind = KINDS[kind]
        choices = [("", _("— ignore —"))] + [
            (name, field_label(kind, name)) for name in KINDS[kind].field_names
        ]
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=header,
                choices=choices,
                required=False,
                initial=initial_mapping.get(header, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"col_{index}"]
            for index, header in enumerate(self.headers)
            if self.cleaned_data.get(f"col_{index}")
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [v for k, v in data.items() if k.startswith("col_") and v]
        duplicates = sorted({v for v in chosen if chosen.count(v) > 1})
        if duplicates:
            raise forms.ValidationError(
                _("Each field may be chosen for one column only: %(fields)s")
                % {"fields": self._named(duplicates)}
            )
        missing = [f.name for f in self.kind.fields if f.required and f.name not in chosen]
        if "counterparty_tax_id" in self.kind.field_names and not {
            "counterparty",
            "counterparty_tax_id",
            "payer" if self.kind.name == "payments" else "counterparty",
        } & set(chosen):
            # Named by id, name or tax id: one of the columns is needed (docs/import-formats.md).
            missing.insert(0, "counterparty")
        if missing:
            raise forms.ValidationError(
                ngettext(
                    "Choose the column that holds the required field %(fields)s: nothing is "
                    "imported without it.",
                    "Choose the columns that hold the required fields %(fields)s: nothing is "
                    "imported without them.",
                    len(missing),
                )
                % {"fields": self._named(missing)}
            )
        return data

    def _named(self, fields: list[str]) -> str:
        """Fields as the column selects name them ("Amount (amount)"), not by code alone."""
        return ", ".join(field_label(self.kind.name, name) for name in fields)
