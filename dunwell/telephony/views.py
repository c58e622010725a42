"""Telephony pages: the screen-pop event stream, the unknown caller's page (search, new
contact prefilled), the supervisor's "follow my team's pops" toggle."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import counterparty_filter, visible_counterparties
from dunwell.ledger.models import Contact, Counterparty
from dunwell.telephony import dialing, popups, services
from dunwell.telephony.models import Call, CallState, Direction, ScreenPop
from dunwell.work.errors import WorkError

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15
# A stream ends after this long; the browser reconnects with Last-Event-ID (frees the thread).
STREAM_SECONDS = 300


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every view here is behind login_required
    return user


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 16 else None


def pop_events(
    user_id: int,
    last_id: int | None,
    *,
    seconds: float = STREAM_SECONDS,
    language: str = "",
    call_id: int | None = None,
) -> Iterator[str]:
    """The user's pops as server-sent events: new rows every POLL_SECONDS, a comment line as a
    heartbeat, then the stream closes (the client reconnects). With `call_id` (a call the user
    may see: the call card's live panel), the panel's HTML as a `call` event when the stream
    opens and whenever the call changes. The texts are in `language`: the body is produced
    after the middleware has returned, with no language active."""
    with translation.override(language or None):
        yield from _pop_events(user_id, last_id, seconds, call_id)


# What the live panel shows of a call: when one of these changes, the panel is sent again.
_PANEL_FIELDS = (
    "state",
    "extension",
    "answered_at",
    "ended_at",
    "duration",
    "disposition",
    "recording",
    "recording_deleted_at",
)


def _panel_event(call_id: int, seen: tuple[Any, ...] | None) -> tuple[str, tuple[Any, ...] | None]:
    """(the `call` event to send, or "", and what was seen): one small query."""
    from django.template.loader import render_to_string

    now = Call.objects.filter(pk=call_id).values_list(*_PANEL_FIELDS).first()
    if now is None or now == seen:
        return "", seen
    call = Call.objects.get(pk=call_id)
    html = render_to_string(
        "telephony/call_state.html", {"call": call, "ask_outcome": asks_outcome(call)}
    )
    return f"event: call\ndata: {json.dumps({'call': call_id, 'html': html})}\n\n", now


def _pop_events(
    user_id: int, last_id: int | None, seconds: float, call_id: int | None = None
) -> Iterator[str]:
    if last_id is None:  # a fresh tab: only pops from now on
        last = ScreenPop.objects.filter(user_id=user_id).order_by("-id").first()
        last_id = last.pk if last else 0
    # The id line alone sets the browser's Last-Event-ID, so a reconnect misses nothing.
    yield f"retry: 1000\nid: {last_id}\n\n"
    started = time.monotonic()
    beat = started
    seen: tuple[Any, ...] | None = None
    while time.monotonic() - started < seconds:
        if call_id is not None:
            panel, seen = _panel_event(call_id, seen)
            if panel:
                yield panel
        fresh_since = timezone.now() - timedelta(seconds=popups.POP_FRESH_SECONDS)
        pops = list(
            ScreenPop.objects.filter(user_id=user_id, id__gt=last_id, created_at__gte=fresh_since)
            .select_related("call__counterparty")
            .order_by("id")[:20]
        )
        skipped = ScreenPop.objects.filter(user_id=user_id, id__gt=last_id).order_by("-id").first()
        for pop in pops:
            last_id = pop.pk
            yield f"id: {pop.pk}\nevent: pop\ndata: {json.dumps(popups.payload(pop))}\n\n"
        if skipped is not None and skipped.pk > last_id:
            last_id = skipped.pk  # stale pops are never sent
        now = time.monotonic()
        if now - beat >= HEARTBEAT_SECONDS:
            beat = now
            yield ": heartbeat\n\n"
        time.sleep(POLL_SECONDS)


@login_required
def pop_stream(request: HttpRequest) -> StreamingHttpResponse:
    """The screen pops; with `?call=<id>` of a call the user sees, that call's live panel
    too (the call card, instead of polling)."""
    call_id = None
    raw = request.GET.get("call", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 16:
        call_id = visible_calls(request).filter(pk=int(raw)).values_list("pk", flat=True).first()
    response = StreamingHttpResponse(
        pop_events(
            _user(request).pk,
            _last_event_id(request),
            seconds=STREAM_SECONDS,
            language=translation.get_language() or "",
            call_id=call_id,
        ),
        content_type="text/event-stream",
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@login_required
def unknown_caller(request: HttpRequest, pk: int) -> HttpResponse:
    """A call from a number no contact has: search the user's debtors, add the number as a new
    contact of one of them."""
    call = get_object_or_404(Call, pk=pk)
    if call.agent_id != _user(request).pk and not _follows_agent(request, call):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "telephony/unknown.html",
        {"call": call, "q": query, "debtors": _debtors_found(request, query)},
    )


def _debtors_found(request: HttpRequest, query: str) -> list[Counterparty]:
    """The user's debtors whose name has `query` (none without one), the first twenty. With
    more than one the page pre-selects none: the collector chooses."""
    if not query:
        return []
    debtors = visible_counterparties(_user(request)).filter(name__icontains=query)
    return list(debtors.order_by("name")[:20])


def _follows_agent(request: HttpRequest, call: Call) -> bool:
    agent = call.agent
    return bool(agent is not None and agent.supervisor_id == _user(request).pk)


@login_required
@require_POST
def add_contact(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(Call, pk=pk)
    if call.agent_id != _user(request).pk and not _follows_agent(request, call):
        raise PermissionDenied
    counterparty_id = request.POST.get("counterparty", "")
    name = request.POST.get("name", "").strip()
    query = request.POST.get("q", "").strip()
    error = ""
    if not (counterparty_id.isascii() and counterparty_id.isdigit() and len(counterparty_id) < 16):
        error = _("Debtor: choose the debtor the caller belongs to.")
    elif not name:
        error = _("Name: enter the contact's name.")
    if error:
        # The page again with the debtors found, the choice and the name as they were.
        context = {"call": call, "q": query, "debtors": _debtors_found(request, query)}
        context |= {"name": name, "chosen": counterparty_id, "error": error}
        return render(request, "telephony/unknown.html", context, status=400)
    counterparty = get_object_or_404(
        visible_counterparties(_user(request)), pk=int(counterparty_id)
    )
    try:
        services.add_caller_as_contact(call, counterparty, name=name, by=_user(request))
    except WorkError as exc:
        # Refused (the number is already another contact's of this debtor, or the user may not
        # change its contacts): the page again, the debtor and the name as chosen, the reason.
        context = {"call": call, "q": counterparty.name, "debtors": [counterparty]}
        context |= {"name": name, "error": exc.message}
        return render(request, "telephony/unknown.html", context, status=400)
    messages.success(request, _("The number is saved as a new contact."))
    return redirect("work:call", counterparty.pk)


@login_required
@require_POST
def follow_pops(request: HttpRequest) -> HttpResponse:
    if _user(request).role != Role.SUPERVISOR:
        raise PermissionDenied
    popups.set_following(_user(request), request.POST.get("follow") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("work:team")
    return redirect(target)


@login_required
@require_POST
def dial(request: HttpRequest, pk: int) -> HttpResponse:
    """Click-to-call: the collector's extension rings, then the contact; the call card opens in
    live mode. Without a connected exchange, say so and keep the card (the tel: link stays)."""
    contact = get_object_or_404(
        Contact.objects.filter(counterparty_filter(_user(request), "counterparty__")), pk=pk
    )
    card = reverse("work:call", args=[contact.counterparty_id])
    # The contact's second number when its own button was pressed ("which=alt").
    number = contact.phone_alt if request.POST.get("which") == "alt" else contact.phone
    try:
        call = dialing.start_call(_user(request), number, contact_id=contact.pk)
    except dialing.DialError as exc:
        messages.error(request, str(exc))
        return redirect(f"{card}?contact={contact.pk}")
    return redirect(f"{card}?contact={contact.pk}&call={call.pk}")


def visible_calls(request: HttpRequest) -> Any:
    """Calls of debtors the user sees, and the user's own calls (an unknown number)."""
    return Call.objects.filter(
        counterparty_filter(_user(request), "counterparty__") & Q(counterparty__isnull=False)
        | Q(agent=_user(request))
    )


@login_required
def call_state(request: HttpRequest, pk: int) -> HttpResponse:
    """The live panel of the call card: state, talk time, the outcome prompt once an answered
    outgoing call has ended. Loaded with the card; then the event stream sends it on every
    change, and the page asks here again only while the stream is down (pop.js)."""
    call = get_object_or_404(visible_calls(request), pk=pk)
    return render(
        request, "telephony/call_state.html", {"call": call, "ask_outcome": asks_outcome(call)}
    )


def asks_outcome(call: Call) -> bool:
    """Once an answered outgoing call has ended, the card asks for its outcome."""
    return (
        call.state == CallState.ENDED
        and call.direction == Direction.OUTBOUND
        and call.answered_at is not None
    )


@login_required
@require_POST
def set_extension(request: HttpRequest) -> HttpResponse:
    try:
        services.set_extension(_user(request), request.POST.get("extension", ""))
    except services.ExtensionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Your phone extension is saved."))
    return redirect("work:preferences")


@login_required
def recording(request: HttpRequest, pk: int) -> FileResponse:
    """The call's recording for the HTML5 player: whoever sees the debtor (or took the call)."""
    call = get_object_or_404(visible_calls(request), pk=pk)
    if not call.recording:
        raise Http404
    kind = "audio/wav" if call.recording.name.endswith(".wav") else "audio/mpeg"
    if call.recording.name.endswith(".ogg"):
        kind = "audio/ogg"
    return FileResponse(call.recording.open("rb"), content_type=kind)
