from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import visible_people
from dunwell.forms import AmountField, IdChoiceField, QueryDateField, date_input
from dunwell.ladder.forms import RefusalForm
from dunwell.money import format_amount, parse_amount
from dunwell.work.models import Meeting, Outcome, Situation
from dunwell.work.services import DISPUTE_CHANNELS, DISPUTE_REASONS


class OutcomeForm(forms.Form):
    """Every outcome posts here; the service checks what each outcome needs."""

    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.HiddenInput)
    task = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact = forms.IntegerField(required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recording = forms.FileField(label=_("Recording"), required=False)
    promised_on = forms.DateField(label=_("Promised date"), required=False, widget=date_input())
    promised_amount = AmountField(label=_("Amount"), required=False)
    promised_currency = forms.ChoiceField(label=_("Currency"), required=False, choices=[])
    promised_by = forms.CharField(label=_("Who promised"), required=False, max_length=255)
    dispute_reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "—"), *DISPUTE_REASONS.items()]
    )
    dispute_amount = AmountField(label=_("Disputed amount"), required=False)
    dispute_currency = forms.ChoiceField(label=_("Currency"), required=False, choices=[])
    dispute_documents = forms.TypedMultipleChoiceField(
        label=_("Documents"), required=False, coerce=int, choices=[]
    )
    call_back_at = forms.DateTimeField(
        label=_("Call back at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # as long as the contact's own fields (ledger.Contact): a longer name was a server error
    decider_name = forms.CharField(label=_("Who decides payments"), required=False, max_length=255)
    decider_position = forms.CharField(label=_("Position"), required=False, max_length=255)
    decider_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    decider_email = forms.EmailField(label=_("Email"), required=False)

    def __init__(
        self,
        *args: Any,
        documents: list[tuple[int, str]] | None = None,
        currencies: list[str] | None = None,
        region: str = "",
        **kw: Any,
    ):
        super().__init__(*args, **kw)
        self.region = region
        # Required in the promise's own <form> on the call card; the other outcomes post
        # without it (the service checks what each outcome needs).
        self.fields["promised_on"].widget.attrs["required"] = True
        self.fields["dispute_documents"].choices = documents or []  # type: ignore[attr-defined]
        for name in ("promised_currency", "dispute_currency"):
            self.fields[name].choices = [(c, c) for c in currencies or []]  # type: ignore[attr-defined]

    def clean_decider_phone(self) -> str:
        """The phone as typed, once it reads as one (`phones.read_phone`, with the debtor's
        country for a local number; an extension after it, "доб. 12", is part of it): the
        service reads it again into the number and its extension (`services.save_decider`)."""
        from dunwell.ledger.phones import PhoneError, read_phone

        value = self.cleaned_data.get("decider_phone", "").strip()
        try:
            read_phone(value, self.region)
        except PhoneError:
            raise forms.ValidationError(
                _("“%(value)s” is not a phone number."),
                params={"value": self.cleaned_data.get("decider_phone", "")},
            ) from None
        return value


class ReassignForm(forms.Form):
    to_user = forms.TypedChoiceField(label=_("New responsible"), coerce=int, choices=[])
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args: Any, candidates: list[tuple[int, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["to_user"].choices = candidates  # type: ignore[attr-defined]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


class ScriptForm(forms.Form):
    situation = forms.ChoiceField(choices=Situation.choices, widget=forms.HiddenInput)
    language = forms.ChoiceField(choices=settings.LANGUAGES, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "starts_at",
            "duration_minutes",
            "place",
            "status",
            "authority_checked",
            "history_reviewed",
            "documents_copied",
            "economic_situation",
            "ideal_terms",
            "acceptable_terms",
            "questions",
            "protocol",
            "good_relations_until",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "good_relations_until": date_input(),
            "economic_situation": forms.Textarea(attrs={"rows": 2}),
            "ideal_terms": forms.Textarea(attrs={"rows": 2}),
            "acceptable_terms": forms.Textarea(attrs={"rows": 2}),
            "questions": forms.Textarea(attrs={"rows": 3}),
            "protocol": forms.Textarea(attrs={"rows": 5}),
        }


def schedule_example() -> str:
    """An instalment line as the active language writes a date and an amount:
    "15.04.2026 5.000,00" (ro), "15.04.2026 5 000,00" (ru, uk)."""
    day = date_format(date(2026, 4, 15), "SHORT_DATE_FORMAT")
    return f"{day} {format_amount(Decimal(5000), get_language())}"


def _schedule_date(text: str) -> date:
    """A date as the language writes it ("15.04.2026") or as ISO ("2026-04-15")."""
    for pattern in ("%Y-%m-%d", *get_format("DATE_INPUT_FORMATS")):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
    raise ValueError(text)


class AgreementForm(forms.Form):
    """A repayment schedule typed as lines "date amount", each written as the user's language
    writes it ("15.04.2026 5.000,00" in ro) or as ISO with a decimal point."""

    signed_on = forms.DateField(label=_("Signed on"), widget=date_input())
    currency = forms.ChoiceField(label=_("Currency"), choices=[])
    schedule = forms.CharField(
        label=_("Instalments, one per line: date amount"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, currencies: list[str] | None = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["currency"].choices = [(c, c) for c in currencies or []]  # type: ignore[attr-defined]
        self.fields["schedule"].widget.attrs["placeholder"] = schedule_example()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lines = [ln.split() for ln in data.get("schedule", "").splitlines() if ln.strip()]
        instalments = []
        for number, parts in enumerate(lines, start=1):
            try:
                due = _schedule_date(parts[0])
                amount = parse_amount("".join(parts[1:]), get_language())
            except (IndexError, ValueError):
                raise forms.ValidationError(
                    _("Line %(n)s: write a date and an amount, e.g. %(example)s."),
                    params={"n": number, "example": schedule_example()},
                ) from None
            signed_on = data.get("signed_on")
            if signed_on is not None and due < signed_on:
                # A year typed wrong in December ("15.01.2026" for 2027) was an instalment
                # already missed, and the next daily run escalated a debtor who had just signed.
                raise forms.ValidationError(
                    _(
                        "Line %(n)s: the instalment of %(due)s falls before the signing on "
                        "%(signed)s."
                    ),
                    params={
                        "n": number,
                        "due": date_format(due, "SHORT_DATE_FORMAT"),
                        "signed": date_format(signed_on, "SHORT_DATE_FORMAT"),
                    },
                )
            instalments.append((due, amount))
        data["instalments"] = instalments
        return data


class SentByHandForm(forms.Form):
    """A letter or email the collector sent themselves: the file as sent, and a note."""

    file = forms.FileField(
        label=_("File as sent"),
        help_text=_("PDF, DOCX, ODT, EML, TXT, PNG or JPG"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.odt,.eml,.txt,.png,.jpg,.jpeg"}
        ),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TaskNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it skipped?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CalendarQueryForm(forms.Form):
    """The calendar's address: ?view=day|week&date=YYYY-MM-DD."""

    view = forms.ChoiceField(
        label=pgettext_lazy("calendar", "View"),
        choices=[("week", _("Week")), ("day", _("Day"))],
        required=False,
    )
    date = QueryDateField(label=_("Date"), required=False)


class WorklistAmountForm(forms.Form):
    """The worklist's "overdue at least" filter, in the company currency, as the user types it:
    a value that is not an amount (or beyond any amount) gets the 400 page naming the filter."""

    min_amount = AmountField(label=_("Overdue at least"), required=False, allow_zero=True)


class PersonFilterForm(forms.Form):
    """A task page's "who" filter: ?assignee=<user id>. Only a person whose work the reader
    may see can be chosen (accounts.visibility); anyone else is the 400 page naming the
    filter, never an empty list that looks like an answer."""

    assignee = IdChoiceField(
        label=_("Who"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Everyone"),
        error_messages={"invalid_choice": _("Not a person whose tasks you may see.")},
    )

    def __init__(self, data: Any, *, user: User) -> None:
        super().__init__(data)
        self.fields["assignee"].queryset = visible_people(user).order_by("username")  # type: ignore[attr-defined]


class BulkRefusalForm(RefusalForm):
    """The bulk approvals' rejection: the approvals page's optional day to ask again on, one
    for every selected step. A day not after today is said on the field (RefusalForm, the
    ladder's one rule), before any step is decided."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tomorrow = timezone.localdate() + timedelta(days=1)
        attrs = self.fields["ask_again_on"].widget.attrs
        attrs["min"] = tomorrow.isoformat()
        attrs["aria-describedby"] = "bulk-again-error bulk-again-help"  # the error when shown


class OpenTasksForm(PersonFilterForm):
    """The open tasks page's address: ?assignee=<user id>&due=today|past."""

    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("today", _("By the end of today")),
            ("past", _("Past their time")),
        ],
    )

    def __init__(self, data: Any, *, user: User) -> None:
        if data is not None and data.get("overdue") == "1" and not data.get("due"):
            # The page's first address for the same filter (?overdue=1), kept for bookmarks.
            data = data.copy()
            data["due"] = "past"
        super().__init__(data, user=user)


class DisputeForm(forms.Form):
    """A customer's claim that did not come on a call (an e-mail, a letter, a meeting), or one
    written down after a call by someone who did not record that call's outcome."""

    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *DISPUTE_REASONS.items()])
    amount = AmountField(
        label=_("Disputed amount"),
        required=False,
        help_text=_("Empty: what the chosen documents still owe."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[])
    documents = forms.TypedMultipleChoiceField(
        label=_("Documents"),
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    channel = forms.ChoiceField(
        label=_("How it came"), choices=DISPUTE_CHANNELS.items(), widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        documents: list[tuple[int, str]] | None = None,
        currencies: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = documents or []  # type: ignore[attr-defined]
        # the debtor's main currency first (`views._debt_currencies`)
        self.fields["currency"].choices = [(c, c) for c in currencies or []]  # type: ignore[attr-defined]
