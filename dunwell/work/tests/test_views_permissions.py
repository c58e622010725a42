"""Every page: the owner collector gets it, a teammate and an outsider do not see the debtor
(404, never revealing it exists); team pages need a manager."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ledger.models import Counterparty
from dunwell.work import services
from dunwell.work.models import Meeting

DEBTOR_PAGES = ["work:debtor", "work:debtor_export", "work:call", "work:meeting_new"]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", DEBTOR_PAGES)
def test_debtor_pages_are_for_the_owner_only(
    name: str, debtor: Counterparty, collector: User, teammate: User, outsider: User, frozen: None
) -> None:
    url = reverse(name, args=[debtor.pk])
    assert client_for(collector).get(url).status_code == 200
    assert client_for(teammate).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404


def test_anonymous_is_sent_to_login(debtor: Counterparty) -> None:
    response = Client().get(reverse("work:debtor", args=[debtor.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_meeting_page_is_for_the_owner_only(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, frozen: None
) -> None:
    from django.utils import timezone

    meeting = services.save_meeting(collector, debtor, {"starts_at": timezone.now()})
    url = reverse("work:meeting", args=[debtor.pk, meeting.pk])
    assert client_for(collector).get(url).status_code == 200
    assert client_for(teammate).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert Meeting.objects.count() == 1


def test_a_new_meeting_form_shows_no_errors_before_anything_is_submitted(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    page = client_for(collector).get(reverse("work:meeting_new", args=[debtor.pk]))
    assert page.status_code == 200
    assert not page.context["form"].is_bound
    assert "This field is required." not in page.content.decode()


def test_call_card_names_the_bad_phone_field(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    response = client_for(collector).post(
        reverse("work:call", args=[debtor.pk]),
        {"outcome": "wrong_person", "decider_name": "Ion Rusu", "decider_phone": "abc"},
        follow=True,
    )
    assert "Phone: “abc” is not a phone number." in response.content.decode()
    assert not debtor.contacts.filter(name="Ion Rusu").exists()


def test_debtor_list_shows_only_visible_debtors(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, supervisor: User
) -> None:
    url = reverse("work:debtors")
    assert debtor.name in client_for(collector).get(url).content.decode()
    assert debtor.name not in client_for(teammate).get(url).content.decode()
    assert debtor.name not in client_for(outsider).get(url).content.decode()
    assert debtor.name in client_for(supervisor).get(url).content.decode()


def test_reassign_needs_the_supervisor(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, supervisor: User
) -> None:
    url = reverse("work:reassign", args=[debtor.pk])
    assert client_for(collector).get(url).status_code == 403
    assert client_for(teammate).get(url).status_code == 403
    assert client_for(outsider).get(url).status_code == 403
    response = client_for(supervisor).get(url)
    assert response.status_code == 200
    assert teammate.username in response.content.decode()
    # the supervisor sees whom the debtor is taken from
    assert f"Responsible now: {debtor.collector}." in response.content.decode()


@pytest.mark.parametrize(
    "name", ["work:scripts", "work:preferences", "work:notifications", "work:calendar"]
)
def test_personal_pages_open_for_every_signed_in_user(
    name: str, collector: User, teammate: User, outsider: User
) -> None:
    for user in (collector, teammate, outsider):
        assert client_for(user).get(reverse(name)).status_code == 200
    assert Client().get(reverse(name)).status_code == 302


def test_collectors_cannot_edit_call_scripts(collector: User, supervisor: User) -> None:
    url = reverse("work:scripts")
    data = {"situation": "first_call", "language": "en", "text": "Hello {debtor}"}
    assert client_for(collector).post(url, data).status_code == 403
    assert client_for(supervisor).post(url, data).status_code == 302
    from dunwell.work.models import CallScript

    assert CallScript.objects.get(situation="first_call", language="en").text == "Hello {debtor}"


def test_notifications_are_private(
    debtor: Counterparty, collector: User, teammate: User, outsider: User
) -> None:
    services.notify(collector, "other", "secret for colin", debtor)
    assert (
        "secret for colin"
        in client_for(collector).get(reverse("work:notifications")).content.decode()
    )
    for other in (teammate, outsider):
        page = client_for(other).get(reverse("work:notifications")).content.decode()
        assert "secret for colin" not in page


def test_calendar_feed_needs_a_live_token_and_lists_the_tasks_as_events(
    debtor: Counterparty, collector: User, frozen: None
) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from icalendar import Calendar

    from dunwell.ladder import services as ladder

    due = datetime(2026, 3, 10, 15, 30, tzinfo=ZoneInfo("Europe/Bucharest"))
    task = ladder.create_manual_task(
        counterparty=debtor, assignee=collector, action="call", due_at=due,
        title="Call back as asked", user=None,
    )  # fmt: skip
    letter = ladder.create_manual_task(
        counterparty=debtor, assignee=collector, action="letter", due_at=due,
        title="Reminder letter", user=None,
    )  # fmt: skip
    token = services.calendar_token(collector)
    url = reverse("work:calendar_feed", args=[token.token])
    response = Client().get(url)
    assert response.status_code == 200
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    call = events[f"Call back as asked — {debtor.name}"]
    start = call.decoded("dtstart")
    assert start == datetime(2026, 3, 10, 13, 30, tzinfo=UTC) and start.utcoffset().seconds == 0
    call_card = reverse("work:call", args=[debtor.pk]) + f"?task={task.pk}"
    assert str(call["url"]) == f"http://testserver{call_card}"
    letter_page = reverse("work:task", args=[letter.pk])
    assert str(events[f"Reminder letter — {debtor.name}"]["url"]) == (
        f"http://testserver{letter_page}"
    )
    services.revoke_calendar_token(collector)
    assert Client().get(url).status_code == 404
    assert Client().get(reverse("work:calendar_feed", args=["guess"])).status_code == 404
