"""Screen-pop latency (issue 12), called by bench/telephony.py with its running server: from the
moment a provider's "ringing" webhook is sent (Zadarma `NOTIFY_INTERNAL`, signed as Zadarma
signs it) to the moment the collector's open event stream (`/telephony/pops/`, the one the page
listens to) delivers the pop for that call. The collector is signed in with a real session
cookie. Target: within one second ("the card opens within one second" of the ring).

The floor measured in the same run is the webhook's own answer time (the POST's round trip): the
pop cannot arrive before the event is recorded."""

from __future__ import annotations

import contextlib
import http.client
import queue
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

SECRET = "bench-zadarma-secret-" + "z" * 16
SAMPLES = 30
WARM_UP = 16


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _signed_in(user: Any) -> str:
    """A session cookie for `user`, as a sign-in would set it."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _listen(port: int, cookie: str, arrivals: queue.Queue[tuple[float, str]],
            ready: threading.Event, stop: threading.Event) -> None:  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", "/telephony/pops/", headers={"Cookie": cookie,
                                                     "Accept": "text/event-stream"})  # fmt: skip
    response = conn.getresponse()
    assert response.status == 200, response.status
    ready.set()
    event = ""
    while not stop.is_set():
        line = response.fp.readline()
        if not line:
            break
        text = line.decode().rstrip("\n")
        if text.startswith("event: "):
            event = text[7:]
        elif text.startswith("data: ") and event == "pop":
            arrivals.put((time.perf_counter(), text[6:]))
            event = ""
    conn.close()


def _ring(port: int, caller: str, extension: str) -> tuple[str, float]:
    from dunwell.telephony.signatures import zadarma_signature

    call_id = "bench-" + secrets.token_hex(6)
    fields = {
        "event": "NOTIFY_INTERNAL",
        "call_start": time.strftime("%Y-%m-%d %H:%M:%S"),
        "pbx_call_id": call_id,
        "caller_id": caller.lstrip("+"),
        "called_did": "40312345678",
        "internal": extension,
    }
    signature = zadarma_signature("NOTIFY_INTERNAL", fields, SECRET)
    assert signature is not None
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    began = time.perf_counter()
    conn.request("POST", "/telephony/webhooks/zadarma/", body=urlencode(fields),
                 headers={"Signature": signature,
                          "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    response = conn.getresponse()
    response.read()
    answered = time.perf_counter() - began
    conn.close()
    assert response.status == 200, response.status
    return call_id, answered


def measure(port: int, report: Any) -> None:
    from dunwell.accounts.models import User
    from dunwell.ledger.models import Contact

    contact = (
        Contact.objects.filter(counterparty__collector__extension__gt="")
        .exclude(phone="")
        .select_related("counterparty__collector")
        .order_by("pk")
        .first()
    )
    assert contact is not None and contact.counterparty.collector is not None
    collector: User = contact.counterparty.collector
    arrivals: queue.Queue[tuple[float, str]] = queue.Queue()
    ready, stop = threading.Event(), threading.Event()
    listener = threading.Thread(
        target=_listen, args=(port, _signed_in(collector), arrivals, ready, stop), daemon=True
    )
    listener.start()
    assert ready.wait(30), "the event stream did not open"
    # Warm-up, not measured: each server process pays its first webhook's imports and caches
    # once (as after a deploy); every process gets a few, as the routing part warms up too.
    for _ in range(WARM_UP):
        _ring(port, contact.phone, collector.extension)
        with contextlib.suppress(queue.Empty):
            arrivals.get(timeout=5)
    latencies, posts, missed = [], [], 0
    for _ in range(SAMPLES):
        began = time.perf_counter()
        _call_id, answered = _ring(port, contact.phone, collector.extension)
        posts.append(answered * 1000)
        try:
            arrived, data = arrivals.get(timeout=5)
        except queue.Empty:
            missed += 1
            continue
        assert contact.counterparty.name in data or str(contact.counterparty.pk) in data, data
        latencies.append((arrived - began) * 1000)
        time.sleep(0.05)
    stop.set()
    report.add(
        "screen pop (webhook sent -> pop read from the collector's event stream)",
        f"n={len(latencies)} p50={_percentile(latencies, 0.5):.0f} ms "
        f"p95={_percentile(latencies, 0.95):.0f} ms max={max(latencies, default=0):.0f} ms "
        f"missed={missed} (target: within 1 s)",
    )
    report.add(
        "floor (the webhook's own round trip)",
        f"p50={_percentile(posts, 0.5):.0f} ms p95={_percentile(posts, 0.95):.0f} ms",
    )
