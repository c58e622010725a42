"""One word per thing across the apps' catalogues, read from the merged catalogue (what the user
reads): for one msgid Django takes the translation of the app listed first in INSTALLED_APPS
(Django's own contrib apps come first), so an app's own wording can be silently replaced by
another app's. Terms that meant one thing but read differently from page to page are pinned
here, per language; meanings that share an English word carry a msgctxt at their call site."""

from __future__ import annotations

import gettext as stdlib_gettext
import warnings
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from dunwell.accounts.models import User
from dunwell.ladder.models import TaskStatus
from dunwell.ledger.forms import field_label
from dunwell.ledger.models import Company, Contact, Counterparty, Deal, Segment

DUNWELL = Path(__file__).resolve().parent.parent / "dunwell"


def _in(lang: str, value: object) -> str:
    with translation.override(lang):
        return str(value)


@pytest.mark.parametrize(
    ("lang", "company_name", "person_name", "thing_name"),
    [
        ("ro", "denumire", "nume", "denumire"),
        ("ru", "наименование", "имя", "название"),
        ("uk", "найменування", "ім'я", "назва"),
    ],
)
def test_a_companys_name_is_not_a_persons_name(
    lang: str, company_name: str, person_name: str, thing_name: str
) -> None:
    # Django's own catalogues translate the bare "name" as a person's name and win the merge.
    assert _in(lang, Counterparty._meta.get_field("name").verbose_name) == company_name
    assert _in(lang, Company._meta.get_field("name").verbose_name) == company_name
    assert _in(lang, Contact._meta.get_field("name").verbose_name) == person_name
    assert _in(lang, Segment._meta.get_field("name").verbose_name) == thing_name
    assert _in(lang, Deal._meta.get_field("name").verbose_name) == thing_name
    # The import mapping's choice for the counterparties' name column.
    with translation.override(lang):
        assert field_label("counterparties", "name") == f"{company_name.capitalize()} (name)"
        assert field_label("contacts", "name") == f"{person_name.capitalize()} (name)"


@pytest.mark.parametrize(
    ("lang", "company", "payments"),
    [("ru", "Организация", "Платежи"), ("uk", "Організація", "Платежі")],
)
def test_one_word_for_our_company_and_for_payments(lang: str, company: str, payments: str) -> None:
    with translation.override(lang):
        assert gettext("Company") == company
        assert gettext("company") == company.lower()
        assert gettext("Payments") == payments
    # The 1C pages, whose own catalogue said "Компания" / "Оплаты", agree with the rest.
    own = _catalogue("onec", lang)
    assert own["Company"] == company
    assert own["company"] == company.lower()
    assert own["Payments"] == payments


@pytest.mark.parametrize(
    ("lang", "done", "rejected"),
    [
        ("ro", "efectuată", "respinsă"),
        ("ru", "выполнена", "отклонена"),
        ("uk", "виконана", "відхилена"),
    ],
)
def test_task_states_read_as_a_tasks(lang: str, done: str, rejected: str) -> None:
    # The bare "done"/"rejected" are an import run's state in the ledger's catalogue ("gata").
    assert _in(lang, TaskStatus.DONE.label) == done
    assert _in(lang, TaskStatus.REJECTED.label) == rejected


def test_romanian_grace_period_is_pasuire_everywhere() -> None:
    with translation.override("ro"):
        assert gettext("Grace period") == "Păsuire"
    for app in ("ledger", "ladder"):
        for msgid, msgstr in _catalogue(app, "ro").items():
            if isinstance(msgid, str) and "grace" in msgid.lower() and "days" not in msgid:
                assert "grație" not in msgstr, (app, msgid, msgstr)


def test_romanian_claim_letter_follows_the_legal_papers() -> None:
    """The legal papers call the letter 'Notificare de plată (somație)'; the pressure scale,
    correspondence, debtor card and timeline say the same (they said 'pretenție', 'somație')."""
    with translation.override("ro"):
        assert gettext("Pretension (claim letter)") == "Notificare de plată (somație)"
        assert gettext("Pretension sent") == "Notificare trimisă"
        assert gettext("Pretension period") == "Termen de răspuns la notificare"
    for app in ("ladder", "correspondence", "ledger", "work", "letters"):
        for msgid, msgstr in _catalogue(app, "ro").items():
            assert "pretenți" not in msgstr.lower(), (app, msgid, msgstr)
        with translation.override("ro"):
            for msgid in _catalogue(app, "ro"):
                if isinstance(msgid, str) and "pretension" in msgid.lower():
                    assert "pretenți" not in gettext(msgid).lower(), msgid


def _catalogue(app: str, lang: str) -> dict[object, str]:
    mo = DUNWELL / app / "locale" / lang / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as fh:
        return dict(stdlib_gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "sender", "recipient", "since", "until", "open_amount", "imports"),
    [
        ("ro", "De la", "Către", "de la", "până la", "Rest de plată", None),
        ("ru", "От", "Кому", "с", "по", "Остаток", "Импорт"),
        ("uk", "Від", "Кому", "з", "по", "Залишок", "Імпорт"),
    ],
)
def test_homonyms_read_in_their_own_sense(
    lang: str,
    sender: str,
    recipient: str,
    since: str,
    until: str,
    open_amount: str,
    imports: str | None,
) -> None:
    """Bare "To"/"From" are a date range in the legal catalogue (loaded first): the outbox's
    recipient column read "По"/"Până la"; the bare "to" is an email's recipient, so an absence's
    end date read "кому"; letters' open amount column read "Открыто"."""
    from dunwell.telephony.models import Absence

    with translation.override(lang):
        assert pgettext("sender", "From") == sender
        assert pgettext("recipient", "To") == recipient
        assert str(Absence._meta.get_field("starts_on").verbose_name) == since
        assert str(Absence._meta.get_field("ends_on").verbose_name) == until
        assert pgettext("amount", "Open") == open_amount
        if imports:  # the menu's "Import" and the imports page's title agree
            assert gettext("Imports") == gettext("Import") == imports
    for template, needle in [
        ("mail/templates/mail/message.html", '{% translate "From" context "sender" %}'),
        ("letters/templates/letters/compose.html", '{% translate "Open" context "amount" %}'),
    ]:
        assert needle in (DUNWELL / template).read_text(encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "recipient"), [("ro", "Către"), ("ru", "Кому"), ("uk", "Кому")])
def test_the_outbox_names_the_recipient_column(director: User, lang: str, recipient: str) -> None:
    director.language = lang
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    html = client.get(reverse("mail:outbox")).content.decode()
    assert f"<th>{recipient}</th>" in html


@pytest.mark.parametrize(
    ("lang", "thing", "thing_label", "view", "done_count", "enabled", "letter_no"),
    [
        ("ro", "denumire", "Denumire", "Vizualizare", "Efectuate", "Activat", "Nr."),
        ("ru", "название", "Название", "Вид", "Выполнено", "Включено", "Исх. №"),
        ("uk", "назва", "Назва", "Вигляд", "Виконано", "Увімкнено", "Вих. №"),
    ],
)
def test_words_that_django_or_an_earlier_app_took_over(
    lang: str,
    thing: str,
    thing_label: str,
    view: str,
    done_count: str,
    enabled: str,
    letter_no: str,
) -> None:
    """A token's, a saved view's, a queue's, a rate series' name read "Имя"/"Nume" (Django's
    person's name); the calendar's "View" read "Просмотреть" (the admin's verb); the connections'
    "Enabled" read "Разрешена" (auth); the legal case's task button "Done" read "Efectuate" (the
    punctuality column); a letter's "Исх. №" read "№" (the legal table's column)."""
    from dunwell.interest.models import RateSeries
    from dunwell.restapi.forms import TokenForm
    from dunwell.restapi.models import ApiToken
    from dunwell.telephony.models import TeamQueue
    from dunwell.work.forms import CalendarQueryForm
    from dunwell.work.models import SavedView

    for model in (ApiToken, SavedView, TeamQueue, RateSeries):
        assert _in(lang, model._meta.get_field("name").verbose_name) == thing, model
    with translation.override(lang):
        assert str(TokenForm.base_fields["name"].label) == thing_label
        assert str(CalendarQueryForm.base_fields["view"].label) == view
        assert pgettext("count of tasks", "Done") == done_count
        assert pgettext("connection", "Enabled") == enabled
        assert pgettext("outgoing letter", "No.") == letter_no
    with translation.override("ro"):
        assert gettext("Done") == "Gata"  # the legal case's button: the task is done


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "days_in_a_year"),
    [("ro", "Zile/an"), ("ru", "Дней в году"), ("uk", "Днів у році")],
)
def test_year_as_the_days_counted_in_a_year_has_its_own_context(
    director: User, lang: str, days_in_a_year: str
) -> None:
    """The interest tables' column "Year" (360, 365 or actual) shared the bare msgid with any
    calendar "Year": the legal catalogue's "Zile/an"/"Дней в году" took the bare word over for
    every page, and the interest command's own catalogue read "An"/"Год" above 365."""
    from io import StringIO

    from django.core.management import call_command

    from dunwell.legal.i18n import doc_gettext
    from dunwell.legal.layouts import LAYOUTS

    with translation.override(lang):
        assert pgettext("day count basis", "Year") == days_in_a_year
        # A calendar year never reads as a day count.
        assert gettext("Year") != days_in_a_year
        for app in ("legal", "interest"):
            assert "Year" not in _catalogue(app, lang), app
        out = StringIO()
        call_command("interest", "--rule", "contract", "--debt", "1000", "--due", "2024-01-31",
                     "--to", "2024-02-10", "--option", "rate_per_day=0.1", stdout=out)  # fmt: skip
        assert days_in_a_year in out.getvalue().splitlines()[0]
    # The pretension's calculation table, worded from the legal catalogue alone.
    blocks = list(LAYOUTS["pretension"])
    for block in blocks:
        blocks.extend(block.children)
    headers = [
        doc_gettext(header, lang)
        for block in blocks
        for header, key, _numeric in block.columns
        if key == "year_basis"
    ]
    assert headers == [days_in_a_year]
    director.language = lang
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    query = {"debt": "1000", "due": "2026-01-31", "to": "2026-02-09", "currency": "RON",
             "rule": "contract", "rate_per_day": "0.1"}  # fmt: skip
    html = client.get(reverse("legal:calculator"), query).content.decode()
    assert f'<th class="num">{days_in_a_year}</th>' in html


@pytest.mark.parametrize(
    ("lang", "approve", "approved", "credit_approve", "credit_approved", "credit_needs"),
    [
        ("ru", "Утвердить", "утверждено", "Одобрить", "одобрено", "требует одобрения"),
        ("uk", "Затвердити", "затверджено", "Схвалити", "схвалено", "потребує схвалення"),
    ],
)
def test_one_word_for_approving_a_step_and_one_for_a_credit_decision(
    lang: str,
    approve: str,
    approved: str,
    credit_approve: str,
    credit_approved: str,
    credit_needs: str,
) -> None:
    """Approving a ladder step, a grace, a legal step, a wording or a mailing read "Утвердить"
    on one page, "Одобрить"/"одобрено" on the legal approvals and the grace's history, and
    "Ждёт согласования" in the notifications; a credit decision read the ladder's "Утвердить"
    and "требует утверждения" on the credit pages next to "Кредитные одобрения"."""
    from dunwell.credit.forms import DecisionForm
    from dunwell.credit.models import ApprovalStatus, BreachAction, Decision
    from dunwell.legal.models import Approval as LegalApproval

    with translation.override(lang):
        assert gettext("Approve") == approve
        assert gettext("Approve…") == f"{approve}…"
        assert gettext("approved") == approved
        assert str(LegalApproval.Status.APPROVED.label) == approved
        # The lawyer's button asks for that same approval ("Запитати схвалення" read the
        # credit word beside the case's "Затвердження").
        assert approved[:6] in gettext("Ask the director").lower()
        assert str(ApprovalStatus.APPROVED.label) == credit_approved
        assert str(BreachAction.NEEDS_APPROVAL.label) == credit_needs
        assert str(Decision.NEEDS_APPROVAL.label) == credit_needs
        choices = dict(DecisionForm.base_fields["decision"].choices)  # type: ignore[attr-defined]
        assert str(choices["approve"]) == credit_approve
    others = {"ru": ("одобр", "соглас"), "uk": ("схвал", "погодж")}[lang]
    step_words = {"ru": ("утвер",), "uk": ("затвер",)}[lang]
    # "." is the project's own catalogue: the menu ("Legal approvals" read "Юридические
    # согласования" beside "Утверждения")
    for app in (".", "ladder", "legal", "work", "letters", "ledger", "credit"):
        for key, msgstr in _catalogue(app, lang).items():
            msgid = str(key[0] if isinstance(key, tuple) else key)
            if "approv" not in msgid.lower() or "credit" in msgid.lower():
                continue
            context, _sep, text = msgid.rpartition("\x04")
            wrong = step_words if app == "credit" or context == "credit" else others
            assert not any(w in msgstr.lower() for w in wrong), (app, text, msgstr)


@pytest.mark.parametrize(
    ("lang", "responsible", "collectors", "other_words", "person"),
    [
        (
            "ro",
            "recuperator responsabil",
            "Recuperatori responsabili",
            ("colector",),
            "recuperator",
        ),
        (
            "ru",
            "ответственный взыскатель",
            "Ответственные взыскатели",
            ("коллектор", "по взыск"),
            "взыскател",
        ),
        (
            "uk",
            "відповідальний стягувач",
            "Відповідальні стягувачі",
            ("колектор", "зі стягн"),
            "стягувач",
        ),
    ],
)
def test_one_word_for_the_responsible_collector(
    lang: str, responsible: str, collectors: str, other_words: tuple[str, ...], person: str
) -> None:
    """The ladder's catalogue said 'responsabilul de recuperare' / 'сотрудник по взысканию'
    where the ledger's (which wins the merge) says 'recuperator responsabil'; the debtor card's
    reassignments read 'Colectori responsabili' / 'Ответственные коллекторы'. The role is
    'Recuperator' / 'Взыскатель' / 'Стягувач' (accounts), and so is the person everywhere."""
    from dunwell.ladder.models import AssigneeRole

    with translation.override(lang):
        assert gettext("responsible collector") == responsible
        assert str(AssigneeRole.COLLECTOR.label) == responsible
        assert gettext("Responsible collectors") == collectors
    for app in ("ladder", "ledger"):
        assert _catalogue(app, lang)["responsible collector"] == responsible, app
    # Each app's own words for the collector as a person (not a collection agency).
    for app in ("work", "ladder", "telephony"):
        for msgid, msgstr in _catalogue(app, lang).items():
            if isinstance(msgid, str) and "collector" in msgid.lower():
                if "agency" in msgid.lower():
                    continue
                for word in other_words:
                    assert word not in msgstr.lower(), (app, msgid, msgstr)
    # Every app's catalogue names the person with the product's word: the letters' pages read
    # 'așteaptă ca un colector…', 'Менеджер зі стягнення', 'Responsabil de încasare'; the mail
    # settings 'Colectorii pot trimite…', 'Сотрудники могут…'; the work messages 'agent de
    # recuperare'. A '{collector}' placeholder and a collection agency are other things.
    for mo in sorted(DUNWELL.glob(f"*/locale/{lang}/LC_MESSAGES/django.mo")):
        app = mo.parent.parent.parent.parent.name
        for key, msgstr in _catalogue(app, lang).items():
            msgid = str(key[0] if isinstance(key, tuple) else key).lower()
            if "collector" not in msgid.replace("{collector}", "") or "agency" in msgid:
                continue
            assert person in msgstr.lower(), (app, msgid, msgstr)
            assert not any(word in msgstr.lower() for word in other_words), (app, msgid, msgstr)


@pytest.mark.parametrize(
    ("lang", "badge"),
    [("ro", "Decide plățile"), ("ru", "Решает платежи"), ("uk", "Вирішує платежі")],
)
def test_the_deciders_badge_reads_as_the_stalling_banner_says_it(lang: str, badge: str) -> None:
    """The call card's badge read "Решает об оплате" (the ledger's, ungrammatical) above the
    banner's "Платежи решает …" (work's "Решает платежи")."""
    with translation.override(lang):
        assert gettext("Decides payments") == badge
    for app in ("ledger", "work"):
        assert _catalogue(app, lang)["Decides payments"] == badge, app


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "ro",
            {"Save": "Salvați", "Delete": "Ștergeți", "Close": "Închideți", "Search": "Căutare"},
        ),
        ("ru", {"Save": "Сохранить", "Delete": "Удалить", "Close": "Закрыть", "Search": "Поиск"}),
        ("uk", {"Save": "Зберегти", "Delete": "Видалити", "All": "Усі", "Search": "Пошук"}),
    ],
)
def test_our_buttons_words_outrank_djangos_admin(lang: str, words: dict[str, str]) -> None:
    """django.contrib.admin is installed before our apps, so its catalogue won the bare words:
    the note's buttons read 'Salvează'/'Șterge' beside the polite 'Salvați' of every other
    button, the search page's title read 'Найти'/'Caută', the timeline filter 'Всі'. The project
    catalogue (LOCALE_PATHS) outranks every app's and says them as the product does; a search
    or filter button says its verb with the context 'button'."""
    with translation.override(lang):
        for msgid, msgstr in words.items():
            assert gettext(msgid) == msgstr, msgid
        search, filter_ = {"ro": ("Căutați", "Filtrați"), "ru": ("Найти", "Отобрать"),
                           "uk": ("Знайти", "Відібрати")}[lang]  # fmt: skip
        assert pgettext("button", "Search") == search
        assert pgettext("button", "Filter") == filter_
    # Each app's own catalogue says the button the way the merged catalogue now does.
    for mo in sorted(DUNWELL.glob(f"*/locale/{lang}/LC_MESSAGES/django.mo")):
        app = mo.parent.parent.parent.parent.name
        own = _catalogue(app, lang)
        for msgid in ("Save", "Delete", "Close"):
            if msgid in own and msgid in words:
                assert own[msgid] == words[msgid], (app, msgid)
        for key, msgstr in (("button\x04Search", search), ("button\x04Filter", filter_)):
            if key in own:
                assert own[key] == msgstr, (app, key)


@pytest.mark.parametrize(
    ("lang", "notified"),
    [
        ("ro", "Notificări trimise"),
        ("ru", "Уведомления отправлены"),
        ("uk", "Сповіщення надіслано"),
    ],
)
def test_notified_reads_as_done_not_as_an_order(lang: str, notified: str) -> None:
    """The timeline's 'Notified' (a missed payment told to the sales manager and the supervisor)
    and the task page's 'Notified: …' read 'Notificați' in Romanian, an imperative ('Notify!');
    they say what was done, as the task's result 'notificări trimise' does."""
    from dunwell.ledger.timeline import KIND_LABELS

    with translation.override(lang):
        assert gettext("Notified") == notified
        assert str(KIND_LABELS["work.task.notified"]) == notified
    for app in ("ledger", "work"):
        assert _catalogue(app, lang)["Notified"] == notified, app


# Clashes left as they are. A clash is allowed when the merged word (the first app's in
# INSTALLED_APPS) is right for every call site; the others are listed as still to resolve, each
# needing a msgctxt at its call sites. Keys: (language, msgid or "context\x04msgid").
_SAME_WORDS_OTHER_ORDER = {  # plural phrases: the same words, in another order; either reads right
    (lang, msgid)
    for lang in ("ru", "uk")
    for msgid in ("%(count)d step approved.", "%(count)d step rejected.")
}
# Clashes known and not yet resolved, as (lang, msgid); each leaves with its fix.
_TO_RESOLVE: set[tuple[str, str]] = set()


def _catalogues(lang: str) -> tuple[dict[object, str], list[tuple[str, dict[object, str]]],
                                    list[tuple[str, dict[object, str]]]]:  # fmt: skip
    """The project's catalogue, our apps' and the third-party apps' (Django's contrib first),
    in INSTALLED_APPS order."""
    from django.apps import apps

    def read(mo: Path) -> dict[object, str]:
        if not mo.exists():
            return {}
        with mo.open("rb") as fh:
            return dict(stdlib_gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]

    ours, theirs = [], []
    for config in apps.get_app_configs():
        locale = Path(config.path) / "locale"
        if not locale.is_dir() or locale == DUNWELL / "locale":
            continue
        catalogue = read(locale / lang / "LC_MESSAGES" / "django.mo")
        (ours if DUNWELL in locale.parents else theirs).append((config.label, catalogue))
    return read(DUNWELL / "locale" / lang / "LC_MESSAGES" / "django.mo"), ours, theirs


@pytest.mark.parametrize("lang", ["ru", "uk", "ro"])
def test_one_msgid_reads_one_way_across_the_catalogues(lang: str) -> None:
    """A msgid (with its context) two of our apps translate differently reads one app's word on
    the other's pages; one a contrib app (installed first) translates differently reads Django's
    word unless the project catalogue (LOCALE_PATHS) says it: the promise's status read the auth
    app's "активный"/"activ", the credit rules' "Change" the admin's "Schimbare", the debtor
    card's "Email" auth's "Адрес электронной почты", ro "Edit" "Editați" beside "Modificați"."""
    project, ours, theirs = _catalogues(lang)
    clashes = []
    for key in sorted({key for _app, catalogue in ours for key in catalogue if key}, key=str):
        msgid = str(key[0] if isinstance(key, tuple) else key)
        if (lang, msgid) in _SAME_WORDS_OTHER_ORDER | _TO_RESOLVE:
            continue
        words = {app: catalogue[key] for app, catalogue in ours if key in catalogue}
        if len(set(words.values())) > 1:
            clashes.append((msgid, words))
        if key in project:
            continue
        for app, catalogue in theirs:
            if key in catalogue and set(words.values()) != {catalogue[key]}:
                clashes.append((msgid, {app: catalogue[key], **words}))
                break
    assert not clashes, "\n".join(f"{msgid!r}: {words}" for msgid, words in clashes)


@pytest.mark.parametrize(
    ("lang", "active", "change", "email", "edit", "content_type"),
    [
        ("ru", "действует", "Изменить", "Эл. почта", "Изменить", None),
        ("uk", "діє", "Змінити", "Ел. пошта", None, None),
        ("ro", "activă", "Modificați", "E-mail", "Modificați", "tip de conținut"),
    ],
)
def test_the_words_another_app_took_over(
    lang: str, active: str, change: str, email: str, edit: str | None, content_type: str | None
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from dunwell.ladder.models import PromiseStatus

    with translation.override(lang):
        assert str(PromiseStatus.ACTIVE.label) == active
        assert gettext("Change") == change
        assert gettext("Email") == email
        if edit:
            assert gettext("Edit") == edit
        if content_type:
            assert str(ContentType._meta.verbose_name) == content_type


def _label(model: type, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("lang", "meeting", "documents"),
    [
        ("ru", "Отменена", "Отменено"),
        ("uk", "Скасована", "Скасовано"),
        ("ro", "Anulată", "Anulate"),
    ],
)
def test_a_cancelled_meeting_and_the_cancelled_documents_of_a_sync(
    lang: str, meeting: str, documents: str
) -> None:
    """The 1C sync log's column (how many documents were cancelled) read the meeting's
    "Отменена"/"Anulată"."""
    from dunwell.work.models import Meeting

    with translation.override(lang):
        assert str(Meeting.Status.CANCELLED.label) == meeting
        assert pgettext("count of documents", "Cancelled") == documents
    needle = '{% translate "Cancelled" context "count of documents" %}'
    assert needle in (DUNWELL / "onec/templates/onec/_log.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "document", "mailing", "message", "subscription", "address"),
    [
        ("ru", "создан", "создана", "создано", "создана", "создан"),
        ("uk", "створено", "створена", "створено", "створена", "створена"),
        ("ro", "creat la", "creată la", "creat la", "creat la", "creată la"),
    ],
)
def test_created_at_agrees_with_the_thing_created(
    lang: str, document: str, mailing: str, message: str, subscription: str, address: str
) -> None:
    """The legal catalogue's "создан" (a document) was every model's "created at": a mailing,
    a message, a webhook subscription ("creată", un abonament), a known address."""
    from dunwell.correspondence.models import KnownAddress
    from dunwell.legal.models import GeneratedDocument
    from dunwell.letters.models import Mailing
    from dunwell.mail.models import OutgoingMessage
    from dunwell.webhooks.models import Subscription

    with translation.override(lang):
        assert _label(GeneratedDocument, "created_at") == document
        assert _label(Mailing, "created_at") == mailing
        assert _label(OutgoingMessage, "created_at") == message
        assert _label(Subscription, "created_at") == subscription
        assert _label(KnownAddress, "created_at") == address


@pytest.mark.parametrize(
    ("lang", "deal_owner", "view_owner"),
    [("ru", "ответственный", "владелец"), ("uk", "відповідальний", "власник"),
     ("ro", "responsabil", "proprietar")],
)  # fmt: skip
def test_a_deals_owner_is_responsible_a_saved_views_owner_owns_it(
    lang: str, deal_owner: str, view_owner: str
) -> None:
    from dunwell.work.models import SavedView

    with translation.override(lang):
        assert _label(Deal, "owner") == deal_owner
        assert _label(SavedView, "owner") == view_owner


@pytest.mark.parametrize(
    ("lang", "task", "dispute", "grace_request", "approval"),
    [
        ("ru", ("открыта", "отклонена"), ("открыт", "отклонён"), ("утверждено", "отклонено"),
         ("утверждено", "отклонено")),
        ("uk", ("відкрита", "відхилена"), ("відкрито", "відхилено"), ("затверджено", "відхилено"),
         ("затверджено", "відхилено")),
        ("ro", ("deschisă", "respinsă"), ("deschisă", "respinsă"), ("aprobată", "respinsă"),
         ("aprobat", "respins")),
    ],
)  # fmt: skip
def test_open_and_rejected_agree_with_what_is_open_or_rejected(
    lang: str,
    task: tuple[str, str],
    dispute: tuple[str, str],
    grace_request: tuple[str, str],
    approval: tuple[str, str],
) -> None:
    """A dispute (спор, dispută) read a task's "открыта"/"отклонена" on the debtor card and
    "открыто" in the letters' situation; a grace request (cerere) read "aprobată" but a legal
    approval too; a legal approval's "rejected" read the grace request's "отклонена"."""
    from dunwell.ladder.models import DisputeStatus, GraceRequest, GraceRequestStatus
    from dunwell.ledger.models import DealOutcome
    from dunwell.legal.models import Approval as LegalApproval

    with translation.override(lang):
        assert (str(TaskStatus.OPEN.label), str(TaskStatus.REJECTED.label)) == task
        assert str(DealOutcome.OPEN.label) == task[0]  # o tranzacție, сделка
        assert (str(DisputeStatus.OPEN.label), str(DisputeStatus.REJECTED.label)) == dispute
        assert pgettext("dispute", "open") == dispute[0]
        statuses = (GraceRequestStatus.APPROVED.label, GraceRequestStatus.REJECTED.label)
        assert tuple(map(str, statuses)) == grace_request
        statuses = (LegalApproval.Status.APPROVED.label, LegalApproval.Status.REJECTED.label)
        assert tuple(map(str, statuses)) == approval
        if lang == "ro":  # the grace request's table against the legal approvals'
            assert pgettext("request", "Requested by") == "Cerută de"
            assert gettext("Requested by") == "Cerut de"
            assert _label(GraceRequest, "requested_at") == "cerută la"
            assert _label(LegalApproval, "requested_at") == "solicitat la"
    compose = (DUNWELL / "letters/templates/letters/compose.html").read_text(encoding="utf-8")
    assert '{% translate "open" context "dispute" %}' in compose


@pytest.mark.parametrize(
    ("lang", "task_title", "deadline_title"),
    [("ru", "заголовок", "название"), ("uk", "заголовок", "назва"), ("ro", "titlu", "titlu")],
)
def test_a_tasks_title_and_a_legal_deadlines(
    lang: str, task_title: str, deadline_title: str
) -> None:
    """The ladder's "заголовок" (loaded before legal) named a legal deadline too."""
    from dunwell.ladder.models import Task
    from dunwell.legal.models import CaseDeadline

    with translation.override(lang):
        assert _label(Task, "title") == task_title
        assert _label(CaseDeadline, "title") == deadline_title


def test_romanian_words_agree_with_the_gender_of_their_noun() -> None:
    """Each pair: the word the merged catalogue gave both, now each in its own gender (a
    request, a payment, a meeting, a letter are feminine; a document, a token, a debtor are
    not)."""
    from dunwell.correspondence.models import PaperLetter
    from dunwell.credit.models import (
        CreditApprovalRequest,
        CreditLimit,
        LimitRequest,
        MeetingStatus,
    )
    from dunwell.ladder.models import Dispute, GraceRequest, Task
    from dunwell.ledger.models import Contract, Document
    from dunwell.legal.models import Approval as LegalApproval

    with translation.override("ro"):
        assert pgettext("wording", "Approved.") == "Aprobată."
        assert (pgettext("API token", "Created"), gettext("Created")) == ("Creat", "Create")
        assert (pgettext("debtors", "None."), gettext("None.")) == ("Niciunul.", "Niciuna.")
        assert pgettext("document", "accepted") == "acceptat"
        assert _label(Document, "accepted") == "recepționat"
        assert pgettext("payment", "cancelled in accounting") == "anulată în contabilitate"
        assert _label(Document, "cancelled") == "anulat în contabilitate"
        assert (str(MeetingStatus.CLOSED.label), gettext("closed")) == ("închisă", "închis")
        for model in (CreditApprovalRequest, LimitRequest, GraceRequest):
            assert _label(model, "decided_at") == "decisă la", model
        assert _label(Task, "decided_at") == _label(LegalApproval, "decided_at") == "decis la"
        assert (pgettext("credit rules", "default"), gettext("default")) == (
            "implicite",
            "implicită",
        )
        assert (pgettext("document", "due"), gettext("due")) == ("scadent", "termen")
        assert _label(Task, "due_at") == "termen"
        assert _label(PaperLetter, "registered_at") == "înregistrată la"
        assert _label(Dispute, "registered_at") == "înregistrat la"
        assert _label(CreditApprovalRequest, "requested_at") == "cerută la"
        assert _label(CreditLimit, "valid_from") == "valabilă de la"
        assert _label(Contract, "valid_from") == "valabil de la"
    for template, needle in [
        ("restapi/templates/restapi/tokens.html", '{% translate "Created" context "API token" %}'),
        ("letters/templates/letters/mailing.html", '{% translate "None." context "debtors" %}'),
        ("work/templates/work/call.html", '{% translate "accepted" context "document" %}'),
        ("work/templates/work/call.html", '{% translate "due" context "document" %}'),
    ]:
        assert needle in (DUNWELL / template).read_text(encoding="utf-8"), template


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_a_fraction_of_a_day_reads_in_the_genitive_singular(lang: str) -> None:
    """After a fraction Russian and Ukrainian put the noun in the genitive singular ("1.5 дня");
    the work catalogue, which wins the merge, read "1.5 дней"/"1.5 днів" (and the credit one's
    Ukrainian "1.5 дні") where the legal one read "дня"."""
    with translation.override(lang), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # gettext: a float count
        assert ngettext("%(n)s day", "%(n)s days", 1.5) % {"n": 1.5} == "1.5 дня"
        days = npgettext("call script", "%(n)s day", "%(n)s days", 1.5) % {"n": 1.5}
        assert days == "1.5 дня"
        assert (
            ngettext("%(n)s day", "%(n)s days", 5) % {"n": 5}
            == {"ru": "5 дней", "uk": "5 днів"}[lang]
        )
    for app in ("work", "legal", "credit"):
        assert _catalogue(app, lang)[("%(n)s day", 3)] == "%(n)s дня", app


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "days", "accrued", "amount", "case_stage", "deal_stage"),
    [
        ("ru", "Дней", "Начислено", "Сумма", "стадия", "Этап (stage)"),
        ("uk", "Днів", "Нараховано", "Сума", "стадія", "Етап (stage)"),
        ("ro", "Zile", "Sumă calculată", "Suma", "etapa", "Etapa (stage)"),
    ],
)
def test_days_amount_and_stage_read_in_their_own_sense(
    director: User, lang: str, days: str, accrued: str, amount: str, case_stage: str,
    deal_stage: str,
) -> None:  # fmt: skip
    """The calculator's and the interest command's count of days read the worklist's "Дни"
    (the work catalogue wins the merge); the command's interest accrued read any amount's
    "Сумма"; a legal case's stage read a deal's "этап" (the ledger's)."""
    from io import StringIO

    from django.core.management import call_command

    from dunwell.legal.models import LegalCase

    with translation.override(lang):
        assert gettext("Amount") == amount  # a promise's, a payment's, a deal's
        assert _label(LegalCase, "stage") == case_stage
        assert field_label("deals", "stage") == deal_stage
        out = StringIO()
        call_command("interest", "--rule", "contract", "--debt", "1000", "--due", "2024-01-31",
                     "--to", "2024-02-10", "--option", "rate_per_day=0.1", stdout=out)  # fmt: skip
        header = out.getvalue().splitlines()[0]
        assert days in header and accrued in header, header
    director.language = lang
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    query = {"debt": "1000", "due": "2026-01-31", "to": "2026-02-09", "currency": "RON",
             "rule": "contract", "rate_per_day": "0.1"}  # fmt: skip
    html = client.get(reverse("legal:calculator"), query).content.decode()
    assert f'<th class="num">{days}</th>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "penalty", "clause", "justification", "reason"),
    [
        ("ru", "Неустойка", "Неустойка", "Обоснование", "Причина"),
        ("uk", "Пеня", "Неустойка", "Обґрунтування", "Причина"),
        ("ro", "Penalitate", "Penalitate", "Justificare", "Motiv"),
    ],
)
def test_the_legal_pages_keep_their_own_words(
    director: User, lang: str, penalty: str, clause: str, justification: str, reason: str
) -> None:
    """Merged into one word per msgid, the legal pages had taken other apps' words: the
    calculation's Ukrainian "Пеня" (beside "Договірна пеня", "Разом пеня / відсотки") read the
    debtor card's contract clause "Неустойка"; the reasons a lawyer gives the director for a
    legal step read "Причина" (a grace's, a dispute's) instead of "Обоснование"."""
    from dunwell.legal.forms import ApprovalRequestForm

    with translation.override(lang):
        assert gettext("Penalty") == clause  # the debtor card's contract clause
        assert gettext("Reason") == reason  # a grace's, a dispute's, a skipped task's
        assert str(ApprovalRequestForm().fields["reason"].label) == justification
    director.language = lang
    director.save(update_fields=["language"])
    client = Client()
    client.force_login(director)
    query = {"debt": "1000", "due": "2026-01-31", "to": "2026-02-09", "currency": "RON",
             "rule": "contract", "rate_per_day": "0.1"}  # fmt: skip
    html = client.get(reverse("legal:calculator"), query).content.decode()
    assert f"<small>{penalty}</small>" in html  # the total of the component
    assert f"<td>{penalty}</td>" in html  # its line in the table
    html = client.get(reverse("legal:approvals")).content.decode()
    assert f'<th scope="col">{justification}</th>' in html


def test_a_dispute_is_one_word_in_romanian() -> None:
    """The card and the timeline said "Litigiu" (a lawsuit's word) where the call card, the
    notices and the credit page said "Dispută": one customer claim, two names. The legal
    track's pre-trial text keeps "soluționare a litigiului" (that is the court's word)."""
    from dunwell.ladder.models import DisputeStatus

    lines = []
    for _app, catalogue in _catalogues("ro")[1]:
        for key, text in catalogue.items():
            msgid = str(key[0] if isinstance(key, tuple) else key)
            legal = msgid.startswith("On %(sent_on)s the plaintiff")  # the pre-trial procedure
            if "dispute" in msgid.lower() and "litigi" in str(text).lower() and not legal:
                lines.append((msgid, text))
    assert not lines, lines
    with translation.override("ro"):
        assert gettext("Dispute") == "Dispută"
        assert gettext("Dispute registered") == "Dispută înregistrată"
        assert str(DisputeStatus.RESOLVED.label) == "soluționată"
