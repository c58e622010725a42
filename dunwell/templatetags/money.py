"""Money in templates, in the active language: `{{ value|money:currency }}` for an amount and
its currency, `{{ money_or_amounts|money }}` for a `Money` or an `Amounts` (one line per
currency, never a sum across currencies), `{{ amount|amount_input }}` to pre-fill a field,
`{{ rate|percent }}` for a rate or share ("0,1%", "10%")."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from dunwell.markup import html
from dunwell.money import Amounts, Money, format_input_amount
from dunwell.money import format_money as format_one
from dunwell.money_l10n import money_text, percent_text

register = template.Library()


@register.filter
def money(value: Decimal | Money | Amounts | None, currency: str = "") -> str:
    return money_text(value, currency)


@register.filter
def money_lines(value: Amounts | None) -> SafeString | str:
    """Amounts one currency per line (tables with several currencies in one cell)."""
    if not value:
        return money_text(value if value is not None else None)
    language = get_language()
    return SafeString(
        "".join(html('<span class="money">{}</span><br>', format_one(m, language)) for m in value)
    )


@register.filter
def amount_input(value: Decimal | Money | None) -> str:
    if value is None:
        return ""
    amount = value.amount if isinstance(value, Money) else Decimal(value)
    return format_input_amount(amount, get_language())


@register.filter
def percent(value: Decimal | int | None, places: int | None = None) -> str:
    """A rate as the language writes it, trailing zeros dropped: "0,1%" (ru, uk, ro), "10%".
    With `places` (a table's column, `|percent:1`) always that many decimals, so that one
    column does not mix "18%" and "24,8%": "18,0%"."""
    if value is None or value == "":
        return ""
    if places is not None:
        text = number_format(Decimal(value), decimal_pos=int(places), use_l10n=True)
        return f"{text}%"
    return percent_text(Decimal(value))
