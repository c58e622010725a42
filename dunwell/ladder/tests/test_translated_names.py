"""Shipped data shown in the user's language: segment, policy and step names, policy
descriptions, task titles built from a step; managers name their own steps per language; days
counted with the language's plural forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.ladder.engine import run
from dunwell.ladder.models import Policy, PolicyStep, Task
from dunwell.ledger.models import Counterparty, Document, Segment
from dunwell.names import localized

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str) -> Client:
    user.language = language
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_shipped_names_are_translated_by_the_migration() -> None:
    standard = Policy.objects.get(code="standard")
    assert standard.names == {"ru": "Стандартный", "uk": "Стандартний", "ro": "Standard"}
    assert standard.descriptions["uk"].startswith("Регламент стягнення")
    assert Segment.objects.get(code="key").names["ro"] == "Client cheie"
    untranslated = PolicyStep.objects.exclude(instructions="").filter(translated_instructions={})
    assert not untranslated.exists()
    untranslated = PolicyStep.objects.filter(names={})
    assert not untranslated.exists(), list(untranslated.values_list("name", flat=True))


def test_localized_name_follows_the_active_language() -> None:
    step = PolicyStep.objects.get(policy__code="standard", name="First friendly call")
    with translation.override("ru"):
        assert step.localized_name == "Первый дружеский звонок"
    with translation.override("en"):
        assert step.localized_name == "First friendly call"
    assert localized({"ro": "Apel"}, "Call", "ro-md") == "Apel"
    assert localized({"ro": " "}, "Call", "ro") == "Call"


def test_policies_page_in_russian_shows_names_and_plural_days(collector: User) -> None:
    page = client_for(collector, "ru").get(reverse("ladder:policies")).content.decode()
    assert "Первый дружеский звонок" in page and "Ключевой клиент" in page
    assert "Регламент взыскания" in page
    assert "1 день после срока оплаты" in page
    assert "3 дня после срока оплаты" in page
    assert "7 дней после срока оплаты" in page
    assert "3 дня до срока оплаты" in page  # the new customers' reminder, days = -3


def test_romanian_plural_days(collector: User) -> None:
    page = client_for(collector, "ro").get(reverse("ladder:policies")).content.decode()
    assert "1 zi după scadență" in page and "3 zile după scadență" in page


def test_manager_names_a_step_per_language_in_the_editor(supervisor: User) -> None:
    client = client_for(supervisor, "en")
    data = {
        "name": "Soft", "name_ru": "Мягкая", "name_uk": "", "name_ro": "Blândă",
        "code": "soft", "description": "", "active": "on",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0",
        "steps-0-order": "1", "steps-0-name": "Call", "steps-0-name_ru": "Звонок",
        "steps-0-trigger": "due_offset", "steps-0-days": "2", "steps-0-action": "call",
        "steps-0-assignee_role": "collector", "steps-0-scope": "counterparty",
        "steps-0-min_overdue_amount": "0",
    }  # fmt: skip
    response = client.post(reverse("ladder:policy_new"), data)
    assert response.status_code == 302
    policy = Policy.objects.get(code="soft")
    assert policy.names == {"ru": "Мягкая", "ro": "Blândă"}
    assert policy.steps.get().names == {"ru": "Звонок"}
    edit = client.get(reverse("ladder:policy_edit", args=[policy.pk])).content.decode()
    assert 'value="Звонок"' in edit


def test_task_titles_render_in_the_viewers_language(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector)
    make_document(debtor, due_date=date(2026, 3, 2))
    run(date(2026, 3, 3))
    task = Task.objects.get(step__name="First friendly call")
    with translation.override("uk"):
        assert task.localized_title == f"Перший дружній дзвінок — {debtor.name}"
        assert task.localized_instructions.startswith("Дружнє нагадування")
    page = client_for(collector, "ro").get(reverse("ladder:tasks")).content.decode()
    assert f"Primul apel amical — {debtor.name}" in page


def test_a_task_page_gives_the_steps_instructions_in_the_viewers_language(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> None:
    debtor = make_counterparty(collector=collector)
    make_document(debtor, due_date=date(2026, 3, 2))
    run(date(2026, 3, 3))
    task = Task.objects.get(step__name="Payment missed: notify the manager and the supervisor")
    url = reverse("work:task", args=[task.pk])
    for lang, text in (
        ("uk", "Платіж пропущено. Відповідальний менеджер має 10 днів"),
        ("ru", "Платёж пропущен. У ответственного менеджера 10 дней"),
        ("en", "A payment was missed. The responsible manager has 10 days"),
    ):
        page = client_for(collector, lang).get(url).content.decode()
        assert text in page, lang
    assert "A payment was missed" not in client_for(collector, "ro").get(url).content.decode()
