"""The wording and layout of each document, written once and used twice: to build the shipped
DOCX templates (`manage.py legal_build_templates`, placeholders become docxtpl tags) and to
print the PDF (placeholders become the snapshot's values). The texts are translated through
this app's gettext catalogue, so a document reads the same in DOCX and PDF in each language.

Placeholders name paths in the snapshot ("debtor.name"); `when`/`unless` name a path whose
truth shows or hides the block.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_


@dataclass(frozen=True)
class Block:
    kind: str  # title, subtitle, para, heading, table, bullets, signatures, pagebreak
    text: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)
    when: str = ""
    unless: str = ""
    bold: bool = False
    # tables: (header, key, numeric); rows: the snapshot path of the list
    columns: tuple[tuple[str, str, bool], ...] = ()
    rows: str = ""
    head: tuple[tuple[str, Mapping[str, str]], ...] = ()
    foot: tuple[tuple[str, Mapping[str, str]], ...] = ()
    both_sides: bool = True


def title(text: str) -> Block:
    return Block("title", text)


def para(text: str, when: str = "", unless: str = "", bold: bool = False, **fields: str) -> Block:
    return Block("para", text, fields, when=when, unless=unless, bold=bold)


def heading(text: str, **fields: str) -> Block:
    return Block("heading", text, fields)


NUMBER_DATE = Block(
    "subtitle", N_("No. %(number)s of %(date)s"), {"number": "number", "date": "date"}
)
PARTIES = (
    para(
        N_("Creditor: %(name)s, tax id %(tax_id)s"), name="creditor.name", tax_id="creditor.tax_id"
    ),
    para(N_("Debtor: %(name)s, tax id %(tax_id)s"), name="debtor.name", tax_id="debtor.tax_id"),
    para(N_("Address: %(address)s"), when="debtor.address", address="debtor.address"),
)
DOC_COLUMNS = (
    (N_("Document"), "label", False),
    (N_("Date"), "date", False),
    (N_("Due date"), "due", False),
    (N_("Amount"), "amount", True),
    (N_("Paid"), "paid", True),
    (N_("Outstanding"), "open", True),
)
CREDITOR_SIGNS = Block("signatures", both_sides=False)
BOTH_SIGN = Block("signatures", both_sides=True)

LAYOUTS: dict[str, tuple[Block, ...]] = {
    "pretension": (
        title(N_("PRETENSION (PRE-TRIAL CLAIM)")),
        NUMBER_DATE,
        *PARTIES,
        para(
            N_(
                "Under contract No. %(number)s of %(date)s, %(creditor)s supplied goods (works, "
                "services) to %(debtor)s that have not been paid on time:"
            ),
            when="contract",
            number="contract.number",
            date="contract.date",
            creditor="creditor.name",
            debtor="debtor.name",
        ),
        para(
            N_(
                "%(creditor)s supplied goods (works, services) to %(debtor)s that have not been "
                "paid on time:"
            ),
            unless="contract",
            creditor="creditor.name",
            debtor="debtor.name",
        ),
        Block("table", columns=DOC_COLUMNS, rows="items"),
        para(
            N_("The outstanding principal is %(amount)s %(currency)s (%(words)s)."),
            amount="principal",
            currency="currency",
            words="principal_words",
        ),
        para(
            N_("%(rule)s up to %(to)s: %(amount)s %(currency)s; the calculation is attached."),
            rule="calc.rule_label",
            to="calc.to",
            amount="calc.total",
            currency="currency",
        ),
        para(
            N_("Fixed compensation for recovery costs: %(amount)s %(currency)s."),
            when="calc.compensation",
            amount="calc.compensation",
            currency="currency",
        ),
        para(
            N_("Total claim: %(amount)s %(currency)s (%(words)s)."),
            bold=True,
            amount="claim_total",
            currency="currency",
            words="claim_total_words",
        ),
        para(
            N_(
                "We demand that you pay the total claim within %(days)s days of this letter, by "
                "%(deadline)s. Otherwise we will go to court to recover the debt, the penalty or "
                "interest and the legal costs, including the state fee."
            ),
            days="deadline_days",
            deadline="deadline",
        ),
        CREDITOR_SIGNS,
        Block("pagebreak"),
        heading(N_("Appendix to the pretension No. %(number)s: calculation"), number="number"),
        para("%(rule)s", rule="calc.rule_label"),
        Block(
            "table",
            columns=(
                (N_("Document"), "item", False),
                (N_("Component"), "component", False),
                (N_("From"), "start", False),
                (N_("To"), "end", False),
                (N_("Days"), "days", True),
                (N_("Base"), "base", True),
                (N_("Rate"), "rate", True),
                (N_("Year"), "year_basis", True),
                (N_("Amount"), "amount", True),
            ),
            rows="calc.lines",
            foot=((N_("Total"), {"amount": "calc.total"}),),
        ),
    ),
    "reconciliation": (
        title(N_("RECONCILIATION STATEMENT")),
        para(
            N_(
                "of mutual settlements between %(creditor)s and %(debtor)s for the period from "
                "%(start)s to %(end)s"
            ),
            creditor="creditor.name",
            debtor="debtor.name",
            start="start",
            end="end",
        ),
        NUMBER_DATE,
        para(
            N_("According to the records of %(creditor)s, in %(currency)s:"),
            creditor="creditor.name",
            currency="currency",
        ),
        Block(
            "table",
            columns=(
                (N_("Date"), "date", False),
                (N_("Document"), "label", False),
                (N_("Debit"), "debit", True),
                (N_("Credit"), "credit", True),
            ),
            rows="rows",
            head=((N_("Opening balance"), {"debit": "opening_debit", "credit": "opening_credit"}),),
            foot=(
                (
                    N_("Turnover for the period"),
                    {"debit": "debit_turnover", "credit": "credit_turnover"},
                ),
                (N_("Closing balance"), {"debit": "closing_debit", "credit": "closing_credit"}),
            ),
        ),
        para(
            N_("As of %(end)s: %(in_favour)s, %(amount)s %(currency)s (%(words)s)."),
            bold=True,
            end="end",
            in_favour="in_favour",
            amount="closing",
            currency="currency",
            words="closing_words",
        ),
        para(
            N_(
                "Please sign this statement and return a copy to us, or send us your "
                "objections, within 10 days of receiving it."
            )
        ),
        BOTH_SIGN,
    ),
    "statement": (
        title(N_("STATEMENT OF ACCOUNT")),
        NUMBER_DATE,
        *PARTIES,
        para(
            N_("Open documents as of %(as_of)s, in %(currency)s:"),
            as_of="as_of",
            currency="currency",
        ),
        Block(
            "table",
            columns=(*DOC_COLUMNS, (N_("Days overdue"), "days_late", True)),
            rows="rows",
            foot=((N_("Total"), {"open": "total"}),),
        ),
        para(
            N_(
                "Total outstanding: %(amount)s %(currency)s (%(words)s), of which overdue: "
                "%(overdue)s %(currency)s."
            ),
            bold=True,
            amount="total",
            currency="currency",
            words="total_words",
            overdue="overdue",
        ),
        para(N_("Please check this statement against your records and pay the overdue amount.")),
        CREDITOR_SIGNS,
    ),
    "final_warning": (
        title(N_("FINAL WARNING")),
        NUMBER_DATE,
        *PARTIES,
        para(N_("Despite our earlier reminders, the following documents remain unpaid:")),
        Block(
            "table", columns=(*DOC_COLUMNS, (N_("Days overdue"), "days_late", True)), rows="rows"
        ),
        para(
            N_("The overdue debt is %(amount)s %(currency)s (%(words)s)."),
            bold=True,
            amount="overdue",
            currency="currency",
            words="overdue_words",
        ),
        para(
            N_(
                "This is our final request before legal action. Unless the debt is paid within "
                "%(days)s days, by %(deadline)s, we will hand the matter to our lawyers, send a "
                "formal pretension, claim the penalty or statutory interest and go to court."
            ),
            days="deadline_days",
            deadline="deadline",
        ),
        para(
            N_(
                "If you believe this request is wrong, or you wish to agree a repayment "
                "schedule, contact us before that date."
            )
        ),
        CREDITOR_SIGNS,
    ),
    "schedule": (
        title(N_("REPAYMENT-SCHEDULE AGREEMENT")),
        NUMBER_DATE,
        *PARTIES,
        para(
            N_(
                "%(debtor)s (the Debtor) acknowledges its debt to %(creditor)s (the Creditor) of "
                "%(amount)s %(currency)s (%(words)s) and undertakes to pay it in the following "
                "instalments:"
            ),
            debtor="debtor.name",
            creditor="creditor.name",
            amount="total",
            currency="currency",
            words="total_words",
        ),
        Block(
            "table",
            columns=(
                (N_("No."), "n", False),
                (N_("Due date"), "due", False),
                (N_("Amount"), "amount", True),
            ),
            rows="instalments",
            foot=((N_("Total"), {"amount": "total"}),),
        ),
        para(
            N_("The debt arises under contract No. %(number)s of %(date)s."),
            when="contract",
            number="contract.number",
            date="contract.date",
        ),
        para(
            N_(
                "If an instalment is not paid in full on its due date, the whole remaining debt "
                "becomes due at once and the Creditor may claim it together with the penalty or "
                "statutory interest."
            )
        ),
        BOTH_SIGN,
    ),
    "protocol": (
        title(N_("MEETING PROTOCOL")),
        NUMBER_DATE,
        para(
            N_("Meeting between %(creditor)s and %(debtor)s on %(meeting_date)s, %(place)s."),
            creditor="creditor.name",
            debtor="debtor.name",
            meeting_date="meeting_date",
            place="place",
        ),
        para(
            N_(
                "Debt on the day of the meeting: %(amount)s %(currency)s (%(words)s), of which "
                "overdue: %(overdue)s %(currency)s."
            ),
            amount="total",
            currency="currency",
            words="total_words",
            overdue="overdue",
        ),
        heading(N_("Participants")),
        Block("bullets", rows="participants"),
        heading(N_("Agreed")),
        Block("bullets", rows="agreed"),
        heading(N_("Next steps")),
        Block("bullets", rows="next_steps"),
        BOTH_SIGN,
    ),
}

SIGN_CREDITOR = N_("For the creditor")
SIGN_DEBTOR = N_("For the debtor")
SIGN_LINE = "_______________ / _______________"


def lookup(data: Mapping[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return ""
        value = value.get(part, "")
    return value


def _fill(text: str, fields: Mapping[str, str], data: Mapping[str, Any]) -> str:
    translated = gettext(text) if text else ""
    return translated % {name: lookup(data, path) for name, path in fields.items()}


def _table(block: Block, data: Mapping[str, Any]) -> dict[str, Any]:
    keys = [key for _h, key, _n in block.columns]
    numeric = [numeric for _h, _k, numeric in block.columns]

    def extra(label: str, cells: Mapping[str, str]) -> list[tuple[str, bool]]:
        row = [str(lookup(data, cells[key])) if key in cells else "" for key in keys]
        row[0] = gettext(label)
        return list(zip(row, numeric, strict=True))

    rows = lookup(data, block.rows) or []
    return {
        "columns": [(gettext(h), n) for h, _k, n in block.columns],
        "head": [extra(label, cells) for label, cells in block.head],
        "rows": [
            list(zip([str(row.get(key, "")) for key in keys], numeric, strict=True)) for row in rows
        ],
        "foot": [extra(label, cells) for label, cells in block.foot],
    }


def resolve(kind: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The blocks of `kind` with texts translated (in the active language) and filled in."""
    out: list[dict[str, Any]] = []
    for block in LAYOUTS[kind]:
        if block.when and not lookup(data, block.when):
            continue
        if block.unless and lookup(data, block.unless):
            continue
        item: dict[str, Any] = {"kind": block.kind, "bold": block.bold}
        if block.kind in {"title", "subtitle", "para", "heading"}:
            item["text"] = _fill(block.text, block.fields, data)
        elif block.kind == "table":
            item.update(_table(block, data))
        elif block.kind == "bullets":
            item["items"] = [str(x) for x in lookup(data, block.rows) or []]
        elif block.kind == "signatures":
            item["sides"] = [(gettext(SIGN_CREDITOR), lookup(data, "creditor.name"))]
            if block.both_sides:
                item["sides"].append((gettext(SIGN_DEBTOR), lookup(data, "debtor.name")))
            item["line"] = SIGN_LINE
        out.append(item)
    return out
