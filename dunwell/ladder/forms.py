from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import Role, User
from dunwell.forms import AmountField, date_input
from dunwell.ladder.editor import days_help, when_text
from dunwell.ladder.models import Policy, PolicyStep, Trigger
from dunwell.ledger.models import Company, NonWorkingDay
from dunwell.ledger.services import is_country_code
from dunwell.names import other_languages


class TranslatedNamesMixin:
    """Adds one text field per other UI language for each JSON names field: `name_ru`,
    `name_uk`, … edited beside the English `name`, saved into `names` {"ru": …}."""

    translated: tuple[tuple[str, str, bool], ...] = ()  # (JSON field, base field, long text)

    def _add_translation_fields(self) -> None:
        form: Any = self
        english = dict(settings.LANGUAGES).get("en", "English")
        for json_field, base, long_text in self.translated:
            stored = getattr(form.instance, json_field) or {}
            base_label = form.fields[base].label
            # The base field holds the English text: say so, or a Romanian editor takes
            # "Nume" for the Romanian name and the list (which shows it) does not change.
            form.fields[base].label = f"{base_label} ({english})"
            for code, label in other_languages():
                name = f"{base}_{code}"
                widget = forms.Textarea(attrs={"rows": 2}) if long_text else forms.TextInput()
                form.fields[name] = forms.CharField(
                    label=f"{base_label} ({label})",
                    required=False,
                    max_length=None if long_text else form.fields[base].max_length,
                    widget=widget,
                    initial=stored.get(code, ""),
                )

    def _store_translations(self, instance: Any) -> None:
        form: Any = self
        for json_field, base, _long in self.translated:
            values = {
                code: form.cleaned_data.get(f"{base}_{code}", "").strip()
                for code, _label in other_languages()
            }
            setattr(instance, json_field, {code: text for code, text in values.items() if text})


class PolicyForm(TranslatedNamesMixin, forms.ModelForm):  # type: ignore[type-arg]
    translated = (("names", "name", False), ("descriptions", "description", True))

    class Meta:
        model = Policy
        fields = ["name", "code", "description", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_translation_fields()

    def save(self, commit: bool = True) -> Policy:
        policy: Policy = super().save(commit=False)
        self._store_translations(policy)
        if commit:
            policy.save()
        return policy


class PolicyStepForm(TranslatedNamesMixin, forms.ModelForm):  # type: ignore[type-arg]
    translated = (("names", "name", False), ("translated_instructions", "instructions", True))

    class Meta:
        model = PolicyStep
        fields = [
            "order", "name", "trigger", "days", "event", "action", "window_start", "window_end",
            "assignee_role", "assignee_user", "needs_approval", "approval_role", "scope",
            "min_overdue_amount", "instructions",
        ]  # fmt: skip
        widgets = {
            "window_start": forms.TimeInput(attrs={"type": "time"}),
            "window_end": forms.TimeInput(attrs={"type": "time"}),
            "instructions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # typed and shown as the reader writes amounts ("50 000,00" in ro/ru/uk), like every
        # amount of the product, and said in which currency the run compares it
        self.fields["min_overdue_amount"] = AmountField(
            label=self.fields["min_overdue_amount"].label,
            allow_zero=True,
            required=False,
            help_text=_(
                "In the company's currency; other currencies are converted at the day's rate."
            ),
        )
        self._add_translation_fields()
        # Under Days: what the days count for the step's trigger ("after the previous step" is
        # not counted from the due date, which the model's help text speaks of).
        self.fields["days"].help_text = days_help(self["trigger"].value())

    def clean_min_overdue_amount(self) -> Decimal:
        return self.cleaned_data.get("min_overdue_amount") or Decimal("0")

    def save(self, commit: bool = True) -> PolicyStep:
        step: PolicyStep = super().save(commit=False)
        self._store_translations(step)
        if commit:
            step.save()
        return step

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("trigger") == Trigger.EVENT and not data.get("event"):
            self.add_error("event", _("An event step must name its event."))
        if data.get("trigger") == Trigger.AFTER_PREVIOUS and (data.get("days") or 0) < 0:  # type: ignore[operator]
            self.add_error("days", _("Days after the previous step cannot be negative."))
        if data.get("needs_approval") and not data.get("approval_role"):
            self.add_error("approval_role", _("Say which role approves this step."))
        start, end = data.get("window_start"), data.get("window_end")
        if start and end and end <= start:  # type: ignore[operator]
            self.add_error("window_end", _("The window must end after it starts."))
        return data


class BaseStepFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        """A rung may not come before the rung numbered above it: the run fires the last step
        whose day has come and never goes back (`decide.decide`), so the earlier-numbered step
        would be skipped for every document. Said on the later step's days."""
        super().clean()
        rungs = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or form.errors
                or data.get("DELETE")
                or data.get("trigger") == Trigger.EVENT
            ):
                continue
            if data.get("order") is not None:
                rungs.append((data["order"], form))
        previous: tuple[int, int] | None = None  # (order, days after the due date)
        for order, form in sorted(rungs, key=lambda rung: rung[0]):
            data = form.cleaned_data
            days = data.get("days") or 0
            offset = (
                days
                if data["trigger"] != Trigger.AFTER_PREVIOUS or previous is None
                else previous[1] + days
            )
            if previous is not None and offset < previous[1]:
                form.add_error(
                    "days",
                    _(
                        "This step comes before step %(n)s (%(when)s): step %(n)s would never "
                        "fire. Give this step a later day or move it above step %(n)s."
                    )
                    % {"n": previous[0], "when": when_text(Trigger.DUE_OFFSET, previous[1], "")},
                )
                continue
            previous = (order, offset)


StepFormSet = forms.inlineformset_factory(
    Policy, PolicyStep, form=PolicyStepForm, formset=BaseStepFormSet, extra=1, can_delete=True
)


class SampleInvoiceForm(forms.Form):
    """The sample invoice of the policy editor's calendar preview."""

    prefix = "sample"
    # It sits inside the policy's form: an empty sample must never block saving the policy.
    use_required_attribute = False

    due = forms.DateField(label=_("Due date"), widget=date_input())
    amount = AmountField(label=_("Overdue amount"))
    country = forms.CharField(label=_("Debtor's country"), min_length=2, max_length=2, initial="RO")
    # the run gives a sales manager's steps to the collector when the debtor has none, so
    # their calls and the collector's that day are one call (`engine.Context.assignee`)
    no_sales_manager = forms.BooleanField(
        label=_("The debtor has no sales manager"), required=False
    )
    # whose closed days the run counts (a debtor's company's); asked only when there are several
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if Company.objects.count() < 2:
            del self.fields["company"]

    def collector_stands_in_for(self) -> set[str]:
        """The roles whose steps the run would give the sample debtor's collector (as
        `engine.Context.assignee` does): the sales manager's when the debtor has none, the
        lawyer's and the director's when nobody active has that role."""
        roles = {"sales_manager"} if self.cleaned_data.get("no_sales_manager") else set()
        present = set(
            User.objects.filter(is_active=True, role__in=(Role.LAWYER, Role.DIRECTOR))
            .values_list("role", flat=True)
            .distinct()
        )
        return roles | {role for role in (Role.LAWYER, Role.DIRECTOR) if role not in present}

    def closed_days(self) -> list[date]:
        """The chosen company's closed days (the only company's when there is one)."""
        company = self.cleaned_data.get("company") or Company.objects.order_by("pk").first()
        if company is None:
            return []
        return list(NonWorkingDay.objects.filter(company=company).values_list("day", flat=True))

    def clean_country(self) -> str:
        code = str(self.cleaned_data["country"]).upper()
        if not is_country_code(code):
            raise forms.ValidationError(
                _("Not an ISO 3166 country code: %(value)s") % {"value": code}
            )
        return code


class DebtorScaleForm(forms.Form):
    """The debtor card's choice of a pressure scale for one debtor: one of the active scales,
    or "" for its segment's; with the reason management gives."""

    policy = forms.ChoiceField(label=_("Scale"), required=False)
    reason = forms.CharField(
        label=_("Why"),
        max_length=500,
        strip=True,
        error_messages={"required": _("Say why the debtor's scale changes.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = sorted(
            ((str(p.pk), p.localized_name) for p in Policy.objects.filter(active=True)),
            key=lambda choice: choice[1].casefold(),
        )
        policy_field = self.fields["policy"]
        assert isinstance(policy_field, forms.ChoiceField)
        policy_field.choices = [("", _("The segment's scale")), *choices]

    def chosen_policy(self) -> Policy | None:
        value = self.cleaned_data["policy"]
        return Policy.objects.get(pk=int(value)) if value else None


class RefusalForm(forms.Form):
    """The approvals page's optional day to ask again on, beside a refusal."""

    ask_again_on = forms.DateField(
        label=_("Ask again on"),
        required=False,
        widget=date_input(),
        error_messages={"invalid": _("Enter the day to ask again as a date.")},
    )

    def clean_ask_again_on(self) -> date | None:
        from dunwell.ladder.services import LadderError, check_ask_again_on

        day: date | None = self.cleaned_data["ask_again_on"]
        try:
            check_ask_again_on(day)
        except LadderError as exc:
            raise forms.ValidationError(exc.message) from exc
        return day
