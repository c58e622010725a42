"""What the read endpoints answer. Money is always a value with its currency, the value a
string with two decimals (exact, never a float); dates ISO; times aware ISO 8601."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

CENT = Decimal("0.01")


class MoneyOut(Schema):
    value: str
    currency: str


def money(value: Decimal, currency: str) -> MoneyOut:
    return MoneyOut(value=format(Decimal(value).quantize(CENT), "f"), currency=currency)


def amount_text(value: Decimal) -> str:
    return format(Decimal(value).quantize(CENT), "f")


class OpenAmounts(Schema):
    currency: str
    open: str
    overdue: str


class CounterpartyOut(Schema):
    id: int
    external_id: str
    company: str
    name: str
    tax_id: str
    country: str
    language: str
    segment: str | None
    collector: str | None
    sales_manager: str | None
    stop_shipments: bool
    legal: bool
    written_off: bool
    updated_at: dt.datetime
    amounts: list[OpenAmounts]


class DocumentOut(Schema):
    id: int
    external_id: str
    counterparty_id: int
    contract_id: int | None
    kind: str
    number: str
    date: dt.date
    due_date: dt.date
    amount: MoneyOut
    open: MoneyOut
    accepted: bool
    accepted_on: dt.date | None
    cancelled: bool
    updated_at: dt.datetime


class PaymentOut(Schema):
    id: int
    external_id: str
    counterparty_id: int
    contract_id: int | None
    document_id: int | None
    date: dt.date
    amount: MoneyOut
    unallocated: MoneyOut
    payer: str
    cancelled: bool
    updated_at: dt.datetime


class ContractOut(Schema):
    id: int
    external_id: str
    counterparty_id: int
    number: str
    date: dt.date
    valid_from: dt.date | None
    valid_to: dt.date | None
    currency: str
    payment_days: int
    payment_day_kind: str
    payment_from: str
    credit_limit: MoneyOut | None
    governing_law: str


class ContactOut(Schema):
    id: int
    external_id: str
    counterparty_id: int
    name: str
    position: str
    roles: list[str]
    phone: str  # E.164
    phone_ext: str  # the extension to ask the switchboard for ("12"), "" for none
    phone_alt: str
    phone_alt_ext: str
    email: str
    language: str
    active: bool  # False: no longer works at the debtor (kept for the history)


class TaskOut(Schema):
    id: int
    counterparty_id: int
    assignee: str | None
    action: str
    title: str
    status: str
    due_at: dt.datetime
    done_at: dt.datetime | None
    created_at: dt.datetime
    amounts: list[MoneyOut]


class PromiseOut(Schema):
    id: int
    counterparty_id: int
    amount: MoneyOut
    promised_date: dt.date
    promised_by: str
    status: str
    recorded_at: dt.datetime
    resolved_at: dt.datetime | None


class DisputeOut(Schema):
    id: int
    counterparty_id: int
    reason: str
    amount: MoneyOut
    description: str
    responsible: str | None
    deadline: dt.date | None
    status: str
    registered_at: dt.datetime
    resolved_at: dt.datetime | None


class TimelineOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    summary: str
    actor: str | None
    data: dict[str, Any]


class AgingBucketOut(Schema):
    key: str
    label: str


class AgingRowOut(Schema):
    key: int | str | None
    label: str
    currency: str
    documents: int
    amounts: list[str]
    total: str


class AgingTotalOut(Schema):
    currency: str
    documents: int
    amounts: list[str]
    total: str


class AgingOut(Schema):
    as_of: dt.date
    by: str
    buckets: list[AgingBucketOut]
    totals: list[AgingTotalOut]
    rows: list[AgingRowOut]


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`s with the cursor of the next page (null on the last)."""
    return type(name, (Schema,), {"__annotations__": {"items": list[item], "next": str | None}})  # type: ignore[valid-type]
