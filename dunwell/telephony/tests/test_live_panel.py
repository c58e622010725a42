"""The call card's live panel is pushed over the screen-pop event stream: the panel's HTML when
the stream opens and whenever the call changes, only for a call the user may see."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.telephony import views
from dunwell.telephony.models import Call, CallState, Direction
from dunwell.telephony.services import CallEvent, record_event
from dunwell.telephony.views import pop_events

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def call(make_counterparty, collector):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    contact = Contact.objects.create(counterparty=debtor, name="Ana", phone="+40721234567")
    return Call.objects.create(provider="zadarma", provider_call_id="live-1",
                               direction=Direction.OUTBOUND, external_number=contact.phone,
                               contact=contact, counterparty=debtor, agent=collector,
                               extension="101", started_at=T0)  # fmt: skip


def panels(text):
    """The `call` events' panels in a stream's text."""
    import json

    blocks = [block for block in text.split("\n\n") if block.startswith("event: call\n")]
    return [json.loads(block.split("data: ", 1)[1]) for block in blocks]


def test_the_stream_sends_the_panel_when_it_opens_and_not_again_while_nothing_changes(call):
    sent = panels("".join(pop_events(call.agent_id, None, seconds=0.6, call_id=call.pk)))
    assert len(sent) == 1
    assert sent[0]["call"] == call.pk
    assert "outgoing" in sent[0]["html"].lower() and "ringing" in sent[0]["html"]


def test_a_change_of_the_call_is_pushed_within_a_poll(call):
    stream = pop_events(call.agent_id, None, seconds=10, call_id=call.pk)
    assert next(stream).startswith("retry:")
    assert "ringing" in panels(next(stream))[0]["html"]
    record_event(CallEvent(provider="zadarma", provider_call_id="live-1", kind="answered",
                           at=T0 + timedelta(seconds=5), extension="101"))  # fmt: skip
    assert "answered" in panels(next(stream))[0]["html"]
    record_event(CallEvent(provider="zadarma", provider_call_id="live-1", kind="ended",
                           at=T0 + timedelta(seconds=65), duration=60))  # fmt: skip
    ended = panels(next(stream))[0]["html"]
    assert "60 seconds" in ended
    assert "The call has ended: record its outcome below." in ended


def test_the_panel_speaks_the_users_language(call):
    sent = panels("".join(pop_events(call.agent_id, None, seconds=0.1, language="ru",
                                     call_id=call.pk)))  # fmt: skip
    assert "Исходящий" in sent[0]["html"] or "исходящий" in sent[0]["html"]


@pytest.mark.parametrize("who,sees", [("collector", True), ("supervisor", True),
                                       ("teammate", False), ("outsider", False)])  # fmt: skip
def test_only_who_sees_the_call_gets_its_panel_on_the_stream(
    client, request, call, monkeypatch, who, sees
):
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.3)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("telephony:pops"), {"call": call.pk})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert bool(panels(text)) is sees
    if sees:  # the number as people read it
        assert "+40 721 234 567" in text
    else:
        assert "+40 721 234 567" not in text and "+40721234567" not in text


def test_a_malformed_call_parameter_is_ignored(client, collector, monkeypatch, call):
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.2)
    client.force_login(collector)
    response = client.get(reverse("telephony:pops"), {"call": "1; drop"})
    assert panels(b"".join(response.streaming_content).decode()) == []


def test_the_call_card_loads_the_panel_once_and_does_not_poll(client, collector, call):
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[call.counterparty_id]), {"call": call.pk})
    html = page.content.decode()
    assert f'data-call="{call.pk}"' in html
    assert 'hx-trigger="load"' in html and "every 2s" not in html
    assert call.state == CallState.RINGING


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "ru",
            "Сначала зазвонит ваш рабочий телефон (внутренний 101): снимите трубку, и АТС"
            " наберёт +40 721 234 567.",
        ),
        (
            "ro",
            "Mai întâi sună telefonul dvs. de birou (interior 101): ridicați receptorul,"
            " iar centrala formează apoi +40 721 234 567.",
        ),
    ],
)
def test_a_click_to_call_being_set_up_says_the_collectors_phone_rings_first(
    client, call, language, said
):
    """The panel read 'Исходящий · +79255428868 · звонит' and the collector waited for the
    debtor while their own desk phone rang unanswered."""
    import html

    call.agent.language = language
    call.agent.save()
    client.force_login(call.agent)
    url = reverse("telephony:call_state", args=[call.pk])
    page = html.unescape(client.get(url).content.decode())
    assert said in page
    record_event(CallEvent(provider="zadarma", provider_call_id="live-1", kind="answered",
                           at=T0 + timedelta(seconds=5), extension="101"))  # fmt: skip
    page = html.unescape(client.get(url).content.decode())
    assert said not in page
