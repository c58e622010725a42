"""Who sees which counterparty, in its two forms (dunwell/accounts/visibility.py): the Q filter
every list uses and `sees`, the same rule for one counterparty already read (the debtor card).
Every role, active or not, against counterparties placed every way a rule looks at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import sees, visible_counterparties
from dunwell.ledger.models import Counterparty
from dunwell.work.selectors import visible_counterparty

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, Any]:
    boss = make_user("boss", Role.SUPERVISOR)
    other_boss = make_user("other-boss", Role.SUPERVISOR)
    return {
        "boss": boss,
        "other_boss": other_boss,
        "collector": make_user("col", Role.COLLECTOR, supervisor=boss),
        "stranger": make_user("col2", Role.COLLECTOR, supervisor=other_boss),
        "sales": make_user("sal", Role.SALES, supervisor=boss),
        "lawyer": make_user("law", Role.LAWYER),
        "finance": make_user("fin", Role.FINANCE),
        "director": make_user("dir", Role.DIRECTOR),
        "credit": make_user("cc", Role.CREDIT_CONTROLLER),
        "admin": make_user("adm", Role.ADMIN),
        "superuser": make_user("root", Role.COLLECTOR, is_superuser=True),
        "gone": make_user("gone", Role.DIRECTOR, is_active=False),
        "gone_collector": make_user("gone-col", Role.COLLECTOR, is_active=False),
    }


def test_sees_answers_as_the_filter_for_every_role_and_placement(
    people: dict[str, Any], make_counterparty: Callable[..., Counterparty]
) -> None:
    p = people
    placements = [
        {},
        {"collector": p["collector"]},
        {"sales_manager": p["sales"]},
        {"collector": p["stranger"]},
        {"collector": p["stranger"], "sales_manager": p["sales"]},
        {"collector": p["boss"]},
        {"legal": True},
        {"legal": True, "collector": p["stranger"]},
        {"collector": p["lawyer"]},
        {"sales_manager": p["gone_collector"]},
        {"collector": p["gone_collector"]},
    ]
    counterparties = [make_counterparty(**fields) for fields in placements]
    seen_somewhere = 0
    for user in [*p.values(), AnonymousUser()]:
        by_filter = set(
            visible_counterparties(user)
            .filter(pk__in=[c.pk for c in counterparties])
            .values_list("pk", flat=True)
        )
        for cp in counterparties:
            fresh = Counterparty.objects.select_related("collector", "sales_manager").get(pk=cp.pk)
            assert sees(user, fresh) == (cp.pk in by_filter), (user, cp.pk)
        seen_somewhere += len(by_filter)
    # The matrix has both answers for the roles that depend on placement.
    assert 0 < seen_somewhere < len(counterparties) * (len(p) + 1)
    assert sees(p["boss"], counterparties[1]) and not sees(p["other_boss"], counterparties[1])
    assert sees(p["other_boss"], counterparties[3]) and not sees(p["boss"], counterparties[3])
    assert sees(p["boss"], counterparties[4]) and sees(p["other_boss"], counterparties[4])
    assert sees(p["lawyer"], counterparties[7]) and not sees(p["lawyer"], counterparties[3])


def test_the_card_finds_what_the_user_sees_and_nothing_else(
    people: dict[str, Any], make_counterparty: Callable[..., Counterparty]
) -> None:
    p = people
    own = make_counterparty(collector=p["collector"])
    theirs = make_counterparty(collector=p["stranger"])
    assert visible_counterparty(p["collector"], own.pk) == own
    assert visible_counterparty(p["boss"], own.pk).collector == p["collector"]
    for user, pk in [
        (p["collector"], theirs.pk),
        (p["boss"], theirs.pk),
        (p["gone"], own.pk),
        (p["director"], 10**9),
        (p["director"], 2**63),  # past a bigint: the ORM finds none; so must the card
        (p["director"], -(2**63) - 1),
    ]:
        with pytest.raises(Http404):
            visible_counterparty(user, pk)
