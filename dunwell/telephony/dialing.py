"""Click-to-call: ring the collector's extension first, then the contact's number, through the
company's PBX (`DUNWELL_PBX`). Each provider registers its dialer in `DIALERS`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dunwell.accounts.models import User
from dunwell.ledger.models import Contact
from dunwell.telephony import ami, asterisk, cloud_dial
from dunwell.telephony.models import Call, Direction, Provider
from dunwell.telephony.secrets import provider_secret
from dunwell.telephony.services import CallEvent, provisional_call_id, record_event


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


# -- the dialers ---------------------------------------------------------------------------------
log = logging.getLogger(__name__)
FAILED = gettext_lazy("The telephone exchange did not start the call; try again or dial by hand.")


@transaction.atomic
def _ringing(
    provider: str, call_id: str, user: User, number_e164: str, contact_id: int | None
) -> Call:
    """Our record of the started call, through the one door (record_event), then tied to the
    contact the collector clicked, in one transaction: the listeners (after the commit) see the
    contact."""
    call = record_event(
        CallEvent(
            provider=provider,
            provider_call_id=call_id,
            kind="ringing",
            at=timezone.now(),
            direction=Direction.OUTBOUND,
            external_number=number_e164,
            extension=user.extension,
            raw={"click_to_call": user.pk},
        )
    )
    changed = []
    if call.agent_id != user.pk:
        call.agent = user
        changed.append("agent")
    if contact_id is not None and call.contact_id != contact_id:
        contact = Contact.objects.filter(pk=contact_id).first()
        if contact is not None:
            call.contact, call.counterparty = contact, contact.counterparty
            changed += ["contact", "counterparty"]
    if changed:
        call.save(update_fields=changed)
    return call


def dial_asterisk(user: User, number_e164: str, contact_id: int | None) -> Call:
    """AMI Originate: ring the collector's channel; when answered, the dialplan context dials
    the number. The variable DUNWELL_CALL carries our call id, so the worker's events (keyed by
    Linkedid) update this record."""
    url = provider_secret("DUNWELL_AMI_URL")
    if not url:
        raise DialError(_("No telephone exchange is connected: dial the number yourself."))
    call_id = provisional_call_id()
    fields = originate_fields(user.extension, number_e164, call_id)
    try:
        response = asyncio.run(
            ami.send_action(ami.parse_ami_url(url), "Originate", call_id, **fields)
        )
    except (ami.AmiError, ConnectionError, ValueError) as exc:
        log.warning("Originate for %s failed: %s", user.extension, exc)
        raise DialError(str(FAILED)) from None
    if response.get("Response", "").lower() != "success":
        log.warning("Originate refused: %s", response.get("Message", ""))
        raise DialError(str(FAILED))
    return _ringing(Provider.ASTERISK, call_id, user, number_e164, contact_id)


def originate_fields(extension: str, number_e164: str, call_id: str) -> dict[str, str]:
    channel = str(getattr(settings, "DUNWELL_AMI_CHANNEL", "") or "PJSIP/{extension}")
    return {
        "Channel": channel.format(extension=extension),
        "Context": str(getattr(settings, "DUNWELL_AMI_CONTEXT", "") or "from-internal"),
        "Exten": number_e164,
        "Priority": "1",
        "CallerID": f"<{number_e164}>",
        "Timeout": "30000",
        "Async": "true",
        "Variable": f"{asterisk.CALL_VARIABLE}={call_id}",
    }


def _secret(name: str) -> str:
    value = provider_secret(name)
    if not value:
        log.warning("click-to-call: %s is not set", name)
        raise DialError(_("The telephone exchange's API keys are not configured."))
    return value


def dial_zadarma(user: User, number_e164: str, contact_id: int | None) -> Call:
    request = cloud_dial.zadarma_callback(
        settings.DUNWELL_ZADARMA_API_URL,
        _secret("DUNWELL_ZADARMA_KEY"),
        _secret("DUNWELL_ZADARMA_SECRET"),
        user.extension,
        number_e164,
    )
    try:
        answer = cloud_dial.send(request)
    except cloud_dial.ProviderError as exc:
        log.warning("Zadarma callback failed: %s", exc)
        raise DialError(str(FAILED)) from None
    if answer.get("status") != "success":
        log.warning("Zadarma callback refused: %s", answer.get("message", answer))
        raise DialError(str(FAILED))
    # Zadarma's answer has no call id: the record keeps a provisional one until the first
    # NOTIFY_OUT_START of this extension and number brings `pbx_call_id` (services._adopt).
    return _ringing(Provider.ZADARMA, provisional_call_id(), user, number_e164, contact_id)


def dial_mango(user: User, number_e164: str, contact_id: int | None) -> Call:
    # Mango's events of the call carry this command_id beside their own entry_id; the first
    # of them renames the record (services._adopt).
    command_id = provisional_call_id()
    request = cloud_dial.mango_callback(
        settings.DUNWELL_MANGO_API_URL,
        _secret("DUNWELL_MANGO_KEY"),
        _secret("DUNWELL_MANGO_SALT"),
        command_id,
        user.extension,
        number_e164.lstrip("+"),
    )
    try:
        answer = cloud_dial.send(request)
    except cloud_dial.ProviderError as exc:
        log.warning("Mango callback failed: %s", exc)
        raise DialError(str(FAILED)) from None
    if str(answer.get("result", "")) != "1000":
        log.warning("Mango callback refused: %s", answer)
        raise DialError(str(FAILED))
    return _ringing(Provider.MANGO, command_id, user, number_e164, contact_id)


def dial_twilio(user: User, number_e164: str, contact_id: int | None) -> Call:
    dial_url = str(getattr(settings, "DUNWELL_TWILIO_DIAL_URL", "") or "")
    caller = str(getattr(settings, "DUNWELL_TWILIO_FROM", "") or "")
    if not dial_url or not caller:
        log.warning("click-to-call: DUNWELL_TWILIO_DIAL_URL or DUNWELL_TWILIO_FROM is not set")
        raise DialError(_("The telephone exchange's API keys are not configured."))
    sep = "&" if "?" in dial_url else "?"
    request = cloud_dial.twilio_call(
        settings.DUNWELL_TWILIO_API_URL,
        _secret("DUNWELL_TWILIO_SID"),
        _secret("DUNWELL_TWILIO_AUTH_TOKEN"),
        caller,
        settings.DUNWELL_TWILIO_AGENT.format(extension=user.extension),
        f"{dial_url}{sep}{urlencode({'to': number_e164})}",
    )
    try:
        answer = cloud_dial.send(request)
    except cloud_dial.ProviderError as exc:
        log.warning("Twilio call failed: %s", exc)
        raise DialError(str(FAILED)) from None
    sid = str(answer.get("sid", ""))
    if not sid:
        log.warning("Twilio answered without a call sid: %s", answer)
        raise DialError(str(FAILED))
    return _ringing(Provider.TWILIO, sid, user, number_e164, contact_id)


DIALERS.update(
    {
        Provider.ASTERISK: dial_asterisk,
        Provider.ZADARMA: dial_zadarma,
        Provider.MANGO: dial_mango,
        Provider.TWILIO: dial_twilio,
    }
)
