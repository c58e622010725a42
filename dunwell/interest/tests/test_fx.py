"""Exchange rates: the central banks' own files go through `dunwell rates import`, and the rate
table converts amounts only for comparing them (priority, step minimums)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from dunwell.interest import fx
from dunwell.interest.fx import rate_table, rates_on
from dunwell.interest.fxfiles import parse_fx_file
from dunwell.interest.models import RateValue
from dunwell.money import Amounts, Money

BNR = b"""<?xml version="1.0" encoding="utf-8"?>
<DataSet xmlns="http://www.bnr.ro/xsd">
 <Header><Publisher>National Bank of Romania</Publisher><PublishingDate>2030-01-15</PublishingDate>
 <MessageType>DR</MessageType></Header>
 <Body><Subject>Reference rates</Subject><OrigCurrency>RON</OrigCurrency>
  <Cube date="2030-01-15">
   <Rate currency="EUR">4.9770</Rate>
   <Rate currency="HUF" multiplier="100">1.2500</Rate>
   <Rate currency="MDL">0.2600</Rate>
  </Cube>
 </Body>
</DataSet>"""

ECB = b"""<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
 xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
 <gesmes:subject>Reference rates</gesmes:subject>
 <gesmes:Sender><gesmes:name>European Central Bank</gesmes:name></gesmes:Sender>
 <Cube><Cube time="2030-01-15">
  <Cube currency="USD" rate="1.0921"/><Cube currency="PLN" rate="4.3318"/>
 </Cube></Cube>
</gesmes:Envelope>"""

CBR = """<?xml version="1.0" encoding="windows-1251"?>
<ValCurs Date="15.01.2030" name="Foreign Currency Market">
 <Valute ID="R01235"><NumCode>840</NumCode><CharCode>USD</CharCode><Nominal>1</Nominal>
  <Name>Доллар США</Name><Value>90,6537</Value><VunitRate>90,6537</VunitRate></Valute>
 <Valute ID="R01060"><NumCode>051</NumCode><CharCode>AMD</CharCode><Nominal>100</Nominal>
  <Name>Армянских драмов</Name><Value>21,8342</Value><VunitRate>0,218342</VunitRate></Valute>
</ValCurs>""".encode("windows-1251")

BNM = b"""<?xml version="1.0" encoding="UTF-8"?>
<ValCurs Date="15.01.2030" name="Official exchange rate">
 <Valute ID="47"><NumCode>978</NumCode><CharCode>EUR</CharCode><Nominal>1</Nominal>
  <Name>Euro</Name><Value>19.2388</Value></Valute>
 <Valute ID="64"><NumCode>008</NumCode><CharCode>ALL</CharCode><Nominal>10</Nominal>
  <Name>Lek</Name><Value>1.7415</Value></Valute>
</ValCurs>"""

NBU = (
    '[{"r030":840,"txt":"Долар США","rate":41.8,"cc":"USD","exchangedate":"15.01.2030"},'
    '{"r030":978,"txt":"Євро","rate":43.25,"cc":"EUR","exchangedate":"15.01.2030"}]'
).encode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (BNR, {"fx_eur_ron": "4.9770", "fx_huf_ron": "0.0125", "fx_mdl_ron": "0.2600"}),
        (ECB, {"fx_eur_usd": "1.0921", "fx_eur_pln": "4.3318"}),
        (CBR, {"fx_usd_rub": "90.6537", "fx_amd_rub": "0.218342"}),
        (BNM, {"fx_eur_mdl": "19.2388", "fx_all_mdl": "0.17415"}),
        (NBU, {"fx_usd_uah": "41.8", "fx_eur_uah": "43.25"}),
    ],
    ids=["nbr", "ecb", "cbr", "nbm", "nbu"],
)
def test_each_central_banks_file_is_read_as_published(raw: bytes, expected: dict[str, str]) -> None:
    rows = parse_fx_file("rates", raw)
    assert {r.series: r.value for r in rows} == {k: Decimal(v) for k, v in expected.items()}
    assert {r.effective_from for r in rows} == {date(2030, 1, 15)}


def test_a_broken_file_names_itself() -> None:
    with pytest.raises(ValueError, match=r"bnr\.xml"):
        parse_fx_file("bnr.xml", b"<DataSet><Body><Cube date='2030-01-15'><Rate currency='EUR'>x")
    with pytest.raises(ValueError, match=r"bnr\.xml: value 'abc'"):
        parse_fx_file("bnr.xml", BNR.replace(b"4.9770", b"abc"))


@pytest.mark.django_db
def test_rates_import_takes_bank_files_and_the_table_converts(tmp_path: Path) -> None:
    (tmp_path / "bnr.xml").write_bytes(BNR)
    (tmp_path / "cbr.xml").write_bytes(CBR)
    out = StringIO()
    call_command(
        "rates", "import", str(tmp_path / "bnr.xml"), str(tmp_path / "cbr.xml"), stdout=out
    )
    assert "bnr.xml: 3 new, 0 changed, 0 unchanged" in out.getvalue()
    assert RateValue.objects.get(series__code="fx_huf_ron", effective_from="2030-01-15").value == (
        Decimal("0.0125")
    )
    table = rate_table(date(2030, 1, 20))
    assert table.convert(Money(Decimal("100.00"), "EUR"), "RON") == Money(Decimal("497.70"), "RON")
    # inverse: RON -> EUR; cross through RON: MDL -> EUR
    assert table.convert(Money(Decimal("497.70"), "RON"), "EUR") == Money(Decimal("100.00"), "EUR")
    assert table.convert(Money(Decimal("4977.00"), "MDL"), "EUR") == Money(Decimal("260.00"), "EUR")
    total, missing = table.equivalent(
        Amounts.of([("EUR", Decimal("10")), ("RON", Decimal("1")), ("XAU", Decimal("1"))]), "RON"
    )
    assert (total, missing) == (Money(Decimal("50.77"), "RON"), ["XAU"])
    # the rate table of an earlier day does not see later rates
    assert rate_table(date(2030, 1, 14)).rate("HUF", "RON") is None


@pytest.mark.django_db
def test_a_bad_bank_file_imports_nothing(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_bytes(BNM)
    (tmp_path / "bad.xml").write_bytes(BNR.replace(b"4.9770", b"-1"))
    with pytest.raises(
        CommandError, match=r"bad\.xml: value '-1' is not valid\. Nothing was imported"
    ):
        call_command("rates", "import", str(tmp_path / "good.xml"), str(tmp_path / "bad.xml"))
    assert not RateValue.objects.filter(series__code="fx_eur_mdl").exists()


@pytest.mark.django_db
def test_stale_exchange_rates_are_flagged(tmp_path: Path) -> None:
    (tmp_path / "nbu.json").write_bytes(NBU)
    call_command("rates", "import", str(tmp_path / "nbu.json"), stdout=StringIO())
    with time_machine.travel(date(2030, 1, 20)):
        fresh = StringIO()
        call_command("rates", "status", stdout=fresh)
    with time_machine.travel(date(2030, 2, 20)):
        late = StringIO()
        call_command("rates", "status", stdout=late)
    line = next(x for x in fresh.getvalue().splitlines() if x.startswith("fx_usd_uah"))
    assert "STALE" not in line
    line = next(x for x in late.getvalue().splitlines() if x.startswith("fx_usd_uah"))
    assert "STALE" in line


@pytest.mark.django_db
def test_pages_keep_the_days_rates_a_minute_and_an_import_replaces_them_at_once(
    tmp_path: Path, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = date(2030, 1, 20)

    def eur_ron() -> Decimal | None:
        found = rates_on(day).rate("EUR", "RON")
        return found[0] if found else None

    shipped = eur_ron()  # the demo rates a migration ships, or none
    assert shipped != Decimal("4.9770")
    (tmp_path / "bnr.xml").write_bytes(BNR)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rates", "import", str(tmp_path / "bnr.xml"), stdout=StringIO())
    assert eur_ron() == Decimal("4.9770")
    # Without an import in this process, the kept table serves until it is a minute old.
    RateValue.objects.filter(series__code="fx_eur_ron").update(value=Decimal("5.0000"))
    assert eur_ron() == Decimal("4.9770")
    later = fx.monotonic() + 61
    monkeypatch.setattr(fx, "monotonic", lambda: later)
    assert eur_ron() == Decimal("5.0000")
