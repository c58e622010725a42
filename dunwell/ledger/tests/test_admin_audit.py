"""Edits made in the Django admin to counterparties, contacts, contracts and graces are
written on the debtor's timeline: who, which object, which fields from what to what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import DocumentProgress, Grace
from dunwell.ledger.models import (
    Allocation,
    Contact,
    Contract,
    Counterparty,
    Document,
    TimelineEntry,
)
from dunwell.ledger.services import add_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_for(make_user: Callable[..., User]) -> Client:
    admin = make_user("adam", Role.ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def form_data(client: Client, url: str) -> dict[str, Any]:
    """The change form's current values, as the browser would post them back."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for sub in formset.formset.forms:
            for name in sub.fields:
                value = sub[name].value()
                if value is None or value is False:
                    continue
                data[f"{sub.prefix}-{name}"] = "on" if value is True else value
    return data


def test_changing_a_contract_in_admin_is_on_the_timeline_with_who_and_what(
    admin_client_for: Client,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
) -> None:
    cp = make_counterparty()
    contract = make_contract(cp, payment_days=30)
    url = f"/admin/ledger/contract/{contract.pk}/change/"
    data = form_data(admin_client_for, url)
    data["payment_days"] = "45"
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = TimelineEntry.objects.get(counterparty=cp, kind="admin.changed")
    assert entry.actor is not None and entry.actor.username == "adam"
    assert "payment_days: 30 → 45" in entry.summary
    assert entry.data["changes"] == {"payment_days": ["30", "45"]}


def test_editing_a_counterparty_and_its_contacts_inline_is_audited(
    admin_client_for: Client, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty(name="Old Name SRL")
    Contact.objects.create(counterparty=cp, name="Ana Pop", phone="+40721000000")
    url = f"/admin/ledger/counterparty/{cp.pk}/change/"
    data = form_data(admin_client_for, url)
    data["name"] = "New Name SRL"
    data["contacts-0-phone"] = "+40721999999"
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    summaries = list(
        TimelineEntry.objects.filter(counterparty=cp)
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert any("name: Old Name SRL → New Name SRL" in s for s in summaries)
    assert any("phone: +40721000000 → +40721999999" in s for s in summaries)


def test_deleting_a_contact_in_admin_is_audited(
    admin_client_for: Client, make_counterparty: Callable[..., Counterparty]
) -> None:
    cp = make_counterparty()
    contact = Contact.objects.create(counterparty=cp, name="Ana Pop")
    response = admin_client_for.post(f"/admin/ledger/contact/{contact.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = TimelineEntry.objects.get(counterparty=cp, kind="admin.deleted")
    assert "Ana Pop" in entry.summary and entry.actor is not None


def test_a_grace_edited_in_admin_is_audited_and_the_ladder_looks_again(
    admin_client_for: Client,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    director: User,
) -> None:
    cp = make_counterparty()
    doc = make_document(cp)
    DocumentProgress.objects.create(
        document=doc, counterparty=cp, step_order=1, next_due_on=date(2030, 1, 1)
    )
    grace = Grace.objects.create(
        counterparty=cp, until=date(2026, 4, 1), reason="x", approved_by=director,
        approved_at="2026-03-01T10:00:00Z",
    )  # fmt: skip
    url = f"/admin/ladder/grace/{grace.pk}/change/"
    data = form_data(admin_client_for, url)
    data["until"] = "2026-05-01"
    data.pop("approved_at")  # a split date/time widget
    data.update({"approved_at_0": "2026-03-01", "approved_at_1": "10:00:00"})
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = TimelineEntry.objects.get(counterparty=cp, kind="admin.changed")
    assert "until: 2026-04-01 → 2026-05-01" in entry.summary
    assert DocumentProgress.objects.get().next_due_on != date(2030, 1, 1)


def test_a_contract_instalment_added_inline_is_audited_on_the_debtor(
    admin_client_for: Client,
    make_counterparty: Callable[..., Counterparty],
    make_contract: Callable[..., Contract],
) -> None:
    cp = make_counterparty()
    contract = make_contract(cp)
    url = f"/admin/ledger/contract/{contract.pk}/change/"
    data = form_data(admin_client_for, url)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    data.update({f"{prefix}-0-due_date": "2026-05-01", f"{prefix}-0-amount": "500.00"})
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert TimelineEntry.objects.filter(counterparty=cp, kind="admin.added").exists()


def test_a_document_edited_in_admin_is_reallocated_and_its_allocations_follow(
    admin_client_for: Client,
    company: Any,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
) -> None:
    cp = make_counterparty()
    document = make_document(cp, "100.00", date=date(2026, 3, 1), due_date=date(2026, 3, 31))
    add_payment(company, cp, date(2026, 4, 10), Decimal("100.00"), "RON", "P1")
    assert Allocation.objects.get().closes_document is True
    url = f"/admin/ledger/document/{document.pk}/change/"
    data = form_data(admin_client_for, url)
    data["due_date"] = "2026-04-15"
    data["amount"] = "150.00"
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    document.refresh_from_db()
    assert document.open_amount == Decimal("50.00")
    allocation = Allocation.objects.get()
    assert allocation.due_date == date(2026, 4, 15)
    assert allocation.closes_document is False


def test_a_promise_edited_in_admin_is_on_the_timeline_in_the_readers_language(
    admin_client_for: Client, make_counterparty: Callable[..., Counterparty], director: User
) -> None:
    """Promises, disputes, agreements, grace requests and credit limits were edited in the
    admin with no trace on the debtor; and an admin entry read "Admin changed: …" in English
    whatever the reader's language."""
    from django.utils import translation

    from dunwell.ladder.models import Promise
    from dunwell.ledger.timeline import with_texts

    cp = make_counterparty()
    promise = Promise.objects.create(
        counterparty=cp,
        amount=Decimal("100.00"),
        currency="RON",
        promised_date=date(2026, 12, 20),
        recorded_at="2026-12-01T10:00:00Z",
        recorded_by=director,
        status="active",
    )
    url = f"/admin/ladder/promise/{promise.pk}/change/"
    data = form_data(admin_client_for, url)
    data["amount"] = "150.00"
    data.pop("recorded_at", None)
    data.update({"recorded_at_0": "2026-12-01", "recorded_at_1": "10:00:00"})
    response = admin_client_for.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = TimelineEntry.objects.get(counterparty=cp, kind="admin.changed")
    assert entry.actor is not None and entry.actor.username == "adam"
    with translation.override("ru"):
        (worded,) = with_texts([entry])
    assert worded.text.startswith("Изменено администратором: обещание ")
    assert "сумма: 100.00 → 150.00" in worded.text


@pytest.mark.parametrize(
    "url",
    [
        "/admin/ladder/dispute/add/",
        "/admin/ladder/agreement/add/",
        "/admin/ladder/gracerequest/add/",
        "/admin/credit/creditlimit/add/",
    ],
)
def test_the_other_collection_records_edited_in_admin_are_audited(
    admin_client_for: Client, url: str
) -> None:
    """Their admins write the timeline as the promise's does (the audited admin)."""
    from django.contrib import admin as django_admin

    from dunwell.ledger.audit import AuditedAdmin

    app, model = url.split("/")[2:4]
    registered = next(
        a for m, a in django_admin.site._registry.items() if m._meta.label_lower == f"{app}.{model}"
    )
    assert isinstance(registered, AuditedAdmin)
