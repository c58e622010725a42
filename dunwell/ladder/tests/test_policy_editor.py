"""The policy editor (issue 16, item 7): steps listed with a one-line summary, an error summary
on top linking to the fields, and the calendar a policy produces for a sample invoice."""

from __future__ import annotations

import re
from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import User
from dunwell.ladder.models import Policy
from dunwell.ladder.preview import policy_calendar
from dunwell.ledger.models import Company, NonWorkingDay

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(order: int, trigger: str, days: int, **extra: Any) -> dict[str, Any]:
    return {
        "order": order, "name": f"Step {order}", "trigger": trigger, "days": days,
        "action_label": "Call", "who_label": "collector", **extra,
    }  # fmt: skip


def test_the_calendar_moves_steps_off_holidays_and_chains_after_previous() -> None:
    # Due Thu 24.12.2026; in Romania 25 and 26 December are holidays, 27 is a Sunday.
    rows = policy_calendar(
        [
            _step(10, "due_offset", -2),
            _step(20, "due_offset", 1),  # Fri 25.12 -> Mon 28.12
            # the previous step's day (Fri 25.12, as the run counts it) + 2: Sun 27.12 -> Mon 28.12
            _step(30, "after_previous", 2),
            _step(40, "due_offset", 3, min_overdue_amount=Decimal("50000")),
            _step(50, "event", 0, event_label="promise broken"),
        ],
        due=date(2026, 12, 24),
        amount=Decimal("10000"),
        country="RO",
    )
    assert [(r.order, r.day, r.moved, r.skipped) for r in rows] == [
        (10, date(2026, 12, 22), False, False),
        (20, date(2026, 12, 28), True, False),
        (30, date(2026, 12, 28), True, False),
        (40, date(2026, 12, 28), True, True),
        (50, None, False, False),
    ]
    assert rows[1].nominal == date(2026, 12, 25)
    assert rows[-1].event == "promise broken"
    assert (rows[0].start, rows[0].end) == (time(9), time(18))


def _put(data: dict[str, str], name: str, value: Any) -> None:
    """A field's value as a browser sends it: unticked boxes and empty fields are left out."""
    if value is None or value is False or value == "" and not isinstance(value, Decimal):
        return
    data[name] = "on" if value is True else str(value)


def _editor_post(page: Any, **changes: str) -> dict[str, str]:
    """The editor's form as the browser would send it, with `changes`."""
    data: dict[str, str] = {}
    form = page.context["form"]
    for name in form.fields:
        _put(data, name, form[name].value())
    formset = page.context["formset"]
    data.update({f"steps-{k}": str(v) for k, v in formset.management_form.initial.items()})
    for step in formset.forms:
        for name in step.fields:
            _put(data, step.add_prefix(name), step[name].value())
    data.update({"sample-due": "2026-12-24", "sample-amount": "10000", "sample-country": "RO"})
    data.update(changes)
    return data


def _with_step_15(page: Any, new: int) -> dict[str, str]:
    """The editor's form with a new event step numbered 15 in the empty form `new`."""
    data = _editor_post(page)
    data.update({
        f"steps-{new}-order": "15", f"steps-{new}-name": "Inserted",
        f"steps-{new}-trigger": "event", f"steps-{new}-days": "0",
        f"steps-{new}-action": "call", f"steps-{new}-assignee_role": "collector",
        f"steps-{new}-scope": "counterparty", f"steps-{new}-min_overdue_amount": "0",
    })  # fmt: skip
    return data


def test_the_editor_lists_steps_as_one_line_each_and_previews_unsaved_changes(
    supervisor: User,
) -> None:
    standard = Policy.objects.get(code="standard")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    html = page.content.decode()
    assert "Second-level call to the person who decides payments · 3 days after the due date" in (
        html
    )
    first = standard.steps.order_by("order").first()
    assert first is not None
    index = next(
        i for i, f in enumerate(page.context["formset"].forms) if f.instance.pk == first.pk
    )
    data = _editor_post(page, **{f"steps-{index}-days": "4"})  # not saved: only previewed
    preview = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    # due Thu 24.12 + 4 = Mon 28.12; unchanged +1 lands on the holiday 25.12 and moves too
    assert f"Mon 28.12.2026 {first.order}. {first.name}" in text
    assert "moved from 25.12.2026, not a working day" in text
    assert standard.steps.get(pk=first.pk).days == first.days


def test_the_editor_names_steps_in_the_viewers_language(supervisor: User) -> None:
    standard = Policy.objects.get(code="standard")
    first = standard.steps.order_by("order").first()
    assert first is not None and first.names.get("uk")
    supervisor.language = "uk"
    supervisor.save(update_fields=["language"])
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    lines = re.findall(r'<summary class="step-line">([^<]*)</summary>', page.content.decode())
    assert lines[0].startswith(f"{first.order}. {first.names['uk']} · ")
    assert first.name not in lines[0]
    index = next(
        i for i, f in enumerate(page.context["formset"].forms) if f.instance.pk == first.pk
    )
    # the name being edited, not yet saved, is the one the preview shows
    data = _editor_post(page, **{f"steps-{index}-name_uk": "Дзвінок бухгалтеру"})
    preview = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert f"{first.order}. Дзвінок бухгалтеру" in text and first.name not in text
    # a step without a Ukrainian name shows its English one
    data = _editor_post(page, **{f"steps-{index}-name_uk": ""})
    preview = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data)
    assert f"{first.order}. {first.name}" in re.sub(r"<[^>]+>", " ", preview.content.decode())


def test_errors_are_summarised_on_top_with_links_to_their_fields(supervisor: User) -> None:
    standard = Policy.objects.get(code="standard")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    total = page.context["formset"].total_form_count()
    data = _editor_post(page)
    data.update({
        f"steps-{total - 1}-order": "999", f"steps-{total - 1}-name": "Broken",
        f"steps-{total - 1}-trigger": "event", f"steps-{total - 1}-days": "0",
        f"steps-{total - 1}-action": "call", f"steps-{total - 1}-assignee_role": "collector",
        f"steps-{total - 1}-scope": "counterparty",
        f"steps-{total - 1}-min_overdue_amount": "0",
    })  # fmt: skip
    response = client.post(reverse("ladder:policy_edit", args=[standard.pk]), data)
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "1 problem stops saving" in summary
    anchor = f"id_steps-{total - 1}-event"
    assert f'href="#{anchor}"' in summary
    # the step goes by its own number, the one its summary line shows, not its list place
    assert "Step 999 · Event: An event step must name its event." in summary
    assert f'id="{anchor}"' in html
    assert not standard.steps.filter(name="Broken").exists()


def test_an_error_names_the_step_by_the_number_its_line_shows(supervisor: User) -> None:
    """A step inserted by hand between 10 and 20 (order 15) is the 12th of the list: its
    errors, and the preview's note that it is left out, say "Step 15", as its line does."""
    standard = Policy.objects.get(code="standard")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    new = page.context["formset"].total_form_count() - 1
    assert new + 1 != 15
    data = _with_step_15(page, new)
    html = client.post(reverse("ladder:policy_edit", args=[standard.pk]), data).content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Step 15 · Event: An event step must name its event." in summary
    assert "15. Inserted" in html
    preview = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert "Step 15 is left out: it has errors." in text


def test_the_preview_is_for_policy_editors_only(collector: User, supervisor: User) -> None:
    standard = Policy.objects.get(code="standard")
    url = reverse("ladder:policy_preview", args=[standard.pk])
    assert client_for(collector).post(url, {}).status_code == 403
    response = client_for(supervisor).post(url, {"steps-TOTAL_FORMS": "x"})
    assert "The form is incomplete" in response.content.decode()


def test_a_bad_sample_names_its_field(supervisor: User) -> None:
    standard = Policy.objects.get(code="standard")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    data = _editor_post(page, **{"sample-country": "XX", "sample-amount": "abc"})
    text = client.post(reverse("ladder:policy_preview", args=[standard.pk]), data).content.decode()
    assert "Debtor&#x27;s country: Not an ISO 3166 country code: XX" in text
    assert "Overdue amount: Enter an amount such as" in text


def test_the_preview_counts_the_companys_closed_days_as_the_run_does(
    supervisor: User, company: Company
) -> None:
    # due Friday 12 June 2026: -3 is Tuesday 9 June, closed by the company -> Monday 8 June
    NonWorkingDay.objects.create(company=company, day=date(2026, 6, 9))
    new = Policy.objects.get(code="new")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[new.pk]))
    assert "sample-company" not in page.content.decode()  # one company: nothing to choose
    data = _editor_post(page, **{"sample-due": "2026-06-12"})
    preview = client.post(reverse("ladder:policy_preview", args=[new.pk]), data)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", preview.content.decode()))
    assert "Mon 08.06.2026 (moved from 09.06.2026, not a working day)" in text


def test_with_several_companies_the_preview_asks_whose_closed_days(
    supervisor: User, company: Company
) -> None:
    other = Company.objects.create(name="Other SRL", code="other", country="RO", currency="RON")
    NonWorkingDay.objects.create(company=other, day=date(2026, 6, 9))
    new = Policy.objects.get(code="new")
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[new.pk]))
    assert 'name="sample-company"' in page.content.decode()
    url = reverse("ladder:policy_preview", args=[new.pk])
    data = _editor_post(page, **{"sample-due": "2026-06-12", "sample-company": str(company.pk)})
    text = re.sub(r"<[^>]+>", " ", client.post(url, data).content.decode())
    assert "09.06.2026" in text and "moved from 09.06.2026" not in text
    data["sample-company"] = str(other.pk)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.post(url, data).content.decode()))
    assert "Mon 08.06.2026 (moved from 09.06.2026, not a working day)" in text


def test_the_policies_page_keeps_a_steps_window_on_one_line(supervisor: User) -> None:
    html = client_for(supervisor).get(reverse("ladder:policies")).content.decode()
    assert '<td class="window">10:00–13:00</td>' in html  # styled white-space: nowrap


def test_a_steps_minimum_amount_is_written_as_the_supervisor_writes_amounts(
    supervisor: User,
) -> None:
    supervisor.language = "ro"
    supervisor.save(update_fields=["language"])
    standard = Policy.objects.get(code="standard")
    client = client_for(supervisor)
    url = reverse("ladder:policy_edit", args=[standard.pk])
    page = client.get(url)
    html = page.content.decode()
    assert re.search(r'name="steps-0-min_overdue_amount" value="0,00"', html)
    assert "În moneda companiei" in html  # in which currency the run compares it
    index = next(i for i, f in enumerate(page.context["formset"].forms) if f.instance.pk)
    data = _editor_post(page, **{f"steps-{index}-min_overdue_amount": "50 000,50"})
    for name, value in data.items():
        if name.endswith("-min_overdue_amount") and value == "0.00":
            data[name] = "0,00"  # as the page shows it
    assert client.post(url, data).status_code == 302
    step = page.context["formset"].forms[index].instance
    assert standard.steps.get(pk=step.pk).min_overdue_amount == Decimal("50000.50")


def test_a_step_before_the_one_numbered_above_it_is_refused_on_its_days(
    supervisor: User,
) -> None:
    """The run never goes back to a skipped rung: a step whose day comes before the previous
    step's, or "-2 days after the previous step", is refused on its days, named by its number;
    what was typed (the moved order, a step marked for removal) comes back as typed."""
    standard = Policy.objects.get(code="standard")  # 10: +1, 20: +1, 30: +3, 40: +7, 50: +10 …
    steps = list(standard.steps.order_by("order"))
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    index = {form.instance.pk: i for i, form in enumerate(page.context["formset"].forms)}
    forty, thirty, sixty = index[steps[3].pk], index[steps[2].pk], index[steps[5].pk]
    data = _editor_post(
        page,
        **{
            f"steps-{forty}-days": "0",  # before step 20's day 1 (30 is refused itself)
            f"steps-{thirty}-trigger": "after_previous",
            f"steps-{thirty}-days": "-2",
            f"steps-{sixty}-DELETE": "on",
        },
    )
    response = client.post(reverse("ladder:policy_edit", args=[standard.pk]), data)
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Step 30 · Days: Days after the previous step cannot be negative." in summary
    assert (
        "Step 40 · Days: This step comes before step 20 (1 day after the due date): step 20 "
        "would never fire." in summary
    )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert f"40. {steps[3].name} · on the due date" in text
    assert f"30. {steps[2].name} · -2 days after the previous step" in text
    removed = (
        f"60. {steps[5].name} · 10 days after the due date · Stop shipments · removed when you save"
    )
    assert removed in text
    assert standard.steps.get(pk=steps[3].pk).days == 7  # nothing saved


def test_a_folded_step_keeps_the_place_it_was_moved_to_when_the_page_comes_back(
    supervisor: User,
) -> None:
    standard = Policy.objects.get(code="standard")
    steps = list(standard.steps.order_by("order"))
    client = client_for(supervisor)
    page = client.get(reverse("ladder:policy_edit", args=[standard.pk]))
    index = {form.instance.pk: i for i, form in enumerate(page.context["formset"].forms)}
    # step 20 moved down below 30 (the script renumbers them), and an error elsewhere
    data = _editor_post(
        page,
        **{
            f"steps-{index[steps[1].pk]}-order": "30",
            f"steps-{index[steps[2].pk]}-order": "20",
            f"steps-{index[steps[6].pk]}-event": "",
        },
    )
    response = client.post(reverse("ladder:policy_edit", args=[standard.pk]), data)
    lines = re.findall(r'<summary class="step-line">([^<]*)</summary>', response.content.decode())
    assert [line.split(" · ")[0] for line in lines[:3]] == [
        f"10. {steps[0].name}",
        f"20. {steps[2].name}",
        f"30. {steps[1].name}",
    ]
