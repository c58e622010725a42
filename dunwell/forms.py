"""Form fields shared by every app: an amount of money typed in the user's language, a currency
picked from the ones the company works in, a date, a rate or percent typed in the user's
language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from dunwell.money import MAX_AMOUNT, AmountError, format_input_amount, parse_amount


def date_input() -> forms.DateInput:
    """An <input type="date">: its value must be ISO (YYYY-MM-DD) whatever the language, or
    the browser shows it empty (a Russian user saw "Valid from" blank, not today)."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def known_currencies() -> list[str]:
    """The currencies the company works in: its companies' own, then those of its exchange-rate
    series (`fx_eur_ron`: EUR and RON), each once. Two small tables."""
    from dunwell.interest.fx import FX_PREFIX
    from dunwell.interest.models import RateSeries
    from dunwell.interest.ratefiles import parse_fx_code
    from dunwell.ledger.models import Company

    codes = list(Company.objects.order_by("pk").values_list("currency", flat=True))
    for code in RateSeries.objects.filter(code__startswith=FX_PREFIX).values_list(
        "code", flat=True
    ):
        codes.extend(parse_fx_code(code) or ())
    return list(dict.fromkeys(code.upper() for code in codes if code))


class CurrencyInput(forms.TextInput):
    """A currency's ISO 4217 code: the company's currencies are offered as the user types
    (a <datalist>: "грн" or an empty box left a user guessing the form wanted "UAH"), and any
    other code may still be typed."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "autocomplete": "off",
                "maxlength": "3",
                "autocapitalize": "characters",
                **(attrs or {}),
            }
        )

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        options = f"{(attrs or {}).get('id') or name}-currencies"
        box = super().render(name, value, {**(attrs or {}), "list": options}, renderer)
        choices = format_html_join("", '<option value="{}">', ((c,) for c in known_currencies()))
        return format_html('{}<datalist id="{}">{}</datalist>', box, options, choices)


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


class RateInput(forms.TextInput):
    """A rate or percent in a text box with the decimal keypad: `type=number` refused "2,5",
    and the browser's refusal was never shown on the page."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            text = f"{value:f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))
        return super().format_value(value)


class RateField(forms.DecimalField):
    """A rate, a percent or an exchange rate as the user types it: "2,5" in ru, uk and ro
    ("2.5" too, what a number keypad gives), "2.5" in en. No thousands grouping (a rate has
    none, and in English "2,5" would be read as 25)."""

    widget = RateInput
    default_error_messages = {"invalid": _("Enter a number such as %(example)s.")}

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {}  # no `step`, `min` or `max`: those are for `type=number`

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = str(value).strip()
        mark = str(get_format("DECIMAL_SEPARATOR"))
        if mark == "," and "." not in text:
            text = text.replace(",", ".")
        sign = text[:1] if text[:1] in "+-" else ""
        whole, _dot, fraction = text.removeprefix(sign).partition(".")
        if not (whole or fraction) or not (whole + fraction).isascii():
            raise self._invalid()
        if not ((whole.isdigit() or not whole) and (fraction.isdigit() or not _dot)):
            raise self._invalid()
        if len(whole) > 20 or len(fraction) > 20:
            raise self._invalid()
        return Decimal(f"{sign}{whole or '0'}" + (f".{fraction}" if fraction else ""))

    def _invalid(self) -> forms.ValidationError:
        example = RateInput().format_value(Decimal("2.5"))
        return forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"example": example}
        )


# --- query parameters: what a page reads from its address (issue 9, item 6) ------------------

# A date in an address is a real date in a plausible range; outside it, date arithmetic (a week
# before 0001-01-01, a week after 9999-12-31) would overflow. Settings may widen or narrow it.
QUERY_DATE_MIN = date(1900, 1, 1)
QUERY_DATE_MAX = date(2100, 12, 31)


def query_date_range() -> tuple[date, date]:
    """(earliest, latest) date a page accepts: DUNWELL_QUERY_DATE_MIN/MAX, 1900–2100 by default."""
    low = getattr(settings, "DUNWELL_QUERY_DATE_MIN", QUERY_DATE_MIN)
    high = getattr(settings, "DUNWELL_QUERY_DATE_MAX", QUERY_DATE_MAX)
    return low, high


class DoneOnField(forms.DateField):
    """The day something was done (a pretension sent, a lawsuit filed, a judgment given): today
    or before, in the user's time zone. A later day is a typo, refused naming the field."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", date_input())
        super().__init__(**kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        today = timezone.localdate()
        if value and value > today:
            raise forms.ValidationError(
                gettext("%(field)s cannot be after today, %(today)s.")
                % {"field": self.label, "today": date_format(today, "SHORT_DATE_FORMAT")},
                code="after_today",
            )


class QueryDateField(forms.DateField):
    """A date given in a page's address (?date=, ?as_of=): a real calendar date (not 30
    February) within `query_date_range`."""

    default_error_messages = {
        "range": _("Enter a date between %(low)s and %(high)s."),
    }

    def to_python(self, value: Any) -> date | None:
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is None:
            return None
        low, high = query_date_range()
        if not low <= result <= high:
            raise forms.ValidationError(
                self.error_messages["range"],
                code="range",
                params={"low": low.isoformat(), "high": high.isoformat()},
            )
        return result


def query_errors(form: forms.Form) -> list[tuple[str, str]]:
    """(field label, reason) for each bad parameter, for the 400 page; a reason that is about
    the parameters together (the form's clean()) has no label, never Django's '__all__'."""
    rows: list[tuple[str, str]] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        if name == NON_FIELD_ERRORS:
            label = ""
        else:
            label = str(field.label or name) if field is not None else name
        rows.extend((label, str(error)) for error in errors)
    return rows


# The largest id a database column holds (a signed 64-bit integer): a bigger number in an
# address would overflow the query (SQLite: OverflowError; PostgreSQL: out of range).
MAX_ID = 2**63 - 1


def query_id(value: Any) -> int | None:
    """An object id given in an address or a form (ASCII digits, 1..MAX_ID), or None."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A choice of one object by id that refuses what no id can be, before any query."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and query_id(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """A choice of objects by ids that refuses what no id can be, before any query."""

    def _check_values(self, value: Any) -> Any:
        for item in value:
            if query_id(item) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": item},
                )
        return super()._check_values(value)  # type: ignore[misc]


def query_with_default(query: QueryDict, name: str, value: str) -> QueryDict | None:
    """A filter form's data: None for an empty query (the form is unbound and shows its
    initial values), else the query with `name` set to `value` where it is missing or empty,
    so that a page which falls back to a default (the day a report is taken as of) shows that
    default in its field whatever other filter was chosen."""
    if not query:
        return None
    data = query.copy()
    if not data.get(name):
        data[name] = value
    return data
