"""Transfers reported by the cloud exchanges' webhooks, with their documented fields: the call
moves to the colleague, who gets the screen pop, and the debtor's timeline says to whom.

Zadarma has no transfer notification: the colleague's extension rings (NOTIFY_INTERNAL,
`internal`) and answers (NOTIFY_ANSWER, `internal`/`destination`) under the same `pbx_call_id`
(fields of github.com/zadarma/user-api-v1, lib/Webhook/NotifyInternal.php, NotifyAnswer.php,
NotifyEnd.php). Mango reports the consultation as a leg between two extensions and then the
debtor `Connected` to the colleague's `to.extension` under the same `entry_id` (Mango's VPBX API
description, "Перевод вызова с консультацией": the `events/call` sequence with
`from.taken_from_call_id`)."""

import base64
import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.utils import translation

from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.telephony import popups
from dunwell.telephony.models import Call, CallState, ScreenPop

ZADARMA_SECRET = "zd-secret-123"
MANGO_KEY, MANGO_SALT = "mango-key-abc", "mango-salt-xyz"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.DUNWELL_ZADARMA_SECRET = ZADARMA_SECRET
    settings.DUNWELL_MANGO_KEY = MANGO_KEY
    settings.DUNWELL_MANGO_SALT = MANGO_SALT


@pytest.fixture
def contact(make_counterparty, collector, teammate):
    collector.extension = "101"
    collector.save()
    teammate.extension = "102"
    teammate.save()
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")


def transfer_texts(call, language):
    entries = list(TimelineEntry.objects.filter(kind="telephony.transfer", data__call=call.pk))
    with translation.override(language):
        return [entry.text for entry in with_texts(entries)]


# --- Zadarma --------------------------------------------------------------------------------


def zadarma_sign(data: str) -> str:
    digest = hmac.new(ZADARMA_SECRET.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode()


CALL = {"call_start": "2026-12-01 11:00:00", "pbx_call_id": "in_7d2e", "caller_id": "40721234567"}
DID = "40312345678"


def zadarma(event: str, **fields: str) -> tuple[dict, str]:
    """A NOTIFY_* form and its Signature, signed over the fields Zadarma names per event."""
    form = CALL | {"event": event} | fields
    if event == "NOTIFY_ANSWER":
        signed = form["caller_id"] + form["destination"] + form["call_start"]
    else:
        signed = form["caller_id"] + form["called_did"] + form["call_start"]
    return form, zadarma_sign(signed)


def post_zadarma(client, steps):
    for form, signature in steps:
        response = client.post(
            "/telephony/webhooks/zadarma/", form, headers={"Signature": signature}
        )
        assert response.status_code == 200, form["event"]


TRANSFERRED = [
    zadarma("NOTIFY_START", called_did=DID),
    zadarma("NOTIFY_INTERNAL", called_did=DID, internal="101"),
    zadarma("NOTIFY_ANSWER", destination="101", internal="101"),
    # 101 transfers the debtor to 102: 102 rings, then answers; same pbx_call_id.
    zadarma("NOTIFY_INTERNAL", called_did=DID, internal="102"),
    zadarma("NOTIFY_ANSWER", destination="102", internal="102"),
    zadarma(
        "NOTIFY_END",
        called_did=DID,
        internal="102",
        duration="140",
        disposition="answered",
        status_code="16",
        is_recorded="0",
    ),  # fmt: skip
]


def test_a_zadarma_transfer_moves_the_call_pops_for_the_colleague_and_is_on_the_timeline(
    contact, collector, teammate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_zadarma(Client(), TRANSFERRED)
    call = Call.objects.get(provider="zadarma", provider_call_id="in_7d2e")
    assert (call.extension, call.agent, call.state, call.duration) == (
        "102",
        teammate,
        CallState.ENDED,
        140,
    )
    assert {pop.user for pop in ScreenPop.objects.filter(call=call)} == {collector, teammate}
    pop = ScreenPop.objects.get(call=call, user=teammate)
    assert popups.payload(pop)["text"] == (
        f"Call transferred to you: {contact.counterparty.name} (+40 721 234 567)"
    )
    assert transfer_texts(call, "en") == [
        "Call with +40 721 234 567 transferred to tanya (extension 102)"
    ]
    assert transfer_texts(call, "ro") == [
        "Apelul cu +40 721 234 567 a fost transferat către tanya (interior 102)"
    ]


def test_a_replayed_zadarma_transfer_adds_nothing(contact, teammate,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        post_zadarma(client, TRANSFERRED[:5])
        post_zadarma(client, TRANSFERRED[3:5])  # Zadarma retries
    call = Call.objects.get()
    assert ScreenPop.objects.filter(call=call, user=teammate).count() == 1
    assert len(transfer_texts(call, "en")) == 1


def test_a_colleague_answering_a_zadarma_call_that_rang_several_phones_is_no_transfer(
    contact, teammate, django_capture_on_commit_callbacks
):
    # A ring group: 101 and 102 ring, 102 answers first: that is the answer, not a transfer.
    steps = [
        zadarma("NOTIFY_START", called_did=DID),
        zadarma("NOTIFY_INTERNAL", called_did=DID, internal="101"),
        zadarma("NOTIFY_INTERNAL", called_did=DID, internal="102"),
        zadarma("NOTIFY_ANSWER", destination="102", internal="102"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        post_zadarma(Client(), steps)
    call = Call.objects.get()
    assert (call.extension, call.agent, call.state) == ("102", teammate, CallState.ANSWERED)
    assert transfer_texts(call, "en") == []


# --- Mango Office ---------------------------------------------------------------------------


def mango_form(data):
    text = json.dumps(data)
    sign = hashlib.sha256((MANGO_KEY + text + MANGO_SALT).encode()).hexdigest()
    return {"vpbx_api_key": MANGO_KEY, "sign": sign, "json": text}


ENTRY = "MjMyd2MzZTN3M3MyMjI="
DEBTOR = {"number": "40721234567"}
AT_101 = {"extension": "101", "number": "sip:colin@demo.mangosip.ru", "line_number": DID}
AT_102 = {"extension": "102", "number": "sip:tanya@demo.mangosip.ru"}


def mango(call_id: str, seq: int, state: str, src: dict, dst: dict, at: int, **more) -> dict:
    return {"entry_id": ENTRY, "call_id": call_id, "timestamp": at, "seq": seq,
            "call_state": state, "location": "abonent", "from": src, "to": dst} | more  # fmt: skip


# The sequence of Mango's example of a consultative transfer, with our numbers.
CONSULTATIVE = [
    mango("200:514", 1, "Appeared", DEBTOR, AT_101, 1796115600),
    mango("200:514", 2, "Connected", DEBTOR, AT_101, 1796115605),
    mango("200:514", 3, "OnHold", DEBTOR, AT_101, 1796115640),
    # 101 calls 102 to consult: a leg between two colleagues.
    mango(
        "202:515",
        1,
        "Appeared",
        {
            "extension": "101",
            "number": "sip:colin@demo.mangosip.ru",
            "taken_from_call_id": "200:514",
        },
        AT_102,
        1796115645,
    ),  # fmt: skip
    mango(
        "202:515",
        2,
        "Connected",
        {
            "extension": "101",
            "number": "sip:colin@demo.mangosip.ru",
            "taken_from_call_id": "200:514",
        },
        AT_102,
        1796115650,
    ),  # fmt: skip
    mango("200:514", 4, "Disconnected", DEBTOR, AT_101, 1796115660, disconnect_reason=1120),
    # The debtor now talks to 102.
    mango(
        "202:515",
        3,
        "Connected",
        DEBTOR | {"taken_from_call_id": "200:514"},
        AT_102,
        1796115661,
        transfer="consultative",
    ),  # fmt: skip
]


def test_a_mango_consultative_transfer_moves_the_call_to_the_colleague(
    contact, collector, teammate, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        for data in CONSULTATIVE[:5]:
            response = client.post("/telephony/webhooks/mango/events/call", mango_form(data))
            assert response.status_code == 200
        call = Call.objects.get(provider="mango", provider_call_id=ENTRY)
        # While 101 only consults, the call is still 101's and nobody else was popped.
        assert (call.extension, call.agent) == ("101", collector)
        assert not ScreenPop.objects.filter(user=teammate).exists()
        for data in CONSULTATIVE[5:]:
            client.post("/telephony/webhooks/mango/events/call", mango_form(data))
    call.refresh_from_db()
    assert (call.extension, call.agent, call.state) == ("102", teammate, CallState.ANSWERED)
    assert call.external_number == "+40721234567"
    pop = ScreenPop.objects.get(call=call, user=teammate)
    assert popups.payload(pop)["text"].startswith("Call transferred to you:")
    assert transfer_texts(call, "ru") == [
        "Звонок с номером +40 721 234 567 переведён на tanya (внутренний номер 102)"
    ]
    assert Call.objects.count() == 1  # the consultation made no call of its own
