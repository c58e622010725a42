"""What each import kind reads: its fields, their types, which are required."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "text"  # text | upper | lower | money | decimal | int | date | bool | roles
    required: bool = False
    max_length: int = 255
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Kind:
    name: str
    fields: tuple[Field, ...]
    target: str  # table
    # (staging column, target column, file field that provides it or "" when always set)
    columns: tuple[tuple[str, str, str], ...] = ()
    extra: tuple[str, ...] = field(default=())

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def get(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def F(name: str, type: str = "text", **options: object) -> Field:  # noqa: N802 - short factory
    return Field(name, type, **options)  # type: ignore[arg-type]


EXTERNAL_ID = F("external_id", required=True, max_length=64)
# Kinds that may come without ids: their rows are then keyed by natural keys
# (docs/import-formats.md); a file WITH the column needs a value on every row.
OPTIONAL_ID = F("external_id", max_length=64)
COMPANY = F("company", max_length=32)
# Missing column: the company's currency (1C reports often have none). `руб.`, `643` are read.
CURRENCY = F("currency", "upper", max_length=16)
# The counterparty named by its tax id alone (1C reports: `Контрагент;ИНН;...`).
COUNTERPARTY_TAX_ID = F("counterparty_tax_id", max_length=32)
# Kinds keyed by natural keys when the file has no external_id column.
NATURAL_KEY_KINDS = frozenset({"counterparties", "contracts", "documents", "payments"})

# Our own staff (imported before the counterparties that name their collectors). Applied by
# importing/users.py in a plain loop: users are few.
USERS = Kind(
    "users",
    (
        F("username", required=True, max_length=150),
        F("role", required=True, max_length=64),
        F("first_name", max_length=150),
        F("last_name", max_length=150),
        F("email", "lower", max_length=254),
        F("supervisor", max_length=150),
        F("extension", max_length=16),
    ),
    "accounts_user",
)

COUNTERPARTIES = Kind(
    "counterparties",
    (
        OPTIONAL_ID,
        F("name", required=True),
        F("tax_id", max_length=32),
        F("kpp", max_length=32),
        # No column: our company's country (1C's counterparty lists often have none); a column
        # present needs a value on every row (engine: _RowParser).
        F("country", "upper", max_length=64),
        F("language", "lower", max_length=8, choices=("en", "ru", "uk", "ro")),
        F("time_zone", max_length=64),
        F("segment", "lower", max_length=32),
        F("collector", max_length=150),
        F("sales_manager", max_length=150),
        F("address", max_length=2000),
        COMPANY,
    ),
    "ledger_counterparty",
    (
        ("f_name", "name", "name"),
        ("f_tax_id", "tax_id", "tax_id"),
        ("f_country", "country", "country"),
        ("f_language", "language", "language"),
        ("f_time_zone", "time_zone", "time_zone"),
        ("segment_id", "segment_id", "segment"),
        ("collector_id", "collector_id", "collector"),
        ("sales_manager_id", "sales_manager_id", "sales_manager"),
        ("f_address", "address", "address"),
    ),
)

CONTACTS = Kind(
    "contacts",
    (
        EXTERNAL_ID,
        F("counterparty", required=True, max_length=64),
        F("name", required=True),
        F("position"),
        F("roles", "roles"),
        F("phone", max_length=64),
        F("phone_alt", max_length=64),
        F("email", "lower", max_length=254),
        F("language", "lower", max_length=8),
        F("notes", max_length=10000),
        COMPANY,
    ),
    "ledger_contact",
    (
        ("f_name", "name", "name"),
        ("f_position", "position", "position"),
        ("r_orders", "orders", "roles"),
        ("r_accepts", "accepts", "roles"),
        ("r_accountant", "accountant", "roles"),
        ("r_decides_payments", "decides_payments", "roles"),
        ("r_signs", "signs", "roles"),
        ("f_phone", "phone", "phone"),
        ("f_phone_alt", "phone_alt", "phone_alt"),
        # read off the phone's cell ("069 12 34 56 доб. 12": engine._check_phones)
        ("x_phone_ext", "phone_ext", "phone"),
        ("x_phone_alt_ext", "phone_alt_ext", "phone_alt"),
        ("f_email", "email", "email"),
        ("f_language", "language", "language"),
        ("f_notes", "notes", "notes"),
    ),
)

CONTRACTS = Kind(
    "contracts",
    (
        OPTIONAL_ID,
        F("counterparty", max_length=255),
        COUNTERPARTY_TAX_ID,
        F("number", required=True, max_length=64),
        F("date", "date", required=True),
        F("valid_from", "date"),
        F("valid_to", "date"),
        CURRENCY,
        F("payment_days", "int"),
        F("payment_day_kind", "lower", choices=("calendar", "banking")),
        F("payment_from", "lower", choices=("document", "acceptance")),
        F("prepayment_percent", "decimal"),
        F("prepayment_days", "int"),
        F("credit_limit", "money"),
        F("penalty_rate", "decimal"),
        F("penalty_period", "lower", choices=("day", "year")),
        F("penalty_cap_percent", "decimal"),
        F("penalty_from_day", "int"),
        F("pretension_days", "int"),
        F("claims_days", "int"),
        F("governing_law", "upper", max_length=2),
        COMPANY,
    ),
    "ledger_contract",
    (
        ("cp_id", "counterparty_id", ""),
        ("f_number", "number", "number"),
        ("f_date", "date", "date"),
        ("f_valid_from", "valid_from", "valid_from"),
        ("f_valid_to", "valid_to", "valid_to"),
        ("f_currency", "currency", "currency"),
        ("f_payment_days", "payment_days", "payment_days"),
        ("f_payment_day_kind", "payment_day_kind", "payment_day_kind"),
        ("f_payment_from", "payment_from", "payment_from"),
        ("f_prepayment_percent", "prepayment_percent", "prepayment_percent"),
        ("f_prepayment_days", "prepayment_days", "prepayment_days"),
        ("f_credit_limit", "credit_limit", "credit_limit"),
        ("f_penalty_rate", "penalty_rate", "penalty_rate"),
        ("f_penalty_period", "penalty_period", "penalty_period"),
        ("f_penalty_cap_percent", "penalty_cap_percent", "penalty_cap_percent"),
        ("f_penalty_from_day", "penalty_from_day", "penalty_from_day"),
        ("f_pretension_days", "pretension_days", "pretension_days"),
        ("f_claims_days", "claims_days", "claims_days"),
        ("f_governing_law", "governing_law", "governing_law"),
    ),
)

INSTALMENTS = Kind(
    "instalments",
    (
        F("contract", required=True, max_length=64),
        F("due_date", "date", required=True),
        F("amount", "money", required=True),
        COMPANY,
    ),
    "ledger_contractinstalment",
)

DOCUMENTS = Kind(
    "documents",
    (
        OPTIONAL_ID,
        F("kind", "lower", choices=("invoice", "shipment", "act")),
        F("counterparty", max_length=255),
        COUNTERPARTY_TAX_ID,
        F("contract", max_length=255),
        F("number", required=True, max_length=64),
        F("date", "date", required=True),
        F("due_date", "date"),
        F("amount", "money", required=True),
        CURRENCY,
        F("accepted", "bool"),
        F("accepted_on", "date"),
        F("cancelled", "bool"),
        COMPANY,
    ),
    "ledger_document",
    (
        ("cp_id", "counterparty_id", ""),
        ("contract_id", "contract_id", ""),
        ("f_kind", "kind", "kind"),
        ("f_number", "number", "number"),
        ("f_date", "date", "date"),
        ("f_due_date", "due_date", ""),
        ("f_amount", "amount", "amount"),
        ("f_currency", "currency", "currency"),
        ("f_accepted", "accepted", "accepted"),
        ("f_accepted_on", "accepted_on", "accepted_on"),
        ("f_cancelled", "cancelled", "cancelled"),
    ),
)

PAYMENTS = Kind(
    "payments",
    (
        OPTIONAL_ID,
        F("counterparty", max_length=255),
        COUNTERPARTY_TAX_ID,
        F("contract", max_length=255),
        F("document", max_length=255),
        F("number", max_length=64),
        F("date", "date", required=True),
        F("amount", "money", required=True),
        CURRENCY,
        F("payer"),
        F("cancelled", "bool"),
        COMPANY,
    ),
    "ledger_payment",
    (
        ("cp_id", "counterparty_id", ""),
        ("contract_id", "contract_id", ""),
        ("document_id", "document_id", ""),
        ("f_number", "number", "number"),
        ("f_date", "date", "date"),
        ("f_amount", "amount", "amount"),
        ("f_currency", "currency", "currency"),
        ("f_payer", "payer", "payer"),
        ("f_cancelled", "cancelled", "cancelled"),
    ),
)

# Customer orders from the ERP (credit exposure: confirmed or shipped, not yet invoiced).
ORDERS = Kind(
    "orders",
    (
        EXTERNAL_ID,
        F("counterparty", max_length=255),
        COUNTERPARTY_TAX_ID,
        F("contract", max_length=255),
        F("number", required=True, max_length=64),
        F("date", "date", required=True),
        F("amount", "money", required=True),
        CURRENCY,
        F("status", "lower", choices=("confirmed", "shipped", "invoiced", "cancelled")),
        F("invoiced_amount", "money"),
        COMPANY,
    ),
    "ledger_order",
    (
        ("cp_id", "counterparty_id", ""),
        ("contract_id", "contract_id", ""),
        ("f_number", "number", "number"),
        ("f_date", "date", "date"),
        ("f_amount", "amount", "amount"),
        ("f_currency", "currency", "currency"),
        ("f_status", "status", "status"),
        ("f_invoiced_amount", "invoiced_amount", "invoiced_amount"),
    ),
)

# Sales deals (issue 14, item 3): the stage by its code in the company's pipeline, the owner by
# username; a deal that changes stage restarts its days on the stage (engine: _deal_stage_dates).
DEALS = Kind(
    "deals",
    (
        EXTERNAL_ID,
        F("counterparty", max_length=255),
        COUNTERPARTY_TAX_ID,
        F("name"),
        F("amount", "money", required=True),
        CURRENCY,
        F("stage", "lower", required=True, max_length=32),
        F("stage_entered_on", "date"),
        F("probability", "int"),
        F("expected_close", "date", required=True),
        F("payment_days", "int"),
        F("owner", max_length=150),
        COMPANY,
    ),
    "ledger_deal",
    (
        ("cp_id", "counterparty_id", ""),
        ("f_name", "name", "name"),
        ("f_amount", "amount", "amount"),
        ("f_currency", "currency", "currency"),
        ("stage_id", "stage_id", "stage"),
        ("f_stage_entered_on", "stage_entered_on", ""),
        ("f_probability", "probability", "probability"),
        ("f_expected_close", "expected_close", "expected_close"),
        ("f_payment_days", "payment_days", "payment_days"),
        ("owner_id", "owner_id", "owner"),
    ),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        USERS,
        COUNTERPARTIES,
        CONTACTS,
        CONTRACTS,
        INSTALMENTS,
        DOCUMENTS,
        PAYMENTS,
        ORDERS,
        DEALS,
    )
}
