"""Real MIME messages for the incoming-mail tests, built with the `email` package."""

from __future__ import annotations

from email.message import EmailMessage, Message
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OUR_MAILBOX = "collections@supplier.test"


def mail(
    *,
    sender: str,
    subject: str,
    text: str,
    html: str = "",
    message_id: str | None = None,
    in_reply_to: str = "",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OUR_MAILBOX
    message["Subject"] = subject
    message["Date"] = formatdate(1_780_000_000)
    message["Message-ID"] = message_id or make_msgid(domain="buyer.test")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for name, content, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def _original(message_id: str, to: str) -> EmailMessage:
    original = EmailMessage()
    original["From"] = OUR_MAILBOX
    original["To"] = to
    original["Subject"] = "Overdue invoices"
    original["Message-ID"] = message_id
    original.set_content("Dear customer, ...")
    return original


def dsn(message_id: str, to: str, *, status: str = "5.1.1", action: str = "failed") -> bytes:
    """A standard delivery status notification (RFC 3464) naming our message."""
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = "MAILER-DAEMON@mx.buyer.test"
    report["To"] = OUR_MAILBOX
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Date"] = formatdate(1_780_000_000)
    report["Message-ID"] = make_msgid(domain="mx.buyer.test")
    report.attach(
        MIMEText(
            f"I'm sorry to have to inform you that your message to {to} could not be delivered."
        )
    )
    per_message = Message()
    per_message["Reporting-MTA"] = "dns; mx.buyer.test"
    per_recipient = Message()
    per_recipient["Final-Recipient"] = f"rfc822; {to}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Diagnostic-Code"] = f"smtp; 550 5.1.1 <{to}>: Recipient address rejected"
    status_part = MIMEBase("message", "delivery-status")
    status_part.set_payload([per_message, per_recipient])
    report.attach(status_part)
    report.attach(MIMEMessage(_original(message_id, to)))
    return report.as_bytes()


def nonstandard_bounce(message_id: str, to: str) -> bytes:
    """A bounce without a delivery-status part: a daemon's text and the original attached."""
    bounce = MIMEMultipart("mixed")
    bounce["From"] = "Mail Delivery System <Mailer-Daemon@mail.buyer.test>"
    bounce["To"] = OUR_MAILBOX
    bounce["Subject"] = "Mail delivery failed: returning message to sender"
    bounce["Message-ID"] = make_msgid(domain="mail.buyer.test")
    bounce.attach(MIMEText(f"A message could not be delivered to {to}: mailbox unavailable."))
    bounce.attach(MIMEMessage(_original(message_id, to)))
    return bounce.as_bytes()
