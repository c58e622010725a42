"""DUNWELL_EMAIL_URL, the SMTP server to send through (pure: no Django import).

smtp://user:password@host:587?tls=1    plain connection upgraded with STARTTLS (tls=1)
smtps://user:password@host:465         TLS from the first byte
?timeout=30                            seconds to wait for the server (default 30)

User and password are URL-encoded ("%40" for "@"). Empty: mail is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_TIMEOUT = 30.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    user: str
    password: str
    timeout: float

    def __repr__(self) -> str:  # never print the password
        scheme = "smtps" if self.implicit_tls else "smtp"
        who = f"{self.user}:***@" if self.user else ""
        return f"SmtpServer({scheme}://{who}{self.host}:{self.port})"


def parse_smtp_url(url: str) -> SmtpServer | None:
    """The server a URL names, None for an empty URL; ValueError says what is wrong."""
    url = url.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise ValueError("the URL must start with smtp:// or smtps://")
    if not parts.hostname:
        raise ValueError("the URL names no host")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port is not a number between 1 and 65535") from None
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - {"tls", "timeout"}
    if unknown:
        raise ValueError(f"unknown option {', '.join(sorted(unknown))} (known: tls, timeout)")
    tls_text = query.get("tls", [""])[-1].strip().lower()
    if tls_text not in _TRUE | _FALSE:
        raise ValueError("tls must be 1 or 0")
    timeout = DEFAULT_TIMEOUT
    if "timeout" in query:
        try:
            timeout = float(query["timeout"][-1])
        except ValueError:
            raise ValueError("timeout must be a number of seconds") from None
        if not 0 < timeout <= 600:
            raise ValueError("timeout must be between 0 and 600 seconds")
    implicit = parts.scheme == "smtps"
    if implicit and tls_text in _TRUE:
        raise ValueError("smtps:// is TLS already; tls=1 is for STARTTLS on smtp://")
    return SmtpServer(
        host=parts.hostname,
        port=port or (465 if implicit else 25),
        implicit_tls=implicit,
        starttls=tls_text in _TRUE,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        timeout=timeout,
    )
