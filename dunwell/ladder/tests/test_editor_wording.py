"""What the policy editor's step fields read in each language: the step's position is not a
purchase order."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy

pytestmark = pytest.mark.django_db


def _signed_in(user: User, language: str) -> Client:
    """A client signed in as `user`, who reads the product in `language`."""
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _label_of(html: str, field_id: str) -> str:
    found = re.search(rf'<label for="{field_id}"[^>]*>([^<]*)</label>', html)
    assert found, field_id
    return found.group(1).strip()


@pytest.mark.parametrize(
    ("language", "expected", "purchase_order"),
    [
        ("en", "Order:", None),
        ("ro", "Nr. de ordine:", "Comandă"),
        ("ru", "Порядковый номер:", "Заказ"),
        ("uk", "Порядковий номер:", "Замовлення"),
    ],
)
def test_a_steps_position_does_not_read_as_a_purchase_order(
    supervisor: User, language: str, expected: str, purchase_order: str | None
) -> None:
    client = _signed_in(supervisor, language)
    standard = Policy.objects.get(code="standard")
    html = client.get(reverse("ladder:policy_edit", args=[standard.pk])).content.decode()
    assert _label_of(html, "id_steps-0-order") == expected
    if purchase_order:
        assert purchase_order not in html


@pytest.mark.parametrize(
    ("language", "expected", "wrong"),
    [
        ("ru", "Письмо по e-mail", "Адрес электронной почты"),
        ("uk", "Лист e-mail", None),
        ("ro", "E-mail", None),
    ],
)
def test_an_email_step_reads_as_an_action_not_as_an_address(
    supervisor: User, language: str, expected: str, wrong: str | None
) -> None:
    """Django's auth catalog has the bare "Email" (the user's field): in Russian it made the
    ladder's e-mail step read "Адрес электронной почты" in the policy list and editor."""
    client = _signed_in(supervisor, language)
    text = re.sub(r"\s+", " ", client.get(reverse("ladder:policies")).content.decode())
    assert f"<td>{expected}</td>" in text
    if wrong:
        assert wrong not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Шаг 15 не учтён: в нём ошибки."), ("uk", "Крок 15 не враховано: у ньому помилки.")],
)
def test_one_step_left_out_of_the_preview_is_said_in_the_singular(
    supervisor: User, language: str, expected: str
) -> None:
    from dunwell.ladder.tests.test_policy_editor import _with_step_15

    client = _signed_in(supervisor, language)
    standard = Policy.objects.get(code="standard")
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    new = page.context["formset"].total_form_count() - 1
    data = _with_step_15(page, new)
    preview = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert expected in text


def test_the_base_name_and_description_say_they_are_the_english_ones(supervisor: User) -> None:
    """A Romanian editor read "Nume: Key customer" and took it for the Romanian name; the
    list shows the Romanian one ("Client cheie"), kept under "in other languages"."""
    supervisor.language = "ro"
    supervisor.save(update_fields=["language"])
    client = Client()
    client.force_login(supervisor)
    standard = Policy.objects.get(code="standard")
    html = client.get(reverse("ladder:policy_edit", args=[standard.pk])).content.decode()
    assert _label_of(html, "id_name") == "Denumire (English):"
    assert _label_of(html, "id_description") == "Descriere (English):"
    assert _label_of(html, "id_name_ro") == "Denumire (Română):"
    assert _label_of(html, "id_steps-0-name") == "Denumire (English):"
    assert _label_of(html, "id_steps-0-name_ro") == "Denumire (Română):"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "on the due date"), ("ro", "în ziua scadenței"), ("ru", "в день срока оплаты")],
)
def test_a_step_on_the_due_date_reads_as_on_the_policies_page(
    supervisor: User, language: str, expected: str
) -> None:
    """Not "0 days after the due date" in the editor beside "on the due date" on the list."""
    standard = Policy.objects.get(code="standard")
    standard.steps.filter(order=10).update(days=0)
    client = _signed_in(supervisor, language)
    listed = client.get(reverse("ladder:policies")).content.decode()
    edited = client.get(reverse("ladder:policy_edit", args=[standard.pk])).content.decode()
    assert expected in listed
    summary = re.search(r"10\. [^<]*", edited)
    assert summary and f"· {expected} ·" in summary.group(0), summary


@pytest.mark.parametrize(
    ("language", "heading", "odd"),
    [
        ("ru", "Календарь на примере счёта", "примерного"),
        ("uk", "Календар на прикладі рахунку", "зразкового"),
        ("ro", "Calendarul pentru o factură de exemplu", "factură exemplu"),
    ],
)
def test_the_sample_calendar_heading_reads_naturally(
    supervisor: User, language: str, heading: str, odd: str
) -> None:
    """The preview is the calendar of an example invoice, not of an "approximate" one
    ("примерного счёта") nor of a "model" one ("зразкового рахунку")."""
    client = _signed_in(supervisor, language)
    html = client.get(reverse("ladder:policy_new")).content.decode()
    assert f'<h2 id="preview-title">{heading}</h2>' in html
    assert odd not in html
