"""Management sets a debtor's pressure scale on its card (DESIGN §1.4: a key customer's strategy
is set explicitly). Nobody could: the segment comes from the accounting import, and
`services.assign_policy` had no page. Now a supervisor, the director or an administrator gives
one debtor its own scale, or puts it back on its segment's, with a reason; the collector is told
who, to which and why, in their language; the timeline reads it in the reader's language."""

from __future__ import annotations

import html as markup
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import CounterpartyPolicy, Policy
from dunwell.ledger.models import Counterparty, Segment, TimelineEntry
from dunwell.ledger.timeline import with_texts
from dunwell.work.models import Notification

pytestmark = pytest.mark.django_db


def client_for(user: User, language: str = "en") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def card(client: Client, debtor: Counterparty) -> str:
    return client.get(reverse("work:debtor", args=[debtor.pk])).content.decode()


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:small|details)>', html, re.S)
    assert found, f"no #{element_id}"
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip())


def set_scale(client: Client, debtor: Counterparty, policy: str, reason: str) -> str:
    response = client.post(
        reverse("ladder:debtor_scale", args=[debtor.pk]),
        {"policy": policy, "reason": reason},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(
        collector=collector, name="Elektrobud S.A.", segment=Segment.objects.get(code="key")
    )


def test_a_supervisor_reads_the_form_in_ukrainian_and_that_the_segment_is_the_accountings(
    debtor: Counterparty, supervisor: User
) -> None:
    html = card(client_for(supervisor, "uk"), debtor)
    form = text_of(html, "debtor-scale")
    assert form.startswith("Задати шкалу цьому боржнику")
    options = re.findall(r"<option value=\"(\d*)\"[^>]*>([^<]*)</option>", html)
    names = dict(options)
    assert names[""] == "Шкала сегмента"
    with translation.override("uk"):
        active = {str(p.pk): p.localized_name for p in Policy.objects.filter(active=True)}
    assert {k: v for k, v in names.items() if k} == active
    with translation.override("uk"):
        segment = Segment.objects.get(code="key").localized_name
    assert text_of(html, "segment-from-accounting") == (
        f"Сегмент «{segment}» надходить з облікової системи, тут його не змінити."
    )


def test_a_collector_and_a_sales_manager_see_no_control_and_cannot_post(
    debtor: Counterparty, collector: User, make_user: Callable[..., User]
) -> None:
    sales = make_user("sam", Role.SALES)
    debtor.sales_manager = sales
    debtor.save(update_fields=["sales_manager"])
    key = Policy.objects.get(code="new")
    for user in (collector, sales):
        client = client_for(user)
        assert 'id="debtor-scale"' not in card(client, debtor)
        response = client.post(
            reverse("ladder:debtor_scale", args=[debtor.pk]), {"policy": key.pk, "reason": "x"}
        )
        assert response.status_code == 403
    assert not CounterpartyPolicy.objects.exists()


def test_a_supervisor_of_another_team_cannot_set_it(
    debtor: Counterparty, make_user: Callable[..., User]
) -> None:
    other = make_user("otto", Role.SUPERVISOR)
    response = client_for(other).post(
        reverse("ladder:debtor_scale", args=[debtor.pk]),
        {"policy": Policy.objects.get(code="new").pk, "reason": "x"},
    )
    assert response.status_code == 404
    assert not CounterpartyPolicy.objects.exists()


def test_the_director_sets_its_own_scale_and_the_collector_reads_who_which_and_why(
    debtor: Counterparty, director: User, collector: User
) -> None:
    collector.language = "ro"
    collector.save(update_fields=["language"])
    new = Policy.objects.get(code="new")
    html = set_scale(client_for(director), debtor, str(new.pk), "Paid late three times")
    assert "The debtor is now on its own scale “" in html
    assert text_of(html, "policy-why").startswith("This debtor's own scale, not its segment's.")
    notice = Notification.objects.get(recipient=collector)
    with translation.override("ro"):
        scale = new.localized_name
    assert notice.message == (
        f"diana a trecut Elektrobud S.A. pe propria scară de presiune „{scale}”: "
        "Paid late three times"
    )
    # the timeline, in the reader's language, with the reason
    entry = TimelineEntry.objects.get(counterparty=debtor, kind="ladder.policy_assigned")
    with translation.override("ru"):
        [entry] = with_texts([entry])
        scale = new.localized_name
    assert entry.text == (
        f"Шкала давления: собственная шкала должника «{scale}»: Paid late three times"
    )


def test_back_to_the_segment_and_a_missing_reason_is_refused(
    debtor: Counterparty, supervisor: User, collector: User
) -> None:
    client = client_for(supervisor)
    html = set_scale(client, debtor, str(Policy.objects.get(code="new").pk), "")
    assert "Say why the debtor&#x27;s scale changes." in html
    assert not CounterpartyPolicy.objects.exists()
    set_scale(client, debtor, str(Policy.objects.get(code="new").pk), "risky")
    html = set_scale(client, debtor, "", "Paid everything")
    assert "The debtor is back on its segment&#x27;s scale." in html
    assert not CounterpartyPolicy.objects.exists()
    latest = Notification.objects.filter(recipient=collector).order_by("-pk").first()
    assert latest is not None
    assert latest.message.startswith("sofia put Elektrobud S.A. back on the pressure scale of its")
    assert latest.message.endswith(": Paid everything")
    html = set_scale(client, debtor, "", "again")
    assert "The debtor is already on this scale." in html
