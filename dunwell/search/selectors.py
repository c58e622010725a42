"""Global search (issue 16, item 1): debtors, contacts, documents and contracts a user may see.

Every group is one query for its first rows (one more than shown, to know whether there are
more) and, only when there are more, one count: at most nine queries whatever the data.
Matching is `icontains`, which PostgreSQL answers from the trigram indexes of this app's
migrations and SQLite by scanning (docs/search.md). Names also match by their Latin spelling
(search/latin.py): "agropod" finds "АгроПоділля", "ромашка" "Romashka SRL". Document numbers
are matched in their own table (`DocumentNumber`), which the database keeps equal to the
documents'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dunwell.accounts.models import User
from dunwell.accounts.visibility import counterparty_filter
from dunwell.ledger.models import Company, Contact, Contract, Counterparty, Document
from dunwell.money import Money
from dunwell.processcache import Kept
from dunwell.search.latin import latin_keys
from dunwell.search.models import DocumentNumber
from dunwell.search.terms import PhoneQuery, phone_query
from dunwell.work.contacts import written_phone

PER_GROUP = 10


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    debtor: str = ""  # the debtor's name, when the hit is something of a debtor
    details: tuple[str, ...] = ()
    on: date | None = None
    amount: Money | None = None


@dataclass
class Group:
    key: str
    label: str | Promise
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def more(self) -> int:
        return self.total - len(self.hits)


def _card(counterparty_id: int, anchor: str = "") -> str:
    url = reverse("work:debtor", args=[counterparty_id])
    return f"{url}#{anchor}" if anchor else url


def _first_rows(qs: QuerySet[Any], group: Group) -> list[Any]:
    rows = list(qs[: PER_GROUP + 1])
    group.total = len(rows) if len(rows) <= PER_GROUP else qs.order_by().count()
    return rows[:PER_GROUP]


def _prefix_first(text: str, *fields: str, latin: str = "") -> Case:
    """Rows whose field (or Latin name) starts with the text come before those that only
    contain it."""
    whens = [When(**{f"{name}__istartswith": text}, then=Value(0)) for name in fields]
    if latin:
        whens.append(When(latin_name__startswith=latin, then=Value(0)))
    return Case(*whens, default=Value(1), output_field=IntegerField())


def _latin_name() -> Func:
    """The name's Latin key, as the trigram index of search/migrations/0003 has it."""
    return Func(F("name"), function="search_latin", output_field=CharField())


def _by_name(text: str) -> Q:
    """Names that contain the text, by their Latin keys (search/latin.py): a name that contains
    it as typed, in any case, has a key that contains the text's key, so one condition on one
    index finds both "Debtor 12" and "АгроПоділля" for "agropod"."""
    found = Q(pk__in=[])
    for key in latin_keys(text):
        found |= Q(latin_name__contains=key)
    return found


def _debtors(user: User, text: str) -> Group:
    group = Group("debtors", _("Debtors"))
    latin = latin_keys(text)[0]
    found = _by_name(text) | Q(tax_id__icontains=text) | Q(external_id__icontains=text)
    compact = "".join(text.split())
    if compact != text:  # a tax id as printed on paper: "RO 185 472 90"
        found |= Q(tax_id__icontains=compact)
    qs = (
        Counterparty.objects.filter(counterparty_filter(user))
        .annotate(latin_name=_latin_name())
        .filter(found)
        .annotate(rank=_prefix_first(text, "name", "tax_id", "external_id", latin=latin))
        .order_by("rank", "name", "pk")
        .values("pk", "name", "tax_id", "external_id")
    )
    for row in _first_rows(qs, group):
        details = tuple(value for value in (row["tax_id"], row["external_id"]) if value)
        group.hits.append(Hit(row["name"], _card(row["pk"]), details=details))
    return group


def _phone_filter(phone: PhoneQuery | None) -> Q:
    if phone is None:
        return Q(pk__in=[])
    found = Q(phone__in=phone.numbers) | Q(phone_alt__in=phone.numbers)
    if phone.digits:
        found |= Q(phone__contains=phone.digits) | Q(phone_alt__contains=phone.digits)
    return found


def _contacts(user: User, text: str, phone: PhoneQuery | None) -> Group:
    group = Group("contacts", _("Contacts"))
    latin = latin_keys(text)[0]
    found = _by_name(text) | Q(email__icontains=text)
    qs = (
        Contact.objects.filter(counterparty_filter(user, "counterparty__"))
        .annotate(latin_name=_latin_name())
        .filter(found | _phone_filter(phone))
        .annotate(rank=_prefix_first(text, "name", "email", latin=latin))
        .order_by("rank", "name", "pk")
        .values(
            "pk",
            "name",
            "position",
            "phone",
            "phone_ext",
            "phone_alt",
            "phone_alt_ext",
            "email",
            "counterparty_id",
            "counterparty__name",
        )
    )
    for row in _first_rows(qs, group):
        # the phones as people read them ("+373 22 213 456 ext. 12"), stored in E.164, with the
        # extension to ask the switchboard for (as the card shows it)
        details = tuple(
            value
            for value in (
                row["position"],
                written_phone(row["phone"], row["phone_ext"]),
                written_phone(row["phone_alt"], row["phone_alt_ext"]),
                row["email"],
            )
            if value
        )
        group.hits.append(
            Hit(
                row["name"],
                _card(row["counterparty_id"]),
                debtor=row["counterparty__name"],
                details=details,
            )
        )
    return group


def _documents(user: User, text: str) -> Group:
    group = Group("documents", _("Documents"))
    qs = (
        Document.objects.filter(counterparty_filter(user, "counterparty__"))
        .filter(pk__in=DocumentNumber.objects.filter(number__icontains=text).values("pk"))
        .annotate(rank=_prefix_first(text, "number"))
        .select_related("counterparty")
        .only(
            "pk",
            "kind",
            "number",
            "date",
            "amount",
            "currency",
            "counterparty_id",
            "counterparty__name",
        )
        .order_by("rank", "number", "-date", "pk")
    )
    for document in _first_rows(qs, group):
        group.hits.append(
            Hit(
                f"{document.get_kind_display()} {document.number}",
                _card(document.counterparty_id, "open-documents"),
                debtor=document.counterparty.name,
                on=document.date,
                amount=Money(document.amount, document.currency),
            )
        )
    return group


def _contracts(user: User, text: str) -> Group:
    group = Group("contracts", _("Contracts"))
    qs = (
        Contract.objects.filter(counterparty_filter(user, "counterparty__"))
        .filter(number__icontains=text)
        .annotate(rank=_prefix_first(text, "number"))
        .order_by("rank", "number", "-date", "pk")
        .values("pk", "number", "date", "currency", "counterparty_id", "counterparty__name")
    )
    for row in _first_rows(qs, group):
        group.hits.append(
            Hit(
                row["number"],
                _card(row["counterparty_id"]),
                debtor=row["counterparty__name"],
                details=(row["currency"],),
                on=row["date"],
            )
        )
    return group


# The countries our debtors are in change only with an import: read them once a minute.
_debtor_countries: Kept[str, list[str]] = Kept(60)


def _countries() -> list[str]:
    """Our companies' countries, then our debtors': a national number is read as one of theirs.

    A collector types a debtor's number as the debtor says it: a Romanian company's collector
    calling Moscow writes "8 905 278-84-02" (Russia's trunk 8), which is +79052788402 only
    when read as Russian.
    """
    companies = Company.objects.order_by("pk").values_list("country", flat=True)
    debtors = _debtor_countries.get(
        "",
        lambda: sorted(
            Counterparty.objects.order_by().values_list("country", flat=True).distinct()
        ),
    )
    return list(dict.fromkeys(c.upper() for c in [*companies, *debtors] if c))


def search(user: User, text: str) -> list[Group]:
    """The groups of what `user` may see that matches `text` (already checked by the form)."""
    phone = phone_query(text, _countries()) if any(c.isdigit() for c in text) else None
    return [
        _debtors(user, text),
        _contacts(user, text, phone),
        _documents(user, text),
        _contracts(user, text),
    ]
