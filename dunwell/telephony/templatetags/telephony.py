"""`{% dial_button contact %}`: click-to-call through the company's PBX next to a phone, or the
plain `tel:` link while no exchange is connected (`DUNWELL_PBX` empty)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from dunwell.ledger.phones import format_phone
from dunwell.markup import html
from dunwell.telephony.dialing import configured_provider

register = template.Library()


# The phone glyph of the dial buttons.
_PHONE_ICON = mark_safe(  # noqa: S308 - a constant
    '<svg class="icon" aria-hidden="true" width="14" height="14" viewBox="0 0 24 24" '
    'fill="currentColor"><path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 '
    "11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 "
    '1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z"/></svg>'
)


def dial_button_html(contact: Any, csrf_token: Any, alt: bool = False) -> SafeString:
    """A contact's dial button: a form posting to the PBX dialer while an exchange is
    connected, else a `tel:` link dialling the E.164 number; nothing for a contact without a
    phone. The button reads the number as people write it ("+373 22 213 456"). `alt`: the
    contact's second number. Built in Python: the worklist prints one per row
    (`work/rows.py`)."""
    phone = str(getattr(contact, "phone_alt" if alt else "phone", None) or "")
    if not phone:
        return SafeString("")
    shown = format_phone(phone)
    suffix = "-alt" if alt else ""
    if configured_provider():
        token = str(csrf_token or "")
        hidden = (
            html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and token != "NOTPROVIDED"  # noqa: S105 - Django's "no token" marker
            else ""
        )
        which = html('<input type="hidden" name="which" value="alt">') if alt else ""
        return html(
            '<form method="post" action="{}" class="inline dial">{}{}<button type="submit" '
            'class="small" data-testid="dial-{}{}" title="{}">{} {}</button></form>',
            reverse("telephony:dial", args=[contact.pk]),
            hidden,
            which,
            contact.pk,
            suffix,
            gettext("Call through the office phone"),
            _PHONE_ICON,
            shown,
        )
    return html(
        '<a role="button" class="small" href="tel:{}" data-testid="call-{}{}">{} {}</a>',
        phone,
        contact.pk,
        suffix,
        _PHONE_ICON,
        shown,
    )


def extension_html(contact: Any, alt: bool = False) -> SafeString:
    """ "ext. 12" after a contact's phone, the extension to ask the switchboard for (the dial
    button dials the main number); nothing without one. The card, the call card and the
    worklist's rows (`work/rows.py`) print it beside the dial button. `alt`: the second
    number's."""
    extension = str(getattr(contact, "phone_alt_ext" if alt else "phone_ext", None) or "")
    if not extension or not getattr(contact, "phone_alt" if alt else "phone", None):
        return SafeString("")
    return html(
        ' <small class="phone-ext" data-testid="ext-{}{}">{}</small>',
        contact.pk,
        "-alt" if alt else "",
        gettext("ext. %(extension)s") % {"extension": extension},
    )


@register.simple_tag(takes_context=True)
def dial_button(context: Any, contact: Any, alt: bool = False) -> SafeString:
    return dial_button_html(contact, context.get("csrf_token"), alt)


@register.simple_tag
def phone_extension(contact: Any, alt: bool = False) -> SafeString:
    return extension_html(contact, alt)


@register.filter
def phone(value: Any) -> str:
    """`{{ number|phone }}`: an E.164 number as people read it, "+373 22 213 456"."""
    return format_phone(str(value or ""))


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


@register.simple_tag(takes_context=True)
def dial_for(context: Any, phones: Any, counterparty_id: int) -> SafeString:
    """The dial button of a debtor's contact to call (`selectors.contacts_to_call`)."""
    return dial_button_html((phones or {}).get(counterparty_id), context.get("csrf_token"))
