"""Requests to addresses that come from outside: the webhook subscriptions an administrator
enters, the recording links a telephone provider's webhook carries. A forged or compromised
sender could point them at this server (127.0.0.1), the office network (10.x, 192.168.x) or a
cloud's metadata service (169.254.169.254), so only public hosts are fetched (SSRF guard).

`check_public_url` checks the scheme and every address the host resolves to; `public_opener`
fetches with the same rule applied to each redirect's target and to the address actually
connected to (a host whose DNS answer changes between the check and the request is caught
there). `WEBHOOKS_ALLOW_PRIVATE` (development and tests) lifts the address rule."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddress(ValueError):
    """The URL may not be fetched; the message is for the user and names the host. `private`:
    the host resolves to a private address (rather than a bad scheme or an unknown host), which
    a caller may allow for hosts the operator trusts (the 1C server on the office network)."""

    def __init__(self, message: str, *, private: bool = False) -> None:
        super().__init__(message)
        self.private = private


def _allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE", False))


def is_public_address(address: IPAddress) -> bool:
    """A globally routed unicast address. An IPv6 address carrying an IPv4 one (mapped
    `::ffff:a.b.c.d`, 6to4, Teredo) is judged by the IPv4 address it reaches."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def _refused(host: str) -> UnsafeAddress:
    return UnsafeAddress(
        _("The host %(host)s is on a private network; only public addresses are allowed.")
        % {"host": host},
        private=True,
    )


def check_public_url(url: str, trusted_hosts: Collection[str] = ()) -> None:
    """http(s) with a host; unless private addresses are allowed, every address the host
    resolves to must be public. A host in `trusted_hosts` (lower case; the operator's explicit
    choice, e.g. the 1C server on the office network) passes without the address rule.
    Raises UnsafeAddress."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:  # not a number or out of range
        port, host = None, ""
    if parts.scheme not in {"http", "https"} or not host:
        raise UnsafeAddress(_("The address must start with http:// or https:// and name a host."))
    if _allow_private() or host.lower() in trusted_hosts:
        return
    default = 443 if parts.scheme == "https" else 80
    try:
        infos = socket.getaddrinfo(host, port or default, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise UnsafeAddress(_("The host %(host)s cannot be found.") % {"host": host}) from None
    if not infos:
        raise UnsafeAddress(_("The host %(host)s cannot be found.") % {"host": host})
    for info in infos:
        if not is_public_address(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])):
            raise _refused(host)


# --- fetching ------------------------------------------------------------------------------


class _CheckedPeer:
    """Refuse the connection when the address actually reached is not public."""

    host: str
    sock: Any
    trusted_hosts: frozenset[str] = frozenset()

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        if _allow_private() or self.host.lower() in self.trusted_hosts:
            return
        peer = self.sock.getpeername()[0]
        if not is_public_address(ipaddress.ip_address(str(peer).split("%", 1)[0])):
            self.sock.close()
            raise _refused(self.host)


class _HTTPConnection(_CheckedPeer, http.client.HTTPConnection):
    pass


class _HTTPSConnection(_CheckedPeer, http.client.HTTPSConnection):
    pass


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_HTTPSConnection, req, context=getattr(self, "_context", None))


class _CheckedRedirect(urllib.request.HTTPRedirectHandler):
    max_redirections = 5
    trusted_hosts: frozenset[str] = frozenset()

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        # A public (or trusted) address may send us on to a private one.
        check_public_url(newurl, self.trusted_hosts)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlsplit(newurl).hostname != urlsplit(req.full_url).hostname:
            # Credentials meant for one host never follow a redirect to another.
            new.remove_header("Authorization")
        return new


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx is the answer


def public_opener(
    *, follow_redirects: bool = True, trusted_hosts: Collection[str] = ()
) -> urllib.request.OpenerDirector:
    """An opener that only reaches public addresses, redirects included (or not followed);
    the hosts in `trusted_hosts` (the operator's explicit choice) may be private."""
    if not trusted_hosts:
        redirects = _CheckedRedirect if follow_redirects else _NoRedirect
        return urllib.request.build_opener(_HTTPHandler, _HTTPSHandler, redirects)
    trusted = frozenset(host.lower() for host in trusted_hosts)

    class Connection(_HTTPConnection):
        trusted_hosts = trusted

    class TLSConnection(_HTTPSConnection):
        trusted_hosts = trusted

    class Handler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(Connection, req)

    class TLSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(TLSConnection, req, context=getattr(self, "_context", None))

    class Redirect(_CheckedRedirect):
        trusted_hosts = trusted

    return urllib.request.build_opener(
        Handler, TLSHandler, Redirect if follow_redirects else _NoRedirect
    )
