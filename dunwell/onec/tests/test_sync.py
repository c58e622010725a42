"""`dunwell sync-1c` against a fake 1C server that speaks the standard OData interface."""

from __future__ import annotations

from decimal import Decimal

from dunwell.ledger.models import Contract, Counterparty, Document, Payment
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
