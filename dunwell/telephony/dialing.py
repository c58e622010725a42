"""Click-to-call: ring the collector's extension first, then the contact's number, through the
company's PBX (`DUNWELL_PBX`). Each provider registers its dialer in `DIALERS`."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

from dunwell.accounts.models import User
from dunwell.telephony.models import Call


class DialError(Exception):
    """The call cannot be started; the text is for the user."""


# provider name -> dialer(user, number_e164, contact_id) -> Call
Dialer = Callable[[User, str, "int | None"], Call]
DIALERS: dict[str, Dialer] = {}


def configured_provider() -> str:
    return str(getattr(settings, "DUNWELL_PBX", "") or "")


def start_call(user: User, number_e164: str, *, contact_id: int | None = None) -> Call:
    provider = configured_provider()
    if not provider or provider not in DIALERS:
        raise DialError(_("No telephone exchange is connected: dial the number yourself."))
    if not user.extension:
        raise DialError(_("Set your phone extension in your preferences first."))
    return DIALERS[provider](user, number_e164, contact_id)
