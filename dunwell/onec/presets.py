"""What each preset reads from a 1C infobase's standard OData interface (no Django).

Every name here is spelled as 1C's configurations publish it. Sources (public code that reads
or writes these objects through OData, and configuration dumps), see docs/integrations.md, "1C":
- Catalog_Контрагенты (Description, НаименованиеПолное, ИНН, КПП, СтранаРегистрации_Key,
  IsFolder): a БП 3.0 response `"odata.metadata": ".../$metadata#Catalog_Контрагенты"` and
  Java/Python clients of БП 3.0 and УТ 11;
- Catalog_ДоговорыКонтрагентов: a БП 3.0 response (Owner_Key, Номер, Дата,
  ВалютаВзаиморасчетов_Key, УстановленСрокОплаты, СрокОплаты as an Edm.Int64 string "0");
  in УТ 11 / КА 2 the contract names its counterparty in Контрагент_Key;
- Catalog_Валюты: a БП response (Code "643", Description "руб.");
- Document_РеализацияТоваровУслуг: БП 3.0 (ДоговорКонтрагента_Key, ВалютаДокумента_Key),
  УТ 11 (Договор_Key, Валюта_Key, СуммаДокумента, Контрагент_Key);
- Document_ПоступлениеНаРасчетныйСчет (БП 3.0): Контрагент + Контрагент_Type (a composite
  reference), ВидОперации "ОплатаПокупателя", РасшифровкаПлатежа lines with
  ДоговорКонтрагента_Key, СуммаПлатежа, СуммаВзаиморасчетов, Сделка + Сделка_Type;
- Document_ПоступлениеБезналичныхДенежныхСредств (УТ 11): Контрагент_Key, Валюта_Key,
  ХозяйственнаяОперация "ПоступлениеОплатыОтКлиента", РасшифровкаПлатежа lines with Сумма,
  СуммаВзаиморасчетов, Заказ + Заказ_Type.
Where a name could not be confirmed it is optional (used when the infobase publishes it) and
listed as an assumption in the docs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SALES = "Document_РеализацияТоваровУслуг"
REFERENCE_PREFIX = "StandardODATA."  # the `_Type` of a composite reference: its entity set


@dataclass(frozen=True)
class Prop:
    name: str
    optional: bool = False
    # A composite reference (a value of one of several types): 1C publishes the GUID in `name`
    # and its entity set in `name_Type`.
    composite: bool = False


@dataclass(frozen=True)
class Entity:
    key: str  # one of LOAD_ORDER
    entity_set: str
    props: dict[str, Prop]
    dated: bool = False  # documents: --since filters on Date
    optional: bool = False  # the whole entity set (countries)
    lines: str = ""  # the tabular section read with each record
    line_props: dict[str, Prop] = field(default_factory=dict)
    # Operations that make a bank receipt a customer's payment (ВидОперации /
    # ХозяйственнаяОперация); other receipts (loans, refunds from suppliers) are not read.
    operations: tuple[str, ...] = ()

    def prop(self, role: str) -> Prop | None:
        return self.props.get(role)

    def select(self, published: set[str]) -> list[str]:
        """The properties to ask for: every one the preset names that the infobase has."""
        names: list[str] = []
        for prop in self.props.values():
            if prop.name in published:
                names.append(prop.name)
                if prop.composite:
                    names.append(prop.name + "_Type")
        if self.lines:
            names.append(self.lines)
        return names


def P(name: str, **options: bool) -> Prop:  # noqa: N802 - short factory
    return Prop(name, **options)


HEAD = {"ref": P("Ref_Key"), "version": P("DataVersion"), "deleted": P("DeletionMark")}
DOCUMENT_HEAD = {
    **HEAD,
    "number": P("Number"),
    "date": P("Date"),
    "posted": P("Posted"),
}

CURRENCIES = Entity(
    "currencies",
    "Catalog_Валюты",
    {**HEAD, "code": P("Code"), "name": P("Description")},
)
COUNTRIES = Entity(
    "countries",
    "Catalog_СтраныМира",
    {**HEAD, "code": P("Code"), "alpha2": P("КодАльфа2", optional=True)},
    optional=True,
)
COUNTERPARTIES = Entity(
    "counterparties",
    "Catalog_Контрагенты",
    {
        **HEAD,
        "folder": P("IsFolder"),
        "name": P("Description"),
        "full_name": P("НаименованиеПолное", optional=True),
        "tax_id": P("ИНН"),
        "kpp": P("КПП", optional=True),
        "country": P("СтранаРегистрации_Key", optional=True),
    },
)


def _contracts(owner: str, *, terms_confirmed: bool) -> Entity:
    return Entity(
        "contracts",
        "Catalog_ДоговорыКонтрагентов",
        {
            **HEAD,
            "folder": P("IsFolder", optional=True),
            "owner": P(owner),
            "number": P("Номер"),
            "date": P("Дата"),
            "name": P("Description"),
            "currency": P("ВалютаВзаиморасчетов_Key"),
            "days_set": P("УстановленСрокОплаты", optional=not terms_confirmed),
            "days": P("СрокОплаты", optional=not terms_confirmed),
        },
    )


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    entities: tuple[Entity, ...]

    def entity(self, key: str) -> Entity | None:
        return next((e for e in self.entities if e.key == key), None)


BP30 = Preset(
    "bp30",
    "1С:Бухгалтерия предприятия 3.0",
    (
        CURRENCIES,
        COUNTRIES,
        COUNTERPARTIES,
        _contracts("Owner_Key", terms_confirmed=True),
        Entity(
            "documents",
            SALES,
            {
                **DOCUMENT_HEAD,
                "counterparty": P("Контрагент_Key"),
                "contract": P("ДоговорКонтрагента_Key"),
                "amount": P("СуммаДокумента"),
                "currency": P("ВалютаДокумента_Key"),
            },
            dated=True,
        ),
        Entity(
            "payments",
            "Document_ПоступлениеНаРасчетныйСчет",
            {
                **DOCUMENT_HEAD,
                "operation": P("ВидОперации"),
                "counterparty": P("Контрагент", composite=True),
                "contract": P("ДоговорКонтрагента_Key"),
                "amount": P("СуммаДокумента"),
                "currency": P("ВалютаДокумента_Key"),
            },
            dated=True,
            lines="РасшифровкаПлатежа",
            line_props={
                "line": P("LineNumber"),
                "contract": P("ДоговорКонтрагента_Key"),
                "amount": P("СуммаПлатежа"),
                "settled": P("СуммаВзаиморасчетов"),
                "document": P("Сделка", composite=True),
            },
            operations=("ОплатаПокупателя",),
        ),
    ),
)

UT11 = Preset(
    "ut11",
    "1С:Управление торговлей 11 / ERP 2 / КА 2 (BAS)",
    (
        CURRENCIES,
        COUNTRIES,
        COUNTERPARTIES,
        _contracts("Контрагент_Key", terms_confirmed=False),
        Entity(
            "documents",
            SALES,
            {
                **DOCUMENT_HEAD,
                "counterparty": P("Контрагент_Key"),
                "contract": P("Договор_Key"),
                "amount": P("СуммаДокумента"),
                "currency": P("Валюта_Key"),
            },
            dated=True,
        ),
        Entity(
            "payments",
            "Document_ПоступлениеБезналичныхДенежныхСредств",
            {
                **DOCUMENT_HEAD,
                "operation": P("ХозяйственнаяОперация"),
                "counterparty": P("Контрагент_Key"),
                "amount": P("СуммаДокумента"),
                "currency": P("Валюта_Key"),
            },
            dated=True,
            lines="РасшифровкаПлатежа",
            line_props={
                "line": P("LineNumber"),
                "amount": P("Сумма"),
                "settled": P("СуммаВзаиморасчетов", optional=True),
                # УТ 11.4 names the settled document in Заказ; УТ 11.5 / ERP 2.5 in a
                # Catalog_ОбъектыРасчетов item whose Объект is the document.
                "document": P("Заказ", composite=True, optional=True),
                "settlement": P("ОбъектРасчетов_Key", optional=True),
            },
            operations=("ПоступлениеОплатыОтКлиента",),
        ),
        Entity(
            "settlements",
            "Catalog_ОбъектыРасчетов",
            {**HEAD, "object": P("Объект", composite=True)},
            optional=True,
        ),
    ),
)

PRESETS: dict[str, Preset] = {p.name: p for p in (UT11, BP30)}
# The order the ledger needs: what a row names must exist before it.
LOAD_ORDER = (
    "currencies",
    "countries",
    "counterparties",
    "contracts",
    "documents",
    "settlements",
    "payments",
)
