"""`{% dial_button contact %}`: click-to-call through the company's PBX next to a phone, or the
plain `tel:` link while no exchange is connected (`DUNWELL_PBX` empty)."""

from __future__ import annotations

from typing import Any

from django import template

from dunwell.telephony.dialing import configured_provider

register = template.Library()


@register.inclusion_tag("telephony/dial_button.html", takes_context=True)
def dial_button(context: Any, contact: Any) -> dict[str, Any]:
    phone = str(getattr(contact, "phone", None) or "")
    return {
        "contact": contact if phone else None,
        "pbx": bool(configured_provider()),
        "csrf_token": context.get("csrf_token"),
    }


# While the event stream is down, the live panel asks for itself this often (pop.js).
FALLBACK_POLL_MS = 10_000


@register.inclusion_tag("telephony/live_call.html")
def live_call(call_id: Any) -> dict[str, Any]:
    """The call card's live panel while the request names a call: loaded once, then kept
    current by the event stream (pop.js)."""
    text = str(call_id or "")
    return {
        "call_id": int(text) if text.isascii() and text.isdigit() and len(text) < 16 else None,
        "fallback_ms": FALLBACK_POLL_MS,
    }


@register.inclusion_tag("telephony/dial_button.html", takes_context=True)
def dial_for(context: Any, phones: Any, counterparty_id: int) -> dict[str, Any]:
    """The dial button of a debtor's contact to call (`selectors.contacts_to_call`)."""
    return dial_button(context, (phones or {}).get(counterparty_id))
