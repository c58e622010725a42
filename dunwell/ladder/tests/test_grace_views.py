"""The grace page: who may open it, grant / extend / end, the director's approval, the
timeline, and the link from the debtor card."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User
from dunwell.ladder import graces
from dunwell.ladder.models import Grace, GraceRequest, GraceRequestStatus
from dunwell.ledger.models import Counterparty, Document, Segment, TimelineEntry

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 11, tzinfo=ZoneInfo("Europe/Bucharest"))


@pytest.fixture(autouse=True)
def _frozen() -> object:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def debtor(
    make_counterparty: Callable[..., Counterparty],
    make_document: Callable[..., Document],
    collector: User,
) -> Counterparty:
    cp = make_counterparty(collector=collector)
    make_document(cp, "1200.00")
    make_document(cp, "300.00", currency="EUR")
    return cp


@pytest.fixture
def key_debtor(make_counterparty: Callable[..., Counterparty], collector: User) -> Counterparty:
    return make_counterparty(collector=collector, segment=Segment.objects.get(code="key"))


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(cp: Counterparty) -> str:
    return reverse("ladder:grace", args=[cp.pk])


# --- permissions: owner collector, teammate, outsider; then management ------------------------


def test_collectors_cannot_open_the_grace_page(
    debtor: Counterparty, collector: User, teammate: User, outsider: User
) -> None:
    assert client_for(collector).get(url(debtor)).status_code == 403  # owner: not management
    assert client_for(teammate).get(url(debtor)).status_code == 404  # does not see the debtor
    assert client_for(outsider).get(url(debtor)).status_code == 404
    response = client_for(collector).post(
        url(debtor), {"action": "grant", "until": "2026-04-01", "reason": "x"}
    )
    assert response.status_code == 403 and not Grace.objects.exists()


def test_team_supervisor_finance_and_director_open_it_another_supervisor_does_not(
    debtor: Counterparty, supervisor: User, director: User, make_user: Callable[..., User]
) -> None:
    finance = make_user("fiona", Role.FINANCE)
    other_boss = make_user("oleg", Role.SUPERVISOR)
    for user in (supervisor, finance, director):
        response = client_for(user).get(url(debtor))
        assert response.status_code == 200
        assert "No grace is active" in response.content.decode()
    assert client_for(other_boss).get(url(debtor)).status_code == 404


def test_debtor_card_links_to_the_grace_page_for_management_only(
    debtor: Counterparty, collector: User, supervisor: User
) -> None:
    card = reverse("work:debtor", args=[debtor.pk])
    assert url(debtor) in client_for(supervisor).get(card).content.decode()
    assert url(debtor) not in client_for(collector).get(card).content.decode()


# --- grant, extend, end ----------------------------------------------------------------------


def test_supervisor_grants_a_grace_with_a_limit_per_currency(
    debtor: Counterparty, supervisor: User
) -> None:
    client = client_for(supervisor)
    page = client.get(url(debtor)).content.decode()
    assert "Limit in RON" in page and "Limit in EUR" in page
    response = client.post(
        url(debtor),
        {"action": "grant", "until": "2026-04-10", "reason": "harvest season",
         "limit_RON": "1500.00", "limit_EUR": ""},
    )  # fmt: skip
    assert response.status_code == 302
    grace = Grace.objects.get()
    assert grace.until == date(2026, 4, 10) and grace.limits == {"RON": "1500.00"}
    assert grace.approved_by == supervisor
    entry = TimelineEntry.objects.get(kind="ladder.grace_granted")
    assert (
        entry.actor == supervisor
        and "10.04.2026" in entry.summary
        and "1500.00 RON" in entry.summary
    )
    page = client.get(url(debtor)).content.decode()
    assert "Forgiven until 10.04.2026" in page and "32 days left" in page


def test_grace_page_speaks_russian_with_plural_days(debtor: Counterparty, supervisor: User) -> None:
    supervisor.language = "ru"
    supervisor.save()
    graces.grant_grace(counterparty=debtor, until=date(2026, 3, 30), reason="x", user=supervisor)
    page = client_for(supervisor).get(url(debtor), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Отсрочка" in page
    assert "осталось 21 день" in page


def test_bad_input_names_the_field_and_writes_nothing(
    debtor: Counterparty, supervisor: User
) -> None:
    client = client_for(supervisor)
    response = client.post(url(debtor), {"action": "grant", "until": "2026-03-01", "reason": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["until"] == ["The grace must last beyond today."]
    response = client.post(
        url(debtor), {"action": "grant", "until": "2026-04-01", "reason": "x", "limit_RON": "-5"}
    )
    assert "limit_RON" in response.context["form"].errors
    response = client.post(
        url(debtor), {"action": "grant", "until": "2026-04-01", "reason": "x", "limit_EUR": "100"}
    )
    assert response.context["form"].errors["limit_EUR"] == [
        "The debtor owes 300.00 EUR now; the limit must cover it."
    ]
    assert not Grace.objects.exists() and not TimelineEntry.objects.exists()


def test_extend_and_end_a_grace_each_leave_a_timeline_entry(
    debtor: Counterparty, supervisor: User
) -> None:
    graces.grant_grace(counterparty=debtor, until=date(2026, 3, 31), reason="x", user=supervisor)
    client = client_for(supervisor)
    response = client.post(
        url(debtor), {"action": "extend", "until": "2026-04-20", "reason": "still waiting"}
    )
    assert response.status_code == 302
    assert Grace.objects.get().until == date(2026, 4, 20)
    response = client.post(url(debtor), {"action": "end", "end_reason": "paid half, stalling"})
    assert response.status_code == 302
    grace = Grace.objects.get()
    assert grace.until == date(2026, 3, 9) and grace.ended_by == supervisor
    kinds = list(TimelineEntry.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["ladder.grace_granted", "ladder.grace_extended", "ladder.grace_ended"]
    assert graces.active_grace(debtor) is None


# --- the director's approval -----------------------------------------------------------------


def test_key_customer_grace_waits_for_the_director(
    key_debtor: Counterparty, supervisor: User, director: User
) -> None:
    response = client_for(supervisor).post(
        url(key_debtor), {"action": "grant", "until": "2026-03-20", "reason": "key client"}
    )
    assert response.status_code == 302
    assert not Grace.objects.exists()  # nothing pauses before the approval
    request = GraceRequest.objects.get()
    assert request.why_approval == "key_customer"
    director_client = client_for(director)
    director.language = "ru"
    director.save()
    page = director_client.get(url(key_debtor)).content.decode()
    assert "key client" in page and "ключевой клиент" in page
    response = director_client.post(
        url(key_debtor), {"action": "approve", "request": request.pk, "comment": "ok"}
    )
    assert response.status_code == 302
    grace = Grace.objects.get()
    assert grace.approved_by == director and grace.until == date(2026, 3, 20)
    assert GraceRequest.objects.get().status == GraceRequestStatus.APPROVED


def test_a_grace_longer_than_the_limit_needs_the_director(
    debtor: Counterparty, supervisor: User, director: User
) -> None:
    result = graces.grant_grace(
        counterparty=debtor, until=date(2026, 6, 1), reason="long", user=supervisor
    )
    assert isinstance(result, GraceRequest) and result.why_approval == "longer_than:60"
    director_page = client_for(director).get(reverse("ladder:grace_requests")).content.decode()
    assert "longer than 60 days" in director_page and debtor.name in director_page
    assert (
        debtor.name
        not in client_for(supervisor).get(reverse("ladder:grace_requests")).content.decode()
    )
    # the supervisor cannot approve it
    response = client_for(supervisor).post(
        url(debtor), {"action": "approve", "request": result.pk, "comment": ""}
    )
    assert GraceRequest.objects.get().status == GraceRequestStatus.PENDING
    assert response.status_code == 302 or "Only the director" in response.content.decode()
    # the director grants a long one directly
    graces.decide_request(result, user=director, approve=False, comment="too long")
    direct = graces.grant_grace(
        counterparty=debtor, until=date(2026, 6, 1), reason="long", user=director
    )
    assert isinstance(direct, Grace)


def test_limits_are_validated_per_currency() -> None:
    assert graces.clean_limits({"rub": Decimal("10")}) == {"RUB": "10.00"}
    with pytest.raises(graces.GraceError) as error:
        graces.clean_limits({"RU": "10"})
    assert error.value.field == "limit_RU"


def test_only_the_director_sees_waiting_grace_requests(
    key_debtor: Counterparty, collector: User, teammate: User, outsider: User, supervisor: User,
    director: User,
) -> None:  # fmt: skip
    graces.grant_grace(
        counterparty=key_debtor, until=date(2026, 3, 20), reason="x", user=supervisor
    )
    requests_url = reverse("ladder:grace_requests")
    for user in (collector, teammate, outsider, supervisor):
        response = client_for(user).get(requests_url)
        assert response.status_code == 200 and key_debtor.name not in response.content.decode()
    page = client_for(director).get(requests_url).content.decode()
    assert key_debtor.name in page and "key customer" in page


def _unread_grace_asks(user: User) -> tuple[list[str], str]:
    """The director's notifications page: the unread "asks for a grace" rows, and the badge."""
    page = client_for(user).get(reverse("work:notifications")).content.decode()
    rows = re.findall(r'<tr class="unread">.*?</tr>', page, re.S)
    badge = re.search(r'id="notifications-link">[^<]*(?:<span class="badge bad">(\d+))?', page)
    assert badge is not None
    return [r for r in rows if "asks for a grace" in r], badge.group(1) or ""


@pytest.mark.parametrize("approve", [True, False])
def test_the_directors_grace_request_notice_is_read_once_the_request_is_decided(
    key_debtor: Counterparty,
    supervisor: User,
    director: User,
    make_user: Callable[..., User],
    approve: bool,
) -> None:
    """The director's "sofia asks for a grace for … until …" stayed unread after the request
    was decided, so it kept asking for a decision already taken (and another director's did)."""
    deputy = make_user("dora", Role.DIRECTOR)
    client_for(supervisor).post(
        url(key_debtor), {"action": "grant", "until": "2026-03-20", "reason": "key client"}
    )
    request = GraceRequest.objects.get()
    for person in (director, deputy):
        asks, badge = _unread_grace_asks(person)
        assert len(asks) == 1 and badge == "1"
    response = client_for(director).post(
        url(key_debtor),
        {"action": "approve" if approve else "reject", "request": request.pk, "comment": "no"},
    )
    assert response.status_code == 302
    assert GraceRequest.objects.get().status != GraceRequestStatus.PENDING
    for person in (director, deputy):
        asks, badge = _unread_grace_asks(person)
        assert asks == [] and badge == ""
