"""`dunwell sync-1c` against a fake 1C server that speaks the standard OData interface."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from dunwell.ledger.models import Contract, Counterparty, Document, Payment, TimelineEntry
from dunwell.onec.models import SyncRun
from dunwell.onec.tests import fixtures1c as fx
from dunwell.onec.tests.conftest import Sync
from dunwell.onec.tests.fake1c import Fake1C


def test_first_sync_loads_counterparties_contracts_sales_and_payments(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    code, out, err = sync_1c(infobase)
    assert code == 0, err
    techno = Counterparty.objects.get(external_id=fx.TECHNO)
    assert techno.name == 'ООО "ТЕХНО-ЛОГИСТИК"'
    assert techno.tax_id == "5024089920"
    assert techno.country == "RU"
    assert Counterparty.objects.get(external_id=fx.CHISINAU).country == "MD"
    assert not Counterparty.objects.filter(external_id=fx.FOLDER).exists()
    contract = Contract.objects.get(external_id=fx.K_TECHNO)
    assert contract.currency == "RUB"
    d1 = Document.objects.get(external_id=fx.D1)
    assert (d1.number, d1.amount, d1.currency) == ("00-000101", Decimal("1180.50"), "RUB")
    assert d1.contract == contract
    assert not Document.objects.filter(external_id__in=[fx.D_DRAFT, fx.D_DELETED]).exists()
    payment = Payment.objects.get(external_id=f"{fx.P1}/1")
    assert payment.document == d1
    assert payment.amount == Decimal("1000.00")
    d1.refresh_from_db()
    assert d1.open_amount == Decimal("180.50")
    assert not Payment.objects.filter(external_id__startswith=fx.P_LOAN).exists()
    print(out)


def _snapshot() -> dict[str, list[tuple[object, ...]]]:
    return {
        "counterparties": list(Counterparty.objects.order_by("pk").values_list("pk", "updated_at")),
        "documents": list(Document.objects.order_by("pk").values_list("pk", "updated_at")),
        "payments": list(Payment.objects.order_by("pk").values_list("pk", "updated_at")),
        "contracts": list(Contract.objects.order_by("pk").values_list("pk", "payment_days")),
        "timeline": list(TimelineEntry.objects.order_by("pk").values_list("pk")),
    }


def _record(server: Fake1C, entity_set: str, ref: str) -> dict[str, object]:
    return next(r for r in server.sets[entity_set] if r["Ref_Key"] == ref)


def test_a_second_sync_with_nothing_changed_writes_nothing(infobase: Fake1C, sync_1c: Sync) -> None:
    assert sync_1c(infobase)[0] == 0
    before = _snapshot()
    code, out, _err = sync_1c(infobase)
    assert code == 0
    assert _snapshot() == before
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and run.status == SyncRun.Status.DONE
    assert all(counts["changed"] == 0 for counts in run.stats.values())
    assert run.stats["documents"]["read"] == 4
    assert "done: 0 changed" in out


def test_a_document_with_a_new_data_version_is_updated(infobase: Fake1C, sync_1c: Sync) -> None:
    sync_1c(infobase)
    sale = _record(infobase, fx.SALES, fx.D2)
    sale.update({"DataVersion": fx.V2, "СуммаДокумента": 650.0})
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    document = Document.objects.get(external_id=fx.D2)
    assert (document.amount, document.open_amount) == (Decimal("650.00"), Decimal("450.00"))
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None
    assert run.stats["documents"]["changed"] == 1
    assert run.stats["counterparties"]["changed"] == 0


def test_a_document_marked_for_deletion_or_unposted_is_cancelled(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    sync_1c(infobase)
    _record(infobase, fx.SALES, fx.D1).update({"DataVersion": fx.V2, "DeletionMark": True})
    _record(infobase, fx.SALES, fx.D2).update({"DataVersion": fx.V2, "Posted": False})
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    for ref in (fx.D1, fx.D2):
        document = Document.objects.get(external_id=ref)
        assert document.cancelled
        assert document.open_amount == 0
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and run.stats["documents"]["cancelled"] == 2


def test_a_payment_whose_breakdown_names_a_sale_is_allocated_to_it(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    sync_1c(infobase)
    payment = Payment.objects.get(external_id=f"{fx.P1}/1")
    assert payment.document is not None and payment.document.external_id == fx.D1
    unnamed = Payment.objects.get(external_id=f"{fx.P2}/1")
    assert unnamed.document is None
    assert Document.objects.get(external_id=fx.D1).open_amount == Decimal("180.50")


def test_a_breakdown_line_that_disappears_is_cancelled(infobase: Fake1C, sync_1c: Sync) -> None:
    sync_1c(infobase)
    payment = _record(infobase, fx.PAYMENTS[infobase.preset], fx.P1)
    first = dict(payment["РасшифровкаПлатежа"][0])  # type: ignore[index]
    amount_key = "СуммаПлатежа" if "СуммаПлатежа" in first else "Сумма"
    second = {**first, "LineNumber": "2", amount_key: 100.0, "СуммаВзаиморасчетов": 100.0}
    first[amount_key] = first["СуммаВзаиморасчетов"] = 300.0
    payment.update({"DataVersion": fx.V2, "РасшифровкаПлатежа": [second]})
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    assert Payment.objects.get(external_id=f"{fx.P1}/1").cancelled
    assert Payment.objects.get(external_id=f"{fx.P1}/2").amount == Decimal("100.00")
    assert Document.objects.get(external_id=fx.D1).open_amount == Decimal("1080.50")


def test_contract_payment_terms_give_the_due_date(bp30: Fake1C, sync_1c: Sync) -> None:
    sync_1c(bp30)
    contract = Contract.objects.get(external_id=fx.K_TECHNO)
    assert contract.payment_days == 30
    assert Document.objects.get(external_id=fx.D1).due_date == date(2026, 2, 9)
    # БП 3.0 leaves СрокОплаты at 0 when УстановленСрокОплаты is off: the document is due at once.
    assert Contract.objects.get(external_id=fx.K_SBER).payment_days == 0
    # 1C left the contract's number and date empty: its name and a placeholder date stand in.
    assert Contract.objects.get(external_id=fx.K_SBER).number == "№  от 0001-01-01"


def test_reads_go_page_by_page(
    infobase: Fake1C, sync_1c: Sync, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("dunwell.onec.odata.PAGE_SIZE", 2)
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    pages = infobase.pages_read(fx.SALES)
    assert [(p["$top"], p["$skip"]) for p in pages] == [("2", "0"), ("2", "2"), ("2", "4")]
    assert Counterparty.objects.count() == 3
    assert Document.objects.count() == 2
    # Cyrillic entity-set names went out percent-encoded.
    assert any("%D0%9A%D0%BE%D0%BD%D1%82%D1%80" in path for path in infobase.raw_paths)


def test_since_reads_only_documents_from_that_date(infobase: Fake1C, sync_1c: Sync) -> None:
    code, _out, err = sync_1c(infobase, "--since", "2026-02-01")
    assert code == 0, err
    sales = infobase.pages_read(fx.SALES)
    assert sales[0]["$filter"] == "Date ge datetime'2026-02-01T00:00:00'"
    assert "$filter" not in infobase.pages_read("Catalog_Контрагенты")[0]
    assert not Document.objects.filter(external_id=fx.D1).exists()
    assert Document.objects.filter(external_id=fx.D2).exists()
    # The payment naming D1 (not read) is loaded without it.
    assert Payment.objects.get(external_id=f"{fx.P1}/1").document is None


def test_a_missing_entity_set_stops_the_sync_naming_it(bp30: Fake1C, sync_1c: Sync) -> None:
    del bp30.schema["Document_ПоступлениеНаРасчетныйСчет"]
    code, _out, err = sync_1c(bp30)
    assert code == 1
    assert "entity set Document_ПоступлениеНаРасчетныйСчет is not published" in err
    assert not Counterparty.objects.exists()
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert "Document_ПоступлениеНаРасчетныйСчет" in run.error


def test_a_missing_field_stops_the_sync_naming_it(infobase: Fake1C, sync_1c: Sync) -> None:
    del infobase.schema["Catalog_Контрагенты"]["ИНН"]
    del infobase.rows[f"{fx.PAYMENTS[infobase.preset]}_РасшифровкаПлатежа"]["LineNumber"]
    code, _out, err = sync_1c(infobase)
    assert code == 1
    assert "entity set Catalog_Контрагенты: field ИНН is missing" in err
    assert "РасшифровкаПлатежа: field LineNumber is missing" in err
    assert not Document.objects.exists()


def test_a_wrong_password_is_a_clear_error_and_never_shown(
    bp30: Fake1C, sync_1c: Sync, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Неверный-пароль-42"
    code, out, err = sync_1c(bp30, password=secret)
    assert code == 1
    assert "1C refused the user name or password (HTTP 401)" in err
    assert secret not in out + err + caplog.text
    run = SyncRun.objects.get()
    assert secret not in run.error + str(run.stats)
    connection = run.connection
    assert secret not in connection.url + connection.username + connection.password_sealed
    assert not Counterparty.objects.exists()


def test_the_right_password_is_not_shown_either(bp30: Fake1C, sync_1c: Sync) -> None:
    code, out, err = sync_1c(bp30)
    assert code == 0
    assert bp30.password not in out + err
    for run in SyncRun.objects.all():
        assert bp30.password not in run.error + str(run.stats)


def test_a_payment_marked_for_deletion_is_cancelled_and_frees_the_sale(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    sync_1c(infobase)
    payments = fx.PAYMENTS[infobase.preset]
    _record(infobase, payments, fx.P1).update({"DataVersion": fx.V2, "DeletionMark": True})
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    assert Payment.objects.get(external_id=f"{fx.P1}/1").cancelled
    assert Document.objects.get(external_id=fx.D1).open_amount == Decimal("1180.50")
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and run.stats["payments"]["cancelled"] == 1


def test_a_customer_payment_that_is_no_longer_one_is_cancelled(bp30: Fake1C, sync_1c: Sync) -> None:
    sync_1c(bp30)
    payment = _record(bp30, fx.PAYMENTS["bp30"], fx.P2)
    payment.update({"DataVersion": fx.V2, "ВидОперации": "ВозвратОтПоставщика"})
    assert sync_1c(bp30)[0] == 0
    assert Payment.objects.get(external_id=f"{fx.P2}/1").cancelled


def test_a_tax_id_that_is_not_valid_is_left_empty_with_a_note(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    _record(infobase, "Catalog_Контрагенты", fx.SBER)["ИНН"] = "7707083890"
    code, _out, err = sync_1c(infobase)
    assert code == 0, err
    assert Counterparty.objects.get(external_id=fx.SBER).tax_id == ""
    run = SyncRun.objects.get()
    assert len(run.notes) == 1 and "7707083890" in run.notes[0]
    assert "note: " in err


def test_a_ut_11_5_line_naming_a_settlement_object_is_allocated_to_its_sale(
    sync_1c: Sync,
) -> None:
    server = fx.fake("ut11")
    line = _record(server, fx.PAYMENTS["ut11"], fx.P2)["РасшифровкаПлатежа"][0]  # type: ignore[index]
    line.update({"Заказ": fx.EMPTY, "Заказ_Type": "StandardODATA.Undefined"})
    line["ОбъектРасчетов_Key"] = fx.O_SALE
    with server.running():
        code, _out, err = sync_1c(server)
    assert code == 0, err
    payment = Payment.objects.get(external_id=f"{fx.P2}/1")
    assert payment.document is not None and payment.document.external_id == fx.D2
    run = SyncRun.objects.get()
    assert run.stats["settlements"]["read"] == 2


def test_a_row_the_ledger_rejects_names_the_1c_record_and_nothing_is_written(
    infobase: Fake1C, sync_1c: Sync
) -> None:
    _record(infobase, fx.SALES, fx.D1)[
        "ВалютаДокумента_Key" if infobase.preset == "bp30" else "Валюта_Key"
    ] = fx.USD
    code, _out, err = sync_1c(infobase)
    assert code == 1
    assert f"{fx.SALES} 00-000101 2026-01-10 ({fx.D1}): currency:" in err
    assert "USD" in err
    assert not Counterparty.objects.exists()
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert all(counts["changed"] == 0 for counts in run.stats.values())
