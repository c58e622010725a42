"""The policy editor's calendar shows the days the daily run gives: an "after the previous
step" offset counts from the day the run reaches the previous step (its nominal day, moved
back only before the due date), not from the later working day its task lands on."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.ladder.editor import person
from dunwell.ladder.engine import run
from dunwell.ladder.models import CounterpartyPolicy, Policy, Task
from dunwell.ladder.preview import policy_calendar
from dunwell.ledger.models import Counterparty, Document

# Romania, May 2026: Wednesday 6 May is a due date; +3 is Saturday 9 May.
DUE = date(2026, 5, 6)
SATURDAY = date(2026, 5, 9)
MONDAY = date(2026, 5, 11)


def _step(order: int, trigger: str, days: int, action: str) -> dict[str, Any]:
    return {
        "order": order, "name": f"Step {order}", "trigger": trigger, "days": days,
        "action": action, "action_label": action, "who_label": "collector",
    }  # fmt: skip


STEPS = [
    _step(10, "due_offset", 3, "email"),  # Saturday 9 May: its task goes to Monday 11 May
    _step(20, "after_previous", 2, "letter"),  # Saturday + 2 = Monday 11 May
]


def test_after_the_previous_step_counts_from_its_day_not_from_its_tasks_moved_day() -> None:
    rows = policy_calendar(STEPS, due=DUE, amount=Decimal("10000"), country="RO")
    assert [(r.order, r.nominal, r.day, r.moved) for r in rows] == [
        (10, SATURDAY, MONDAY, True),
        (20, MONDAY, MONDAY, False),  # not Wednesday 13 May (Monday + 2)
    ]


@pytest.mark.django_db
def test_the_editors_calendar_shows_the_days_the_run_gives_the_tasks(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    policy = Policy.objects.create(name="Chained", code="chained")
    for step in STEPS:
        policy.steps.create(
            order=step["order"], name=step["name"], trigger=step["trigger"],
            days=step["days"], action=step["action"],
        )  # fmt: skip
    debtor = make_counterparty(collector=collector)
    CounterpartyPolicy.objects.create(counterparty=debtor, policy=policy)
    make_document(debtor, due_date=DUE)
    day = DUE
    while day <= date(2026, 5, 15):  # the run happens every morning, weekends too
        run(day)
        day = date.fromordinal(day.toordinal() + 1)
    zone = timezone.get_fixed_timezone(180)  # Bucharest in May
    days = {
        t.action: timezone.localtime(t.window_start, zone).date()
        for t in Task.objects.filter(counterparty=debtor)
    }
    assert days == {"email": MONDAY, "letter": MONDAY}
    preview = policy_calendar(STEPS, due=DUE, amount=Decimal("10000"), country="RO")
    assert {r.name: r.day for r in preview} == {"Step 10": MONDAY, "Step 20": MONDAY}


def _standard_steps() -> list[dict[str, Any]]:
    return [
        {**_step(20, "due_offset", 1, "call"), "name": "Friendly call"},
        {**_step(30, "due_offset", 3, "call"), "name": "Second-level call"},
    ]


def test_two_call_steps_landing_on_one_day_are_shown_as_one_call() -> None:
    # due Friday 8 May 2026: +1 is Saturday 9 May (its task goes to Monday 11 May), +3 is
    # Monday 11 May: the run's Monday call is joined to the open call of the Saturday's step
    rows = policy_calendar(
        _standard_steps(), due=date(2026, 5, 8), amount=Decimal("10000"), country="RO"
    )
    assert [(r.order, r.day, r.joined_to) for r in rows] == [
        (20, MONDAY, None),
        (30, MONDAY, 20),
    ]
    # due Thursday 7 May: +1 Friday, +3 Sunday -> Monday: two calls on two days
    rows = policy_calendar(
        _standard_steps(), due=date(2026, 5, 7), amount=Decimal("10000"), country="RO"
    )
    assert [r.joined_to for r in rows] == [None, None]


@pytest.mark.django_db
def test_the_run_gives_the_sample_one_call_on_the_day_both_call_steps_land_on(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector)  # the Standard policy: +1 and +3 calls
    make_document(debtor, due_date=date(2026, 5, 8))
    day = date(2026, 5, 8)
    while day <= MONDAY:
        run(day)
        day = date.fromordinal(day.toordinal() + 1)
    calls = Task.objects.filter(counterparty=debtor, action="call")
    assert [t.step.order if t.step else None for t in calls] == [20]  # the Saturday step's call


def test_the_joined_call_says_so_in_the_supervisors_language() -> None:
    rows = policy_calendar(
        _standard_steps(), due=date(2026, 5, 8), amount=Decimal("10000"), country="RO"
    )
    with translation.override("ro"):
        html = render_to_string("ladder/_preview.html", {"rows": rows, "sample": None})
    assert "același apel ca pasul 20 (un singur apel pe zi)" in html
    assert 'class="window">09:00–18:00' in html  # the window is not broken over two lines


# Monday 4 May 2026 is a due date; +1 is Tuesday 5 May, a working day in Romania.
def _two_people_calls(collector_for: set[str]) -> list[dict[str, Any]]:
    steps = [
        {**_step(20, "due_offset", 1, "call"), "assignee_role": "collector"},
        {**_step(25, "due_offset", 1, "call"), "assignee_role": "sales_manager"},
    ]
    return [{**s, "person": person(s, collector_for)} for s in steps]


def test_a_sales_managers_call_is_the_collectors_when_the_debtor_has_no_sales_manager() -> None:
    due = date(2026, 5, 4)
    rows = policy_calendar(_two_people_calls(set()), due=due, amount=Decimal("1"), country="RO")
    assert [(r.order, r.day, r.joined_to) for r in rows] == [
        (20, date(2026, 5, 5), None),
        (25, date(2026, 5, 5), None),  # two people, two calls
    ]
    rows = policy_calendar(
        _two_people_calls({"sales_manager"}), due=due, amount=Decimal("1"), country="RO"
    )
    assert [(r.order, r.day, r.joined_to) for r in rows] == [
        (20, date(2026, 5, 5), 25),  # the collector makes both: one call, the later step's
        (25, date(2026, 5, 5), None),
    ]


@pytest.mark.django_db
def test_the_preview_joins_the_calls_the_run_joins_for_a_debtor_without_a_sales_manager(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    supervisor: User,
) -> None:
    policy = Policy.objects.create(name="Both call", code="both")
    for order, role in ((20, "collector"), (25, "sales_manager")):
        policy.steps.create(
            order=order, name=f"Call {order}", trigger="due_offset", days=1, action="call",
            assignee_role=role, window_start=time(10), window_end=time(12),
        )  # fmt: skip
    debtor = make_counterparty(collector=collector)  # no sales manager
    CounterpartyPolicy.objects.create(counterparty=debtor, policy=policy)
    make_document(debtor, due_date=date(2026, 5, 4))
    run(date(2026, 5, 5))
    calls = Task.objects.filter(counterparty=debtor, action="call")
    assert [(t.step.order if t.step else None, t.assignee) for t in calls] == [(25, collector)]

    client = Client()
    client.force_login(supervisor)
    url = reverse("ladder:policy_preview", args=[policy.pk])
    data = {
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "2",
        "sample-due": "2026-05-04", "sample-amount": "10000", "sample-country": "RO",
    }  # fmt: skip
    for n, step in enumerate(policy.steps.order_by("order")):
        data.update({
            f"steps-{n}-id": str(step.pk), f"steps-{n}-order": str(step.order),
            f"steps-{n}-name": step.name, f"steps-{n}-trigger": "due_offset",
            f"steps-{n}-days": "1", f"steps-{n}-action": "call",
            f"steps-{n}-assignee_role": step.assignee_role, f"steps-{n}-scope": "counterparty",
            f"steps-{n}-min_overdue_amount": "0", f"steps-{n}-window_start": "10:00",
            f"steps-{n}-window_end": "12:00",
        })  # fmt: skip
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.post(url, data).content.decode()))
    assert "the same call as step" not in text  # a sales manager calls too: two calls
    assert "sales manager" in text
    data["sample-no_sales_manager"] = "on"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.post(url, data).content.decode()))
    assert "20. Call 20 the same call as step 25 (one call a day)" in text
    assert "responsible collector (the debtor has no sales manager)" in text


@pytest.mark.django_db
def test_the_sample_reads_like_the_policies_page_in_russian(supervisor: User) -> None:
    rows = policy_calendar(
        _standard_steps(), due=date(2026, 5, 8), amount=Decimal("10000"), country="RO"
    )
    with translation.override("ru"):
        html = render_to_string("ladder/_preview.html", {"rows": rows, "sample": None})
    assert 'class="window">09:00–18:00' in html  # not "9:00" beside the page's "09:00"
    supervisor.language = "ru"
    supervisor.save()
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("ladder:policy_new")).content.decode()
    # the box comes before its words, not squeezed after them at the grid's edge
    label = re.search(r'<label for="id_sample-no_sales_manager">(.*?)</label>', page, re.S)
    assert label is not None
    assert re.match(r'\s*<input type="checkbox"[^>]*>\s*У должника нет менеджера', label[1])
