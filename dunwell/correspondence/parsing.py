"""Reading one received email (RFC 5322 bytes) into plain values: who, to whom, when, the
text (plain, or text from the HTML), the attachments, the Message-IDs it answers, and whether
it is a bounce. Pure: no Django import.

Bounces: the standard delivery status notification (RFC 3464, `multipart/report;
report-type=delivery-status`) and the common non-standard ones that attach the original
message (or its headers) to a message from the mailer daemon.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

MESSAGE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
# Non-standard bounces are recognised by their sender and subject (Postfix, Exim, Sendmail,
# Exchange, Gmail, qmail).
BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@", "mail-daemon@")
BOUNCE_SUBJECTS = (
    "undelivered mail returned to sender",
    "undeliverable",
    "delivery status notification",
    "mail delivery failed",
    "returned mail",
    "delivery failure",
    "failure notice",
    "mail delivery failure",
    "non remis",
    "не доставлено",
    "недоставлено",
)


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Bounce:
    """What a bounce says: the Message-IDs of the original it names, the failed address, why,
    and whether it failed for good (a "delayed" notice does not)."""

    original_ids: tuple[str, ...]
    recipient: str
    reason: str
    permanent: bool


@dataclass
class ParsedMail:
    message_id: str
    from_email: str
    from_name: str
    to: str
    subject: str
    date: datetime | None
    text: str
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    attachments: list[ParsedAttachment] = field(default_factory=list)
    bounce: Bounce | None = None

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """The Message-IDs this mail answers, the nearest first."""
        return self.in_reply_to + tuple(reversed(self.references))


class _TextFromHtml(HTMLParser):
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}
    )
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(self.skipping - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def text_from_html(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a malformed header the policy cannot parse
        raw = message.get_all(name, failobj=[])
        value = raw[0] if raw else ""
    return " ".join(str(value or "").split())


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(MESSAGE_ID.findall(value or "")))


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    # A date without a zone is read as UTC ("-0000": the zone is unknown, RFC 5322 3.3).
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _body_text(message: EmailMessage) -> str:
    """The plain text part, or the text of the HTML part when the plain one is missing or
    empty."""
    plain = message.get_body(preferencelist=("plain",))
    text = _part_text(plain).strip() if plain is not None else ""
    if text:
        return text
    html = message.get_body(preferencelist=("html",))
    return text_from_html(_part_text(html)) if html is not None else ""


def _attachments(message: EmailMessage, body: Message | None) -> list[ParsedAttachment]:
    out: list[ParsedAttachment] = []
    for part in message.walk():
        if part is body or part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = part.get_filename() or ""
        if disposition != "attachment" and not filename:
            continue
        if content_type.startswith("message/"):
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        out.append(
            ParsedAttachment(
                filename=_safe_name(filename) or f"attachment-{len(out) + 1}",
                content_type=content_type,
                content=payload,
            )
        )
    return out


def _safe_name(name: str) -> str:
    """The file's own name only (no folders), without control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:200]


def _embedded_headers(part: Message) -> Message | None:
    """The original message (or its headers) that a bounce carries in one part."""
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            inner = payload[0]
            return inner if isinstance(inner, Message) else None
        return None
    if content_type in {"text/rfc822-headers", "text/rfc822-header"}:
        raw = part.get_payload(decode=True)
        if isinstance(raw, bytes):
            return email.message_from_bytes(raw, policy=policy.default)
    return None


def _delivery_status(message: EmailMessage) -> tuple[str, str, str, str]:
    """(recipient, action, status, diagnostic) of the first recipient of a DSN."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        fields: dict[str, str] = {}
        payload = part.get_payload()
        blocks: list[Message] = (
            [b for b in payload if isinstance(b, Message)] if isinstance(payload, list) else []
        )
        if not blocks:
            raw = part.get_payload(decode=True)
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
            blocks = [email.message_from_string(b) for b in re.split(r"\r?\n\r?\n", text)]
        for block in blocks:
            for key in ("Final-Recipient", "Original-Recipient", "Action", "Status"):
                if key not in fields and block.get(key):
                    fields[key] = str(block.get(key))
            if "Diagnostic-Code" not in fields and block.get("Diagnostic-Code"):
                fields["Diagnostic-Code"] = " ".join(str(block.get("Diagnostic-Code")).split())
        recipient = fields.get("Final-Recipient") or fields.get("Original-Recipient") or ""
        recipient = recipient.split(";", 1)[-1].strip()
        return (
            recipient,
            fields.get("Action", "").strip().lower(),
            fields.get("Status", "").strip(),
            fields.get("Diagnostic-Code", "").split(";", 1)[-1].strip(),
        )
    return "", "", "", ""


def _looks_like_bounce(message: EmailMessage, from_email: str, subject: str) -> bool:
    content_type = message.get_content_type()
    if (
        content_type == "multipart/report"
        and str(message.get_param("report-type") or "").lower() == "delivery-status"
    ):
        return True
    sender = from_email.lower()
    lowered = subject.lower()
    return (
        sender.startswith(BOUNCE_SENDERS)
        and any(s in lowered for s in BOUNCE_SUBJECTS)
        or (not sender and "delivery" in lowered)
    )


def _bounce(message: EmailMessage, from_email: str, subject: str, text: str) -> Bounce | None:
    if not _looks_like_bounce(message, from_email, subject):
        return None
    original_ids: list[str] = []
    recipient = ""
    for part in message.walk():
        inner = _embedded_headers(part)
        if inner is None:
            continue
        original_ids.extend(_ids(_header(inner, "Message-ID")))
        if not recipient:
            recipient = parseaddr(_header(inner, "To"))[1]
    if not original_ids:
        # Some daemons quote the original's headers in the text.
        for line in text.splitlines():
            if line.strip().lower().startswith("message-id:"):
                original_ids.extend(_ids(line))
    dsn_recipient, action, status, diagnostic = _delivery_status(message)
    permanent = not (action == "delayed" or status.startswith("4"))
    reason = " ".join(x for x in (status, diagnostic) if x) or " ".join(text.split())[:300]
    reason = reason or subject
    return Bounce(
        original_ids=tuple(dict.fromkeys(original_ids)),
        recipient=dsn_recipient or recipient,
        reason=reason[:500],
        permanent=permanent,
    )


def parse_mail(raw: bytes) -> ParsedMail:
    """Everything Dunwell keeps of a received message; never raises on a malformed one."""
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    from_name, from_email = parseaddr(_header(message, "From"))
    to = ", ".join(addr for _name, addr in getaddresses([_header(message, "To")]) if addr)
    subject = _header(message, "Subject")
    try:
        body = message.get_body(preferencelist=("plain", "html"))
        text = _body_text(message)
    except (KeyError, LookupError, ValueError):
        body, text = None, ""
    ids = _ids(_header(message, "Message-ID"))
    return ParsedMail(
        message_id=ids[0] if ids else "",
        from_email=from_email.strip().lower(),
        from_name=from_name.strip(),
        to=to[:1000],
        subject=subject[:998],
        date=_date(_header(message, "Date")),
        text=text,
        in_reply_to=_ids(_header(message, "In-Reply-To")),
        references=_ids(_header(message, "References")),
        attachments=_attachments(message, body),
        bounce=_bounce(message, from_email.strip(), subject, text),
    )
