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


@register.inclusion_tag("telephony/pop_banner.html", takes_context=True)
def screen_pop(context: Any) -> dict[str, Any]:
    """The screen-pop banner and its event stream, on the pages of a user a call can pop up
    for: one with an extension, a supervisor following the team's pops, and anybody on a call
    card in live mode (`?call=`, whose panel rides the same stream). Nobody else holds a
    stream: each open tab would keep a server thread reading the database four times a second
    for a pop that cannot come."""
    from dunwell.accounts.models import Role
    from dunwell.telephony.popups import is_following

    user = context.get("user")
    request = context.get("request")
    live = request is not None and bool(request.GET.get("call"))
    wanted = bool(
        user is not None
        and user.is_authenticated
        and (
            getattr(user, "extension", "")
            or live
            # only a supervisor can follow the team's calls (views.follow_pops)
            or (user.role == Role.SUPERVISOR and is_following(user))
        )
    )
    return {"show": wanted}


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
