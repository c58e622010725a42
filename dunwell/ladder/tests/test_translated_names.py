"""Shipped data shown in the user's language: segment, policy and step names, policy
descriptions, task titles built from a step; managers name their own steps per language; days
counted with the language's plural forms."""

from __future__ import annotations

import importlib
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
    # the list's own column names the debtor: the title column names the step alone
    # (each a link: to the debtor's card, to the task)
    assert f">{debtor.name}</a></td>" in page and ">Primul apel amical</a></td>" in page


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


def _rename_claim_letter_steps() -> None:
    """Run the data migration 0016 (the Romanian claim letter is "notificare de plată")."""
    from django.apps import apps

    module = importlib.import_module("dunwell.ladder.migrations.0016_romanian_claim_letter_names")
    module.rename(apps, None)


def test_romanian_claim_letter_rename_keeps_a_companys_own_wording() -> None:
    standard = PolicyStep.objects.filter(policy__code="standard")
    shipped = standard.get(name="Pretension (claim letter) with the contract's period")
    court = standard.get(name="Pretension deadline passed: prepare the court filing")
    renamed = standard.get(name="Stop shipments")
    # as the migration 0005 left them, one edited in Romanian, one renamed in English
    shipped.names = {**shipped.names, "ro": "Somație cu termenul din contract"}
    shipped.translated_instructions = {
        **shipped.translated_instructions,
        "ro": "Perioada de negociere s-a încheiat. Trimiteți somația cu termenul din contract "
        "(implicit 30 de zile) și calculul penalităților.",
    }
    shipped.save()
    court.names = {**court.names, "ro": "Somația noastră a expirat: dosar la avocat"}
    court.save()
    renamed.name = "Pretension (claim letter)"
    renamed.names = {"ru": "Стоп", "ro": "Somație"}
    renamed.save()
    key = Policy.objects.get(code="new")
    key.descriptions = {
        **key.descriptions,
        "ro": "Mai strict și mai devreme: un memento înainte de scadență, somația în ziua +7.",
    }
    key.save()

    _rename_claim_letter_steps()

    shipped.refresh_from_db()
    assert shipped.names["ro"] == "Notificare de plată cu termenul din contract"
    assert shipped.names["ru"] == "Претензия со сроком по договору"
    assert "Trimiteți notificarea de plată" in shipped.translated_instructions["ro"]
    court.refresh_from_db()
    assert court.names["ro"] == "Somația noastră a expirat: dosar la avocat"
    key.refresh_from_db()
    assert "notificarea de plată în ziua +7" in key.descriptions["ro"]
    # a step whose English is a shipped name but whose row says it with the old shipped
    # Romanian is updated; its other languages stay as they are
    renamed.refresh_from_db()
    assert renamed.names == {"ru": "Стоп", "ro": "Notificare de plată"}


def test_a_steps_approval_reads_as_on_the_approval_pages_and_a_companys_wording_stays() -> None:
    """Russian and Ukrainian step names said "одобрение"/"схвалення" for what the approvals
    page asks to "Утвердить"/"Затвердити" (migration 0017)."""
    from django.apps import apps

    # as the migration 0005 left them; the court step edited in Russian by the company
    shipped = PolicyStep.objects.get(name="Stop shipments (director's approval)")
    shipped.names = {**shipped.names, "ru": "Остановить отгрузки (одобрение директора)",
                     "uk": "Зупинити відвантаження (схвалення директора)"}  # fmt: skip
    shipped.save()
    edited = PolicyStep.objects.get(
        name="Pretension deadline passed: court filing (director's approval)"
    )
    edited.names = {**edited.names, "ru": "Иск в суд (одобрение директора)",
                    "uk": "Строк претензії сплив: позов до суду (схвалення директора)"}  # fmt: skip
    edited.save()

    importlib.import_module("dunwell.ladder.migrations.0017_approval_wording").reword(apps, None)

    shipped.refresh_from_db()
    assert shipped.names["ru"] == "Остановить отгрузки (утверждает директор)"
    assert shipped.names["uk"] == "Зупинити відвантаження (затверджує директор)"
    assert shipped.names["ro"] == "Oprirea livrărilor (aprobarea directorului)"
    edited.refresh_from_db()
    assert edited.names["ru"] == "Иск в суд (одобрение директора)"  # the company's own
    assert edited.names["uk"] == "Строк претензії сплив: позов до суду (затверджує директор)"
    with translation.override("ru"):
        assert shipped.localized_name == "Остановить отгрузки (утверждает директор)"


def test_a_romanian_reader_sees_the_claim_letter_called_notificare_de_plata(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
    lawyer: User,
) -> None:
    page = client_for(collector, "ro").get(reverse("ladder:policies")).content.decode()
    assert "Notificare de plată cu termenul din contract" in page
    assert "Termenul de răspuns la notificare a expirat" in page
    # the action's label, "Notificare de plată (somație)", names the legal term; no step
    # calls the letter a "somație" on its own
    assert ">Somație" not in page and "Somație cu" not in page and "somației" not in page
    debtor = make_counterparty(collector=collector)
    make_document(debtor, due_date=date(2026, 3, 2))
    run(date(2026, 3, 12))
    task = Task.objects.get(step__name="Pretension (claim letter) with the contract's period")
    assert task.assignee == lawyer
    client = client_for(lawyer, "ro")
    page = client.get(reverse("ladder:tasks")).content.decode()
    assert ">Notificare de plată cu termenul din contract</a>" in page
    # the task opens its legal case, which lists it by the same name (the case is the
    # debtor's: the step alone, not "<step> — <debtor>" again)
    page = client.get(reverse("work:task", args=[task.pk]), follow=True).content.decode()
    assert "<td>Notificare de plată cu termenul din contract</td>" in page
    assert f"Notificare de plată cu termenul din contract — {debtor.name}" not in page
    with translation.override("ro"):
        assert "Trimiteți notificarea de plată cu termenul" in task.localized_instructions


def test_the_lawyer_reads_an_approved_legal_step_as_a_pretension_to_write(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    make_user: Callable[..., User],
    collector: User,
    director: User,
) -> None:
    """The key customers' legal step was named for its approval ("Director decides on legal
    steps"), and the lawyer's list kept that title once the director had approved it: the
    lawyer read a decision already taken instead of the pretension to write."""
    from dunwell.accounts.models import Role
    from dunwell.ladder import services
    from dunwell.ladder.models import TaskStatus

    make_user("laura", Role.LAWYER)
    debtor = make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))
    make_document(debtor, due_date=date(2026, 3, 2))
    run(date(2026, 4, 6))
    task = Task.objects.get(step__policy__code="key", action="pretension")
    assert task.status == TaskStatus.AWAITING_APPROVAL
    services.approve_task(task, user=director)
    lawyer = task.assignee
    assert lawyer is not None
    for lang, title in (
        ("ru", "Претензия (утверждает директор)"),
        ("ro", "Notificare de plată (aprobarea directorului)"),
    ):
        page = client_for(lawyer, lang).get(reverse("ladder:tasks")).content.decode()
        assert f">{title}</a></td>" in page, lang
        assert "Director" not in page.split("<tbody", 1)[1].split("</tbody>", 1)[0], lang


def test_the_legal_steps_rename_reaches_the_step_and_its_tasks_and_keeps_own_wording(
    make_counterparty: Callable[..., Counterparty], collector: User
) -> None:
    """Migration 0020 renames the shipped step where a company kept it, and the titles its
    tasks took from it; a language the company named itself and a title someone wrote stay."""
    from datetime import UTC, datetime

    from django.apps import apps

    old = "Director decides on legal steps"
    step = PolicyStep.objects.get(policy__code="key", action="pretension")
    step.name = old
    own = "Juriștii, doar cu acordul"
    step.names = {
        "ru": "Директор решает о юридических шагах",
        "uk": "Директор вирішує щодо юридичних кроків",
        "ro": own,
    }
    step.save()
    debtor = make_counterparty(collector=collector, name="VinTrade SRL")
    due = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    made = Task.objects.create(counterparty=debtor, step=step, action="pretension", due_at=due,
                               title=f"{old} — VinTrade SRL", key="t:made")  # fmt: skip
    written = Task.objects.create(counterparty=debtor, step=step, action="pretension", due_at=due,
                                  title="Ask Laura about VinTrade", key="t:written")  # fmt: skip

    importlib.import_module("dunwell.ladder.migrations.0020_pretension_approval_name").rename(
        apps, None
    )

    step.refresh_from_db()
    assert step.name == "Pretension (director's approval)"
    assert step.names == {
        "ru": "Претензия (утверждает директор)",
        "uk": "Претензія (затверджує директор)",
        "ro": own,
    }
    made.refresh_from_db()
    assert made.title == "Pretension (director's approval) — VinTrade SRL"
    with translation.override("uk"):
        assert made.localized_title == "Претензія (затверджує директор) — VinTrade SRL"
    written.refresh_from_db()
    assert written.title == "Ask Laura about VinTrade"
