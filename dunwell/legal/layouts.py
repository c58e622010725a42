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

# Marked with `_` (gettext_noop) so makemessages collects them; translated when rendered.
from django.utils.translation import gettext_noop as _

from dunwell.legal.i18n import doc_gettext as gettext

# Marked now, translated by doc_gettext at render time; makemessages collects pgettext_lazy
# (it has no keyword for pgettext_noop).
from dunwell.legal.i18n import pgettext_noop as pgettext_lazy


@dataclass(frozen=True)
class Block:
    kind: str  # title, subtitle, para, heading, table, bullets, signatures, pagebreak, group
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
    # each: the blocks repeated for every element of `rows`, which they name as "g."
    children: tuple[Block, ...] = ()
    # group: its blocks printed on one page (the PDF moves them to the next rather than split)
    keep: bool = False


EACH_VAR = "g"


def each(rows: str, *children: Block) -> Block:
    return Block("each", rows=rows, children=children)


def group(*children: Block, when: str = "", unless: str = "", keep: bool = False) -> Block:
    """Blocks shown or hidden together; with `keep`, printed on one page."""
    return Block("group", when=when, unless=unless, children=children, keep=keep)


def title(text: str) -> Block:
    return Block("title", text)


def para(text: str, when: str = "", unless: str = "", bold: bool = False, **fields: str) -> Block:
    return Block("para", text, fields, when=when, unless=unless, bold=bold)


def heading(text: str, **fields: str) -> Block:
    return Block("heading", text, fields)


def _section(text: str, rows: str) -> tuple[Block, ...]:
    """A heading and its list, both left out when the list `rows` is empty."""
    return Block("heading", text, when=rows), Block("bullets", rows=rows, when=rows)


# Left out without a number: a statement or reconciliation made to go with a letter is not
# registered among the legal documents ("No.  of 07.12.2026" read as a blank form's line); its
# day is in what it lists ("Unpaid documents as of …").
NUMBER_DATE = Block(
    "subtitle", _("No. %(number)s of %(date)s"), {"number": "number", "date": "date"}, when="number"
)


def _party(
    with_tax_id: str, without: str, who: str, *, registration: bool = False
) -> tuple[Block, ...]:
    """A party's lines: its name with its tax id (the tax id only when there is one: "tax id"
    with nothing after it read as a blank form), its registration number (`registration`) and
    its address when known. `who` is its path in the snapshot ("creditor", "debtor")."""
    blocks = [
        para(with_tax_id, when=f"{who}.tax_id", name=f"{who}.name", tax_id=f"{who}.tax_id"),
        para(without, unless=f"{who}.tax_id", name=f"{who}.name"),
    ]
    if registration:
        blocks.append(
            para(
                _("Registration number: %(number)s"),
                when=f"{who}.registration_number",
                number=f"{who}.registration_number",
            )
        )
    blocks.append(para(_("Address: %(address)s"), when=f"{who}.address", address=f"{who}.address"))
    return tuple(blocks)


PARTIES = (
    *_party(
        _("Creditor: %(name)s, tax id %(tax_id)s"),
        _("Creditor: %(name)s"),
        "creditor",
        registration=True,
    ),
    *_party(_("Debtor: %(name)s, tax id %(tax_id)s"), _("Debtor: %(name)s"), "debtor"),
)
DOC_COLUMNS = (
    (_("Document"), "label", False),
    (_("Date"), "date", False),
    (_("Due date"), "due", False),
    (_("Amount"), "amount", True),
    (_("Paid"), "paid", True),
    (_("Outstanding"), "open", True),
)
# Where to pay: a claim that does not say it lets the debtor argue it did not know where.
# `creditor.payment` is in the snapshot only when the company has a bank account: the account
# of the document's currency (ledger.requisites.account_for).
# The creditor's account, bank and bank code: the payment details' and the plaintiff's.


def _bank_lines(path: str, account: str) -> tuple[Block, ...]:
    return (
        para(account, when=path, account=f"{path}.account", currency=f"{path}.currency"),
        para(_("Bank: %(bank)s"), when=f"{path}.bank", bank=f"{path}.bank"),
        # The code under the name of its kind, which reads the same in every language ("SWIFT
        # (BIC)", "БИК", "МФО": ledger.requisites.bank_code_name); a national code of another
        # kind, and a letter made before the kind was in the snapshot, under "Bank code".
        para(
            "%(kind)s: %(code)s",
            when=f"{path}.code_kind",
            kind=f"{path}.code_kind",
            code=f"{path}.code",
        ),
        para(
            _("Bank code: %(code)s"),
            when=f"{path}.code",
            unless=f"{path}.code_kind",
            code=f"{path}.code",
        ),
    )


BANK_LINES = (
    # One account for the whole document (and every snapshot made before `payments`)...
    group(
        *_bank_lines("creditor.payment", _("Bank account: %(account)s")),
        unless="creditor.payments",
    ),
    # ...or, when its amounts in several currencies are paid to different accounts, each
    # account under its currency: a debtor must not pay the EUR into the lei account.
    each(
        "creditor.payments",
        *_bank_lines(EACH_VAR, _("Bank account in %(currency)s: %(account)s")),
    ),
)
# On one page: split, the heading and the recipient ended a page and the account or the bank
# code began the next, and the debtor copying the details read half of them.
PAYMENT_DETAILS = (
    group(
        Block("heading", _("Payment details"), when="creditor.payment"),
        para(
            _("Recipient: %(name)s, tax id %(tax_id)s"),
            when="creditor.payment",
            name="creditor.name",
            tax_id="creditor.tax_id",
        ),
        *BANK_LINES,
        keep=True,
    ),
)
# The claim itself, per contract and currency: the pretension's and the statement of claim's.
CLAIM_BODY = (
    para(
        _(
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
        _(
            "%(creditor)s supplied goods (works, services) to %(debtor)s that have not been "
            "paid on time:"
        ),
        unless="contract",
        creditor="creditor.name",
        debtor="debtor.name",
    ),
    each(
        "groups",
        heading("%(label)s", label="g.label"),
        Block("table", columns=DOC_COLUMNS, rows="g.documents"),
        para(
            _("Excluded from this claim while they are disputed:"),
            when="g.excluded",
        ),
        Block("table", columns=DOC_COLUMNS, rows="g.excluded", when="g.excluded"),
        para(
            _("The outstanding principal is %(amount)s %(currency)s (%(words)s)."),
            amount="g.principal",
            currency="g.currency",
            words="g.principal_words",
        ),
        para(
            _("%(rule)s up to %(to)s: %(amount)s %(currency)s; the calculation is attached."),
            when="g.calc.lines",  # none yet (say, within a grace period): nothing to attach
            rule="g.calc.rule_label",
            to="g.calc.to",
            amount="g.calc.total",
            currency="g.currency",
        ),
        para(
            _("Fixed compensation for recovery costs: %(amount)s %(currency)s."),
            when="g.calc.compensation",
            amount="g.calc.compensation",
            currency="g.calc.compensation_currency",
        ),
        para(
            _("Claimed in this part: %(amount)s %(currency)s (%(words)s)."),
            when="several",
            amount="g.claim_total",
            currency="g.currency",
            words="g.claim_total_words",
        ),
    ),
)
# The calculation of each block that has one, for the appendix.
CALCULATIONS = each(
    "groups",
    Block("heading", "%(label)s", {"label": "g.label"}, when="g.calc.lines"),
    para("%(rule)s", when="g.calc.lines", rule="g.calc.rule_label"),
    Block(
        "table",
        when="g.calc.lines",
        columns=(
            (_("Document"), "item", False),
            (_("Component"), "component", False),
            (_("From"), "start", False),
            (_("To"), "end", False),
            (pgettext_lazy("count of days", "Days"), "days", True),
            (_("Base"), "base", True),
            (_("Rate"), "rate", True),
            (pgettext_lazy("day count basis", "Year"), "year_basis", True),
            (_("Amount"), "amount", True),
        ),
        rows="g.calc.lines",
        foot=((_("Total"), {"amount": "g.calc.total"}),),
    ),
)
CREDITOR_SIGNS = Block("signatures", both_sides=False)
BOTH_SIGN = Block("signatures", both_sides=True)

LAYOUTS: dict[str, tuple[Block, ...]] = {
    "pretension": (
        title(_("PRETENSION (PRE-TRIAL CLAIM)")),
        NUMBER_DATE,
        *PARTIES,
        *CLAIM_BODY,
        each(
            "totals",
            para(
                _("Total claim: %(amount)s %(currency)s (%(words)s)."),
                bold=True,
                amount="g.amount",
                currency="g.currency",
                words="g.words",
            ),
        ),
        para(
            _(
                "We demand that you pay the total claim %(within)s of this letter, by "
                "%(deadline)s. Otherwise we will go to court to recover the debt, the penalty or "
                "interest and the legal costs, including the state fee."
            ),
            within="deadline_period",
            deadline="deadline",
        ),
        para("%(note)s", when="periods_note", note="periods_note"),
        *PAYMENT_DETAILS,
        CREDITOR_SIGNS,
        # The appendix: the calculation of each block that has one (snapshots made before
        # `no_calculation` existed keep theirs).
        Block("pagebreak", unless="no_calculation"),
        Block(
            "heading",
            _("Appendix to the pretension No. %(number)s: calculation"),
            {"number": "number"},
            unless="no_calculation",
        ),
        CALCULATIONS,
    ),
    "reconciliation": (
        title(_("RECONCILIATION STATEMENT")),
        para(
            _(
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
            _("According to the records of %(creditor)s, in %(currency)s:"),
            creditor="creditor.name",
            currency="currency",
        ),
        Block(
            "table",
            columns=(
                (_("Date"), "date", False),
                (_("Document"), "label", False),
                (_("Debit"), "debit", True),
                (_("Credit"), "credit", True),
            ),
            rows="rows",
            head=((_("Opening balance"), {"debit": "opening_debit", "credit": "opening_credit"}),),
            foot=(
                (
                    _("Turnover for the period"),
                    {"debit": "debit_turnover", "credit": "credit_turnover"},
                ),
                (_("Closing balance"), {"debit": "closing_debit", "credit": "closing_credit"}),
            ),
        ),
        para(
            _("As of %(end)s: %(in_favour)s, %(amount)s %(currency)s (%(words)s)."),
            bold=True,
            end="end",
            in_favour="in_favour",
            amount="closing",
            currency="currency",
            words="closing_words",
        ),
        para(
            _(
                "Please sign this statement and return a copy to us, or send us your "
                "objections, within 10 days of receiving it."
            )
        ),
        BOTH_SIGN,
    ),
    "statement": (
        title(_("STATEMENT OF ACCOUNT")),
        NUMBER_DATE,
        *PARTIES,
        para(
            _("Open documents as of %(as_of)s, in %(currency)s:"),
            as_of="as_of",
            currency="currency",
        ),
        Block(
            "table",
            columns=(*DOC_COLUMNS, (_("Days overdue"), "days_late", True)),
            rows="rows",
            foot=((_("Total"), {"open": "total"}),),
        ),
        para(
            _(
                "Total outstanding: %(amount)s %(currency)s (%(words)s), of which overdue: "
                "%(overdue)s %(currency)s."
            ),
            bold=True,
            amount="total",
            currency="currency",
            words="total_words",
            overdue="overdue",
        ),
        para(_("Please check this statement against your records and pay the overdue amount.")),
        *PAYMENT_DETAILS,
        CREDITOR_SIGNS,
    ),
    "final_warning": (
        title(_("FINAL WARNING")),
        NUMBER_DATE,
        *PARTIES,
        para(_("Despite our earlier reminders, the following documents remain unpaid:")),
        Block("table", columns=(*DOC_COLUMNS, (_("Days overdue"), "days_late", True)), rows="rows"),
        para(
            _("The overdue debt is %(amount)s %(currency)s (%(words)s)."),
            bold=True,
            amount="overdue",
            currency="currency",
            words="overdue_words",
        ),
        para(
            _(
                "This is our final request before legal action. Unless the debt is paid "
                "%(within)s, by %(deadline)s, we will hand the matter to our lawyers, send a "
                "formal pretension, claim the penalty or statutory interest and go to court."
            ),
            within="deadline_period",
            deadline="deadline",
        ),
        para(
            _(
                "If you believe this request is wrong, or you wish to agree a repayment "
                "schedule, contact us before that date."
            )
        ),
        *PAYMENT_DETAILS,
        CREDITOR_SIGNS,
    ),
    "schedule": (
        title(_("REPAYMENT-SCHEDULE AGREEMENT")),
        NUMBER_DATE,
        *PARTIES,
        para(
            _(
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
                (_("No."), "n", False),
                (_("Due date"), "due", False),
                (_("Amount"), "amount", True),
            ),
            rows="instalments",
            foot=((_("Total"), {"amount": "total"}),),
        ),
        para(
            _("The debt arises under contract No. %(number)s of %(date)s."),
            when="contract",
            number="contract.number",
            date="contract.date",
        ),
        para(
            _(
                "If an instalment is not paid in full on its due date, the whole remaining debt "
                "becomes due at once and the Creditor may claim it together with the penalty or "
                "statutory interest."
            )
        ),
        *PAYMENT_DETAILS,
        BOTH_SIGN,
    ),
    "protocol": (
        title(_("MEETING PROTOCOL")),
        NUMBER_DATE,
        para(
            _("Meeting between %(creditor)s and %(debtor)s on %(meeting_date)s, %(place)s."),
            when="place",
            creditor="creditor.name",
            debtor="debtor.name",
            meeting_date="meeting_date",
            place="place",
        ),
        # no place recorded: no ", ." after the date
        para(
            _("Meeting between %(creditor)s and %(debtor)s on %(meeting_date)s."),
            unless="place",
            creditor="creditor.name",
            debtor="debtor.name",
            meeting_date="meeting_date",
        ),
        # each currency owed on its own line, the agreed one first: never a sum across them
        each(
            "debts",
            para(
                _(
                    "Debt on the day of the meeting: %(amount)s %(currency)s (%(words)s), of "
                    "which overdue: %(overdue)s %(currency)s."
                ),
                amount="g.total",
                currency="g.currency",
                words="g.words",
                overdue="g.overdue",
            ),
        ),
        # a section with nothing in it is left out, its heading too: a heading over nothing
        # reads as a blank to fill in
        *_section(_("Participants"), "participants"),
        *_section(_("Agreed"), "agreed"),
        *_section(_("Next steps"), "next_steps"),
        BOTH_SIGN,
    ),
    # The statement of claim to the court, when the pretension's period has passed unanswered:
    # the parties with the plaintiff's requisites, the claim per contract and currency as the
    # pretension states it, the pre-trial procedure, what the court is asked for (per currency,
    # never added across currencies) and the attachments.
    "court_claim": (
        para(_("To: %(court)s"), when="court", court="court"),
        para(_("To: ________________________________________"), unless="court"),
        *_party(
            _("Plaintiff: %(name)s, tax id %(tax_id)s"),
            _("Plaintiff: %(name)s"),
            "creditor",
            registration=True,
        ),
        *BANK_LINES,
        *_party(_("Defendant: %(name)s, tax id %(tax_id)s"), _("Defendant: %(name)s"), "debtor"),
        each(
            "claims",
            para(
                _("Value of the claim: %(amount)s %(currency)s."),
                amount="g.total",
                currency="g.currency",
            ),
        ),
        each(
            "fees",
            para(
                _("Court fee: %(amount)s %(currency)s (%(rule)s)."),
                when="g.rule",
                amount="g.amount",
                currency="g.currency",
                rule="g.rule",
            ),
            para(
                _("Court fee: %(amount)s %(currency)s."),
                unless="g.rule",
                amount="g.amount",
                currency="g.currency",
            ),
        ),
        title(_("STATEMENT OF CLAIM")),
        Block("subtitle", _("on the recovery of a debt")),
        NUMBER_DATE,
        *CLAIM_BODY,
        para(
            _(
                "The defendant has not paid for the goods (works, services) it received, "
                "although the payment was due; the plaintiff is therefore entitled to recover "
                "the debt together with the penalty or statutory interest for the delay."
            )
        ),
        para(
            _(
                "On %(sent_on)s the plaintiff sent the defendant pretension No. %(number)s of "
                "%(date)s demanding payment of the debt. The period for a response ended on "
                "%(due)s; the debt has not been paid and the pretension has not been answered. "
                "The pre-trial procedure for settling the dispute has been followed."
            ),
            when="pretension.number",
            sent_on="pretension.sent_on",
            number="pretension.number",
            date="pretension.date",
            due="pretension.response_due",
        ),
        # sent, but no letter of Dunwell's dated by then (made elsewhere): no "No.  of "
        para(
            _(
                "On %(sent_on)s the plaintiff sent the defendant a pretension demanding payment "
                "of the debt. The period for a response ended on %(due)s; the debt has not been "
                "paid and the pretension has not been answered. The pre-trial procedure for "
                "settling the dispute has been followed."
            ),
            when="pretension.unnumbered",
            sent_on="pretension.sent_on",
            due="pretension.response_due",
        ),
        heading(_("On these grounds, the plaintiff asks the court:")),
        each(
            "claims",
            para(
                _(
                    "to recover from %(debtor)s in favour of %(creditor)s %(total)s %(currency)s "
                    "(%(words)s), of which %(principal)s %(currency)s of principal debt and "
                    "%(interest)s %(currency)s of penalty (interest);"
                ),
                when="g.interest",
                debtor="debtor.name",
                creditor="creditor.name",
                total="g.total",
                words="g.words",
                principal="g.principal",
                interest="g.interest",
                currency="g.currency",
            ),
            para(
                _(
                    "to recover from %(debtor)s in favour of %(creditor)s %(total)s %(currency)s "
                    "(%(words)s) of principal debt;"
                ),
                when="g.principal_only",
                debtor="debtor.name",
                creditor="creditor.name",
                total="g.total",
                words="g.words",
                currency="g.currency",
            ),
            # a currency claimed only for the fixed EUR 40 compensation of another block
            para(
                _(
                    "to recover from %(debtor)s in favour of %(creditor)s %(total)s %(currency)s "
                    "(%(words)s) of fixed compensation for recovery costs;"
                ),
                when="g.compensation_only",
                debtor="debtor.name",
                creditor="creditor.name",
                total="g.total",
                words="g.words",
                currency="g.currency",
            ),
        ),
        each(
            "fees",
            para(
                _(
                    "to recover from %(debtor)s the court fee paid by the plaintiff, %(amount)s "
                    "%(currency)s."
                ),
                debtor="debtor.name",
                amount="g.amount",
                currency="g.currency",
            ),
        ),
        para(
            _("to recover from %(debtor)s the court fee paid by the plaintiff."),
            unless="fees",
            debtor="debtor.name",
        ),
        heading(_("Attachments:")),
        Block("bullets", rows="attachments"),
        Block("signatures", _("For the plaintiff"), both_sides=False),
        Block("pagebreak", unless="no_calculation"),
        Block(
            "heading",
            _("Appendix to the statement of claim No. %(number)s: calculation"),
            {"number": "number"},
            unless="no_calculation",
        ),
        CALCULATIONS,
    ),
}

SIGN_CREDITOR = _("For the creditor")
SIGN_DEBTOR = _("For the debtor")
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


def _resolve(blocks: tuple[Block, ...], data: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.when and not lookup(data, block.when):
            continue
        if block.unless and lookup(data, block.unless):
            continue
        if block.kind == "each":
            for element in lookup(data, block.rows) or []:
                out.extend(_resolve(block.children, {**data, EACH_VAR: element}))
            continue
        if block.kind == "group":
            children = _resolve(block.children, data)
            if block.keep and children:
                out.append({"kind": "keep", "blocks": children})
            else:
                out.extend(children)
            continue
        item: dict[str, Any] = {"kind": block.kind, "bold": block.bold}
        if block.kind in {"title", "subtitle", "para", "heading"}:
            item["text"] = _fill(block.text, block.fields, data)
        elif block.kind == "table":
            item.update(_table(block, data))
        elif block.kind == "bullets":
            item["items"] = [str(x) for x in lookup(data, block.rows) or []]
        elif block.kind == "signatures":
            # the creditor's side, under the block's own label when it has one ("For the
            # plaintiff" on a statement of claim)
            label = gettext(block.text or SIGN_CREDITOR)
            item["sides"] = [(label, lookup(data, "creditor.name"))]
            if block.both_sides:
                item["sides"].append((gettext(SIGN_DEBTOR), lookup(data, "debtor.name")))
            item["line"] = SIGN_LINE
        out.append(item)
    return out


def resolve(kind: str, data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The blocks of `kind` with texts translated (in the active language) and filled in."""
    return _resolve(LAYOUTS[kind], data)
