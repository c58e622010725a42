"""`dunwell demo`: idempotent, and every printed login works."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.demo.generator import DEAL_NAMES
from dunwell.demo.setup import DEMO_PASSWORD
from dunwell.ledger.models import (
    Allocation,
    Company,
    Contact,
    Contract,
    Counterparty,
    Deal,
    Document,
    Payment,
)
from dunwell.ledger.phones import format_phone

DEMO_NOW = datetime.fromisoformat("2026-03-31 08:00:00+00:00")  # run_demo's moment
MODELS = (User, Company, Counterparty, Contact, Contract, Document, Payment, Allocation)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def run_demo() -> str:
    out = io.StringIO()
    with time_machine.travel("2026-03-31 08:00:00+00:00", tick=False):
        call_command("demo", "--debtors=30", "--documents=400", "--no-run", stdout=out)
    return out.getvalue()


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.mark.slow
@pytest.mark.django_db
def test_running_the_demo_twice_changes_nothing(data_dir: Path) -> None:
    run_demo()
    first = counts()
    assert first["Company"] == 1
    assert first["Counterparty"] == 30
    assert first["Document"] == 400
    assert first["Payment"] > 100
    assert first["Allocation"] > 100
    documents = list(Document.objects.order_by("external_id").values_list("open_amount", flat=True))
    run_demo()
    assert counts() == first
    assert (
        list(Document.objects.order_by("external_id").values_list("open_amount", flat=True))
        == documents
    )
    assert (data_dir / "demo" / "documents.csv").exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_every_printed_login_works_and_roles_are_set(data_dir: Path) -> None:
    text = run_demo()
    assert "http://127.0.0.1:8000/" in text  # make run's default address
    # The replay of the past weeks takes a while: it says which week it is at.
    assert "the last 8 weeks: 1/8, the run of " in text
    assert "the last 8 weeks: 8/8, the run of " in text
    roles = {user.username: user.role for user in User.objects.all()}
    for username in (
        "admin",
        "director",
        "finance",
        "lawyer",
        "credit",
        "supervisor1",
        "collector1",
        "collector2",
        "collector3",
        "sales1",
        "sales2",
    ):
        assert f"{username}" in text
        assert Client().login(username=username, password=DEMO_PASSWORD), username
    assert roles["admin"] == Role.ADMIN and User.objects.get(username="admin").is_superuser
    assert roles["supervisor1"] == Role.SUPERVISOR
    team = User.objects.filter(supervisor__username="supervisor1", role=Role.COLLECTOR)
    assert team.count() == 3
    # Extensions, so that a call sent by curl pops up at a collector (docs/telephony.md).
    assert sorted(team.values_list("extension", flat=True)) == ["101", "102", "103"]
    assert User.objects.get(username="supervisor1").extension == "201"
    assert User.objects.get(username="director").extension == ""
    assert roles["sales1"] == Role.SALES
    assert roles["credit"] == Role.CREDIT_CONTROLLER
    company = Company.objects.get()
    assert (company.country, company.currency, company.time_zone) == (
        "RO",
        "RON",
        "Europe/Bucharest",
    )
    # Collectors were assigned the generated debtors, and see them in the aging report.
    collector = User.objects.get(username="collector1")
    assert Counterparty.objects.filter(collector=collector).exists()


def test_the_printed_address_is_where_make_run_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    from dunwell.demo.management.commands.demo import site_url

    monkeypatch.setenv("DUNWELL_PORT", "8010")
    assert site_url() == "http://127.0.0.1:8010/"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_team_has_a_month_of_calls_and_the_run_judges_their_promises(
    data_dir: Path,
) -> None:
    from datetime import date, datetime, time, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.db.models import Sum

    from dunwell.ladder.models import Promise, PromiseStatus
    from dunwell.work.models import CallActivity
    from dunwell.work.selectors import team
    from dunwell.workdays import WorkCalendar

    moment = "2026-03-31 08:00:00+00:00"
    with time_machine.travel(moment, tick=False):
        call_command("demo", "--debtors=30", "--documents=400", stdout=io.StringIO())
    calls = list(CallActivity.objects.select_related("user"))
    zone, calendar = ZoneInfo("Europe/Bucharest"), WorkCalendar("RO")
    names = {c.user.username for c in calls if c.user is not None}
    assert names == {"collector1", "collector2", "collector3"}
    # On working days in office hours: the month of calls (the 35 days before) and the calls
    # made for the tasks of the weekly runs replayed before it (demo.past, 8 weeks).
    for call in calls:
        local = call.at.astimezone(zone)
        assert date(2026, 2, 3) <= local.date() < date(2026, 3, 31)
        assert calendar.is_working_day(local.date()), local
        assert time(9) <= local.time() < time(17)
        assert call.user == call.counterparty.collector
    promised = {(c.counterparty_id, c.at) for c in calls if c.outcome == "promise"}
    promises = list(Promise.objects.all())
    assert {(p.counterparty_id, p.recorded_at) for p in promises} == promised
    statuses = {p.status for p in promises}
    assert {PromiseStatus.KEPT, PromiseStatus.BROKEN} <= statuses
    for promise in promises:
        if promise.status == PromiseStatus.KEPT:  # paid in its own currency after the call
            paid = Payment.objects.filter(
                counterparty_id=promise.counterparty_id,
                currency=promise.currency,
                date__gte=promise.recorded_at.astimezone(zone).date(),
            ).aggregate(total=Sum("amount"))["total"]
            assert paid is not None and paid >= promise.amount
        if promise.status == PromiseStatus.BROKEN:
            assert promise.promised_date < date(2026, 3, 31)
    supervisor = User.objects.get(username="supervisor1")
    now = datetime.fromisoformat(moment)
    rows = {row.user.username: row for row in team(supervisor, now)}
    assert all(rows[name].calls_30 > 0 for name in ("collector1", "collector2"))
    assert sum(row.promises_30 for row in rows.values()) > 0
    assert sum(rows[name].calls_30 for name in rows) == sum(
        1 for c in calls if c.at >= now - timedelta(days=30)
    )
    with time_machine.travel(moment, tick=False):  # again: nothing more
        call_command("demo", "--debtors=30", "--documents=400", stdout=io.StringIO())
    assert CallActivity.objects.count() == len(calls)
    assert Promise.objects.count() == len(promises)
    assert Decimal(0) not in {p.amount for p in promises}


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_has_telephone_calls_and_a_collector_sees_their_own(
    data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    from django.urls import reverse

    from dunwell.ladder.models import Task
    from dunwell.telephony.models import Call, Direction, ScreenPop
    from dunwell.work.models import CallActivity

    with django_capture_on_commit_callbacks(execute=True):  # the call listeners, as in use
        run_demo()
    calls = list(Call.objects.select_related("agent", "counterparty"))
    kinds = {(c.direction, c.answered_at is not None) for c in calls}
    assert kinds == {
        (Direction.OUTBOUND, True),
        (Direction.OUTBOUND, False),
        (Direction.INBOUND, True),
        (Direction.INBOUND, False),
    }
    for call in calls:  # matched to the debtor's contact and the collector's extension
        assert call.counterparty is not None and call.agent is not None
        assert call.agent == call.counterparty.collector
        assert call.ended_at is not None and call.ended_at < DEMO_NOW
        assert (call.duration or 0) > 0 if call.answered_at else call.duration == 0
    # Each outcome of the call card belongs to its outgoing call (the link the card makes).
    outgoing = [c for c in calls if c.direction == Direction.OUTBOUND]
    activities = {a.pk: a for a in CallActivity.objects.all()}
    assert len(outgoing) == len(activities)
    for call in outgoing:
        activity = activities[call.activity_id]  # type: ignore[index]
        assert (activity.counterparty_id, activity.user_id) == (call.counterparty_id, call.agent_id)
        assert call.ended_at is not None and call.ended_at <= activity.at
    # collector1 reads their own calls on a debtor's card, and the call-back of a missed call
    # on the worklist.
    collector = User.objects.get(username="collector1")
    mine = [c for c in calls if c.agent == collector]
    assert mine and all(c.counterparty.collector == collector for c in mine)  # type: ignore[union-attr]
    client = Client()
    client.force_login(collector)
    answered = next(c for c in mine if c.direction == Direction.OUTBOUND and c.answered_at)
    with time_machine.travel("2026-03-31 08:00:00+00:00", tick=False):
        html = client.get(reverse("work:debtor", args=[answered.counterparty_id])).content.decode()
        minutes, seconds = divmod(answered.duration or 0, 60)
        assert answered.contact is not None  # the timeline names who answered
        # The number as people read it ("+373 689 72 346"), ledger.phones.format_phone.
        to = f"{answered.contact.name} ({format_phone(answered.external_number)})"
        assert f"Outgoing call to {to}, {minutes}:{seconds:02d}" in html
        missed = next(c for c in mine if c.direction == Direction.INBOUND and not c.answered_at)
        assert missed.contact is not None
        number = format_phone(missed.external_number)
        title = f"Call back: missed call from {missed.contact.name} ({number})"
        assert Task.objects.filter(assignee=collector, title=title).exists()
        assert title in client.get(reverse("work:worklist")).content.decode()
    assert not ScreenPop.objects.exists()  # past calls pop up on no one's screen
    # Running the demo again adds no call.
    with django_capture_on_commit_callbacks(execute=True):
        run_demo()
    assert Call.objects.count() == len(calls)


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demo_names_its_deals_in_the_company_language(data_dir: Path) -> None:
    run_demo()
    names = list(Deal.objects.values_list("name", flat=True))
    assert len(names) > 10
    # Carpați Distribuție SRL is Romanian: its sales managers name their deals in Romanian,
    # whatever the customer's country.
    romanian = ("Contract anual de furnizare 20", "Furnizare T", "Vitrine frigorifice",
                "Stivuitoare pentru depozit", "Piese de schimb pentru linia de ambalare",
                "Contract de mentenanță pentru stivuitoare", "Rafturi pentru depozit",
                "Produse de curățenie și igienă", "Folie stretch și cutii de carton",
                "Amenajarea magazinului nou")  # fmt: skip
    assert len(romanian) == len(DEAL_NAMES)
    assert all(name.startswith(romanian) for name in names), names
    assert len(set(names)) > 5
    seller = User.objects.get(username="sales1")
    seller.language = "ro"
    seller.save(update_fields=["language"])
    client = Client()
    client.force_login(seller)
    with time_machine.travel(DEMO_NOW, tick=False):
        html = client.get(reverse("pipeline:deals")).content.decode()
    mine = list(Deal.objects.filter(owner=seller).values_list("name", flat=True))
    assert mine and any(name in html for name in mine)
    english = ("Equipment", "Annual supply", "Spare parts", "Service contract", "Expansion")
    assert not any(word in html for word in english)
