"""DUNWELL_IMAP_URL: the IMAP mailboxes the worker reads, several separated by spaces.

    imaps://user:pass@host[:port]/INBOX    implicit TLS (port 993 by default)
    imap://user:pass@host[:port]/INBOX     plain (port 143), `?starttls=1` for STARTTLS

User and password are URL-encoded (`%40` for an `@` in a user name). Pure: no Django import,
so settings can check the value at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

_TRUE = {"1", "true", "yes", "on"}


class ImapUrlError(ValueError):
    """A mailbox address we cannot use; the text names what is wrong."""


@dataclass(frozen=True)
class ImapAccount:
    scheme: str  # "imap" or "imaps"
    host: str
    port: int
    user: str
    password: str
    folder: str
    starttls: bool = False

    @property
    def label(self) -> str:
        """The mailbox as stored and shown: the address without the password."""
        return f"{self.scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"


def mailbox_address(label: str) -> str:
    """A stored mailbox (`ImapAccount.label`, "imaps://user@host:993/INBOX") as people read
    it: its email address (the user name when it is one, as most providers' logins are, else
    user@host), and the folder after it when it is not the inbox."""
    rest = label.split("://", 1)[-1]
    place, _slash, folder = rest.partition("/")
    user, _at, host = place.rpartition("@")
    host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    address = user if "@" in user or not user else f"{user}@{host}"
    address = address or host
    if folder and folder.upper() != "INBOX":
        return f"{address} ({folder})"
    return address


def parse_imap_url(url: str) -> ImapAccount:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"imap", "imaps"}:
        raise ImapUrlError(
            f"{parts.scheme or '?'}://…: the address must start with imap:// or imaps://"
        )
    if not parts.hostname:
        raise ImapUrlError(f"{parts.scheme}://…: no host")
    if not parts.username or parts.password is None:
        raise ImapUrlError(f"{parts.scheme}://…@{parts.hostname}: no user name and password")
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError:
        raise ImapUrlError(
            f"{parts.scheme}://…@{parts.hostname}: the port is not a number"
        ) from None
    query = parse_qs(parts.query)
    starttls = any(v.lower() in _TRUE for v in query.get("starttls", []))
    if starttls and parts.scheme == "imaps":
        raise ImapUrlError(f"imaps://…@{parts.hostname}: starttls is for imap:// addresses")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapAccount(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
        starttls=starttls,
    )


def parse_imap_urls(value: str) -> list[ImapAccount]:
    """Every mailbox of the setting (empty: incoming mail is off)."""
    return [parse_imap_url(item) for item in value.split() if item.strip()]
