"""Bulk actions (issue 16, item 3): reassign debtors, approve or reject steps, complete or skip
tasks — through the single action's service, all or nothing, one timeline entry per debtor,
and a confirmation page that says what will happen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Policy, Task, TaskStatus
from dunwell.ledger.models import Counterparty, TimelineEntry
from dunwell.work import bulk_actions
from dunwell.work.models import Notification, Reassignment

pytestmark = pytest.mark.usefixtures("frozen")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def task_for(cp: Counterparty, user: User | None, action: str = "meeting", **kw: Any) -> Task:
    return Task.objects.create(
        counterparty=cp,
        assignee=user,
        action=action,
        title=kw.pop("title", f"{action} for {cp.name}"),
        due_at=timezone.now(),
        key=f"bulk:{action}:{cp.pk}:{Task.objects.count()}",
        step=Policy.objects.get(code="standard").steps.first(),
        **kw,
    )


@pytest.fixture
def debtors(make_counterparty: Callable[..., Counterparty], collector: User) -> list[Counterparty]:
    return [make_counterparty(collector=collector, name=f"Debtor {n} SRL") for n in range(3)]


def entries(kind: str) -> list[int]:
    return sorted(TimelineEntry.objects.filter(kind=kind).values_list("counterparty_id", flat=True))


# --- reassign --------------------------------------------------------------------------------


def test_bulk_reassign_moves_every_debtor_with_one_timeline_entry_each(
    debtors: list[Counterparty], supervisor: User, teammate: User, collector: User
) -> None:
    count = bulk_actions.reassign_debtors(
        supervisor, [d.pk for d in debtors], teammate, "fresh eyes"
    )
    assert count == 3
    assert set(Counterparty.objects.values_list("collector", flat=True)) == {teammate.pk}
    assert entries("work.reassigned") == sorted(d.pk for d in debtors)
    assert Reassignment.objects.filter(reason="fresh eyes").count() == 3
    # the same service as the single action: the old and new collector are told
    assert Notification.objects.filter(recipient=collector).count() == 3


def test_one_debtor_outside_the_supervisors_team_refuses_the_whole_batch_naming_it(
    debtors: list[Counterparty],
    supervisor: User,
    teammate: User,
    make_counterparty: Callable[..., Counterparty],
    outsider: User,
) -> None:
    foreign = make_counterparty(collector=outsider, name="Foreign SRL")
    with pytest.raises(bulk_actions.BulkRefused) as refused:
        bulk_actions.reassign_debtors(supervisor, [d.pk for d in debtors] + [foreign.pk], teammate)
    assert refused.value.problems == [f"Debtor no. {foreign.pk} is not one you may see."]
    assert "Foreign SRL" not in str(refused.value.problems)  # never named to who cannot see it
    assert not Reassignment.objects.exists()
    assert entries("work.reassigned") == []


def test_a_debtor_already_with_the_target_refuses_the_batch_and_nothing_changes(
    debtors: list[Counterparty], supervisor: User, collector: User, teammate: User
) -> None:
    Counterparty.objects.filter(pk=debtors[2].pk).update(collector=teammate)
    with pytest.raises(bulk_actions.BulkRefused) as refused:
        bulk_actions.reassign_debtors(supervisor, [d.pk for d in debtors], teammate)
    assert refused.value.problems == [
        "Debtor 2 SRL: This person is already responsible for the debtor."
    ]
    assert list(Counterparty.objects.order_by("pk").values_list("collector", flat=True)) == [
        collector.pk,
        collector.pk,
        teammate.pk,
    ]


def test_a_failure_while_running_rolls_back_the_debtors_already_reassigned(
    debtors: list[Counterparty],
    supervisor: User,
    teammate: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from dunwell.work import services

    real = services.reassign_counterparty
    calls = {"n": 0}

    def fail_on_third(by: User, cp: Counterparty, to: User, reason: str = "") -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise services.WorkError("the database said no")
        return real(by, cp, to, reason)

    monkeypatch.setattr(services, "reassign_counterparty", fail_on_third)
    with pytest.raises(bulk_actions.BulkRefused) as refused:
        bulk_actions.reassign_debtors(supervisor, [d.pk for d in debtors], teammate)
    assert refused.value.problems == ["Debtor 2 SRL: the database said no"]
    assert not Reassignment.objects.exists()
    assert entries("work.reassigned") == []
    assert not Counterparty.objects.filter(collector=teammate).exists()


def test_the_confirmation_says_what_will_happen_before_anything_changes(
    debtors: list[Counterparty], supervisor: User, teammate: User, collector: User
) -> None:
    client = client_for(supervisor)
    url = reverse("work:bulk_reassign")
    data = {"ids": [d.pk for d in debtors], "to_user": teammate.pk, "back": "sort=name"}
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Reassign 3 debtors from colin to tanya." in page.content.decode()
    assert not Reassignment.objects.exists()
    done = client.post(url, {**data, "confirm": "1", "reason": "fresh eyes"})
    assert done["Location"] == "/work/debtors/?sort=name"
    assert Reassignment.objects.count() == 3
    assert "3 debtors reassigned to tanya." in client.get(done["Location"]).content.decode()


def test_the_confirmation_speaks_russian_with_the_right_plural(
    debtors: list[Counterparty], supervisor: User, teammate: User
) -> None:
    supervisor.language = "ru"
    supervisor.save()
    page = client_for(supervisor).post(
        reverse("work:bulk_reassign"), {"ids": [debtors[0].pk], "to_user": teammate.pk}
    )
    assert "Передать 1 должника от colin к tanya." in page.content.decode()


@pytest.mark.parametrize(
    ("language", "row", "summary"),
    [
        ("ru", "пока ни за кем не закреплён", "Передать 2 должников к tanya."),
        ("uk", "досі ні за ким не закріплений", "Передати 2 боржників до tanya."),
        ("ro", "până acum nu era alocat nimănui", "Reatribuiți 2 debitori către tanya."),
    ],
)
def test_a_debtor_nobody_collects_reads_so_on_the_confirmation(
    make_counterparty: Callable[..., Counterparty],
    director: User,
    teammate: User,
    language: str,
    row: str,
    summary: str,
) -> None:
    """Two debtors with no collector read 'ПП «ПостГруп» — от —' under 'Передать 2 должников
    от — к tanya.': a name seemed left out. Now each says it was assigned to nobody, and the
    summary names only who takes them."""
    unassigned = [make_counterparty(collector=None, name=f"Orphan {n} SRL") for n in range(2)]
    User.objects.filter(pk=director.pk).update(language=language)
    page = client_for(director).post(
        reverse("work:bulk_reassign"), {"ids": [d.pk for d in unassigned], "to_user": teammate.pk}
    )
    text = page.content.decode()
    assert f"<li><strong>Orphan 0 SRL</strong> — {row}</li>" in text
    assert f"<strong>{summary}</strong>" in text
    assert " —</li>" not in text and "— к" not in text


def test_collectors_cannot_reassign_in_bulk(
    debtors: list[Counterparty], collector: User, teammate: User, outsider: User
) -> None:
    for user in (collector, teammate, outsider):
        response = client_for(user).post(
            reverse("work:bulk_reassign"),
            {"ids": [debtors[0].pk], "to_user": teammate.pk, "confirm": "1"},
        )
        assert response.status_code == 403
    assert not Reassignment.objects.exists()


# --- tasks -----------------------------------------------------------------------------------


def test_bulk_complete_closes_each_task_through_its_service_with_the_note(
    debtors: list[Counterparty], collector: User
) -> None:
    tasks = [task_for(d, collector) for d in debtors]
    assert bulk_actions.run_tasks(collector, [t.pk for t in tasks], "complete", "met them") == 3
    assert set(Task.objects.values_list("status", "result")) == {(TaskStatus.DONE, "met them")}
    assert entries("ladder.task_done") == sorted(d.pk for d in debtors)


def test_a_task_of_someone_else_refuses_the_whole_batch_naming_it(
    debtors: list[Counterparty], collector: User, teammate: User
) -> None:
    mine = task_for(debtors[0], collector)
    theirs = task_for(debtors[1], teammate, title="Teammate's meeting")
    with pytest.raises(bulk_actions.BulkRefused) as refused:
        bulk_actions.run_tasks(collector, [mine.pk, theirs.pk], "complete", "done")
    assert refused.value.problems == [
        "Teammate's meeting: Only the person the task is given to, or their manager, can do it."
    ]
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.OPEN}
    assert entries("ladder.task_done") == []


def test_a_letter_is_not_completed_in_bulk_without_its_file(
    debtors: list[Counterparty], collector: User
) -> None:
    letter = task_for(debtors[0], collector, action="letter", title="Letter one")
    with pytest.raises(bulk_actions.BulkRefused, match="Letter one"):
        bulk_actions.run_tasks(collector, [letter.pk], "complete", "sent")


def test_skip_needs_a_manager_and_a_reason(
    debtors: list[Counterparty], collector: User, supervisor: User
) -> None:
    tasks = [task_for(d, collector) for d in debtors]
    ids = [t.pk for t in tasks]
    with pytest.raises(bulk_actions.BulkRefused, match="Only a supervisor"):
        bulk_actions.run_tasks(collector, ids, "skip", "not needed")
    with pytest.raises(bulk_actions.BulkRefused, match="Reason"):
        bulk_actions.run_tasks(supervisor, ids, "skip", "  ")
    assert bulk_actions.run_tasks(supervisor, ids, "skip", "paid by the parent") == 3
    assert set(Task.objects.values_list("status", "skip_reason")) == {
        (TaskStatus.SKIPPED, "paid by the parent")
    }
    assert entries("ladder.task_skipped") == sorted(d.pk for d in debtors)


def test_each_listed_task_opens_its_own_page(debtors: list[Counterparty], collector: User) -> None:
    """The worklist's "Next tasks: Monday" leads here: each task must open to be worked."""
    task = task_for(debtors[0], collector, title="Meet Debtor 0 SRL")
    page = client_for(collector).get(reverse("work:bulk_tasks")).content.decode()
    assert f'<a href="{reverse("work:task", args=[task.pk])}">Meet Debtor 0 SRL</a>' in page


def test_the_task_page_lists_my_tasks_and_confirms_before_skipping(
    debtors: list[Counterparty], collector: User, supervisor: User, outsider: User
) -> None:
    tasks = [task_for(d, collector, title=f"Meet {d.name}") for d in debtors]
    page = client_for(collector).get(reverse("work:bulk_tasks")).content.decode()
    assert "Meet Debtor 0 SRL" in page and 'value="skip"' not in page
    assert (
        "Meet Debtor 0 SRL"
        not in client_for(outsider).get(reverse("work:bulk_tasks")).content.decode()
    )
    client = client_for(supervisor)
    url = reverse("work:bulk_tasks_apply")
    ids = [t.pk for t in tasks]
    confirm = client.post(url, {"ids": ids, "action": "skip"}).content.decode()
    assert "Skip 3 tasks with the reason below." in confirm
    # each task once, by its title, which names its debtor (not "Debtor 0 SRL — Meet Debtor 0")
    assert "<li>Meet Debtor 0 SRL</li>" in confirm and confirm.count("Debtor 0 SRL") == 1
    missing = client.post(url, {"ids": ids, "action": "skip", "confirm": "1", "note": ""})
    assert missing.status_code == 400
    assert "Reason: say why the tasks are skipped." in missing.content.decode()
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.OPEN}
    client.post(url, {"ids": ids, "action": "skip", "confirm": "1", "note": "paid"})
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.SKIPPED}


# --- approvals -------------------------------------------------------------------------------


@pytest.fixture
def awaiting(debtors: list[Counterparty], collector: User) -> list[Task]:
    return [
        task_for(
            d,
            collector,
            action="letter",
            title=f"Approve letter {n}",
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role=Role.SUPERVISOR,
        )
        for n, d in enumerate(debtors)
    ]


def test_bulk_approve_opens_each_step_with_a_timeline_entry_per_debtor(
    awaiting: list[Task], supervisor: User, debtors: list[Counterparty]
) -> None:
    assert bulk_actions.run_tasks(supervisor, [t.pk for t in awaiting], "approve", "") == 3
    assert set(Task.objects.values_list("status", "approver")) == {(TaskStatus.OPEN, supervisor.pk)}
    assert entries("ladder.task_approved") == sorted(d.pk for d in debtors)


def test_bulk_reject_needs_a_comment_and_a_step_for_another_role_refuses_all(
    awaiting: list[Task], supervisor: User, director: User
) -> None:
    Task.objects.filter(pk=awaiting[1].pk).update(approval_role=Role.DIRECTOR)
    ids = [t.pk for t in awaiting]
    with pytest.raises(bulk_actions.BulkRefused) as refused:
        bulk_actions.run_tasks(supervisor, ids, "reject", "not now")
    assert refused.value.problems == ["Approve letter 1: You cannot decide on this task."]
    with pytest.raises(bulk_actions.BulkRefused, match="Comment"):
        bulk_actions.run_tasks(supervisor, ids[:1], "reject", "")
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.AWAITING_APPROVAL}
    assert bulk_actions.run_tasks(supervisor, [ids[0], ids[2]], "reject", "not now") == 2
    assert Task.objects.filter(status=TaskStatus.REJECTED).count() == 2


def test_the_approvals_page_lists_only_steps_the_user_decides(
    awaiting: list[Task], supervisor: User, collector: User, director: User
) -> None:
    url = reverse("work:bulk_approvals")
    assert "Approve letter 0" in client_for(supervisor).get(url).content.decode()
    assert "Approve letter 0" not in client_for(collector).get(url).content.decode()
    assert "Approve letter 0" not in client_for(director).get(url).content.decode()
    response = client_for(collector).post(
        reverse("work:bulk_tasks_apply"),
        {"ids": [awaiting[0].pk], "action": "approve", "confirm": "1"},
    )
    assert response.status_code == 403
    assert "You cannot decide on this task." in response.content.decode()
    assert Task.objects.get(pk=awaiting[0].pk).status == TaskStatus.AWAITING_APPROVAL


def test_the_task_page_leaves_steps_awaiting_approval_to_the_approvals_page(
    awaiting: list[Task], debtors: list[Counterparty], collector: User
) -> None:
    task_for(debtors[0], collector, title="An open meeting")
    page = client_for(collector).get(reverse("work:bulk_tasks")).content.decode()
    assert "An open meeting" in page
    assert "Approve letter 0" not in page


def test_a_teammate_or_an_outsider_cannot_complete_the_owners_tasks_in_bulk(
    debtors: list[Counterparty], collector: User, teammate: User, outsider: User
) -> None:
    tasks = [task_for(d, collector) for d in debtors]
    url = reverse("work:bulk_tasks_apply")
    data = {"ids": [t.pk for t in tasks], "action": "complete", "note": "done", "confirm": "1"}
    for user in (teammate, outsider):
        response = client_for(user).post(url, data)
        assert response.status_code == 403
        assert f"Task no. {tasks[0].pk} is not one you may see." in response.content.decode()
        assert "Debtor 0 SRL" not in response.content.decode()
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.OPEN}
    assert client_for(collector).post(url, data).status_code == 302
    assert set(Task.objects.values_list("status", flat=True)) == {TaskStatus.DONE}


@pytest.mark.parametrize("name", ["work:bulk_tasks", "work:bulk_approvals"])
def test_the_selection_pages_use_a_bounded_number_of_queries(
    name: str,
    make_counterparty: Callable[..., Counterparty],
    collector: User,
    supervisor: User,
    django_assert_max_num_queries: Any,
) -> None:
    for n in range(15):  # more tasks must not mean more queries
        cp = make_counterparty(collector=collector)
        task_for(cp, collector, title=f"Open {n}")
        task_for(
            cp,
            collector,
            action="letter",
            status=TaskStatus.AWAITING_APPROVAL,
            approval_role=Role.SUPERVISOR,
        )
    client = client_for(supervisor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse(name)).status_code == 200


def test_no_task_past_its_time_is_not_said_as_no_open_task(
    debtors: list[Counterparty], supervisor: User
) -> None:
    """Showing only the tasks past their time, an empty list said 'Нет открытых задач.' while
    the team had open tasks for later."""
    supervisor.language = "ru"
    supervisor.save()
    task = task_for(debtors[0], None, title="Later")
    Task.objects.filter(pk=task.pk).update(due_at=timezone.now() + timedelta(days=1))
    page = client_for(supervisor).get(reverse("work:bulk_tasks"), {"overdue": "1"})
    text = page.content.decode()
    assert '<td colspan="5" id="tasks-empty">Просроченных задач нет.</td>' in text
    assert "Нет открытых задач." not in text
