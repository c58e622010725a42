"""The team page (supervisors, the director): each person stands under their role, and the
debtors they work on count whether they collect them or are their sales manager."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


def team_table(user: User) -> list[list[str]]:
    """The team table as the reader reads it: the header row, then each row's cells."""
    client = Client()
    client.force_login(user)
    page = client.get(reverse("work:team")).content.decode()
    table = re.search(r'<table[^>]*id="team"[^>]*>(.*?)</table>', page, re.S)
    assert table
    return [
        [
            html.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell).split()))
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def test_the_supervisor_reads_sales_managers_under_their_own_role_with_their_debtors(
    supervisor: User,
    collector: User,
    make_user: Callable[..., User],
    make_counterparty: Callable[..., Counterparty],
) -> None:
    seller = make_user(
        "sam", Role.SALES, supervisor=supervisor, first_name="Vlad", last_name="Stoica"
    )
    User.objects.filter(pk=collector.pk).update(first_name="Cristina", last_name="Ionescu")
    make_counterparty(collector=collector, sales_manager=seller)
    make_counterparty(collector=collector)
    make_counterparty(collector=None, sales_manager=seller)
    User.objects.filter(pk=supervisor.pk).update(language="ru")

    rows = team_table(supervisor)
    assert rows[0][:2] == ["Сотрудник", "Должники"]
    # a heading per role, then its people: name, debtors
    assert [r[:2] for r in rows[1:]] == [
        ["Взыскатели"],
        ["Cristina Ionescu", "2"],
        ["Менеджеры по продажам"],
        ["Vlad Stoica", "2"],
    ]


def test_a_call_made_without_dialling_counts_in_calls_today(
    supervisor: User,
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., object],
) -> None:
    """A promise recorded from the call card, the number dialled on a mobile phone, left the
    "calls today" column at 0: it counted the PBX's calls only. A call made is an outcome
    recorded, dialled through the PBX or not."""
    from datetime import timedelta

    from django.utils import timezone

    from dunwell.telephony.models import Call

    debtor = make_counterparty(collector=collector)
    make_document(debtor, "500.00")
    client = Client()
    client.force_login(collector)
    response = client.post(
        reverse("work:call", args=[debtor.pk]),
        {
            "outcome": "promise",
            "promised_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "promised_amount": "500",
        },
    )
    assert response.status_code == 302
    # PBX calls nobody recorded an outcome of (they rang at the extension) are no calls made
    for n in (1, 2):
        Call.objects.create(
            provider="asterisk",
            provider_call_id=f"rang-{n}",
            direction="in",
            agent=collector,
            started_at=timezone.now(),
            state="ended",
        )
    User.objects.filter(pk=supervisor.pk).update(language="uk")
    rows = team_table(supervisor)
    column = rows[0].index("Дзвінки із записаним результатом: сьогодні / з понеділка / 30 днів")
    assert rows[2][0] == "colin" and rows[2][column] == "1 / 1 / 1"


@pytest.mark.parametrize(
    ("language", "calls", "talk"),
    [
        (
            "uk",
            "Дзвінки із записаним результатом: сьогодні / з понеділка / 30 днів",
            "Час розмов через телефонію: сьогодні / з понеділка",
        ),
        (
            "ro",
            "Apeluri cu rezultat înregistrat: azi / de luni / 30 de zile",
            "Timp de convorbire prin telefonie: azi / de luni",
        ),
    ],
)
def test_the_calls_column_says_what_it_counts_over_which_periods(
    supervisor: User,
    collector: User,
    make_counterparty: Callable[..., Counterparty],
    language: str,
    calls: str,
    talk: str,
) -> None:
    """'Дзвінки, 30 днів' (188) stood apart from 'Дзвінків сьогодні / за тиждень' (0 / 22): the
    same calls over different periods read as two different things. One column says what it
    counts and gives the three periods side by side; the talk time says it is the phone
    system's."""
    from datetime import timedelta

    from django.utils import timezone

    from dunwell.work.models import CallActivity

    debtor = make_counterparty(collector=collector)
    now = timezone.now()
    for days in (0, 20, 40):
        CallActivity.objects.create(
            counterparty=debtor, user=collector, at=now - timedelta(days=days), outcome="no_answer"
        )
    User.objects.filter(pk=supervisor.pk).update(language=language)
    rows = team_table(supervisor)
    assert calls in rows[0] and talk in rows[0]
    assert rows[2][rows[0].index(calls)] == "1 / 1 / 2"


def test_the_team_page_reads_the_punctuality_the_punctuality_page_reads(
    supervisor: User,
    collector: User,
    make_counterparty: Callable[..., Counterparty],
) -> None:
    """The team page's 'Пунктуальность, 30 дней' counted only the tasks done (69 % for a
    collector with a third of their tasks overdue) while the punctuality page, the same 30
    days, counted every ladder task due (57 %). Both count the tasks due now: one done inside
    its window, one done after it, two left undone: 25 % on both pages."""
    from datetime import timedelta

    from django.utils import timezone

    from dunwell.ladder.models import PolicyStep, Task, TaskStatus

    User.objects.filter(pk=collector.pk).update(first_name="Cristina", last_name="Ionescu")
    User.objects.filter(pk=supervisor.pk).update(language="ru")
    debtor = make_counterparty(collector=collector)
    step = PolicyStep.objects.filter(policy__code="standard").first()
    start = timezone.now() - timedelta(days=3)
    window = {"window_start": start, "window_end": start + timedelta(hours=2)}
    for n, (status, done_at) in enumerate(
        [
            (TaskStatus.DONE, start + timedelta(hours=1)),  # inside its window
            (TaskStatus.DONE, start + timedelta(days=1)),  # late
            (TaskStatus.OPEN, None),
            (TaskStatus.OPEN, None),
        ]
    ):
        Task.objects.create(
            counterparty=debtor, assignee=collector, done_by=collector if done_at else None,
            step=step, action="call", title="Позвонить", due_at=start + timedelta(hours=1),
            status=status, done_at=done_at, key=f"punct{n}", **window,
        )  # fmt: skip

    rows = team_table(supervisor)
    column = rows[0].index("Пунктуальность, 30 дней")
    assert rows[2][0] == "Cristina Ionescu"
    assert rows[2][column] == "25%"  # was 50 %: the two done tasks, one of them late
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("ladder:punctuality")).content.decode()
    assert re.search(r"<td>Cristina Ionescu</td>\s*<td[^>]*>4</td>.*?<td[^>]*>25</td>", page, re.S)
