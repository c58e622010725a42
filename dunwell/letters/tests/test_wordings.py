"""Wordings: shipped in four languages, versioned, approved by a manager, never threatening
before the legal stage; automatic sending only with an approved wording."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from dunwell.letters import kinds
from dunwell.letters.defaults import default_wordings
from dunwell.letters.engine import WordingSyntaxError, render_wording
from dunwell.letters.models import Wording
from dunwell.letters.services import (
    LetterError,
    approve_wording,
    auto_send_allowed,
    save_wording,
    set_auto_send,
)
from dunwell.letters.threats import find_threats

from .conftest import wording_of

pytestmark = pytest.mark.django_db


def test_every_kind_is_shipped_in_four_languages() -> None:
    for kind in kinds.KINDS:
        for language in ("en", "ru", "uk", "ro"):
            wording = wording_of(kind, language)
            assert wording is not None and wording.language == language, (kind, language)


def test_no_shipped_pre_legal_wording_threatens_and_the_legal_one_does() -> None:
    for w in default_wordings():
        words = find_threats(w["subject"] + "\n" + w["body"], w["language"])
        if w["kind"] in kinds.PRE_LEGAL:
            assert words == [], (w["kind"], w["language"], words)
        else:
            assert words, (w["kind"], w["language"])


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("en", "Otherwise we will take you to court.", "court"),
        ("en", "Our bailiffs will visit you.", "bailiffs"),
        ("ru", "Иначе мы подадим иск.", "иск"),
        ("ru", "Будет начато взыскание через суд.", "взыскание"),
        ("uk", "Ми звернемося до суду.", "суду"),
        ("uk", "Інакше буде подано позов.", "позов"),
        ("ro", "Ne vom adresa instanței.", "instantei"),
        ("ro", "Vom apela la un executor judecătoresc.", "executor"),
    ],
)
def test_a_pre_legal_wording_that_threatens_is_refused_per_language(
    supervisor: Any, language: str, text: str, word: str
) -> None:
    with pytest.raises(LetterError) as refused:
        save_wording(
            supervisor, kind="firm", language=language, subject="Payment", body=f"Hello.\n{text}"
        )
    assert refused.value.field == "body"
    assert word in str(refused.value.message)
    assert "must not threaten" in str(refused.value.message)


def test_words_that_only_look_like_threats_pass() -> None:
    assert find_threats("Искренне благодарим за сотрудничество.", "ru") == []
    assert find_threats("We appreciate your courtesy.", "en") == []


def test_the_legal_stage_may_name_legal_consequences(supervisor: Any) -> None:
    saved = save_wording(
        supervisor, kind="legal", language="en", subject="Notice", body="We will go to court."
    )
    assert saved.version == 2


def test_each_save_is_a_new_version_that_needs_approval(supervisor: Any, director: Any) -> None:
    first = wording_of("friendly", "en")
    saved = save_wording(
        supervisor,
        kind="friendly",
        language="en",
        subject="Hi {{ debtor.name }}",
        body="Pay, please.",
    )
    assert (saved.version, saved.created_by, saved.approved) == (
        first.version + 1,
        supervisor,
        False,
    )
    assert wording_of("friendly", "en") == saved
    approve_wording(director, saved)
    saved.refresh_from_db()
    assert (saved.approved_by, saved.approved) == (director, True)
    with pytest.raises(LetterError):
        approve_wording(director, first)  # an older version stays as it was


def test_a_collector_cannot_change_or_approve_wordings(collector: Any) -> None:
    with pytest.raises(LetterError):
        save_wording(collector, kind="friendly", language="en", subject="s", body="b")
    with pytest.raises(LetterError):
        approve_wording(collector, wording_of("friendly", "en"))


def test_a_wording_that_does_not_parse_is_refused(supervisor: Any) -> None:
    with pytest.raises(LetterError) as refused:
        save_wording(supervisor, kind="firm", language="en", subject="s", body="{% if x %}open")
    assert refused.value.field == "body"


def test_the_sandbox_has_no_tags_that_reach_outside() -> None:
    for source in (
        "{% load static %}",
        "{% include 'base.html' %}",
        "{% debug %}",
        "{% url 'home' %}",
    ):
        with pytest.raises(WordingSyntaxError):
            render_wording(source, {})
    assert render_wording("{{ debtor.name|upper }}", {"debtor": {"name": "acme"}}) == "ACME"


def test_auto_send_only_when_switched_on_and_approved(supervisor: Any) -> None:
    assert not auto_send_allowed("friendly", "ro")
    set_auto_send(supervisor, "friendly", True)
    assert not auto_send_allowed("friendly", "ro")  # shipped wordings wait for a manager
    approve_wording(supervisor, wording_of("friendly", "ro"))
    assert auto_send_allowed("friendly", "ro")
    save_wording(supervisor, kind="friendly", language="ro", subject="Plată", body="Vă rugăm.")
    assert not auto_send_allowed("friendly", "ro")  # a new version waits again


def test_the_step_kind_follows_its_place_on_the_ladder() -> None:
    s = kinds.StepInfo
    policy = [
        s(1, "notify_supervisor"),
        s(2, "call", days=3),
        s(3, "letter", days=10),
        s(4, "pretension", days=20),
        s(5, "email", days=40),
        s(9, "final_warning", "event"),
    ]
    assert kinds.kind_for_step(s(0, "email", days=-3), policy, False) == kinds.FRIENDLY
    assert kinds.kind_for_step(policy[2], policy, False) == kinds.FIRM
    assert kinds.kind_for_step(policy[4], policy, False) == kinds.LEGAL
    assert kinds.kind_for_step(policy[5], policy, False) == kinds.FINAL
    assert (
        kinds.kind_for_step(s(1, "letter", days=5), [s(1, "letter", days=5)], False)
        == kinds.FRIENDLY
    )
    assert kinds.kind_for_step(policy[2], policy, True) == kinds.LEGAL


class TestPage:
    def test_managers_edit_wordings_on_the_page(self, client: Any, supervisor: Any) -> None:
        client.force_login(supervisor)
        page = client.get(reverse("letters:wordings"))
        assert page.status_code == 200
        assert "Friendly reminder" in page.content.decode()
        url = reverse("letters:wording", args=["firm", "en"])
        refused = client.post(url, {"subject": "Pay", "body": "or we sue you"})
        assert refused.status_code == 400
        assert "must not threaten" in refused.content.decode()
        saved = client.post(url, {"subject": "Pay", "body": "Please pay."})
        assert saved.status_code == 302
        newest = wording_of("firm", "en")
        assert (newest.version, newest.created_by) == (2, supervisor)

    def test_the_page_speaks_the_users_language(self, client: Any, make_user: Any) -> None:
        boss = make_user("boss", "director", language="ru")
        client.force_login(boss)
        page = client.get(reverse("letters:wordings"), HTTP_ACCEPT_LANGUAGE="ru")
        assert "Дружеское напоминание" in page.content.decode()

    def test_collectors_get_403(self, client: Any, collector: Any) -> None:
        client.force_login(collector)
        assert client.get(reverse("letters:wordings")).status_code == 403
        url = reverse("letters:wording", args=["firm", "en"])
        assert client.post(url, {"subject": "s", "body": "b"}).status_code == 403
        assert Wording.objects.filter(kind="firm", language="en").count() == 1


def test_a_wording_is_previewed_with_a_debtors_data_before_it_is_saved(
    client: Any, make_user: Any, debtor: Any
) -> None:
    """The Romanian wording being edited, filled with a debtor's facts (in Romanian, amounts
    with their currency), shown under the form; nothing is saved."""
    boss = make_user("boss", "director", language="ro")
    client.force_login(boss)
    url = reverse("letters:wording", args=["firm", "ro"])
    before = Wording.objects.filter(kind="firm", language="ro").count()
    page = client.post(
        url,
        {
            "subject": "Plată restantă: {{ debtor.name }}",
            "body": "Bună ziua,\n\nTotal restant: {{ total_overdue }}.\n{{ documents }}",
            "preview": "1",
        },
    )
    assert page.status_code == 200
    html = page.content.decode()
    shown = html.split('id="wording-preview"', 1)[1].split("</article>", 1)[0]
    assert "Fabrica Nord SRL" in shown and "(nesalvat)" in shown
    assert "Plată restantă: Fabrica Nord SRL" in shown
    assert "Total restant: " in shown and "RON" in shown and "EUR" in shown
    assert "F-101" in shown
    assert Wording.objects.filter(kind="firm", language="ro").count() == before
    broken = client.post(url, {"subject": "Plată", "body": "{% if x %}", "preview": "1"})
    assert broken.status_code == 400 and 'id="wording-preview"' not in broken.content.decode()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hi {% load static %}", "Line 1: a wording cannot use the tag “load”; it may use if, for"),
        ("Hi\n{% if debtor %}x", "Line 2: {% if %} is never closed: {% endif %} is missing."),
        ("x {% endif %}", "Line 1: {% endif %} closes or continues nothing opened before it."),
        ("{{ total|money }}", "There is no filter “money”; a wording may use default,"),
        ("{{ debtor name }}", "“debtor name” cannot be read: print one name at a time"),
    ],
)
def test_a_wording_mistake_is_explained_in_plain_words(source: str, expected: str) -> None:
    with pytest.raises(WordingSyntaxError) as raised:
        render_wording(source, {})
    assert expected in str(raised.value)
    assert "Did you forget" not in str(raised.value)


def test_a_wording_mistake_is_explained_in_the_editors_language(
    client: Any, make_user: Any
) -> None:
    """Django's own message ("Invalid block tag on line 1: 'load'. Did you forget to register
    or load this tag?") came out in English on a Romanian page."""
    boss = make_user("boss", "director", language="ro")
    client.force_login(boss)
    url = reverse("letters:wording", args=["firm", "ro"])
    page = client.post(url, {"subject": "Plată {% load static %}", "body": "Bună ziua"})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Linia 1: o formulare nu poate folosi eticheta „load”" in html
    assert "Did you forget" not in html


def test_the_approve_button_on_the_wording_page_approves(client: Any, make_user: Any) -> None:
    """Its URL (wordings/approve/<pk>/) was taken by the wording page's "<kind>/<language>/"
    pattern: the button answered 404 and nothing was approved."""
    boss = make_user("boss", "director", language="en")
    client.force_login(boss)
    newest = wording_of("firm", "ro")
    assert not newest.approved
    page = client.get(reverse("letters:wording", args=["firm", "ro"])).content.decode()
    action = reverse("letters:wording_approve", args=[newest.pk])
    assert f'action="{action}"' in page
    done = client.post(action, follow=True)
    assert done.status_code == 200 and "Approved." in done.content.decode()
    newest.refresh_from_db()
    assert newest.approved and newest.approved_by == boss


def test_the_auto_send_switch_says_its_state_and_what_a_click_does(
    client: Any, make_user: Any
) -> None:
    """The switch was one button reading its state ("off"): whether a click turns it off or
    on was a guess, and nothing said what had happened."""
    boss = make_user("boss", "director", language="ro")
    client.force_login(boss)

    def cell() -> str:
        page = client.get(reverse("letters:wordings")).content.decode()
        row = page.split('data-kind="firm"', 1)[1].split("</tr>", 1)[0]
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.rsplit("<td>", 1)[1])).strip()

    assert cell() == "dezactivat Pornește"
    done = client.post(reverse("letters:auto_send", args=["firm"]), {"on": "1"}, follow=True)
    assert "Scrisorile „Solicitare fermă” pleacă acum singure" in done.content.decode()
    assert cell() == "activat Opriți"
    done = client.post(reverse("letters:auto_send", args=["firm"]), {"on": "0"}, follow=True)
    assert "așteaptă acum ca un recuperator să le trimită" in done.content.decode()
    assert cell() == "dezactivat Pornește"


def test_approved_and_not_approved_versions_are_said_with_the_same_word(
    client: Any, make_user: Any
) -> None:
    """Russian: "утверждено" / "не утверждено", as the column says; the bare "approved" of the
    credit and legal catalogs ("одобрено") no longer stands beside "не утверждено"."""
    boss = make_user("boss", "director", language="ru")
    approve_wording(boss, wording_of("firm", "ru"))
    client.force_login(boss)
    page = client.get(reverse("letters:wordings")).content.decode()
    row = page.split('data-kind="firm"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge good">утверждено</span>' in row
    assert "не утверждено" in row and "одобрено" not in page


def test_a_name_that_ends_in_a_full_stop_does_not_get_a_second_one() -> None:
    context = {"debtor": {"name": "Acme S.R.L."}, "company": {"name": "Nord Inc."}}
    text = render_wording(
        "We hope all is well at {{ debtor.name }}. The debt to {{ company.name }}.\n"
        "Wait... and see.. {{ debtor.name }}, thanks. Total 12.50.",
        context,
    )
    assert text == (
        "We hope all is well at Acme S.R.L. The debt to Nord Inc.\n"
        "Wait... and see. Acme S.R.L., thanks. Total 12.50."
    )


@pytest.mark.django_db
def test_the_shipped_wordings_end_no_sentence_with_two_full_stops() -> None:
    context = {
        "debtor": {"name": "Client S.R.L."},
        "company": {"name": "Furnizor S.R.L."},
        "sender": {"name": "Ion Popescu"},
        "reply_by": "15.12.2026",
        "documents": "Factura 1",
        "total_overdue": "1.000,00 lei",
    }
    for w in default_wordings():
        for source in (w["subject"], w["body"]):
            assert ".." not in render_wording(source, context), (w["kind"], w["language"])
