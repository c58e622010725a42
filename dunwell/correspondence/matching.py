"""Which debtor a received email belongs to, in the order the practice trusts (issue 11):

1. a reply to one of our messages (In-Reply-To / References against the outbox);
2. the sender's address among the debtors' contacts, then the addresses learned in triage,
   then the sender's domain among the contacts' domains (never a public mail service's);
3. a tax id (valid for the debtor's country) or an open invoice number in the subject or body.

The first rule that finds anything decides: one debtor is a match, several go to triage with
those debtors as candidates."""

from __future__ import annotations

from dataclasses import dataclass, field

from dunwell.correspondence import clues
from dunwell.correspondence.models import KnownAddress, MatchedBy
from dunwell.correspondence.parsing import ParsedMail
from dunwell.ledger.models import Contact, Counterparty, Document
from dunwell.ledger.taxids import TaxIdError, normalize_tax_id
from dunwell.mail.models import OutgoingMessage
from dunwell.mail.services import find_by_message_ids


@dataclass
class Match:
    counterparty_ids: list[int] = field(default_factory=list)
    matched_by: str = ""
    reply_to: OutgoingMessage | None = None

    @property
    def counterparty_id(self) -> int | None:
        return self.counterparty_ids[0] if len(self.counterparty_ids) == 1 else None


def _distinct(ids: list[int]) -> list[int]:
    return sorted(set(ids))


def by_address(address: str) -> Match:
    if not address:
        return Match()
    ids = list(
        Contact.objects.filter(email__iexact=address).values_list("counterparty_id", flat=True)
    )
    if ids:
        return Match(_distinct(ids), MatchedBy.ADDRESS)
    learned = KnownAddress.objects.filter(email=address.lower()).values_list(
        "counterparty_id", flat=True
    )
    if learned:
        return Match(list(learned), MatchedBy.LEARNED)
    domain = clues.domain_of(address)
    if not domain or clues.is_public_domain(domain):
        return Match()
    ids = list(
        Contact.objects.filter(email__iendswith="@" + domain).values_list(
            "counterparty_id", flat=True
        )
    )
    ids += KnownAddress.objects.filter(email__endswith="@" + domain).values_list(
        "counterparty_id", flat=True
    )
    return Match(_distinct(ids), MatchedBy.DOMAIN) if ids else Match()


def by_text(subject: str, text: str) -> Match:
    words = clues.numbers_in(subject, text)
    if not words:
        return Match()
    candidates = clues.tax_id_candidates(words)
    bare = {c[2:] if c[:2].isalpha() else c for c in candidates}
    ids: list[int] = []
    if candidates:
        rows = Counterparty.objects.filter(tax_id__in=set(candidates) | bare).values_list(
            "pk", "country", "tax_id"
        )
        for pk, country, tax_id in rows:
            # Only a number valid for the debtor's own country counts (check digits).
            for candidate in candidates:
                try:
                    if normalize_tax_id(country, candidate) == tax_id:
                        ids.append(pk)
                        break
                except TaxIdError:
                    continue
    if ids:
        return Match(_distinct(ids), MatchedBy.TAX_ID)
    ids = list(
        Document.objects.filter(number__in=words, open_amount__gt=0, cancelled=False).values_list(
            "counterparty_id", flat=True
        )
    )
    return Match(_distinct(ids), MatchedBy.INVOICE) if ids else Match()


def match_mail(mail: ParsedMail) -> Match:
    """The debtor (or the candidates) for one received email."""
    ours = find_by_message_ids(mail.thread_ids)
    if ours is not None and ours.counterparty_id is not None:
        return Match([ours.counterparty_id], MatchedBy.THREAD, ours)
    for found in (by_address(mail.from_email), by_text(mail.subject, mail.text)):
        if found.counterparty_ids:
            found.reply_to = ours
            return found
    return Match(reply_to=ours)
