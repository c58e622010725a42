"""Records of a small trading company as 1C's standard OData interface returns them, for the
fake server. Field names, value shapes and the zero-GUID empty reference are those of real
responses and client code (public repositories), e.g.:
- a БП 3.0 `Catalog_ДоговорыКонтрагентов` response (`"odata.metadata":
  "http://…/odata/standard.odata/$metadata#Catalog_ДоговорыКонтрагентов"`, Owner_Key, Номер,
  Дата "0001-01-01T00:00:00", УстановленСрокОплаты, СрокОплаты "0", ВалютаВзаиморасчетов_Key);
- a БП `Catalog_Валюты` item (Code "643", Description "руб.", НаименованиеПолное);
- a БП 3.0 `Catalog_Контрагенты` item (IsFolder, Description, НаименованиеПолное,
  СтранаРегистрации_Key, ИНН, КПП, DataVersion "AAAAAQAAAAA=");
- БП 3.0 clients reading `Document_ПоступлениеНаРасчетныйСчет` (Контрагент + Контрагент_Type,
  ВидОперации 'ОплатаПокупателя', ДоговорКонтрагента_Key, ВалютаДокумента_Key and
  РасшифровкаПлатежа lines with ДоговорКонтрагента_Key, СпособПогашенияЗадолженности,
  Сделка + Сделка_Type, СуммаПлатежа, СуммаВзаиморасчетов);
- УТ 11 clients reading `Document_РеализацияТоваровУслуг` (Контрагент_Key, Договор_Key,
  Валюта_Key, СуммаДокумента, Партнер_Key) and
  `Document_ПоступлениеБезналичныхДенежныхСредств` (ХозяйственнаяОперация
  'ПоступлениеОплатыОтКлиента', Контрагент_Key, РасшифровкаПлатежа lines with Партнер_Key,
  Заказ + Заказ_Type, Сумма, СуммаВзаиморасчетов, ОснованиеПлатежа + ОснованиеПлатежа_Type).
The GUIDs and amounts are made up.
"""

from __future__ import annotations

import copy
from typing import Any

from dunwell.onec.tests.fake1c import EMPTY, Fake1C

__all__ = ["EMPTY", "Fake1C", "dataset", "fake"]

V1 = "AAAAAQAAAAA="
V2 = "AAAAAgAAAAA="

RUB, USD, EUR = (
    "d190f831-8857-11e5-a85a-3085a93ddca2",
    "d190f832-8857-11e5-a85a-3085a93ddca2",
    "d190f833-8857-11e5-a85a-3085a93ddca2",
)
RUSSIA, MOLDOVA = "c4ccb0a9-8857-11e5-a85a-3085a93ddca2", "c4ccb0aa-8857-11e5-a85a-3085a93ddca2"
FOLDER = "4bc96af0-ba16-11e5-d193-000c295e30eb"
TECHNO = "a348aa8c-d629-11e5-0a9b-000c295e30eb"
SBER = "a348aa8d-d629-11e5-0a9b-000c295e30eb"
CHISINAU = "a348aa8e-d629-11e5-0a9b-000c295e30eb"
K_TECHNO, K_SBER = "b7569c10-f670-11ea-8591-000c29b45b09", "b7569c11-f670-11ea-8591-000c29b45b09"
D1, D2, D_DRAFT, D_DELETED = (
    "5a0e4f01-1d2b-11ee-9b1a-005056a70001",
    "5a0e4f02-1d2b-11ee-9b1a-005056a70001",
    "5a0e4f03-1d2b-11ee-9b1a-005056a70001",
    "5a0e4f04-1d2b-11ee-9b1a-005056a70001",
)
P1, P2, P_LOAN = (
    "6b1f5a01-1d2b-11ee-9b1a-005056a70001",
    "6b1f5a02-1d2b-11ee-9b1a-005056a70001",
    "6b1f5a03-1d2b-11ee-9b1a-005056a70001",
)
ORG = "87fa6cc2-e901-11ea-8591-000c29b45b09"
# УТ 11.5 settlement objects (Catalog_ОбъектыРасчетов: Объект + Объект_Type): one is the sale
# D2, one a customer order.
O_SALE, O_ORDER = "7c2a6b01-1d2b-11ee-9b1a-005056a70001", "7c2a6b02-1d2b-11ee-9b1a-005056a70001"
SALES = "Document_РеализацияТоваровУслуг"
PAYMENTS = {
    "bp30": "Document_ПоступлениеНаРасчетныйСчет",
    "ut11": "Document_ПоступлениеБезналичныхДенежныхСредств",
}


def _currency(ref: str, code: str, name: str, full: str) -> dict[str, Any]:
    return {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Code": code,
        "Description": name,
        "ЗагружаетсяИзИнтернета": False,
        "НаименованиеПолное": full,
        "Наценка": 0,
        "ОсновнаяВалюта_Key": EMPTY,
        "Predefined": False,
        "PredefinedDataName": "",
    }


def _country(ref: str, code: str, name: str, alpha2: str) -> dict[str, Any]:
    return {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Code": code,
        "Description": name,
        "НаименованиеПолное": name,
        "КодАльфа2": alpha2,
        "Predefined": False,
        "PredefinedDataName": "",
    }


def _counterparty(
    ref: str, name: str, full: str, inn: str, kpp: str, country: str, *, folder: bool = False
) -> dict[str, Any]:
    return {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Parent_Key": EMPTY if folder else FOLDER,
        "IsFolder": folder,
        "Code": "00-000036",
        "Description": name,
        "НаименованиеПолное": full,
        "ЮридическоеФизическоеЛицо": "" if folder else "ЮридическоеЛицо",
        "СтранаРегистрации_Key": country,
        "ИНН": inn,
        "КПП": kpp,
        "Predefined": False,
        "PredefinedDataName": "",
    }


def _contract(preset: str, ref: str, owner: str, number: str, day: str, days: int | None) -> dict:
    record: dict[str, Any] = {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Code": "00-000001",
        "Description": f"№ {number} от {day[:10]}",
        "ВалютаВзаиморасчетов_Key": RUB,
        "Комментарий": "",
        "Организация_Key": ORG,
        "Номер": number,
        "Дата": day,
        "Predefined": False,
        "PredefinedDataName": "",
    }
    if preset == "bp30":
        record.update(
            {
                "Owner_Key": owner,
                "Parent_Key": EMPTY,
                "IsFolder": False,
                "ВидДоговора": "СПокупателем",
                "УстановленСрокОплаты": days is not None,
                "СрокОплаты": str(days or 0),  # Edm.Int64: a JSON string in OData v3
            }
        )
    else:
        record.update(
            {
                "Контрагент_Key": owner,
                "Партнер_Key": "e1f0c9a2-1d2b-11ee-9b1a-005056a70001",
                "ПорядокРасчетов": "ПоДоговорамКонтрагентов",
                "Статус": "Действует",
            }
        )
    return record


def _sale(
    preset: str,
    ref: str,
    number: str,
    day: str,
    owner: str,
    contract: str,
    amount: float,
    *,
    posted: bool = True,
    deleted: bool = False,
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Ref_Key": ref,
        "DataVersion": V1,
        "Number": number,
        "Date": day,
        "DeletionMark": deleted,
        "Posted": posted,
        "Организация_Key": ORG,
        "Контрагент_Key": owner,
        "СуммаДокумента": amount,
        "Комментарий": "",
    }
    if preset == "bp30":
        record.update(
            {
                "ВидОперации": "Товары",
                "ДоговорКонтрагента_Key": contract,
                "ВалютаДокумента_Key": RUB,
                "Сделка": EMPTY,
                "Сделка_Type": "StandardODATA.Undefined",
            }
        )
    else:
        record.update(
            {
                "ХозяйственнаяОперация": "РеализацияКлиенту",
                "Договор_Key": contract,
                "Валюта_Key": RUB,
                "ВалютаВзаиморасчетов_Key": RUB,
                "Партнер_Key": "e1f0c9a2-1d2b-11ee-9b1a-005056a70001",
                "СуммаВзаиморасчетов": amount,
            }
        )
    return record


def _line(preset: str, ref: str, n: int, contract: str, amount: float, document: str) -> dict:
    doc_type = f"StandardODATA.{SALES}" if document != EMPTY else "StandardODATA.Undefined"
    if preset == "bp30":
        return {
            "Ref_Key": ref,
            "LineNumber": str(n),
            "ДоговорКонтрагента_Key": contract,
            "СпособПогашенияЗадолженности": "ПоДокументу" if document != EMPTY else "Автоматически",
            "Сделка": document,
            "Сделка_Type": doc_type,
            "СуммаПлатежа": amount,
            "КурсВзаиморасчетов": 1,
            "СуммаВзаиморасчетов": amount,
            "СтавкаНДС": "НДС20",
            "СуммаНДС": round(amount / 6, 2),
            "СчетНаОплату_Key": EMPTY,
        }
    return {
        "Ref_Key": ref,
        "LineNumber": str(n),
        "Партнер_Key": "e1f0c9a2-1d2b-11ee-9b1a-005056a70001",
        "ОснованиеПлатежа": contract,
        "ОснованиеПлатежа_Type": "StandardODATA.Catalog_ДоговорыКонтрагентов",
        "Заказ": document,
        "Заказ_Type": doc_type,
        "ОбъектРасчетов_Key": EMPTY,
        "Сумма": amount,
        "ВалютаВзаиморасчетов_Key": RUB,
        "СуммаВзаиморасчетов": amount,
    }


def _payment(
    preset: str,
    ref: str,
    number: str,
    day: str,
    owner: str,
    contract: str,
    lines: list[dict[str, Any]],
    *,
    operation: str = "",
) -> dict[str, Any]:
    record: dict[str, Any] = {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Number": number,
        "Date": day,
        "Posted": True,
        "Организация_Key": ORG,
        "СуммаДокумента": sum(line.get("СуммаПлатежа", line.get("Сумма", 0)) for line in lines),
        "НазначениеПлатежа": f"Оплата по счету {number}",
        "РасшифровкаПлатежа": lines,
    }
    if preset == "bp30":
        record.update(
            {
                "ВидОперации": operation or "ОплатаПокупателя",
                "Контрагент": owner,
                "Контрагент_Type": "StandardODATA.Catalog_Контрагенты",
                "ДоговорКонтрагента_Key": contract,
                "ВалютаДокумента_Key": RUB,
            }
        )
    else:
        record.update(
            {
                "ХозяйственнаяОперация": operation or "ПоступлениеОплатыОтКлиента",
                "Контрагент_Key": owner,
                "Валюта_Key": RUB,
            }
        )
    return record


def _settlement(ref: str, target: str, kind: str) -> dict[str, Any]:
    return {
        "Ref_Key": ref,
        "DataVersion": V1,
        "DeletionMark": False,
        "Description": "",
        "Организация_Key": ORG,
        "Партнер_Key": "e1f0c9a2-1d2b-11ee-9b1a-005056a70001",
        "Подразделение_Key": EMPTY,
        "Объект": target,
        "Объект_Type": f"StandardODATA.{kind}",
    }


def dataset(preset: str) -> dict[str, list[dict[str, Any]]]:
    sets = _dataset(preset)
    if preset == "ut11":
        sets["Catalog_ОбъектыРасчетов"] = [
            _settlement(O_SALE, D2, SALES),
            _settlement(O_ORDER, "8d3b7c01-1d2b-11ee-9b1a-005056a70001", "Document_ЗаказКлиента"),
        ]
    return sets


def _dataset(preset: str) -> dict[str, list[dict[str, Any]]]:
    payments = PAYMENTS[preset]
    return {
        "Catalog_Валюты": [
            _currency(RUB, "643", "руб.", "Российский рубль"),
            _currency(USD, "840", "USD", "Доллар США"),
            _currency(EUR, "978", "EUR", "Евро"),
        ],
        "Catalog_СтраныМира": [
            _country(RUSSIA, "643", "РОССИЯ", "RU"),
            _country(MOLDOVA, "498", "МОЛДОВА, РЕСПУБЛИКА", ""),
        ],
        "Catalog_Контрагенты": [
            _counterparty(FOLDER, "Покупатели", "", "", "", EMPTY, folder=True),
            _counterparty(
                TECHNO,
                "ТЕХНО-ЛОГИСТИК ООО",
                'ООО "ТЕХНО-ЛОГИСТИК"',
                "5024089920",
                "501701001",
                RUSSIA,
            ),
            _counterparty(SBER, "Сбербанк", 'ПАО "Сбербанк"', "7707083893", "773601001", EMPTY),
            _counterparty(CHISINAU, "Vinăria Codru SRL", "", "", "", MOLDOVA),
        ],
        "Catalog_ДоговорыКонтрагентов": [
            _contract(preset, K_TECHNO, TECHNO, "ТЛ-15", "2026-01-09T00:00:00", 30),
            _contract(preset, K_SBER, SBER, "", "0001-01-01T00:00:00", None),
        ],
        SALES: [
            _sale(preset, D1, "00-000101", "2026-01-10T12:00:00", TECHNO, K_TECHNO, 1180.5),
            _sale(preset, D2, "00-000102", "2026-02-11T09:30:00", SBER, K_SBER, 500.0),
            _sale(
                preset,
                D_DRAFT,
                "00-000103",
                "2026-02-12T10:00:00",
                TECHNO,
                K_TECHNO,
                90.0,
                posted=False,
            ),
            _sale(
                preset,
                D_DELETED,
                "00-000104",
                "2026-02-13T10:00:00",
                TECHNO,
                K_TECHNO,
                70.0,
                posted=False,
                deleted=True,
            ),
        ],
        payments: [
            _payment(
                preset,
                P1,
                "00-000011",
                "2026-02-01T00:00:00",
                TECHNO,
                K_TECHNO,
                [_line(preset, P1, 1, K_TECHNO, 1000.0, D1)],
            ),
            _payment(
                preset,
                P2,
                "00-000012",
                "2026-02-20T00:00:00",
                SBER,
                K_SBER,
                [_line(preset, P2, 1, K_SBER, 200.0, EMPTY)],
            ),
            _payment(
                preset,
                P_LOAN,
                "00-000013",
                "2026-02-21T00:00:00",
                SBER,
                EMPTY,
                [_line(preset, P_LOAN, 1, EMPTY, 5000.0, EMPTY)],
                operation="ПолучениеКредитаЗайма" if preset == "bp30" else "ПолучениеЗайма",
            ),
        ],
    }


def fake(preset: str, **options: Any) -> Fake1C:
    """A fake infobase of `preset` with the dataset; its schema is the records' own fields."""
    sets = dataset(preset)
    schema: dict[str, dict[str, Any]] = {}
    rows: dict[str, dict[str, Any]] = {}
    for name, records in sets.items():
        props: dict[str, Any] = {}
        for record in records:
            for key, value in record.items():
                props.setdefault(key, value)
                if isinstance(value, list):
                    row = rows.setdefault(f"{name}_{key}", {})
                    for line in value:
                        for k, v in line.items():
                            row.setdefault(k, v)
        schema[name] = props
    return Fake1C(copy.deepcopy(schema), rows, sets, preset=preset, **options)
