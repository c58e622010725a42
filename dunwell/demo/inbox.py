"""The demo's received emails (`dunwell demo`): what debtors wrote to the collections mailbox on
the last working days, so that the inbox, the debtor's timeline and the collector's
notifications show the mail side of the product, not an empty page.

- a debtor's contact promises to pay an invoice by a date (Russian);
- another disputes an invoice (Romanian);
- another asks for a statement of account (English);
- a stranger writes from a public mail service about a debtor's invoices (Romanian): nothing the
  matcher reads points at a debtor (the firm's name is for the supervisor to search), so it
  waits in triage to be assigned.

Every message goes through the one door of a received email,
`correspondence.inbound.store_message`, as the IMAP reader hands it over (the message's bytes):
it is parsed, matched to its debtor by the sender's address among the contacts, put on the
debtor's timeline, and the debtor's collector is told. The debtors are the first collector's
(collector1's) where they have a contact writing in the language, else any collector's.

Idempotent: nothing is written when the demo mailbox holds messages already (and each message
has its own Message-ID, which is stored once).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.correspondence.imap_urls import ImapAccount
from dunwell.correspondence.inbound import store_message
from dunwell.correspondence.models import InboundState, Mailbox
from dunwell.ledger.models import Company, Contact, Counterparty, Document, DocumentKind
from dunwell.money import Money, format_money
from dunwell.workdays import WorkCalendar

# The collections address the debtors write to, and its mailbox as DUNWELL_IMAP_URL names it.
DEMO_ADDRESS = "incasari@carpati-distributie.example"
DEMO_MAILBOX = ImapAccount(
    scheme="imaps",
    host="mail.carpati-distributie.example",
    port=993,
    user=DEMO_ADDRESS,  # most providers sign in with the mailbox's own address
    password="",
    folder="INBOX",
)
UIDVALIDITY = 1
STRANGER = ("Elena Rusu", "elena.rusu.contabil@gmail.com")
PROMISE_IN_WORKING_DAYS = 3  # the promised payment day, after the demo's day


@dataclass(frozen=True)
class InboxSeeded:
    matched: int
    triage: int


@dataclass(frozen=True)
class _Letter:
    sender: tuple[str, str]
    subject: str
    text: str
    at: datetime  # when it arrived


def seed_inbox(company: Company, as_of: date) -> InboxSeeded:
    """Receive the demo's emails (see the module) on the working days before `as_of`."""
    place, _created = Mailbox.objects.get_or_create(address=DEMO_MAILBOX.label)
    if place.messages.exists():
        return InboxSeeded(0, 0)
    zone = ZoneInfo(company.time_zone or settings.TIME_ZONE)
    calendar = WorkCalendar(company.calendar_country)
    days = calendar.working_days_before(as_of, 3)
    if len(days) < 3:
        return InboxSeeded(0, 0)
    promised = calendar.add_working_days(as_of, PROMISE_IN_WORKING_DAYS)
    writers = _Writers(company)
    letters: list[_Letter] = []
    # Oldest first: the inbox lists the newest at the top.
    for language, role, build, day, at in (
        ("en", "accountant", lambda c, d, at: _statement_request(c, at), days[0], time(10, 12)),
        ("ro", "accountant", _dispute, days[1], time(11, 47)),
        (
            "ru",
            "decides_payments",
            lambda c, d, at: _promise(c, d, at, promised),
            days[-1],
            time(9, 36),
        ),
    ):
        letter = writers.next(language, role, build, datetime.combine(day, at, tzinfo=zone))
        if letter is not None:
            letters.append(letter)
    stranger = writers.stranger(datetime.combine(days[-1], time(15, 21), tzinfo=zone))
    if stranger is not None:
        letters.append(stranger)
    matched = triage = 0
    with transaction.atomic():
        for uid, letter in enumerate(letters, start=1):
            state = store_message(place, UIDVALIDITY, uid, _raw(letter, uid), received_at=letter.at)
            matched += state == InboundState.MATCHED
            triage += state == InboundState.TRIAGE
        Mailbox.objects.filter(pk=place.pk).update(
            uidvalidity=UIDVALIDITY, checked_at=timezone.now(), last_error=""
        )
    return InboxSeeded(matched, triage)


_Build = Callable[[Contact, Document, datetime], _Letter]


class _Writers:
    """Who writes: a debtor's contact in the letter's language with an email on file and an open
    invoice, the first collector's debtors first; each debtor writes once."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.used: set[int] = set()
        first = (
            User.objects.filter(role=Role.COLLECTOR, is_active=True).order_by("username").first()
        )
        self.first_collector_id = first.pk if first is not None else None

    def _contacts(self, language: str, role: str) -> list[Contact]:
        rows = (
            Contact.objects.filter(
                counterparty__company=self.company,
                counterparty__collector__isnull=False,
                language=language,
                email_bad_at__isnull=True,
            )
            .exclude(email="")
            .exclude(counterparty_id__in=self.used)
            .select_related("counterparty")
            .order_by("counterparty__external_id", "pk")
        )
        return sorted(
            rows,
            key=lambda c: (
                c.counterparty.collector_id != self.first_collector_id,
                not getattr(c, role),
            ),
        )

    def _open_invoice(self, counterparty_id: int) -> Document | None:
        return (
            Document.objects.filter(
                counterparty_id=counterparty_id,
                kind=DocumentKind.INVOICE,
                open_amount__gt=0,
                cancelled=False,
            )
            .order_by("due_date", "number")
            .first()
        )

    def next(self, language: str, role: str, build: _Build, at: datetime) -> _Letter | None:
        """The letter `build` writes from the first fitting contact, None when none fits."""
        for contact in self._contacts(language, role):
            invoice = self._open_invoice(contact.counterparty_id)
            if invoice is not None:
                self.used.add(contact.counterparty_id)
                return build(contact, invoice, at)
        return None

    def stranger(self, at: datetime) -> _Letter | None:
        """A debtor's new accountant writes from a private address naming the firm only (a name
        no other debtor bears, so that the supervisor finds the one it means)."""
        names = Counter(
            Counterparty.objects.filter(company=self.company).values_list("name", flat=True)
        )
        debtors = (
            Counterparty.objects.filter(company=self.company, language="ro")
            .exclude(pk__in=self.used)
            .order_by("external_id")
        )
        for debtor in sorted(debtors, key=lambda c: c.collector_id != self.first_collector_id):
            if names[debtor.name] > 1 or any(ch.isdigit() for ch in debtor.name):
                continue  # a number in the text could match a document or a tax id
            self.used.add(debtor.pk)
            return _Letter(
                STRANGER,
                "Facturi neachitate",
                "Bună ziua,\n\n"
                f"Sunt noua contabilă a firmei {debtor.name} și preiau plățile de la colega "
                "mea, care a plecat din firmă. Nu am găsit în dosare toate facturile "
                "dumneavoastră: vă rog să-mi trimiteți lista facturilor neachitate și datele "
                "bancare pentru plată, ca să le pot include în plățile de săptămâna aceasta.\n\n"
                "Mulțumesc,\nElena Rusu\nContabil",
                at,
            )
        return None


def _signature(contact: Contact) -> str:
    lines = [contact.name, contact.position, contact.counterparty.name]
    return "\n".join(line for line in lines if line)


def _promise(contact: Contact, invoice: Document, at: datetime, day: date) -> _Letter:
    amount = format_money(Money(invoice.open_amount, invoice.currency), "ru")
    return _Letter(
        (contact.name, contact.email),
        f"Оплата счёта № {invoice.number}",
        "Добрый день!\n\n"
        f"Подтверждаем задолженность по счёту № {invoice.number} от "
        f"{invoice.date:%d.%m.%Y} на сумму {amount}. Оплату перечислим до "
        f"{day:%d.%m.%Y}: платёжное поручение уже на подписи у директора. Просим до этой "
        "даты не передавать долг юристам и не приостанавливать отгрузки.\n\n"
        f"С уважением,\n{_signature(contact)}",
        at,
    )


def _dispute(contact: Contact, invoice: Document, at: datetime) -> _Letter:
    return _Letter(
        (contact.name, contact.email),
        f"Contestație factura nr. {invoice.number}",
        "Bună ziua,\n\n"
        f"Nu suntem de acord cu factura nr. {invoice.number} din {invoice.date:%d.%m.%Y}: "
        "o parte din marfă a ajuns deteriorată, iar la recepție am întocmit un proces-verbal "
        "de constatare, semnat și de șoferul dumneavoastră. Vă rugăm să emiteți o factură "
        "de stornare pentru pozițiile respective; până atunci nu putem achita această "
        "factură.\n\nProcesul-verbal vi-l trimitem la cerere.\n\n"
        f"Cu stimă,\n{_signature(contact)}",
        at,
    )


def _statement_request(contact: Contact, at: datetime) -> _Letter:
    return _Letter(
        (contact.name, contact.email),
        "Request for a statement of account",
        "Hello,\n\n"
        "Your last reminder shows a balance different from the one in our books. Could you "
        f"please send us a statement of account as of {at.day} {at:%B %Y}, listing the open "
        "invoices and the payments you have received from us? We would like to reconcile "
        "before our next payment run.\n\n"
        f"Kind regards,\n{_signature(contact)}",
        at,
    )


def _raw(letter: _Letter, uid: int) -> bytes:
    message = EmailMessage()
    name, address = letter.sender
    message["From"] = f"{name} <{address}>"
    message["To"] = DEMO_ADDRESS
    message["Subject"] = letter.subject
    # Written a few minutes before it arrived.
    message["Date"] = format_datetime(letter.at - timedelta(minutes=3 + uid))
    message["Message-ID"] = f"<demo-{uid}.{int(letter.at.timestamp())}@{address.split('@')[1]}>"
    message.set_content(letter.text)
    return message.as_bytes()
