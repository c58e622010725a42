import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dunwell.ledger.models import Contact
from dunwell.telephony.models import Call, Direction, PopFollow, ScreenPop
from dunwell.telephony.views import pop_events


@pytest.fixture
def unknown_call(collector):
    return Call.objects.create(provider="zadarma", provider_call_id="u-1",
                               direction=Direction.INBOUND, external_number="+40219999999",
                               agent=collector, started_at=datetime.now(UTC))  # fmt: skip


def events_of(text):
    return [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]


def test_the_stream_sends_the_users_own_pops_only(unknown_call, collector, teammate):
    ScreenPop.objects.create(user=teammate, call=unknown_call)
    mine = ScreenPop.objects.create(user=collector, call=unknown_call)
    sent = "".join(pop_events(collector.pk, 0, seconds=0.01))
    data = events_of(sent)
    assert [d["id"] for d in data] == [mine.pk]
    assert data[0]["text"] == "Incoming call from an unknown number +40 21 999 9999"
    assert f"id: {mine.pk}\n" in sent
    assert "".join(pop_events(collector.pk, mine.pk, seconds=0.01)).count("data:") == 0


def test_a_fresh_tab_gets_only_new_pops(unknown_call, collector):
    ScreenPop.objects.create(user=collector, call=unknown_call)
    assert "data:" not in "".join(pop_events(collector.pk, None, seconds=0.01))


def test_the_stream_is_for_signed_in_users(client):
    response = client.get(reverse("telephony:pops"))
    assert response.status_code == 302


@pytest.mark.parametrize("who,status", [("collector", 200), ("supervisor", 200),
                                         ("teammate", 403), ("outsider", 403)])  # fmt: skip
def test_who_sees_the_unknown_callers_page(client, request, unknown_call, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("telephony:unknown", args=[unknown_call.pk]))
    assert response.status_code == status
    if status == 200:
        assert "Call from an unknown number +40 21 999 9999" in response.content.decode()


def test_the_collector_finds_a_debtor_and_saves_the_number_as_a_contact(
    client, collector, make_counterparty, unknown_call
):
    debtor = make_counterparty(collector=collector, name="Acme Timber SRL")
    client.force_login(collector)
    page = client.get(reverse("telephony:unknown", args=[unknown_call.pk]), {"q": "timber"})
    assert "Acme Timber SRL" in page.content.decode()
    response = client.post(reverse("telephony:add_contact", args=[unknown_call.pk]),
                           {"counterparty": debtor.pk, "name": "Ion Rusu"})  # fmt: skip
    assert response.status_code == 302
    assert Contact.objects.get(counterparty=debtor).phone == "+40219999999"
    unknown_call.refresh_from_db()
    assert unknown_call.counterparty == debtor


def test_the_collector_cannot_attach_the_number_to_a_debtor_they_do_not_see(
    client, collector, make_counterparty, unknown_call, outsider
):
    other = make_counterparty(collector=outsider)
    client.force_login(collector)
    response = client.post(reverse("telephony:add_contact", args=[unknown_call.pk]),
                           {"counterparty": other.pk, "name": "Ion Rusu"})  # fmt: skip
    assert response.status_code == 404
    assert not Contact.objects.exists()


def test_only_a_supervisor_can_follow_the_team_pops(client, supervisor, collector):
    client.force_login(collector)
    assert client.post(reverse("telephony:follow"), {"follow": "1"}).status_code == 403
    client.force_login(supervisor)
    client.post(reverse("telephony:follow"), {"follow": "1"})
    assert PopFollow.objects.filter(user=supervisor).exists()
    client.post(reverse("telephony:follow"), {"follow": "0"})
    assert not PopFollow.objects.exists()


@pytest.fixture
def contact_of_owner(make_counterparty, collector):
    debtor = make_counterparty(collector=collector)
    return Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40721234567")


@pytest.fixture
def fake_pbx(settings):
    from dunwell.telephony import dialing

    dialed = []

    def dialer(user, number, contact_id):
        dialed.append((user.username, number, contact_id))
        return Call.objects.create(provider="zadarma", provider_call_id=f"out-{len(dialed)}",
                                   direction=Direction.OUTBOUND, external_number=number,
                                   agent=user, started_at=datetime.now(UTC))  # fmt: skip

    settings.DUNWELL_PBX = "fake"
    dialing.DIALERS["fake"] = dialer
    yield dialed
    del dialing.DIALERS["fake"]


def test_click_to_call_dials_the_contact_and_opens_the_live_card(
    client, collector, contact_of_owner, fake_pbx
):
    collector.extension = "101"
    collector.save()
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[contact_of_owner.counterparty_id]))
    assert f'data-testid="dial-{contact_of_owner.pk}"' in page.content.decode()
    response = client.post(reverse("telephony:dial", args=[contact_of_owner.pk]))
    call = Call.objects.get()
    assert fake_pbx == [("colin", "+40721234567", contact_of_owner.pk)]
    assert response["Location"].endswith(f"&call={call.pk}")
    live = client.get(response["Location"]).content.decode()
    assert reverse("telephony:call_state", args=[call.pk]) in live


def test_click_to_call_without_an_exchange_says_so_and_keeps_the_tel_link(
    client, collector, contact_of_owner
):
    client.force_login(collector)
    page = client.get(reverse("work:call", args=[contact_of_owner.counterparty_id]))
    assert 'href="tel:+40721234567"' in page.content.decode()
    response = client.post(reverse("telephony:dial", args=[contact_of_owner.pk]), follow=True)
    assert "No telephone exchange is connected" in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize("who,status", [("collector", 302), ("supervisor", 302),
                                         ("teammate", 404), ("outsider", 404)])  # fmt: skip
def test_who_may_dial_a_contact(client, request, contact_of_owner, fake_pbx, who, status):
    user = request.getfixturevalue(who)
    user.extension = "10" + str(user.pk)
    user.save()
    client.force_login(user)
    assert client.post(reverse("telephony:dial", args=[contact_of_owner.pk])).status_code == status


def test_the_live_panel_asks_for_the_outcome_after_an_answered_outgoing_call(
    client, collector, contact_of_owner, teammate
):
    now = datetime.now(UTC)
    call = Call.objects.create(provider="zadarma", provider_call_id="o-1",
                               direction=Direction.OUTBOUND, external_number="+40721234567",
                               counterparty=contact_of_owner.counterparty, agent=collector,
                               started_at=now, answered_at=now, ended_at=now, duration=42,
                               state="ended", disposition="answered")  # fmt: skip
    client.force_login(collector)
    text = client.get(reverse("telephony:call_state", args=[call.pk])).content.decode()
    assert "42 seconds" in text and "record its outcome below" in text
    client.force_login(teammate)
    assert client.get(reverse("telephony:call_state", args=[call.pk])).status_code == 404


def test_the_collector_sets_their_extension_in_preferences(client, collector, teammate):
    teammate.extension = "102"
    teammate.save()
    client.force_login(collector)
    assert 'id="extension-form"' in client.get(reverse("work:preferences")).content.decode()
    client.post(reverse("telephony:extension"), {"extension": "101"})
    collector.refresh_from_db()
    assert collector.extension == "101"
    page = client.post(reverse("telephony:extension"), {"extension": "102"}, follow=True)
    assert "Phone extension: another user already has 102." in page.content.decode()
    page = client.post(reverse("telephony:extension"), {"extension": "1a"}, follow=True)
    assert "Phone extension: digits only, at most 16." in page.content.decode()
    collector.refresh_from_db()
    assert collector.extension == "101"


def test_the_worklist_has_a_dial_button_for_the_debtors_decider(
    client, collector, make_counterparty, fake_pbx
):
    from django.utils import timezone

    from dunwell.ladder.models import Task

    debtor = make_counterparty(collector=collector)
    Contact.objects.create(counterparty=debtor, name="Clerk", phone="+40721000001")
    boss = Contact.objects.create(counterparty=debtor, name="Boss", phone="+40721000002",
                                  decides_payments=True)  # fmt: skip
    Task.objects.create(counterparty=debtor, assignee=collector, action="call", title="Ring",
                        due_at=timezone.now(), key="t:dial")  # fmt: skip
    client.force_login(collector)
    page = client.get(reverse("work:worklist")).content.decode()
    assert f'data-testid="dial-{boss.pk}"' in page
    assert reverse("telephony:dial", args=[boss.pk]) in page


def test_the_outcome_on_the_live_card_links_the_call_and_counts_the_call_time_for_the_task(
    client, collector, contact_of_owner
):
    from datetime import timedelta

    from django.utils import timezone

    from dunwell.ladder.models import Task
    from dunwell.work.models import CallActivity

    debtor = contact_of_owner.counterparty
    due = timezone.now() - timedelta(hours=1)
    task = Task.objects.create(counterparty=debtor, assignee=collector, action="call",
                               title="Ring", due_at=due, window_start=due,
                               window_end=due + timedelta(minutes=30), key="t:live")  # fmt: skip
    dialled = due + timedelta(minutes=10)  # within the task's window; the form is saved later
    call = Call.objects.create(provider="zadarma", provider_call_id="o-2",
                               direction=Direction.OUTBOUND, external_number="+40721234567",
                               counterparty=debtor, agent=collector, started_at=dialled,
                               answered_at=dialled, ended_at=dialled + timedelta(minutes=2),
                               duration=120, state="ended")  # fmt: skip
    client.force_login(collector)
    url = reverse("work:call", args=[debtor.pk]) + f"?contact={contact_of_owner.pk}&call={call.pk}"
    response = client.post(url, {"task": task.pk, "contact": contact_of_owner.pk,
                                 "outcome": "no_answer", "note": ""})  # fmt: skip
    assert response.status_code == 302
    call.refresh_from_db()
    task.refresh_from_db()
    assert call.activity_id == CallActivity.objects.get(counterparty=debtor).pk
    assert task.status == "done" and task.done_at == dialled


def test_another_users_call_is_not_linked_to_my_outcome(
    client, collector, contact_of_owner, teammate
):
    debtor = contact_of_owner.counterparty
    call = Call.objects.create(provider="zadarma", provider_call_id="o-3",
                               direction=Direction.OUTBOUND, external_number="+40721234567",
                               counterparty=debtor, agent=teammate,
                               started_at=datetime.now(UTC))  # fmt: skip
    client.force_login(collector)
    url = reverse("work:call", args=[debtor.pk]) + f"?call={call.pk}"
    client.post(url, {"contact": contact_of_owner.pk, "outcome": "no_answer", "note": ""})
    call.refresh_from_db()
    assert call.activity_id is None


def test_the_worker_removes_pops_older_than_a_day(unknown_call, collector):
    from datetime import timedelta

    from dunwell import periodic
    from dunwell.telephony import popups

    old = ScreenPop.objects.create(user=collector, call=unknown_call)
    ScreenPop.objects.filter(pk=old.pk).update(created_at=datetime.now(UTC) - timedelta(days=2))
    fresh = ScreenPop.objects.create(user=collector, call=unknown_call)
    assert periodic.JOBS["telephony.pops"] is popups.delete_old
    assert popups.delete_old() == 1
    assert list(ScreenPop.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_stream_speaks_the_language_of_the_request_that_opened_it(
    unknown_call, collector, client
):
    """The body is produced after the middleware has returned: the texts must not fall back
    to English for a reader of Russian."""
    collector.language = "ru"
    collector.save()
    client.force_login(collector)
    ScreenPop.objects.create(user=collector, call=unknown_call)
    response = client.get(reverse("telephony:pops"), headers={"Last-Event-ID": "0"})
    first = next(chunk for chunk in response.streaming_content if b"data:" in chunk)
    text = events_of(first.decode())[0]["text"]
    assert text == "Входящий звонок с неизвестного номера +40 21 999 9999"


STREAM = 'data-stream="/telephony/pops/"'


def test_pages_open_the_pop_stream_only_for_who_a_call_can_pop_up_for(
    client, collector, supervisor, director, make_counterparty
):
    collector.extension = "101"
    collector.save()
    debtor = make_counterparty(collector=collector)
    home = reverse("work:debtor", args=[debtor.pk])
    client.force_login(collector)
    assert STREAM in client.get(home).content.decode()
    # A director (no extension, following nobody) holds no stream: no thread kept per tab.
    client.force_login(director)
    assert STREAM not in client.get(reverse("insight:aging")).content.decode()
    # A supervisor gets it once following the team's pops.
    client.force_login(supervisor)
    assert STREAM not in client.get(home).content.decode()
    PopFollow.objects.create(user=supervisor)
    assert STREAM in client.get(home).content.decode()


def test_a_call_card_in_live_mode_opens_the_stream_for_its_panel(
    client, supervisor, collector, make_counterparty
):
    debtor = make_counterparty(collector=collector)
    call = Call.objects.create(provider="zadarma", provider_call_id="live-x",
                               direction=Direction.OUTBOUND, external_number="+40721234567",
                               counterparty=debtor, agent=collector,
                               started_at=datetime.now(UTC))  # fmt: skip
    client.force_login(supervisor)
    page = client.get(reverse("work:call", args=[debtor.pk]), {"call": call.pk})
    assert STREAM in page.content.decode() and f'data-call="{call.pk}"' in page.content.decode()


def test_a_number_another_contact_of_the_debtor_has_is_refused_on_the_page(
    client, collector, make_counterparty, unknown_call
):
    """The caller's number saved as a new contact follows the contacts' one rule: a number
    another active contact of the debtor already has is refused, said on the unknown caller's
    page (the debtor and the name kept), nothing saved, the call left unmatched."""
    debtor = make_counterparty(collector=collector, name="Acme Timber SRL")
    Contact.objects.create(counterparty=debtor, name="Ana Pop", phone="+40219999999")
    client.force_login(collector)
    response = client.post(reverse("telephony:add_contact", args=[unknown_call.pk]),
                           {"counterparty": debtor.pk, "name": "Ion Rusu"})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "+40 21 999 9999 is already Ana Pop&#x27;s number." in page
    assert 'value="Ion Rusu"' in page
    assert f'<option value="{debtor.pk}">Acme Timber SRL</option>' in page
    assert list(Contact.objects.values_list("name", flat=True)) == ["Ana Pop"]
    unknown_call.refresh_from_db()
    assert unknown_call.counterparty is None


def test_the_callers_number_saved_as_a_contact_is_told_on_the_timeline(
    client, collector, make_counterparty, unknown_call
):
    from dunwell.ledger.models import TimelineEntry

    debtor = make_counterparty(collector=collector, name="Acme Timber SRL")
    client.force_login(collector)
    client.post(reverse("telephony:add_contact", args=[unknown_call.pk]),
                {"counterparty": debtor.pk, "name": "  Ion   Rusu "})  # fmt: skip
    assert Contact.objects.get(counterparty=debtor).name == "Ion Rusu"
    entries = TimelineEntry.objects.filter(counterparty=debtor)
    summaries = list(entries.values_list("summary", flat=True))
    assert summaries == ["Contact added: Ion Rusu (phone)"]


def test_the_new_contacts_phone_reads_as_people_write_it(client, collector, unknown_call):
    client.force_login(collector)
    page = client.get(reverse("telephony:unknown", args=[unknown_call.pk])).content.decode()
    assert 'id="phone" name="phone" value="+40 21 999 9999" readonly' in page
