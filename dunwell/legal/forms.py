"""Forms of the legal pages: validate input at the edge, hand plain values to the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dunwell.forms import (
    AmountField,
    CurrencyInput,
    DoneOnField,
    IdChoiceField,
    IdMultipleChoiceField,
    RateField,
    date_input,
    query_id,
)
from dunwell.interest.texts import OPTION_LABELS
from dunwell.ledger.models import Counterparty, Document
from dunwell.legal import sandbox
from dunwell.legal.calc import RULES
from dunwell.legal.models import Channel, DocumentTemplate, GatedAction, PaperKind
from dunwell.legal.selectors import RULE_LABELS
from dunwell.money import parse_amount

DATE = date_input()


def rule_choices() -> list[tuple[str, str]]:
    """The calculator's rules by their names in the user's language (a lawyer picks "3% per
    year and inflation losses…", not the code "ua-625")."""
    labels = RULE_LABELS()
    return [("", str(_("From the contract and the debtor's country")))] + [
        (rule, labels.get(rule, rule)) for rule in RULES
    ]


def parse_pairs(text: str, field: str) -> list[tuple[date, Decimal]]:
    """Lines "YYYY-MM-DD amount" (or "DD.MM.YYYY amount") into (date, amount) pairs."""
    pairs = []
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace(":", " ").replace(";", " ")
        if not line:
            continue
        parts = line.split()
        try:
            raw_day, raw_amount = parts[0], " ".join(parts[1:])
            if "." in raw_day:
                d, m, y = raw_day.split(".")
                day = date(int(y), int(m), int(d))
            else:
                day = date.fromisoformat(raw_day)
            # as the reader's language writes it: "1.500,00" (ro), "1 500,00" (ru, uk)
            amount = parse_amount(raw_amount, get_language())
        except (ValueError, IndexError, InvalidOperation):
            raise forms.ValidationError(
                _("%(field)s, line %(n)s: write a date and an amount, e.g. 2026-03-01 1500.00"),
                params={"field": field, "n": n},
            ) from None
        if amount <= 0:
            raise forms.ValidationError(
                _("%(field)s, line %(n)s: the amount must be positive"),
                params={"field": field, "n": n},
            )
        pairs.append((day, amount))
    return pairs


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def city_of(address: str) -> str:
    """The town of an address written "Town, street …" (as 1C exports and the demo write it):
    its first line up to the first comma."""
    first = address.strip().splitlines()[0] if address.strip() else ""
    return first.split(",")[0].strip()


class DebtorChoiceField(IdChoiceField):
    """Debtors by name; a name that several debtors share is told apart by tax id and town."""

    shared_names: frozenset[str] = frozenset()

    def label_from_instance(self, obj: Any) -> str:
        return debtor_label(obj, self.shared_names)


def debtor_label(counterparty: Counterparty, shared_names: frozenset[str]) -> str:
    """The debtor's name; when other debtors the user sees share it, with its tax id and
    town ("MedNord SA (203997572, București)"), so that namesakes are told apart."""
    if counterparty.name not in shared_names:
        return str(counterparty.name)
    marks = [
        part
        for part in (
            counterparty.tax_id or counterparty.external_id,
            city_of(counterparty.address),
        )
        if part
    ]
    return str(_("%(name)s (%(marks)s)") % {"name": counterparty.name, "marks": ", ".join(marks)})


def shared_names(counterparties: Any, names: Any = None) -> frozenset[str]:
    """The names (of `names`, or all) that more than one of `counterparties` bears."""
    if names is not None:
        counterparties = counterparties.filter(name__in=names)
    return frozenset(
        counterparties.order_by()
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )


class CalculatorForm(forms.Form):
    counterparty = DebtorChoiceField(
        Counterparty.objects.none(),
        label=_("Debtor"),
        required=False,
        # what an empty choice means here (Django's "---------" did not say)
        empty_label=_("— no debtor: enter the debt by hand —"),
    )
    documents = IdMultipleChoiceField(
        Document.objects.none(),
        label=_("Documents (none chosen: all overdue)"),
        required=False,
    )
    debt = AmountField(label=_("Debt (by hand)"), required=False)
    due = forms.DateField(label=_("Due date (by hand)"), required=False, widget=DATE)
    currency = forms.CharField(
        label=_("Currency (by hand)"),
        required=False,
        max_length=3,
        widget=CurrencyInput,
    )
    payments = forms.CharField(
        label=_("Payments (by hand): one per line, date and amount"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    to = forms.DateField(label=_("Calculate up to (inclusive)"), widget=DATE)
    rule = forms.ChoiceField(
        label=_("Rule"),
        required=False,
        choices=rule_choices,
    )
    # labelled as the calculator's messages name them (dunwell.interest.texts)
    # typed as the user's language writes numbers ("2,5" in ru, uk, ro)
    rate_per_day = RateField(label=OPTION_LABELS["rate_per_day"], required=False)
    rate_per_year = RateField(label=OPTION_LABELS["rate_per_year"], required=False)
    cap_percent = RateField(label=OPTION_LABELS["cap_percent"], required=False)
    eur_rate = RateField(label=OPTION_LABELS["eur_rate"], required=False, min_value=0)
    debtor_kind = forms.ChoiceField(
        label=_("Debtor"),
        required=False,
        choices=[("", "—"), ("business", _("business")), ("consumer", _("consumer"))],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The debtor's language")), *settings.LANGUAGES],
    )

    def __init__(self, *args: Any, counterparties: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        debtor = self.fields["counterparty"]
        assert isinstance(debtor, DebtorChoiceField)
        debtor.queryset = counterparties.order_by("name", "tax_id", "pk")
        debtor.shared_names = shared_names(counterparties)
        # Picking a debtor fills the document list at once (htmx), before any calculation.
        debtor.widget.attrs.update(
            {
                "hx-get": reverse("legal:calculator_documents"),
                "hx-trigger": "change",
                "hx-target": "#calc-documents",
                "hx-swap": "innerHTML",
            }
        )
        documents = Document.objects.filter(counterparty__in=counterparties, open_amount__gt=0)
        source = self.data if self.is_bound else self.initial
        chosen = query_id(source.get("counterparty"))
        if chosen is not None:
            # only the chosen debtor's open documents are offered
            documents = documents.filter(counterparty_id=chosen)
        else:
            documents = documents.none()
        self.fields["documents"].queryset = documents.order_by("due_date")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["payment_pairs"] = parse_pairs(data.get("payments") or "", str(_("Payments")))
        currency = (data.get("currency") or "").strip().upper()
        if currency and not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
            self.add_error("currency", _("Enter a currency code such as EUR."))
        data["currency"] = currency
        hand = data.get("debt") is not None
        if hand and not data.get("due"):
            self.add_error("due", _("Enter the due date of the debt."))
        if not hand and not data.get("counterparty"):
            raise forms.ValidationError(_("Pick a debtor, or enter the debt and its due date."))
        docs = data.get("documents")
        cp = data.get("counterparty")
        if docs and cp and any(d.counterparty_id != cp.pk for d in docs):
            self.add_error("documents", _("The documents must belong to the debtor."))
        options: dict[str, str] = {}
        for key in ("rate_per_day", "rate_per_year", "cap_percent", "eur_rate"):
            if data.get(key) is not None:
                options[key] = str(data[key])
        if data.get("debtor_kind"):
            options["debtor"] = data["debtor_kind"]
        data["options"] = options
        return data


class TaskDoneForm(forms.Form):
    result = forms.CharField(label=_("What was done"), max_length=500)


class GenerateForm(forms.Form):
    """One form for every kind; the fields a kind needs are checked in clean()."""

    kind = forms.ChoiceField(label=_("Document"), choices=PaperKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    start = forms.DateField(label=_("Period from"), required=False, widget=DATE)
    end = forms.DateField(label=_("Period to"), required=False, widget=DATE)
    as_of = forms.DateField(label=_("As of"), required=False, widget=DATE)
    days = forms.IntegerField(label=_("Days to pay"), required=False, min_value=1, max_value=90)
    instalments = forms.CharField(
        label=_("Instalments: one per line, date and amount"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreement = forms.IntegerField(required=False, widget=forms.HiddenInput)
    meeting_date = forms.DateField(label=_("Meeting date"), required=False, widget=DATE)
    place = forms.CharField(label=_("Place"), required=False, max_length=255)
    participants = forms.CharField(
        label=_("Participants, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agreed = forms.CharField(
        label=_("Agreed points, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label=_("Next steps, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, currencies: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The debtor's currencies, its main one first: every kind but the pretension (which
        # claims each currency in its own part) is made in one of them.
        self.fields["currency"] = forms.ChoiceField(
            label=_("Currency"), required=False, choices=[(c, c) for c in currencies or []]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        params: dict[str, Any] = {}
        if kind == PaperKind.RECONCILIATION:
            if not data.get("start") or not data.get("end"):
                raise forms.ValidationError(_("Enter the period of the statement."))
            if data["end"] < data["start"]:
                raise forms.ValidationError(_("The period ends before it starts."))
            params = {"start": data["start"], "end": data["end"]}
        elif kind in (PaperKind.STATEMENT, PaperKind.PRETENSION, PaperKind.STATEMENT_OF_CLAIM):
            params = {"as_of": data.get("as_of")} if data.get("as_of") else {}
        elif kind == PaperKind.FINAL_WARNING:
            params = {"days": data["days"]} if data.get("days") else {}
        elif kind == PaperKind.SCHEDULE:
            if data.get("agreement"):
                params = {"agreement_id": data["agreement"]}
            else:
                pairs = parse_pairs(data.get("instalments") or "", str(_("Instalments")))
                if not pairs:
                    raise forms.ValidationError(_("Enter at least one instalment."))
                params = {"instalments": pairs}
        elif kind == PaperKind.PROTOCOL:
            if not data.get("meeting_date"):
                raise forms.ValidationError(_("Enter the date of the meeting."))
            params = {
                "meeting_date": data["meeting_date"],
                "place": data.get("place") or "",
                "participants": lines(data.get("participants") or ""),
                "agreed": lines(data.get("agreed") or ""),
                "next_steps": lines(data.get("next_steps") or ""),
            }
        # the pretension and the statement of claim claim each currency in its own part
        per_currency = kind in (PaperKind.PRETENSION, PaperKind.STATEMENT_OF_CLAIM)
        if data.get("currency") and not per_currency and "agreement_id" not in params:
            params["currency"] = data["currency"]
        data["params"] = params
        return data


class PretensionSentForm(forms.Form):
    sent_on = DoneOnField(label=_("Sent on"))
    channel = forms.ChoiceField(label=_("Sent by"), choices=Channel.choices)
    proof = forms.FileField(label=_("Proof of delivery"), required=False)


def in_currency(form: forms.Form, currency: str) -> forms.Form:
    """The form with its amount fields labelled with the case's currency ("Principal claimed,
    UAH"): the lawyer types the figures of the case's currency, not the company's."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField) and currency:
            field.label = _("%(label)s, %(currency)s") % {
                "label": field.label,
                "currency": currency,
            }
    return form


class LawsuitForm(forms.Form):
    court = forms.CharField(label=_("Court"), max_length=255)
    case_number = forms.CharField(label=_("Court case number"), max_length=64)
    filed_on = DoneOnField(label=_("Filed on"))
    principal = forms.DecimalField(label=_("Principal claimed"), min_value=0, decimal_places=2)
    interest = forms.DecimalField(
        label=_("Penalty / interest claimed"), min_value=0, decimal_places=2
    )
    state_fee = forms.DecimalField(label=_("State fee"), min_value=0, decimal_places=2)


class HearingForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Hearing date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class JudgmentForm(forms.Form):
    judgment_on = DoneOnField(label=_("Judgment date"))
    amount = forms.DecimalField(label=_("Amount awarded"), min_value=0, decimal_places=2)
    note = forms.CharField(label=_("Judgment"), required=False, widget=forms.Textarea)


class EnforcementForm(forms.Form):
    started_on = DoneOnField(label=_("Enforcement started on"))
    reference = forms.CharField(label=_("Enforcement reference"), required=False, max_length=128)


class ClosingForm(forms.Form):
    closed_on = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class ApprovalRequestForm(forms.Form):
    action = forms.ChoiceField(label=_("Step"), choices=GatedAction.choices)
    reason = forms.CharField(
        label=pgettext_lazy("legal approval", "Reason"), required=False, widget=forms.Textarea
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Approve")), ("no", _("Reject"))],
    )
    note = forms.CharField(label=_("Note"), required=False)
    # Rejected with a day: not now, the director is asked again then (services.decide_approval).
    ask_again_on = forms.DateField(
        label=_("If rejected, ask me again on (optional)"), required=False, widget=DATE
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # the service's rule (one home), said on the field before anything is decided
        from dunwell.legal.errors import LegalError
        from dunwell.legal.services import check_ask_again_on

        try:
            check_ask_again_on(bool(data.get("approve")), data.get("ask_again_on"))
        except LegalError as exc:
            self.add_error("ask_again_on", str(exc.message))
        return data


class DocumentTemplateForm(forms.ModelForm):
    """An uploaded DOCX must open, its docxtpl tags must parse, and rendered against sample
    data it may read only the documented document data (dunwell/legal/sandbox.py)."""

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "language", "file", "note"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            upload.seek(0)
            sandbox.check(upload.read())
        except sandbox.TemplateRejected as exc:
            raise forms.ValidationError(str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - any failure means an unusable template
            raise forms.ValidationError(
                _("This is not a usable DOCX template: %(error)s"), params={"error": exc}
            ) from None
        finally:
            upload.seek(0)
        return upload
