"""Header recognition: canonical names plus the headers 1C's standard reports and exports use
in Russian, Ukrainian and Romanian, matched case-, space- and diacritics-insensitively."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_PUNCT = re.compile(r"[_\-.,:;()\[\]№%\"'/*]+")


def normalize_header(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufeff", "").lower())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_PUNCT.sub(" ", stripped).split())


def header_signature(headers: list[str]) -> str:
    """The key under which a column mapping is saved: a hash of the normalised header row."""
    joined = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


COMMON: dict[str, tuple[str, ...]] = {
    "counterparty": (
        "контрагент",
        "код контрагента",
        "покупатель",
        "клиент",
        "контрагент код",
        "покупець",
        "клієнт",
        "partener",
        "client",
        "cod partener",
        "beneficiar",
        "customer",
    ),
    "contract": (
        "договор",
        "договор контрагента",
        "код договора",
        "договір",
        "код договору",
        "contract",
        "cod contract",
        "nr contract",
    ),
    "counterparty_tax_id": (
        "инн",
        "инн контрагента",
        "инн покупателя",
        "инн плательщика",
        "єдрпоу",
        "код єдрпоу",
        "код по єдрпоу",
        "едрпоу",
        "іпн",
        "рнокпп",
        "cui",
        "cif",
        "cod fiscal",
        "idno",
        "inn",
        "edrpou",
        "tax id",
    ),
    "currency": ("валюта", "валюта документа", "валюта договора", "valuta", "moneda", "currency"),
    "company": ("организация", "організація", "компания", "компанія", "firma", "companie"),
    "external_id": (
        "id",
        "ид",
        "идентификатор",
        "ідентифікатор",
        "guid",
        "ссылка",
        "uuid",
        "cod extern",
        "id extern",
        "внешний код",
        "внешний идентификатор",
        "зовнішній код",
        "зовнішній ідентифікатор",
        "external id",
    ),
}

ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "users": {
        "username": (
            "логин",
            "имя пользователя",
            "пользователь",
            "логін",
            "ім'я користувача",
            "користувач",
            "utilizator",
            "nume utilizator",
            "login",
            "user",
        ),
        "role": ("роль", "rol", "функция"),
        "first_name": ("имя", "ім'я", "prenume", "first name"),
        "last_name": ("фамилия", "прізвище", "nume de familie", "nume", "last name"),
        "email": ("email", "e mail", "эл почта", "электронная почта", "електронна пошта", "posta"),
        "supervisor": ("руководитель", "начальник", "керівник", "supervizor", "sef"),
        "extension": (
            "добавочный",
            "добавочный номер",
            "внутренний номер",
            "внутрішній номер",
            "extensie",
            "interior",
        ),
    },
    "counterparties": {
        "external_id": ("код", "код контрагента", "cod", "cod partener"),
        "name": (
            "наименование",
            "контрагент",
            "полное наименование",
            "наименование полное",
            "найменування",
            "повне найменування",
            "denumire",
            "partener",
            "nume",
            "client",
        ),
        "tax_id": (
            "инн",
            "инн кпп",
            "єдрпоу",
            "код єдрпоу",
            "едрпоу",
            "код по єдрпоу",
            "ипн",
            "іпн",
            "рнокпп",
            "cui",
            "cif",
            "cod fiscal",
            "cod unic de identificare",
            "idno",
            "vat",
            "vat number",
            "inn",
            "edrpou",
        ),
        "kpp": ("кпп",),
        "country": ("страна", "страна регистрации", "країна", "tara", "country"),
        "language": ("язык", "мова", "limba"),
        "time_zone": ("часовой пояс", "часовий пояс", "fus orar", "timezone"),
        "segment": ("сегмент", "группа", "група", "segment", "categorie"),
        "collector": ("ответственный", "відповідальний", "responsabil", "colector"),
        "sales_manager": (
            "менеджер",
            "основной менеджер",
            "основной менеджер покупателя",
            "менеджер з продажу",
            "manager",
            "manager vanzari",
            "agent",
        ),
        "address": ("адрес", "юридический адрес", "адреса", "юридична адреса", "adresa", "sediu"),
    },
    "contacts": {
        "external_id": ("код", "cod"),
        "name": (
            "фио",
            "контактное лицо",
            "наименование",
            "піб",
            "контактна особа",
            "nume",
            "persoana de contact",
            "persoana",
        ),
        "position": ("должность", "посада", "functie", "functia"),
        "roles": ("роли", "роль", "ролі", "roluri", "rol"),
        "phone": ("телефон", "тел", "telefon", "mobil"),
        "phone_alt": ("телефон 2", "доп телефон", "дополнительный телефон", "telefon 2"),
        "email": ("email", "e mail", "эл почта", "электронная почта", "електронна пошта", "posta"),
        "language": ("язык", "мова", "limba"),
        "notes": ("комментарий", "примечание", "коментар", "примітка", "note", "observatii"),
    },
    "contracts": {
        "external_id": ("код", "код договора", "cod"),
        "number": ("номер", "номер договора", "номер договору", "numar", "nr", "nr contract"),
        "date": ("дата", "дата договора", "дата договору", "data", "data contractului"),
        "valid_from": ("действует с", "діє з", "valabil de la", "дата начала"),
        "valid_to": (
            "действует по",
            "срок действия",
            "діє до",
            "valabil pana la",
            "дата окончания",
        ),
        "payment_days": (
            "отсрочка",
            "отсрочка платежа",
            "отсрочка дней",
            "срок оплаты дней",
            "відстрочка",
            "відстрочка платежу",
            "termen de plata",
            "termen de plata zile",
        ),
        "payment_day_kind": ("вид дней", "вид днів", "tip zile"),
        "payment_from": ("отсчет от", "відлік від", "de la"),
        "prepayment_percent": ("предоплата", "передоплата", "avans"),
        "prepayment_days": ("срок предоплаты", "термін передоплати", "termen avans"),
        "credit_limit": ("кредитный лимит", "лимит", "кредитний ліміт", "limita de credit"),
        "penalty_rate": ("пеня", "ставка пени", "пени", "ставка пені", "penalitate", "penalitati"),
        "penalty_period": ("период пени", "період пені", "perioada penalitate"),
        "penalty_cap_percent": ("ограничение пени", "обмеження пені", "plafon penalitati"),
        "penalty_from_day": ("пеня с дня", "пеня з дня", "penalitate din ziua"),
        "pretension_days": ("срок претензии", "строк претензії", "termen pretentie"),
        "claims_days": ("срок приемки", "строк приймання", "termen receptie"),
        "governing_law": ("применимое право", "застосовне право", "legea aplicabila"),
    },
    "instalments": {
        "due_date": ("дата", "дата платежа", "срок оплаты", "термін оплати", "data", "scadenta"),
        "amount": ("сумма", "сумма платежа", "сума", "suma"),
    },
    "documents": {
        "external_id": ("код", "cod"),
        "kind": ("вид документа", "вид", "тип", "тип документа", "tip", "tip document"),
        "number": (
            "номер",
            "номер документа",
            "документ",
            "numar",
            "nr",
            "nr document",
            "document",
            "factura",
            "nr factura",
        ),
        "date": ("дата", "дата документа", "data", "data documentului", "data facturii"),
        "due_date": (
            "срок оплаты",
            "дата оплаты",
            "крайний срок оплаты",
            "термін оплати",
            "строк оплати",
            "дата оплати",
            "scadenta",
            "data scadentei",
            "termen de plata",
            "scadent",
        ),
        "amount": (
            "сумма",
            "сумма документа",
            "сумма долга",
            "сума",
            "сума документа",
            "suma",
            "valoare",
            "total",
            "suma totala",
        ),
        "accepted": ("принято", "принят", "прийнято", "acceptat", "receptionat"),
        "accepted_on": ("дата приемки", "дата приймання", "data acceptarii", "data receptiei"),
    },
    "payments": {
        "external_id": ("код", "cod"),
        "number": (
            "номер",
            "номер платежа",
            "номер документа",
            "вх номер",
            "входящий номер",
            "номер платежного поручения",
            "номер платежу",
            "номер платіжного доручення",
            "nr",
            "numar",
            "nr document",
            "numar document",
        ),
        "document": (
            "документ",
            "документ расчетов",
            "сделка",
            "счет",
            "документ розрахунків",
            "рахунок",
            "document",
            "factura",
        ),
        "date": (
            "дата",
            "дата оплаты",
            "дата платежа",
            "дата оплати",
            "дата платежу",
            "data",
            "data platii",
            "data incasarii",
        ),
        "amount": ("сумма", "сумма платежа", "сума", "сума платежу", "suma", "suma incasata"),
        # In 1C's bank statements the payer is the counterparty; with no counterparty column
        # it names the counterparty too (engine: _RowParser.alias).
        "payer": ("плательщик", "платник", "platitor", "ordonator"),
    },
    "orders": {
        "external_id": ("код", "cod"),
        "number": ("номер", "номер заказа", "заказ", "номер замовлення", "замовлення", "comanda"),
        "date": ("дата", "дата заказа", "дата замовлення", "data", "data comenzii"),
        "amount": ("сумма", "сумма заказа", "сума", "сума замовлення", "suma", "valoare"),
        "status": ("статус", "состояние", "стан", "stare"),
        "invoiced_amount": ("выставлено", "сумма счетов", "виставлено", "facturat"),
    },
    "deals": {
        "external_id": ("код", "код сделки", "код угоди", "cod", "cod oportunitate"),
        "name": ("сделка", "название", "угода", "назва", "oportunitate", "denumire", "deal"),
        "amount": ("сумма", "сумма сделки", "сума", "сума угоди", "suma", "valoare"),
        "stage": ("этап", "стадия", "етап", "стадія", "etapa", "faza"),
        "stage_entered_on": (
            "на этапе с",
            "дата этапа",
            "на етапі з",
            "дата етапу",
            "in etapa din",
            "data etapei",
        ),
        "probability": ("вероятность", "ймовірність", "probabilitate"),
        "expected_close": (
            "дата закрытия",
            "ожидаемое закрытие",
            "дата закриття",
            "очікуване закриття",
            "data inchiderii",
            "inchidere estimata",
        ),
        "payment_days": (
            "отсрочка",
            "отсрочка дней",
            "отсрочка платежа",
            "відстрочка",
            "відстрочка днів",
            "termen de plata",
            "zile de plata",
        ),
        "owner": ("ответственный", "менеджер", "відповідальний", "responsabil", "manager"),
    },
}


def aliases_for(kind: str, fields: list[str]) -> dict[str, str]:
    """Normalised header -> field for one kind (kind-specific aliases win over common ones)."""
    table: dict[str, str] = {}
    for field in fields:
        table[normalize_header(field)] = field
        for alias in COMMON.get(field, ()):
            table.setdefault(normalize_header(alias), field)
    for field, names in ALIASES.get(kind, {}).items():
        for alias in names:
            table[normalize_header(alias)] = field
    for field in fields:  # a canonical name always means itself
        table[normalize_header(field)] = field
    return table


def recognise(kind: str, fields: list[str], headers: list[str]) -> dict[str, str]:
    """File header -> field for the headers we recognise; the first column wins a field."""
    table = aliases_for(kind, fields)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        field = table.get(normalize_header(header))
        if field and field not in taken:
            mapping[header] = field
            taken.add(field)
    return mapping
