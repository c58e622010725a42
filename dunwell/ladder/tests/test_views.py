"""Pressure-scale pages: collectors read policies, management edits; every page is checked
with the owner collector, a teammate and an outsider."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy, PolicyStep, Task, TaskStatus
from dunwell.ledger.models import Counterparty

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector, name="Overdue Trading SRL")


def _task(debtor: Counterparty, assignee: User, **fields: object) -> Task:
    defaults: dict[str, object] = {
        "counterparty": debtor, "assignee": assignee, "action": "call", "title": "Call them",
        "due_at": timezone.now() - timedelta(days=1), "key": f"t{Task.objects.count()}",
    }  # fmt: skip
    defaults.update(fields)
    return Task.objects.create(**defaults)


def test_everyone_reads_policies_only_management_edits(
    collector: User, teammate: User, outsider: User, supervisor: User
) -> None:
    standard = Policy.objects.get(code="standard")
    for user in (collector, teammate, outsider):
        c = client_for(user)
        page = c.get(reverse("ladder:policies"))
        assert page.status_code == 200 and "Second-level call" in page.content.decode()
        assert c.get(reverse("ladder:policy_edit", args=[standard.pk])).status_code == 403
        assert c.post(reverse("ladder:policy_new"), {"name": "x"}).status_code == 403
    assert (
        client_for(supervisor).get(reverse("ladder:policy_edit", args=[standard.pk])).status_code
        == 200
    )


def test_a_step_without_a_window_shows_the_default_one_the_run_gives_its_tasks(
    collector: User,
) -> None:
    """Before, the list left the window blank for a step without one (and "09:00–" for one
    with a start only), while the run gives such tasks the working hours 09:00–18:00."""
    policy = Policy.objects.create(name="Windows", code="windows")
    steps = [
        (1, None, None),
        (2, time(10, 0), time(11, 30)),
        (3, time(14, 0), None),
    ]
    for order, start, end in steps:
        PolicyStep.objects.create(
            policy=policy,
            order=order,
            name=f"Step {order}",
            action="call",
            window_start=start,
            window_end=end,
        )
    User.objects.filter(pk=collector.pk).update(language="ru")
    page = client_for(collector).get(reverse("ladder:policies")).content.decode()
    article = page[page.index("Windows") :]
    cells = [
        html.unescape(cell.split("</td>")[0]) for cell in article.split('<td class="window">')[1:4]
    ]
    assert cells[0].startswith("09:00–18:00") and "по умолчанию" in cells[0]
    assert cells[1] == "10:00–11:30"
    assert cells[2].startswith("14:00–18:00") and "по умолчанию" in cells[2]


def test_supervisor_creates_a_policy_with_a_step(supervisor: User) -> None:
    data = {
        "name": "Soft", "code": "soft", "description": "", "active": "on",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "10", "steps-0-name": "Call", "steps-0-trigger": "due_offset",
        "steps-0-days": "5", "steps-0-action": "call", "steps-0-assignee_role": "collector",
        "steps-0-scope": "counterparty", "steps-0-min_overdue_amount": "0",
        "steps-0-window_start": "10:00", "steps-0-window_end": "11:00",
    }  # fmt: skip
    response = client_for(supervisor).post(reverse("ladder:policy_new"), data)
    assert response.status_code == 302
    soft = Policy.objects.get(code="soft")
    assert list(soft.steps.values_list("days", "action")) == [(5, "call")]


def test_editor_rejects_an_event_step_without_event(supervisor: User) -> None:
    standard = Policy.objects.get(code="standard")
    page = client_for(supervisor).get(reverse("ladder:policy_edit", args=[standard.pk]))
    formset = page.context["formset"]
    data = {"name": standard.name, "code": standard.code, "active": "on"}
    data.update({f"steps-{k}": v for k, v in formset.management_form.initial.items()})
    data.update({"steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0"})
    data.update({"steps-0-order": "999", "steps-0-name": "x", "steps-0-trigger": "event",
                 "steps-0-days": "0", "steps-0-action": "call",
                 "steps-0-assignee_role": "collector", "steps-0-scope": "counterparty",
                 "steps-0-min_overdue_amount": "0"})  # fmt: skip
    response = client_for(supervisor).post(reverse("ladder:policy_edit", args=[standard.pk]), data)
    assert response.status_code == 200 and "must name its event" in response.content.decode()


def test_overdue_and_punctuality_are_for_management(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, supervisor: User,
    make_user: Callable[..., User],
) -> None:  # fmt: skip
    _task(debtor, collector)
    for user in (collector, teammate, outsider):
        assert client_for(user).get(reverse("ladder:overdue")).status_code == 403
        assert client_for(user).get(reverse("ladder:punctuality")).status_code == 403
    page = client_for(supervisor).get(reverse("ladder:overdue"))
    assert "Overdue Trading SRL" in page.content.decode()
    other_boss = make_user("boris", "supervisor")
    assert (
        "Overdue Trading SRL"
        not in client_for(other_boss).get(reverse("ladder:overdue")).content.decode()
    )


def test_the_scales_menu_links_the_team_reports_only_for_those_who_may_open_them(
    collector: User, supervisor: User, make_user: Callable[..., User]
) -> None:
    overdue, punctuality = reverse("ladder:overdue"), reverse("ladder:punctuality")
    for user in (collector, make_user("sally", "sales"), make_user("lena", "lawyer")):
        for name in ("ladder:policies", "ladder:tasks", "ladder:approvals"):
            page = client_for(user).get(reverse(name))
            assert page.status_code == 200
            text = page.content.decode()
            assert "Policies" in text and overdue not in text and punctuality not in text
    for user in (supervisor, make_user("fiona", "finance")):
        text = client_for(user).get(reverse("ladder:policies")).content.decode()
        assert f'href="{overdue}"' in text and f'href="{punctuality}"' in text
        assert client_for(user).get(overdue).status_code == 200


def test_punctuality_counts_tasks_done_inside_their_window(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    from dunwell.ladder.models import PolicyStep

    step = PolicyStep.objects.filter(policy__code="standard").first()
    start = timezone.now() - timedelta(days=2)
    for n, done_at in enumerate([start + timedelta(minutes=10), start + timedelta(hours=5)]):
        _task(debtor, collector, step=step, due_at=start + timedelta(hours=1),
              window_start=start, window_end=start + timedelta(hours=1),
              status=TaskStatus.DONE, done_at=done_at, key=f"p{n}")  # fmt: skip
    rows = client_for(supervisor).get(reverse("ladder:punctuality")).context["rows"]
    assert rows == [{"assignee": "colin", "total": 2, "done": 2, "on_time": 1, "share": 50}]


def test_my_tasks_shows_only_mine(
    debtor: Counterparty, collector: User, teammate: User, outsider: User
) -> None:
    _task(debtor, collector)
    assert (
        "Overdue Trading SRL" in client_for(collector).get(reverse("ladder:tasks")).content.decode()
    )
    for user in (teammate, outsider):
        assert (
            "Overdue Trading SRL"
            not in client_for(user).get(reverse("ladder:tasks")).content.decode()
        )


def test_romanian_pages_say_partener_for_a_counterparty_as_the_rest_of_the_product(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """Before, the pressure scale's Romanian said "Contrapartidă" (a column header shared
    across the product, the policy editor's "o dată pe contrapartidă") where every other page
    says "Partener"."""
    User.objects.filter(pk__in=[collector.pk, supervisor.pk]).update(language="ro")
    _task(debtor, collector)
    tasks = client_for(collector).get(reverse("ladder:tasks")).content.decode()
    assert "<th>Partener</th>" in tasks
    standard = Policy.objects.get(code="standard")
    editor = client_for(supervisor).get(reverse("ladder:policy_edit", args=[standard.pk]))
    assert "o dată pe partener" in editor.content.decode()
    for page in (tasks, editor.content.decode()):
        assert "ontrapartid" not in page
    # the import mapping's field names take "counterparty" from the first catalogue that has
    # it (outbox's, which said "contrapartidă")
    from django.utils import translation
    from django.utils.translation import gettext

    field = "counterparty"  # not a literal in the call: makemessages must not collect it here
    with translation.override("ro"):
        assert gettext(field) == "partener"


def test_approvals_only_for_the_approval_role(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, director: User
) -> None:
    task = _task(debtor, collector, status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
                 action="stop_shipments", due_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    url = reverse("ladder:decide", args=[task.pk])
    for user in (collector, teammate, outsider):
        assert (
            "Overdue Trading"
            not in client_for(user).get(reverse("ladder:approvals")).content.decode()
        )
        assert client_for(user).post(url, {"decision": "approve"}).status_code == 403
    c = client_for(director)
    page = c.get(reverse("ladder:approvals")).content.decode()
    assert "Overdue Trading" in page
    # the approver reaches the debtor's card from the list
    card = reverse("work:debtor", args=[debtor.pk])
    assert f'<a href="{card}">Overdue Trading' in page
    assert c.post(url, {"decision": "approve", "comment": "ok"}).status_code == 302
    task.refresh_from_db()
    debtor.refresh_from_db()
    assert task.status == TaskStatus.OPEN and not debtor.stop_shipments


def test_a_supervisor_decides_approvals_only_for_their_own_teams_debtors(
    debtor: Counterparty, collector: User, teammate: User, outsider: User, supervisor: User,
    make_user: Callable[..., User],
) -> None:  # fmt: skip
    other_supervisor = make_user("oleg", "supervisor")
    task = _task(debtor, collector, status=TaskStatus.AWAITING_APPROVAL, approval_role="supervisor",
                 action="letter", due_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    url = reverse("ladder:decide", args=[task.pk])
    for user in (collector, teammate, outsider, other_supervisor):
        page = client_for(user).get(reverse("ladder:approvals")).content.decode()
        assert "Overdue Trading" not in page and "Nothing awaits your approval." in page
        assert client_for(user).post(url, {"decision": "approve"}).status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_APPROVAL
    own = client_for(supervisor)
    assert "Overdue Trading" in own.get(reverse("ladder:approvals")).content.decode()
    assert own.post(url, {"decision": "reject", "comment": "not yet"}).status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.REJECTED and task.approver == supervisor


def test_a_decision_names_the_step_it_was_about(
    debtor: Counterparty, collector: User, director: User
) -> None:
    """The approvals list holds many alike steps: "Approved." alone did not say which one, and
    "Say why the step is rejected." not which reject was refused."""
    task = _task(debtor, collector, status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
                 action="stop_shipments", due_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
    url = reverse("ladder:decide", args=[task.pk])
    c = client_for(director)
    refused = c.post(url, {"decision": "reject", "comment": ""}, follow=True).content.decode()
    assert f"{task.localized_title}: " in html.unescape(refused)
    task.refresh_from_db()
    assert task.status == TaskStatus.AWAITING_APPROVAL
    done = c.post(url, {"decision": "approve", "comment": "ok"}, follow=True).content.decode()
    assert f"Approved: {task.localized_title}." in html.unescape(done)


def test_the_approvals_list_names_the_debtor_once_and_marks_a_step_past_its_day(
    debtor: Counterparty, collector: User, director: User
) -> None:
    """The step column read "Stop shipments — Overdue Trading SRL" beside the debtor's own
    column, and a step waiting for weeks looked like one due today."""
    step = PolicyStep.objects.filter(policy__code="standard", action="stop_shipments").first()
    assert step is not None
    late, coming = (
        _task(
            debtor,
            collector,
            step=step,
            title=f"{step.name} — {debtor.name}",
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role="director",
            action="stop_shipments",
            due_at=timezone.now() + shift,
            key=key,
        )
        for shift, key in ((-timedelta(days=20), "late"), (timedelta(days=2), "coming"))
    )
    director.language = "ro"
    director.save(update_fields=["language"])
    page = client_for(director).get(reverse("ladder:approvals")).content.decode()
    rows = html.unescape(page).split("<tr>")[2:]
    assert len(rows) == 2 and page.count("Overdue Trading SRL") == 2  # its column, once a row
    with translation.override("ro"):
        name = step.localized_name
    assert all(f'<td data-label="Pas">{name}</td>' in row for row in rows)
    late_day, coming_day = (f"{timezone.localtime(t.due_at):%d.%m.%Y}" for t in (late, coming))
    assert "depășit" in rows[0] and late_day in rows[0]
    assert "depășit" not in rows[1] and coming_day in rows[1]


def test_my_tasks_and_the_overdue_list_name_the_debtor_once_a_row(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    """Both lists have a debtor column: a ladder task's title, "<step> — <debtor>", named the
    debtor a second time beside it."""
    step = PolicyStep.objects.filter(policy__code="standard", action="call").first()
    assert step is not None
    _task(debtor, collector, step=step, title=f"{step.name} — {debtor.name}")
    for user, name in ((collector, "ladder:tasks"), (supervisor, "ladder:overdue")):
        page = client_for(user).get(reverse(name)).content.decode()
        assert html.unescape(page).count("Overdue Trading SRL") == 1, name
        # the title column names the step alone (a link to the task)
        assert f">{html.escape(step.name)}</a></td>" in page or f">{step.name}</a></td>" in page


def test_approvals_are_paged_with_their_count_and_the_way_to_decide_several(
    debtor: Counterparty, collector: User, director: User
) -> None:
    from dunwell.ladder.views import APPROVALS_PER_PAGE

    total = APPROVALS_PER_PAGE + 3
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for n in range(total):
        _task(
            debtor,
            collector,
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role="director",
            action="letter",
            title=f"Letter {n:03}",
            due_at=start + timedelta(hours=n),
        )
    c = client_for(director)
    first = c.get(reverse("ladder:approvals")).content.decode()
    assert f"{total} steps wait for approval" in first
    assert f'href="{reverse("work:bulk_approvals")}"' in first
    assert "Page 1 of 2" in first and "?page=2" in first
    assert "Letter 000" in first and f"Letter {APPROVALS_PER_PAGE:03}" not in first
    second = c.get(reverse("ladder:approvals"), {"page": 2}).content.decode()
    assert f"Letter {APPROVALS_PER_PAGE:03}" in second and "Letter 000" not in second
    # a decision on page 2 comes back to page 2
    last = Task.objects.get(title=f"Letter {total - 1:03}")
    answer = c.post(reverse("ladder:decide", args=[last.pk]), {"decision": "reject", "page": "2"})
    assert answer["Location"] == reverse("ladder:approvals") + "?page=2"


@pytest.mark.parametrize(
    ("language", "one", "few", "many"),
    [
        ("ro", "1 pas așteaptă", "2 pași așteaptă", "20 de pași așteaptă"),
        ("uk", "1 крок очікує", "2 кроки очікують", "20 кроків очікують"),
        ("ru", "1 шаг ожидает", "2 шага ожидают", "20 шагов ожидают"),
    ],
)
def test_the_approvals_count_reads_in_each_language(
    language: str, one: str, few: str, many: str
) -> None:
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override(language):
        for n, text in ((1, one), (2, few), (20, many)):
            words = ngettext(
                "%(counter)s step waits for approval", "%(counter)s steps wait for approval", n
            ) % {"counter": n}
            assert words.startswith(text)


def test_a_decision_on_a_debtor_whose_name_ends_in_a_full_stop_ends_with_one(
    make_counterparty: Callable[..., Counterparty], collector: User, director: User
) -> None:
    """ "Respins: Notificare de plată (aprobarea directorului) — Elektrobud S.A.." read with two
    full stops: the message adds one after the step's title, which ends with the name."""
    debtor = make_counterparty(collector=collector, name="Elektrobud S.A.")
    step = PolicyStep.objects.filter(
        policy__code="key", name="Pretension (director's approval)"
    ).first()
    assert step is not None
    director.language = "ro"
    director.save(update_fields=["language"])
    c = client_for(director)
    for decision, said in (("reject", "Respins"), ("approve", "Aprobat")):
        task = _task(debtor, collector, step=step, title=f"{step.name} — {debtor.name}",
                     status=TaskStatus.AWAITING_APPROVAL, approval_role="director",
                     action=step.action, due_at=datetime(2026, 3, 1, tzinfo=UTC))  # fmt: skip
        url = reverse("ladder:decide", args=[task.pk])
        page = c.post(url, {"decision": decision, "comment": "no"}, follow=True).content.decode()
        message = re.search(rf"{said}: [^<]*", html.unescape(page))
        assert message is not None
        assert message.group(0).strip() == (
            f"{said}: Notificare de plată (aprobarea directorului) — Elektrobud S.A."
        )
