"""The receivables ledger: what accounting says we are owed, by whom, under which contract.

Every hot table carries `company` and `counterparty` so that queries filter or group by
counterparty (the distribution key on the scale-out path, DESIGN §2).
Open amounts are kept on the row (`Document.open_amount`, `Payment.unallocated`) and changed
only by the allocation service in the same transaction as the allocations, so the invariants
(allocations never exceed the payment, open amounts never negative) hold at every commit;
database CHECK constraints enforce them too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django_stubs_ext import StrOrPromise

from dunwell.dbindex import index_when_set
from dunwell.ledger.requisites import (
    RequisiteError,
    check_bank_code_fits_account,
    normalize_bank_account,
    normalize_bank_code,
    validate_bank_account,
    validate_bank_code,
)
from dunwell.names import localized


def money_field(verbose_name: StrOrPromise, **options: Any) -> models.DecimalField:
    """An amount of money: Decimal with cents; the currency lives in a sibling field."""
    return models.DecimalField(verbose_name, max_digits=18, decimal_places=2, **options)


# The language of a country's documents (letters, committee minutes) when nothing more
# specific is known.
COUNTRY_LANGUAGES = {"RU": "ru", "UA": "uk", "RO": "ro", "MD": "ro", "BY": "ru", "KZ": "ru"}


class Company(models.Model):
    """One of our own legal entities (the creditor)."""

    # With its own context: the bare msgid "name" is a person's name in Django's own
    # catalogs, which win the merge ("Nume", "Имя" for a company).
    name = models.CharField(pgettext_lazy("organization", "name"), max_length=255)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    currency = models.CharField(_("currency"), max_length=3)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    calendar_country = models.CharField(
        _("working calendar country"), max_length=2, help_text=_("ISO 3166 code")
    )
    code = models.SlugField(_("code"), max_length=32, unique=True)
    # The requisites a letter prints so that the debtor knows whom and where to pay.
    legal_address = models.CharField(_("legal address"), max_length=500, blank=True)
    # One field for the national register's number: ОГРН, ЄДРПОУ, IDNO, Nr. Reg. Com.
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    # Where to pay: the company's bank accounts, one per currency (BankAccount).

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    @property
    def language(self) -> str:
        """The language of the company's own documents: its country's, or "" when unknown."""
        return COUNTRY_LANGUAGES.get(self.country.upper(), "")


class BankAccount(models.Model):
    """One of our company's bank accounts: a document asking for money in a currency prints
    the account of that currency (ledger.requisites.account_for), so that a debtor owing EUR
    is not sent to the lei account. At most one is printed per currency (`is_default`)."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="bank_accounts", verbose_name=_("company")
    )
    currency = models.CharField(_("currency"), max_length=3)
    bank_name = models.CharField(_("bank"), max_length=255, blank=True)
    account = models.CharField(_("bank account"), max_length=34, validators=[validate_bank_account])
    bank_code = models.CharField(
        _("bank code"), max_length=11, blank=True, validators=[validate_bank_code]
    )
    is_default = models.BooleanField(_("printed on the documents in its currency"), default=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ("currency", "-is_default", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("company", "currency"),
                condition=models.Q(is_default=True),
                name="one_default_bank_account_per_currency",
            ),
            models.UniqueConstraint(
                fields=("company", "account"), name="bank_account_once_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.account}"

    def clean(self) -> None:
        """The admin's form: the bank code of the account's country, as the bank accounts page
        checks it (ledger.services.clean_requisites)."""
        try:
            account = normalize_bank_account(self.account)
            code = normalize_bank_code(self.bank_code)
        except RequisiteError:
            return  # said on the field by its validator
        try:
            check_bank_code_fits_account(account, code)
        except RequisiteError as exc:
            raise ValidationError({exc.field: exc.message}) from None


class NonWorkingDay(models.Model):
    """A company's own closed day, on top of the country's public holidays."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="closed_days", verbose_name=_("company")
    )
    day = models.DateField(_("day"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("non-working day")
        verbose_name_plural = _("non-working days")
        constraints = [models.UniqueConstraint(fields=["company", "day"], name="uniq_closed_day")]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.note}".strip()


class Segment(models.Model):
    """Customer segment (key / standard / new / …): picks the collection strategy."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    names = models.JSONField(
        _("name in other languages"), default=dict, blank=True, help_text='{"ru": "…", "uk": "…"}'
    )

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self.names, self.name)


class Counterparty(models.Model):
    """A customer who owes us (the debtor)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="counterparties", verbose_name=_("company")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    # With its own context: the bare msgid "name" is a person's name in Django's own
    # catalogs, which win the merge ("Nume", "Имя" for a company).
    name = models.CharField(pgettext_lazy("organization", "name"), max_length=255)
    tax_id = models.CharField(_("tax id"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    segment = models.ForeignKey(
        Segment, verbose_name=_("segment"), on_delete=models.PROTECT, related_name="+"
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible collector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="collected_counterparties",
    )
    sales_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible sales manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sold_counterparties",
    )
    stop_shipments = models.BooleanField(_("shipments stopped"), default=False)
    legal = models.BooleanField(_("on the legal track"), default=False)
    written_off = models.BooleanField(_("written off"), default=False)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("counterparty")
        verbose_name_plural = _("counterparties")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "external_id"], name="uniq_counterparty_external"
            )
        ]
        # (the collector's lookups use the foreign key's own index: a second one on the same
        # column was dropped by migration 0021)
        indexes = [models.Index(fields=["tax_id"])]

    def __str__(self) -> str:
        return self.name


class ContactRole(models.TextChoices):
    ORDERS = "orders", _("Orders goods")
    ACCEPTS = "accepts", _("Accepts goods")
    ACCOUNTANT = "accountant", _("Accountant")
    DECIDES_PAYMENTS = "decides_payments", _("Decides payments")
    SIGNS = "signs", _("Signs documents")


class Contact(models.Model):
    """A person at a counterparty; roles say whom to ask for what (DESIGN §1.5)."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("counterparty"),
    )
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=255)
    position = models.CharField(_("position"), max_length=255, blank=True)
    orders = models.BooleanField(_("orders goods"), default=False)
    accepts = models.BooleanField(_("accepts goods"), default=False)
    accountant = models.BooleanField(_("accountant"), default=False)
    decides_payments = models.BooleanField(_("decides payments"), default=False)
    signs = models.BooleanField(_("signs documents"), default=False)
    phone = models.CharField(_("phone (E.164)"), max_length=20, blank=True)
    phone_alt = models.CharField(_("second phone (E.164)"), max_length=20, blank=True)
    # The extension to ask the switchboard for ("069 12 34 56 ext. 12"): the phone is dialled
    # without it (tel: links and the PBX take the main number), the card shows it to ask for.
    phone_ext = models.CharField(
        _("phone extension"), max_length=10, blank=True, default="", db_default=""
    )
    phone_alt_ext = models.CharField(
        _("second phone's extension"), max_length=10, blank=True, default="", db_default=""
    )
    email = models.EmailField(_("email"), blank=True)
    # The address bounced or was refused for good (mail channel): not used until corrected.
    email_bad_at = models.DateTimeField(_("email refused at"), null=True, blank=True)
    email_bad_reason = models.CharField(
        _("why the email was refused"), max_length=500, blank=True, default="", db_default=""
    )
    # The contact asked not to be written to by email (mailings respect it).
    email_opt_out = models.BooleanField(_("no emails"), default=False, db_default=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    abusive = models.BooleanField(_("flagged abusive"), default=False)
    # "No longer works there": kept (calls and promises keep their names), not offered to call.
    # The import does not carry it, so a re-import leaves it as the collector set it.
    active = models.BooleanField(_("works there"), default=True, db_default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["counterparty", "external_id"],
                condition=~Q(external_id=""),
                name="uniq_contact_external",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def roles(self) -> list[str]:
        return [role.value for role in ContactRole if getattr(self, role.value)]


class TermsDayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    BANKING = "banking", _("banking days")


class TermsFrom(models.TextChoices):
    DOCUMENT = "document", _("from the document date")
    ACCEPTANCE = "acceptance", _("from acceptance")


class RatePeriod(models.TextChoices):
    DAY = "day", _("per day")
    YEAR = "year", _("per year")


class Contract(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("company")
    )
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="contracts",
        verbose_name=_("counterparty"),
    )
    external_id = models.CharField(_("external id"), max_length=64)
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    payment_days = models.PositiveIntegerField(_("payment term, days"), default=0)
    payment_day_kind = models.CharField(
        _("payment term counted in"),
        max_length=8,
        choices=TermsDayKind.choices,
        default=TermsDayKind.CALENDAR,
    )
    payment_from = models.CharField(
        _("payment term runs"), max_length=10, choices=TermsFrom.choices, default=TermsFrom.DOCUMENT
    )
    prepayment_percent = models.DecimalField(
        _("prepayment, %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    prepayment_days = models.PositiveIntegerField(_("prepayment term, days"), default=0)
    credit_limit = money_field(_("credit limit"), null=True, blank=True)
    penalty_rate = models.DecimalField(
        _("penalty rate, %"), max_digits=9, decimal_places=4, null=True, blank=True
    )
    penalty_period = models.CharField(
        _("penalty rate period"), max_length=4, choices=RatePeriod.choices, default=RatePeriod.DAY
    )
    penalty_cap_percent = models.DecimalField(
        # xgettext:no-python-format
        _("penalty cap, % of the debt"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    penalty_from_day = models.PositiveIntegerField(
        _("penalty accrues from day"),
        default=1,
        help_text=_("1 = the day after the due date"),
    )
    pretension_days = models.PositiveIntegerField(_("pretension (claim) period, days"), default=30)
    claims_days = models.PositiveIntegerField(
        _("acceptance/claims period, days"), null=True, blank=True
    )
    governing_law = models.CharField(_("governing law country"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "external_id"], name="uniq_contract_external"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d.%m.%Y})"

    def payment_terms_text(self) -> str:
        """ "20 banking days from the document date", with the plural the language needs."""
        n = self.payment_days
        if self.payment_day_kind == TermsDayKind.BANKING:
            days = ngettext("%(n)s banking day", "%(n)s banking days", n) % {"n": n}
        else:
            days = ngettext("%(n)s calendar day", "%(n)s calendar days", n) % {"n": n}
        return f"{days} {self.get_payment_from_display()}"


class ContractInstalment(models.Model):
    """A contractual payment schedule line (expected cash for the forecast)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("contract")
    )
    due_date = models.DateField(_("due date"))
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("contract instalment")
        verbose_name_plural = _("contract instalments")
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.due_date:%d.%m.%Y} {self.amount}"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    SHIPMENT = "shipment", _("Shipment / delivery note")
    ACT = "act", _("Act of services")


class Document(models.Model):
    """A receivable: an invoice, shipment or act the counterparty must pay."""

    # No index of its own: the unique (company, external_id) index starts with it. No
    # foreign-key constraint either: the company is the counterparty's (the import resolves a
    # counterparty within the row's company, the services refuse another's), and the
    # counterparty's constraint protects it. A million-row import then makes one check per
    # row fewer (issue 15). Deleting the company is still refused while it has documents.
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="documents",
        db_index=False,
        db_constraint=False,
        verbose_name=_("company"),
    )
    # No index of its own: (counterparty, due_date) below starts with it.
    # The counterparty and the contract are checked once per statement, not once per row
    # (`dunwell/dbkeys.py`, migration 0025): the same guarantees as a foreign-key constraint;
    # a plain insert of 1M documents took 14.0 s instead of 19.3 s.
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="documents",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterparty"),
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        db_constraint=False,
        verbose_name=_("contract"),
    )
    external_id = models.CharField(_("external id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=DocumentKind.choices)
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    accepted = models.BooleanField(_("accepted"), default=False)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    open_amount = money_field(_("open amount"))
    # Cancelled in accounting (deleted, marked for deletion or un-posted): kept for the record,
    # owes nothing (the allocation sets its open amount to 0 and gives it no payment).
    cancelled = models.BooleanField(_("cancelled in accounting"), default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "external_id"], name="uniq_document_external"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="document_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(open_amount__gte=0) & Q(open_amount__lte=F("amount")),
                name="document_open_within_amount",
            ),
        ]
        # No (counterparty, due date) index over every document (issue 15, migration 0027):
        # the reads by debtor and due date are of open documents (`document_open_by_debtor`
        # below). Each imported document and each change of an open amount was one more entry
        # in it.
        indexes = [
            # A debtor's documents of any state, and the credit check's first document day
            # (`MIN(date)`). Made by credit/0003 with plain SQL; declared here so that SQLite's
            # table rebuilds keep it.
            models.Index(fields=["counterparty", "date"], name="credit_document_first_day"),
            # The open documents by due day, with what the KPIs and aging of the day read of
            # them, from the index alone (PostgreSQL; docs/metrics.md).
            models.Index(
                fields=["company", "due_date"],
                include=["counterparty", "date", "currency", "open_amount"],
                condition=Q(open_amount__gt=0),
                name="document_open_by_due",
            ),
            # Each debtor's open documents with their amount and currency, read from the
            # index alone (PostgreSQL): the debtor list ranks and filters every visible debtor
            # by these (docs/debtor-list.md, bench/RESULTS.md), and the credit check sums a
            # debtor's exposure from them (`cancelled` too, so that no document row is read).
            models.Index(
                fields=["counterparty", "due_date"],
                include=["open_amount", "currency", "cancelled"],
                condition=Q(open_amount__gt=0),
                name="document_open_by_debtor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number} ({self.date:%d.%m.%Y})"


class Payment(models.Model):
    # No indexes of their own: the unique (company, external_id) and the (counterparty, date)
    # indexes start with them. No foreign-key constraint on the company: it is the
    # counterparty's, as for documents.
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
        db_constraint=False,
        verbose_name=_("company"),
    )
    # Counterparty, contract and document are checked once per statement, as for documents
    # (`dunwell/dbkeys.py`, migration 0025).
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="payments",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterparty"),
    )
    contract = models.ForeignKey(
        Contract,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="payments",
        db_constraint=False,
        verbose_name=_("contract"),
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("document named by the source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="named_payments",
        db_constraint=False,
    )
    external_id = models.CharField(_("external id"), max_length=64)
    # The bank document's number (payment order); with the payer and date it identifies a
    # payment in files without ids (docs/import-formats.md, natural keys).
    number = models.CharField(_("number"), max_length=64, blank=True, default="", db_default="")
    date = models.DateField(_("date"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    payer = models.CharField(_("payer"), max_length=255, blank=True)
    unallocated = money_field(_("unallocated credit"))
    # Cancelled in accounting: kept for the record, pays nothing.
    cancelled = models.BooleanField(_("cancelled in accounting"), default=False, db_default=False)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "external_id"], name="uniq_payment_external"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(unallocated__gte=0) & Q(unallocated__lte=F("amount")),
                name="payment_unallocated_within_amount",
            ),
        ]
        indexes = [models.Index(fields=["counterparty", "date"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} {self.date:%d.%m.%Y}"


class OrderStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed, not shipped")
    SHIPPED = "shipped", _("shipped, not invoiced")
    INVOICED = "invoiced", _("invoiced")
    CANCELLED = "cancelled", _("cancelled")


class Order(models.Model):
    """A customer order from the ERP: trade credit promised before any invoice exists.

    Confirmed and shipped orders count in the credit exposure (dunwell/credit/exposure.py) for
    what is not yet invoiced (`amount - invoiced_amount`); a shipment not yet invoiced is an
    order with status `shipped` (docs/credit.md)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="orders")
    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="orders")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    external_id = models.CharField(_("external id"), max_length=64)
    number = models.CharField(_("number"), max_length=64)
    date = models.DateField(_("date"))
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.CONFIRMED
    )
    invoiced_amount = money_field(_("invoiced amount"), default=Decimal("0"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="uniq_order_external"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(invoiced_amount__gte=0) & Q(invoiced_amount__lte=F("amount")),
                name="order_invoiced_within_amount",
            ),
        ]
        # The exposure reads a debtor's confirmed and shipped orders.
        indexes = [models.Index(fields=["counterparty", "status"])]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d.%m.%Y})"

    @property
    def not_invoiced(self) -> Decimal:
        return self.amount - self.invoiced_amount


class DealOutcome(models.TextChoices):
    OPEN = "open", _("open")
    WON = "won", _("won")
    LOST = "lost", _("lost")


# The stages every company starts with (issue 14, item 3): code, English name, names in the
# other languages, default probability (%), usual days on the stage, outcome. A company edits
# its own copy; these are data, not code paths.
DEFAULT_DEAL_STAGES: tuple[tuple[str, str, dict[str, str], int, int, str], ...] = (
    ("lead", "Lead", {"ru": "Лид", "uk": "Лід", "ro": "Prospect"}, 10, 14, "open"),
    (
        "qualified",
        "Qualified",
        {"ru": "Квалифицирована", "uk": "Кваліфікована", "ro": "Calificată"},
        25,
        21,
        "open",
    ),
    (
        "proposal",
        "Proposal sent",
        {"ru": "КП отправлено", "uk": "КП надіслано", "ro": "Ofertă trimisă"},
        50,
        21,
        "open",
    ),
    (
        "negotiation",
        "Negotiation",
        {"ru": "Переговоры", "uk": "Переговори", "ro": "Negociere"},
        75,
        14,
        "open",
    ),
    ("won", "Won", {"ru": "Выиграна", "uk": "Виграна", "ro": "Câștigată"}, 100, 0, "won"),
    ("lost", "Lost", {"ru": "Проиграна", "uk": "Програна", "ro": "Pierdută"}, 0, 0, "lost"),
)


class DealStage(models.Model):
    """A stage of the sales pipeline of one company, with the probability a deal on it is won
    by default and the days a deal usually stays on it (beyond them the deal is "stuck")."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="deal_stages", verbose_name=_("company")
    )
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    names = models.JSONField(
        _("name in other languages"), default=dict, blank=True, help_text='{"ru": "…", "uk": "…"}'
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(_("default probability, %"), default=0)
    usual_days = models.PositiveIntegerField(
        _("usual days on the stage"), default=0, help_text=_("0: never stuck")
    )
    outcome = models.CharField(
        _("outcome"), max_length=4, choices=DealOutcome.choices, default=DealOutcome.OPEN
    )

    class Meta:
        verbose_name = _("deal stage")
        verbose_name_plural = _("deal stages")
        ordering = ["company", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="uniq_deal_stage_code"),
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="deal_stage_probability_lte_100"
            ),
        ]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self.names, self.name)


class Deal(models.Model):
    """A sales deal (issue 14, item 3): cash expected at probability × amount, placed at the
    expected close + the payment terms + the customer's usual delay (insight/forecast.py).

    `probability` empty means the stage's default; `stage_entered_on` restarts whenever the
    deal moves to another stage (ledger/services.py `move_deal`, and the import)."""

    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="deals", verbose_name=_("company")
    )
    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="deals", verbose_name=_("counterparty")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=255, blank=True)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    stage = models.ForeignKey(
        DealStage, on_delete=models.PROTECT, related_name="deals", verbose_name=_("stage")
    )
    stage_entered_on = models.DateField(_("on the stage since"))
    probability = models.PositiveSmallIntegerField(
        _("probability, %"), null=True, blank=True, help_text=_("empty: the stage's default")
    )
    expected_close = models.DateField(_("expected close"))
    payment_days = models.PositiveIntegerField(_("payment terms, days"), default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deals",
        verbose_name=_("owner"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        constraints = [
            models.UniqueConstraint(fields=["company", "external_id"], name="uniq_deal_external"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="deal_amount_gte_0"),
            models.CheckConstraint(
                condition=Q(probability__isnull=True) | Q(probability__lte=100),
                name="deal_probability_lte_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.external_id

    @property
    def effective_probability(self) -> int:
        return self.stage.probability if self.probability is None else self.probability


class Allocation(models.Model):
    """Part of a payment applied to a document. `paid_on` copies the payment date so that
    historic aging ("open as of D") needs no join to payments.
    """

    # No index of their own: uniq_allocation (payment, document), the (document, paid_on) and
    # the counterparty index below start with these columns.
    # No foreign-key constraints (issue 15). Allocations are derived rows: only the allocation
    # engine writes them (dunwell/ledger/allocation.py), from the payments and documents it
    # has just read under its counterparties' locks, and it rewrites them from scratch. A
    # payments import of 791,120 rows wrote 961,319 allocations, each checked against its
    # payment and its document inside the statement (the import checks keys immediately):
    # 1.9M lookups, each locking the row it found. Documents and payments are never deleted
    # by SQL (an import cancels); Django's cascade (`on_delete`) deletes the allocations of a
    # payment, a document or a counterparty deleted through it.
    payment = models.ForeignKey(
        Payment,
        on_delete=models.CASCADE,
        related_name="allocations",
        db_index=False,
        db_constraint=False,
        verbose_name=_("payment"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.CASCADE,
        related_name="allocations",
        db_index=False,
        db_constraint=False,
        verbose_name=_("document"),
    )
    # The counterparty of its payment and of its document (the allocation engine writes it
    # from the payment; a payment pays only documents of its own counterparty). No
    # foreign-key constraint either. Deleting the counterparty still deletes its allocations
    # (Django's cascade).
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterparty"),
    )
    amount = money_field(_("amount"))
    paid_on = models.DateField(_("paid on"))
    explicit = models.BooleanField(_("named by the source"), default=False)
    # Copies of the document's company, currency, date and due date, and whether this is the
    # allocation that closed it (its document is fully paid and this is its last allocation by
    # (paid_on, payment)). The allocation engine writes them with the allocation, so historic
    # aging sums the allocations after a day straight from one index, without joining their
    # documents (issue 15, item 5). No foreign-key constraint on the company: the allocation
    # lives and dies with its document, which protects its company.
    company = models.ForeignKey(
        Company,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("company"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    document_date = models.DateField(_("document date"))
    due_date = models.DateField(_("due date"))
    closes_document = models.BooleanField(_("closed the document"), default=False)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [
            models.UniqueConstraint(fields=["payment", "document"], name="uniq_allocation"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_gt_0"),
        ]
        indexes = [
            models.Index(fields=["document", "paid_on"]),
            models.Index(fields=["counterparty"]),
            # What was paid after a day: a report as of a past day (an index-only scan carrying
            # every column aging needs), or of today (nothing).
            models.Index(
                fields=["paid_on"],
                include=[
                    "counterparty",
                    "company",
                    "currency",
                    "document_date",
                    "due_date",
                    "amount",
                    "closes_document",
                ],
                name="allocation_paid_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.paid_on:%d.%m.%Y}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The allocation engine writes the document's copies in SQL; an allocation saved
        # through the ORM (test fixtures) takes them from its document. Whether it closed the
        # document is only known to whoever writes the open amount: the engine.
        document = self.document
        self.company_id = document.company_id
        self.currency = document.currency
        self.document_date = document.date
        self.due_date = document.due_date
        super().save(*args, **kwargs)


class TimelineEntry(models.Model):
    """Everything that happens to a counterparty (DESIGN §2): who, when, what changed.

    Other apps write here too (tasks, calls, promises, documents generated); `kind` is a dotted
    name such as "ledger.import" or "ladder.task_created", `data` holds what changed.
    """

    # No index of its own: the (counterparty, -at) index below serves every lookup by debtor,
    # and a second one would be written on every entry (imports write one per debtor).
    # Both keys are checked once per statement (`dunwell/dbkeys.py`, migration 0026).
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="timeline",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterparty"),
    )
    at = models.DateTimeField(_("at"), db_index=True)
    # Empty on what imports and the daily run write: indexed only when set.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=64)
    summary = models.TextField(_("what"))
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        indexes = [
            models.Index(fields=["counterparty", "-at"]),
            index_when_set("actor", "ledger_timeline_actor"),
        ]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    @property
    def label(self) -> StrOrPromise:
        """The kind as a reader says it, in the active language ("Task done")."""
        from dunwell.ledger.timeline import kind_label

        return kind_label(self.kind)


class ImportKind(models.TextChoices):
    USERS = "users", _("Users (our staff)")
    COUNTERPARTIES = "counterparties", _("Counterparties")
    CONTACTS = "contacts", _("Contacts")
    CONTRACTS = "contracts", _("Contracts")
    INSTALMENTS = "instalments", _("Contract payment schedules")
    DOCUMENTS = "documents", _("Documents (invoices, shipments, acts)")
    PAYMENTS = "payments", _("Payments")
    ORDERS = "orders", _("Orders (confirmed or shipped, not yet invoiced)")
    DEALS = "deals", _("Sales deals (pipeline)")


class ColumnMapping(models.Model):
    """A saved mapping from a file's headers to our fields, reused for files with the same
    headers (`signature` is a hash of the normalised header row)."""

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    signature = models.CharField(max_length=64, verbose_name=_("header signature"))
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=255, blank=True)
    mapping = models.JSONField(_("mapping"), help_text=_("file header -> field"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "signature"], name="uniq_mapping_signature")
        ]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.signature[:8]}"


class ImportRun(models.Model):
    """One import of one file: its progress (for the progress bar) and its outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("rejected")

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("company")
    )
    file_name = models.CharField(_("file"), max_length=255)
    stored_file = models.FileField(
        upload_to="imports/", blank=True, verbose_name=_("uploaded file")
    )
    partial = models.BooleanField(_("apply valid rows only"), default=False)
    # The CSV encoding the user declared ("": detected; readers.ENCODINGS).
    encoding = models.CharField(_("encoding"), max_length=16, blank=True)
    mapping = models.JSONField(default=dict, blank=True, verbose_name=_("mapping"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    rows_total = models.PositiveIntegerField(default=0, verbose_name=_("rows in the file"))
    rows_done = models.PositiveIntegerField(default=0, verbose_name=_("rows read"))
    created = models.PositiveIntegerField(default=0, verbose_name=_("rows created"))
    updated = models.PositiveIntegerField(default=0, verbose_name=_("rows updated"))
    unchanged = models.PositiveIntegerField(default=0, verbose_name=_("rows unchanged"))
    rejected = models.PositiveIntegerField(default=0, verbose_name=_("rows rejected"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("reasons of rejected rows"))
    rejected_file = models.FileField(
        upload_to="imports/rejected/", blank=True, verbose_name=_("file of rejected rows")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # The last sign of life of the worker running it (claimed, rows read): a run that shows
    # none for a while was abandoned (the worker died), and says so.
    progress_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last progress at"))
    # reasons.failure(...): a code and its parameters, worded for the reader (`failure_text`).
    failure = models.TextField(_("why it failed"), blank=True)

    # The reasons of rejected rows kept on the run (shown on its page); the rejected-rows file
    # has every one.
    REASONS_KEPT = 1000

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def reasons_cut(self) -> bool:
        """Not every reason is kept: the page lists the first ones."""
        return len(self.errors) >= self.REASONS_KEPT

    def failure_text(self) -> str:
        """Why it failed, in the active language (the reader's); a failure kept as text before
        reasons had codes is shown as it was."""
        from dunwell.ledger.importing.reasons import stored_failure

        return stored_failure(self.failure)

    def may_run_again(self) -> bool:
        """Whether running this failed import again, the same file unchanged, can succeed: a
        file rejected only for what it refers to (once that is imported), an import that stopped
        or was abandoned. Not a file rejected for its own rows or one that cannot be read: only a
        corrected file helps (the kept reasons are the first ones when many rows failed)."""
        from dunwell.ledger.importing.reasons import decoded, may_succeed_again

        if self.status != self.Status.FAILED:
            return False
        if self.errors:
            return may_succeed_again(self.errors)
        found = decoded(self.failure)
        return found is None or found[0] != "unreadable"

    def row_errors(self) -> list[dict[str, Any]]:
        """The kept reasons of rejected rows, worded in the active language (the reader's)."""
        from dunwell.ledger.importing.reasons import stored_reason

        return [
            {"row": e.get("row"), "column": e.get("column", ""), "reason": stored_reason(e)}
            for e in self.errors
        ]
