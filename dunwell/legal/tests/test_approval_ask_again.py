""" "Not now, ask me again on …" for the legal steps waiting for the director, as for the
pressure scale's steps: the request keeps waiting, off the director's list until that day,
and the case says when the director will be asked again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from dunwell.ledger.models import TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.legal import services
from dunwell.legal.errors import LegalError
from dunwell.legal.models import Approval

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_step_put_off_leaves_the_list_until_its_day_and_comes_back_then(
    director: Any, two_requests: list[Approval]
) -> None:
    first, second = two_requests
    day = timezone.localdate() + timedelta(days=14)
    services.decide_approval(
        first, director, approve=False, note="after the audit", ask_again_on=day
    )
    first.refresh_from_db()
    assert first.status == "pending" and first.ask_again_on == day
    assert list(services.pending_approvals(director)) == [second]
    page = client_for(director).get(reverse("legal:approvals")).content.decode()
    assert "Depozitul Sud SRL" in page and "Șantierul Nord SRL" not in page
    with time_machine.travel(timezone.now() + timedelta(days=14), tick=False):
        assert set(services.pending_approvals(director)) == {first, second}
        # Decided on that day as any waiting request.
        services.decide_approval(first, director, approve=True)
    first.refresh_from_db()
    assert first.status == "approved" and first.ask_again_on is None


def test_the_case_and_its_history_say_when_the_director_is_asked_again(
    director: Any, lawyer: Any, two_requests: list[Approval]
) -> None:
    first = two_requests[0]
    day = timezone.localdate() + timedelta(days=10)
    lawyer.language = "ru"
    lawyer.save()
    response = client_for(director).post(
        reverse("legal:decide", args=[first.pk]),
        {"approve": "no", "note": "после аудита", "ask_again_on": day.isoformat()},
    )
    assert response.status_code == 302
    page = client_for(lawyer).get(reverse("legal:case", args=[first.case_id])).content.decode()
    shown = date_format(day, "SHORT_DATE_FORMAT")
    assert f"директора спросят снова {shown}" in page
    assert "после аудита" in page
    entry = TimelineEntry.objects.get(kind="legal.approval_decided")
    from django.utils import translation

    with translation.override("ro"):
        (worded,) = with_texts([entry])
        assert worded.text.endswith(f": nu acum, se va cere din nou la {shown}")


def test_a_day_goes_only_with_a_rejection_and_after_today(
    director: Any, two_requests: list[Approval]
) -> None:
    first = two_requests[0]
    with pytest.raises(LegalError, match="only with a rejection"):
        services.decide_approval(
            first, director, approve=True, ask_again_on=timezone.localdate() + timedelta(days=3)
        )
    with pytest.raises(LegalError, match="must be after today"):
        services.decide_approval(first, director, approve=False, ask_again_on=timezone.localdate())
    response = client_for(director).post(
        reverse("legal:decide", args=[first.pk]),
        {"approve": "yes", "ask_again_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        follow=True,
    )
    assert "A day to ask again goes only with a rejection." in response.content.decode()
    first.refresh_from_db()
    assert first.status == "pending" and first.decided_by is None


def test_the_bulk_rejection_puts_the_selection_off_until_a_day(
    director: Any, two_requests: list[Approval]
) -> None:
    ids = [str(a.pk) for a in two_requests]
    day = timezone.localdate() + timedelta(days=7)
    client = client_for(director)
    confirm = client.post(reverse("legal:approvals_decide"), {"ids": ids, "decision": "reject"})
    assert "If rejected, ask me again on (optional)" in confirm.content.decode()
    response = client.post(
        reverse("legal:approvals_decide"),
        {
            "ids": ids,
            "decision": "reject",
            "confirm": "1",
            "note": "wait for the quarter",
            "ask_again_on": day.isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    shown = date_format(day, "SHORT_DATE_FORMAT")
    assert f"2 steps put off: you will be asked again on {shown}." in page
    assert "Nothing awaits your decision." in page
    assert set(Approval.objects.values_list("status", flat=True)) == {"pending"}
    bad = client.post(
        reverse("legal:approvals_decide"),
        {"ids": ids, "decision": "reject", "confirm": "1", "note": "x", "ask_again_on": "soon"},
    )
    assert bad.status_code == 400
    assert "Ask again on: soon is not a date." in bad.content.decode()


@pytest.mark.parametrize(
    ("approve", "days", "said"),
    [("yes", 3, "A day to ask again goes only with a rejection."),
     ("no", 0, "The day to ask again must be after today."),
     ("no", -1, "The day to ask again must be after today.")],
)  # fmt: skip
def test_the_decision_form_says_the_services_rule_on_its_field(
    approve: str, days: int, said: str
) -> None:
    """The form asks the service's check (services.check_ask_again_on, one home for the rule)
    and says its refusal beside the day, not above the form."""
    from dunwell.legal.forms import DecisionForm

    day = timezone.localdate() + timedelta(days=days)
    form = DecisionForm({"approve": approve, "ask_again_on": day.isoformat()})
    assert not form.is_valid()
    assert form.errors == {"ask_again_on": [said]}


def test_the_decision_form_takes_a_rejection_with_a_day_to_come() -> None:
    from dunwell.legal.forms import DecisionForm

    day = timezone.localdate() + timedelta(days=3)
    assert DecisionForm({"approve": "no", "ask_again_on": day.isoformat()}).is_valid()
    assert DecisionForm({"approve": "yes"}).is_valid()
