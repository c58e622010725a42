"""`dunwell demo`'s past weeks (`demo.past`): legal cases opened on many days and moved on by
the lawyer, and the team's tasks done on time or late, so the pages show a company in use."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.demo.tests.built_once import MOMENT, small_demo
from dunwell.ladder.models import Task, TaskStatus
from dunwell.ledger.models import Contact, TimelineEntry
from dunwell.legal.models import CaseDeadline, CaseStage, CaseStep, DeadlineKind, LegalCase

NOW = datetime.fromisoformat(MOMENT)


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    with small_demo(django_db_blocker, tmp_path_factory):
        yield


@pytest.mark.slow
@pytest.mark.django_db
def test_legal_cases_were_opened_on_many_past_days_and_some_moved_on(demo: None) -> None:
    cases = list(LegalCase.objects.select_related("counterparty"))
    opened = {case.opened_at.date() for case in cases}
    assert len(opened - {NOW.date()}) >= 4, opened
    assert min(opened) <= NOW.date() - timedelta(days=42)
    assert all(case.opened_at <= NOW for case in cases)
    stages = {case.stage for case in cases}
    assert {CaseStage.AWAITING_RESPONSE, CaseStage.HEARINGS} <= stages, stages
    for case in cases:
        steps = list(CaseStep.objects.filter(case=case).order_by("at", "pk"))
        assert steps[0].kind == "case_opened" and steps[0].at == case.opened_at
        assert all(step.at <= NOW for step in steps)
        entries = TimelineEntry.objects.filter(
            counterparty=case.counterparty, kind="legal.case_opened"
        ).values_list("at", flat=True)
        assert case.opened_at in set(entries)
        if case.stage == CaseStage.AWAITING_RESPONSE:
            assert case.pretension_sent_on is not None and case.response_due is not None
            assert case.pretension_sent_on < NOW.date()
            sent = next(s for s in steps if s.kind == "pretension_sent")
            assert sent.at.date() == case.pretension_sent_on
            deadline = CaseDeadline.objects.get(case=case, kind=DeadlineKind.RESPONSE)
            assert deadline.due_at.date() == case.response_due
        if case.stage == CaseStage.HEARINGS:
            assert case.filed_on is not None and case.response_due is not None
            assert case.response_due < case.filed_on < NOW.date()
            assert CaseDeadline.objects.filter(case=case, kind=DeadlineKind.HEARING).exists()
    # The lawyer reads them on the legal cases page, with their past opening days.
    client = Client()
    client.force_login(User.objects.get(username="lawyer"))
    with time_machine.travel(MOMENT, tick=False):
        html = client.get(reverse("legal:cases")).content.decode()
    oldest = min(cases, key=lambda c: c.opened_at)
    assert oldest.counterparty.name in html


@pytest.mark.slow
@pytest.mark.django_db
def test_the_team_did_tasks_on_time_and_late_and_the_pages_show_punctuality(demo: None) -> None:
    from dunwell.insight.metrics import collector_results
    from dunwell.work.selectors import team

    done = list(Task.objects.filter(status=TaskStatus.DONE, done_by__role=Role.COLLECTOR))
    late = [t for t in done if t.done_at is not None and t.done_at > t.due_at]
    assert len(done) > 20 and 0 < len(late) < len(done)
    assert all(t.done_at is not None and t.done_at < NOW for t in done)
    assert {t.action for t in done} >= {"call", "letter"}
    supervisor = User.objects.get(username="supervisor1")
    rows = {row.user.username: row for row in team(supervisor, NOW)}
    collectors = [rows[f"collector{n}"] for n in (1, 2, 3)]
    assert all(row.punctuality is not None for row in collectors)
    assert any(row.punctuality < 100 for row in collectors)  # type: ignore[operator]
    with time_machine.travel(MOMENT, tick=False):
        results = collector_results(date(2026, 3, 31))
        client = Client()
        client.force_login(supervisor)
        html = client.get(reverse("work:team")).content.decode()
    mine = [r for r in results if r.collector_id is not None and r.tasks_due]
    assert sum(r.tasks_on_time for r in mine) > 0 and sum(r.tasks_late for r in mine) > 0
    assert f"{collectors[0].punctuality}%" in html


@pytest.mark.slow
@pytest.mark.django_db
def test_no_contact_of_the_demo_bears_a_staff_members_name(demo: None) -> None:
    staff = {f"{u.first_name} {u.last_name}" for u in User.objects.all()}
    assert not Contact.objects.filter(name__in=staff).exists()


@pytest.mark.slow
@pytest.mark.django_db
def test_the_forecast_and_the_worklist_use_the_trained_prediction_model(demo: None) -> None:
    from dunwell.insight.models import DocumentPrediction
    from dunwell.insight.prediction.model import latest_card
    from dunwell.work.selectors import worklist

    card = latest_card()
    assert card is not None and card["trained_as_of"] == NOW.date().isoformat()
    scored = DocumentPrediction.objects.filter(scored_on=NOW.date(), model_version=card["version"])
    assert scored.count() > 100
    client = Client()
    client.force_login(User.objects.get(username="finance"))
    with time_machine.travel(MOMENT, tick=False):
        html = client.get(reverse("insight:forecast")).content.decode()
    assert "the payment dates the prediction model expects" in html
    assert "no prediction model is trained yet" not in html
    # A collector's worklist ranks debtors likely to pay late higher, from the stored scores.
    collector = User.objects.get(username="collector1")
    items = worklist(collector, NOW).items
    assert any(name == "likely_late" for item in items for name, _p in item.priority.reasons)


@pytest.mark.slow
@pytest.mark.django_db
def test_promises_were_kept_and_broken_on_past_days_and_the_kpis_count_them(demo: None) -> None:
    from dunwell.insight.metrics import collector_results
    from dunwell.ladder.models import Promise, PromiseStatus

    resolved = Promise.objects.filter(resolved_at__lt=NOW - timedelta(days=1))
    kept = list(resolved.filter(status=PromiseStatus.KEPT))
    broken = list(resolved.filter(status=PromiseStatus.BROKEN))
    assert len(kept) >= 5 and len(broken) >= 5, (len(kept), len(broken))
    assert len({p.resolved_at.date() for p in kept + broken}) >= 3  # type: ignore[union-attr]
    for promise in broken:  # the morning after the promised day and its grace
        assert promise.resolved_at.date() > promise.promised_date  # type: ignore[union-attr]
    with time_machine.travel(MOMENT, tick=False):
        results = collector_results(NOW.date())
    mine = [r for r in results if r.collector_id is not None]
    assert sum(m.kept for r in mine for m in r.money.values()) > 0
    assert sum(m.broken for r in mine for m in r.money.values()) > 0


@pytest.mark.slow
@pytest.mark.django_db
def test_the_staff_read_the_notices_of_past_days(demo: None) -> None:
    from dunwell.work.models import Notification
    from dunwell.work.selectors import unread_notifications

    supervisor = User.objects.get(username="supervisor1")
    mine = Notification.objects.filter(recipient=supervisor)
    assert mine.count() > 20
    old = mine.filter(created_at__lt=NOW - timedelta(days=3))
    assert old.exists() and not old.filter(read_at__isnull=True).exists()
    for notice in old:  # read that day or on a next one, in the past
        assert notice.created_at <= notice.read_at < NOW  # type: ignore[operator]
    unread = unread_notifications(supervisor)
    assert 0 < unread <= 30, unread
    client = Client()
    client.force_login(supervisor)
    with time_machine.travel(MOMENT, tick=False):
        html = client.get(reverse("work:notifications")).content.decode()
    assert f'<span class="badge bad">{unread}</span>' in html
    assert html.count('class="unread"') == unread


@pytest.mark.slow
@pytest.mark.django_db
def test_the_notices_of_past_days_read_in_the_readers_language(demo: None) -> None:
    """The missed-payment notices read in the reader's language, as the product's own do
    (`work.services.notify`): a uk reader read "… пропустив платіж: … (Payment missed: notify
    the manager and the supervisor — …)". They now give the day the negotiation window ends
    instead of naming their task."""
    from dunwell.ladder.models import PolicyStep
    from dunwell.work.models import Notification

    english = {s.name for s in PolicyStep.objects.all() if s.names.get("uk", s.name) != s.name}
    missed = Notification.objects.filter(kind=Notification.Kind.PAYMENT_MISSED)
    readers = User.objects.filter(pk__in=missed.values("recipient_id"))
    assert english and readers.exists()
    for reader in readers:
        User.objects.filter(pk=reader.pk).update(language="uk")
        client = Client()
        client.force_login(reader)
        with time_machine.travel(MOMENT, tick=False):
            page = client.get(reverse("work:notifications")).content.decode()
        assert "пропустив платіж" in page
        assert "урегулюйте його переговорами до" in page
        assert [name for name in english if name in page] == []


@pytest.mark.slow
@pytest.mark.django_db
def test_each_lawsuit_is_filed_in_a_court_of_the_debtors_country_and_city(demo: None) -> None:
    """A Russian or Ukrainian debtor was sued in "Tribunalul București": each filed case names
    the commercial court of its debtor's city (its country's capital's when not listed), and a
    case number written as that court writes it; the case page shows it."""
    from dunwell.demo.courts import COURTS

    filed = list(LegalCase.objects.exclude(court="").select_related("counterparty"))
    assert filed
    assert {case.counterparty.country for case in filed} - {"RO"}, "only Romanian debtors sued"
    for case in filed:
        debtor = case.counterparty
        city = debtor.address.split(",")[0]
        court, number = COURTS[debtor.country][city]
        assert case.court == court, (debtor.country, debtor.address, case.court)
        head = number.split("{n}")[0]
        assert case.case_number.startswith(head), (case.court, case.case_number)
    client = Client()
    client.force_login(User.objects.get(username="lawyer"))
    case = next(c for c in filed if c.counterparty.country != "RO")
    with time_machine.travel(MOMENT, tick=False):
        html = client.get(reverse("legal:case", args=[case.pk])).content.decode()
    assert case.court in html and "Tribunalul București" not in html


@pytest.mark.slow
@pytest.mark.django_db
def test_the_demos_foreign_debts_have_an_exchange_rate_on_its_day(demo: None) -> None:
    """The demo built on 31.03.2026, months before the shipped rates' day (02.11.2026): the
    debtor list's credit column said 'rate missing' for every debtor in EUR, MDL, RUB, UAH;
    now it converts them at the demo's approximate monthly rates."""
    collector = User.objects.get(username="collector1")
    client = Client()
    client.force_login(collector)
    with time_machine.travel(MOMENT, tick=False):
        page = client.get(reverse("work:debtors") + "?sort=name").content.decode()
    assert "Exposure / limit" in page
    assert "rate missing" not in page
    assert "EUR" in page or "MDL" in page or "RUB" in page or "UAH" in page
