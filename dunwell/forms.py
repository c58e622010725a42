"""Form fields shared by every app: an amount of money typed in the user's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dunwell.money import MAX_AMOUNT, AmountError, format_input_amount, parse_amount


class AmountInput(forms.TextInput):
    """A text box with the decimal keypad: `type=number` would refuse "1 234,56"."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return format_input_amount(value, get_language())
        return super().format_value(value)


class AmountField(forms.Field):
    """An amount of money as the user types it: "1 234,56" (ru, uk, ro) or "1,234.56" (en);
    two decimals at most; positive unless `allow_zero`."""

    widget = AmountInput
    default_error_messages = {
        "invalid": _("Enter an amount such as %(example)s."),
        "positive": _("The amount must be greater than zero."),
        "too_large": _("The amount is too large."),
    }

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        language = get_language()
        try:
            amount = parse_amount(str(value), language)
        except AmountError:
            raise forms.ValidationError(
                self.error_messages["invalid"],
                code="invalid",
                params={"example": format_input_amount(Decimal("1234.56"), language)},
            ) from None
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise forms.ValidationError(self.error_messages["positive"], code="positive")
        if amount > MAX_AMOUNT:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return amount
