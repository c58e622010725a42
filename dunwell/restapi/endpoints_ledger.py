"""The ledger over the API: push (endpoints_push.py) and read. Reads need ledger:read and see
only what the token's user sees (accounts/visibility.py); each page is one query plus, for
counterparties, one aggregate of open amounts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, F, QuerySet, Sum, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router

from dunwell.accounts.visibility import counterparty_filter, visible_counterparties
from dunwell.insight.selectors import GroupBy, aging
from dunwell.ledger.models import Contact, Contract, Counterparty, Document, Payment
from dunwell.restapi import endpoints_push
from dunwell.restapi import schemas as s
from dunwell.restapi.auth import api_user, require_scope
from dunwell.restapi.filters import (
    CounterpartyId,
    Cursor,
    Limit,
    UpdatedSince,
    aware_datetime,
    iso_date,
)
from dunwell.restapi.models import Scope
from dunwell.restapi.pagination import Page, bad_parameter, paginate
from dunwell.restapi.problems import ApiProblem

router = Router(tags=["ledger"])
endpoints_push.register(router)

UPDATED = ("updated_at", "id")
ROLES = ("orders", "accepts", "accountant", "decides_payments", "signs")


def _scoped(request: HttpRequest) -> Any:
    require_scope(request, Scope.LEDGER_READ)
    return api_user(request)


def _filtered(
    queryset: QuerySet[Any], counterparty: int | None, since: str | None
) -> QuerySet[Any]:
    if counterparty is not None:
        queryset = queryset.filter(counterparty_id=counterparty)
    updated_since = aware_datetime("updated_since", since)
    if updated_since is not None:
        queryset = queryset.filter(updated_at__gte=updated_since)
    return queryset


def open_amounts(ids: list[int], today: date) -> dict[int, list[s.OpenAmounts]]:
    """Open and overdue amounts per counterparty and currency, in one aggregate query."""
    if not ids:
        return {}
    money = DecimalField(max_digits=18, decimal_places=2)
    rows = (
        Document.objects.filter(counterparty_id__in=ids, open_amount__gt=0, cancelled=False)
        .values("counterparty_id", "currency")
        .annotate(
            open=Sum("open_amount"),
            overdue=Sum(
                Case(When(due_date__lt=today, then=F("open_amount")), default=0, output_field=money)
            ),
        )
        .order_by("counterparty_id", "currency")
    )
    out: dict[int, list[s.OpenAmounts]] = defaultdict(list)
    for row in rows:
        out[row["counterparty_id"]].append(
            s.OpenAmounts(
                currency=row["currency"],
                open=s.amount_text(row["open"]),
                overdue=s.amount_text(row["overdue"] or Decimal(0)),
            )
        )
    return out


def _counterparty(cp: Counterparty, amounts: dict[int, list[s.OpenAmounts]]) -> s.CounterpartyOut:
    return s.CounterpartyOut(
        id=cp.pk,
        external_id=cp.external_id,
        company=cp.company.code,
        name=cp.name,
        tax_id=cp.tax_id,
        country=cp.country,
        language=cp.language,
        segment=cp.segment.code if cp.segment else None,
        collector=cp.collector.username if cp.collector else None,
        sales_manager=cp.sales_manager.username if cp.sales_manager else None,
        stop_shipments=cp.stop_shipments,
        legal=cp.legal,
        written_off=cp.written_off,
        updated_at=cp.updated_at,
        amounts=amounts.get(cp.pk, []),
    )


def _counterparties(user: Any) -> QuerySet[Counterparty]:
    return visible_counterparties(user).select_related(
        "company", "segment", "collector", "sales_manager"
    )


CounterpartyPage = s.page_schema(s.CounterpartyOut, "CounterpartyPage")


@router.get("/counterparties", response=CounterpartyPage, summary="Counterparties")
def list_counterparties(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    updated_since: UpdatedSince = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = _counterparties(user)
    since = aware_datetime("updated_since", updated_since)
    if since is not None:
        queryset = queryset.filter(updated_at__gte=since)
    page: Page[Counterparty] = paginate(queryset, cursor=cursor, limit=limit, keys=UPDATED)
    amounts = open_amounts([cp.pk for cp in page.items], timezone.localdate())
    return {"items": [_counterparty(cp, amounts) for cp in page.items], "next": page.next}


@router.get("/counterparties/{counterparty_id}", response=s.CounterpartyOut, summary="Counterparty")
def get_counterparty(request: HttpRequest, counterparty_id: int) -> s.CounterpartyOut:
    user = _scoped(request)
    cp = _counterparties(user).filter(pk=counterparty_id).first()
    if cp is None:
        raise ApiProblem(404, _("Not found"), _("There is no counterparty %(id)s you may see.")
                         % {"id": counterparty_id})  # fmt: skip
    return _counterparty(cp, open_amounts([cp.pk], timezone.localdate()))


def _document(d: Document) -> s.DocumentOut:
    return s.DocumentOut(
        id=d.pk,
        external_id=d.external_id,
        counterparty_id=d.counterparty_id,
        contract_id=d.contract_id,
        kind=d.kind,
        number=d.number,
        date=d.date,
        due_date=d.due_date,
        amount=s.money(d.amount, d.currency),
        open=s.money(d.open_amount, d.currency),
        accepted=d.accepted,
        accepted_on=d.accepted_on,
        cancelled=d.cancelled,
        updated_at=d.updated_at,
    )


DocumentPage = s.page_schema(s.DocumentOut, "DocumentPage")


@router.get("/documents", response=DocumentPage, summary="Documents (invoices, shipments)")
def list_documents(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    updated_since: UpdatedSince = None,
    counterparty: CounterpartyId = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Document.objects.filter(counterparty_filter(user, "counterparty__"))
    queryset = _filtered(queryset, counterparty, updated_since)
    page = paginate(queryset, cursor=cursor, limit=limit, keys=UPDATED)
    return {"items": [_document(d) for d in page.items], "next": page.next}


def _payment(p: Payment) -> s.PaymentOut:
    return s.PaymentOut(
        id=p.pk,
        external_id=p.external_id,
        counterparty_id=p.counterparty_id,
        contract_id=p.contract_id,
        document_id=p.document_id,
        date=p.date,
        amount=s.money(p.amount, p.currency),
        unallocated=s.money(p.unallocated, p.currency),
        payer=p.payer,
        cancelled=p.cancelled,
        updated_at=p.updated_at,
    )


PaymentPage = s.page_schema(s.PaymentOut, "PaymentPage")


@router.get("/payments", response=PaymentPage, summary="Payments")
def list_payments(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    updated_since: UpdatedSince = None,
    counterparty: CounterpartyId = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Payment.objects.filter(counterparty_filter(user, "counterparty__"))
    queryset = _filtered(queryset, counterparty, updated_since)
    page = paginate(queryset, cursor=cursor, limit=limit, keys=UPDATED)
    return {"items": [_payment(p) for p in page.items], "next": page.next}


def _contract(c: Contract) -> s.ContractOut:
    return s.ContractOut(
        id=c.pk,
        external_id=c.external_id,
        counterparty_id=c.counterparty_id,
        number=c.number,
        date=c.date,
        valid_from=c.valid_from,
        valid_to=c.valid_to,
        currency=c.currency,
        payment_days=c.payment_days,
        payment_day_kind=c.payment_day_kind,
        payment_from=c.payment_from,
        credit_limit=s.money(c.credit_limit, c.currency) if c.credit_limit is not None else None,
        governing_law=c.governing_law,
    )


ContractPage = s.page_schema(s.ContractOut, "ContractPage")


@router.get("/contracts", response=ContractPage, summary="Contracts")
def list_contracts(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    counterparty: CounterpartyId = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Contract.objects.filter(counterparty_filter(user, "counterparty__"))
    queryset = _filtered(queryset, counterparty, None)
    page = paginate(queryset, cursor=cursor, limit=limit)
    return {"items": [_contract(c) for c in page.items], "next": page.next}


def _contact(c: Contact) -> s.ContactOut:
    return s.ContactOut(
        id=c.pk,
        external_id=c.external_id,
        counterparty_id=c.counterparty_id,
        name=c.name,
        position=c.position,
        roles=[role for role in ROLES if getattr(c, role)],
        phone=c.phone,
        phone_ext=c.phone_ext,
        phone_alt=c.phone_alt,
        phone_alt_ext=c.phone_alt_ext,
        email=c.email,
        language=c.language,
        active=c.active,
    )


ContactPage = s.page_schema(s.ContactOut, "ContactPage")


@router.get("/contacts", response=ContactPage, summary="Contacts")
def list_contacts(
    request: HttpRequest,
    cursor: Cursor = None,
    limit: Limit = None,
    counterparty: CounterpartyId = None,
) -> dict[str, Any]:
    user = _scoped(request)
    queryset = Contact.objects.filter(counterparty_filter(user, "counterparty__"))
    queryset = _filtered(queryset, counterparty, None)
    page = paginate(queryset, cursor=cursor, limit=limit)
    return {"items": [_contact(c) for c in page.items], "next": page.next}


@router.get("/aging", response=s.AgingOut, summary="Aging of open receivables, per currency")
def get_aging(request: HttpRequest, as_of: str | None = None, by: str = "counterparty") -> Any:
    user = _scoped(request)
    day = iso_date("as_of", as_of) or timezone.localdate()
    if by not in {g.value for g in GroupBy}:
        raise bad_parameter(
            "by",
            _("expected one of %(choices)s") % {"choices": ", ".join(g.value for g in GroupBy)},
        )
    report = aging(day, by, user=user)
    return s.AgingOut(
        as_of=report.as_of,
        by=report.by.value,
        buckets=[s.AgingBucketOut(key=b.key, label=b.label) for b in report.buckets],
        totals=[
            s.AgingTotalOut(
                currency=currency,
                documents=report.documents.get(currency, 0),
                amounts=[s.amount_text(v) for v in report.totals[currency]],
                total=s.amount_text(report.total(currency)),
            )
            for currency in report.currencies
        ],
        rows=[
            s.AgingRowOut(
                key=row.key,
                label=row.label,
                currency=row.currency,
                documents=row.documents,
                amounts=[s.amount_text(v) for v in row.amounts],
                total=s.amount_text(row.total),
            )
            for row in report.rows
        ],
    )
