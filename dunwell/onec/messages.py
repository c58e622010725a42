"""Why a 1C sync failed, or a connection cannot be used: one catalogue of the messages, each
under a code.

A sync's failure is kept in its log line (SyncRun.error) as its code and parameters, the way
an import keeps its failure (`coded` in dunwell/ledger/importing/reasons.py), and worded when
it is read: the log shows it in the reader's language, not in the language of whoever (or
whichever worker) ran the sync. A failure kept as text before is shown as it was. The
notes of a sync (SyncRun.notes) are kept and worded the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dunwell.ledger.importing.reasons import coded, decoded, stored_reason

MESSAGES: dict[str, Promise] = {
    # the address and the credentials
    "bad_scheme": _("The 1C address must start with http:// or https://"),
    "credentials_in_url": _("Give the 1C user and password in their own fields, not in the URL"),
    "no_password": _("No password is stored for this connection: enter it again."),
    "password_unreadable": _(
        "The stored password cannot be read any more (the server key changed): enter it again."
    ),
    # reading the infobase
    "unreachable": _("Cannot reach 1C at %(url)s: %(reason)s"),
    "unauthorized": _("1C refused the user name or password (HTTP 401)"),
    "forbidden": _("The 1C user may not read %(path)s (HTTP 403)"),
    "http_status": _("1C answered HTTP %(status)s for %(path)s"),
    "not_json": _("1C did not answer %(set)s with OData JSON"),
    "bad_metadata": _("The 1C $metadata is not valid XML: %(error)s"),
    # what the preset needs
    "unpublished": _("The 1C infobase does not publish what the %(preset)s preset needs: %(what)s"),
    "set_missing": _("entity set %(set)s is not published"),
    "field_missing": _("entity set %(set)s: field %(field)s is missing"),
    # the sync
    "ledger_rejected": _("The ledger rejected the 1C %(kind)s; nothing was written:"),
    "already_waiting": _("A sync of this connection is already waiting or running."),
    "already_running": _("A sync of this connection is already running."),
    "stopped": _("The sync stopped with an error: %(error)s"),
    "abandoned": _("Abandoned: no worker finished this sync (is `dunwell worker` running?)."),
    # notes: what was loaded differently from 1C (SyncRun.notes), kept the same way
    "tax_id_left_empty": _("%(record)s: tax id %(value)s left empty: %(reason)s"),
}


# Why the network did not lead to 1C, as the operating system says it (in English, with an
# errno: "[Errno 111] Connection refused"), worded for the reader; a reason not listed here
# (the address guard's, already worded) is shown as it is.
NETWORK_REASONS: tuple[tuple[tuple[str, ...], Promise], ...] = (
    (
        ("connection refused",),
        _("the server refused the connection (is the 1C web server listening on that port?)"),
    ),
    (("timed out",), _("the server did not answer in time")),
    (
        (
            "name or service not known",
            "temporary failure in name resolution",
            "nodename nor servname",
            "no address associated with hostname",
            "getaddrinfo failed",
        ),
        _("no server of that name was found (check the address)"),
    ),
    (("certificate verify failed",), _("its HTTPS certificate is not trusted")),
    (("no route to host", "network is unreachable"), _("the network does not reach the server")),
    (("connection reset",), _("the server closed the connection")),
)


def network_reason(reason: str) -> str:
    """The operating system's reason in the active language, or as it is if not known."""
    lowered = reason.lower()
    for needles, text in NETWORK_REASONS:
        if any(needle in lowered for needle in needles):
            return str(text)
    return reason


class Message(NamedTuple):
    """A message as its code and parameters (plain JSON values); str() words it."""

    code: str
    params: dict[str, Any]

    def __str__(self) -> str:
        return render(self.code, self.params)

    def kept(self) -> str:
        """As a log line keeps it (SyncRun.error): worded when read."""
        return coded(self.code, self.params)


def message(code: str, **params: Any) -> Message:
    assert code in MESSAGES, code
    return Message(code, params)


class Failure(Exception):  # noqa: N818 - the base of the connector's errors, not one itself
    """An error of the connector whose message is a `Message`: str() is the active language's."""

    def __init__(self, code: str, **params: Any) -> None:
        self.message = message(code, **params)
        super().__init__(code)

    def __str__(self) -> str:
        return str(self.message)

    def kept(self) -> str:
        return self.message.kept()


def render(code: str, params: Mapping[str, Any]) -> str:
    """The message in the active language."""
    shown = dict(params)
    if code == "tax_id_left_empty":
        # Why the tax id is not valid: a reason of the import catalogue, worded too.
        shown["reason"] = stored_reason({"code": params["why"], "params": params["why_params"]})
    elif code == "unreachable":
        shown["reason"] = network_reason(str(params["reason"]))
    elif code == "unpublished":
        # What is missing: [[code, params], ...], each worded too.
        shown["what"] = "; ".join(render(c, p) for c, p in params["what"])
    text = str(MESSAGES[code] % shown)
    if code == "ledger_rejected":
        # The rejected rows: [[the 1C record, column, reason code, reason params], ...].
        lines = [
            f"{record}: {column}: {stored_reason({'code': why, 'params': why_params})}"
            for record, column, why, why_params in params["rows"]
        ]
        more = int(params.get("more") or 0)
        if more > 0:
            lines.append(
                ngettext("… and %(count)d more error", "… and %(count)d more errors", more)
                % {"count": more}
            )
        text = "\n".join([text, *lines])
    return text


def stored_error(text: str) -> str:
    """A kept SyncRun.error in the active language (the reader's); an error kept as text
    before, or with a code this version does not know, as it is."""
    found = decoded(text)
    if found is not None and found[0] in MESSAGES:
        try:
            return render(*found)
        except (KeyError, TypeError, ValueError):
            pass
    return text
