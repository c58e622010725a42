"""Whom the team page and the debtor list's people filters name come from
`accounts.visibility.visible_people`: a supervisor their own team, the director everybody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dunwell.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def _get(user: User, name: str) -> Any:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response


def _team_page(user: User) -> set[str]:
    return {row.user.username for row in _get(user, "work:team").context["rows"]}


def _filters(user: User) -> tuple[set[str], set[str]]:
    form = _get(user, "work:debtors").context["form"]
    names = {str(u.pk): u.username for u in User.objects.all()}

    def offered(field: str) -> set[str]:
        return {names[str(pk)] for pk, _label in form.fields[field].choices if pk}

    return offered("collector"), offered("team")


def test_a_supervisor_sees_their_team_and_the_director_everybody(
    supervisor: User,
    collector: User,
    teammate: User,
    outsider: User,
    director: User,
    make_user: Callable[..., User],
) -> None:
    make_user("sam", Role.SALES, supervisor=supervisor)
    make_user("sid", Role.SALES)
    make_user("olga", Role.SUPERVISOR)
    make_user("gone", Role.COLLECTOR, supervisor=supervisor, is_active=False)

    assert _team_page(supervisor) == {"colin", "tanya", "sam"}
    assert _team_page(director) == {"colin", "tanya", "sam", "otto", "sid"}
    # A supervisor holds no debtors (COLLECTING_ROLES): offering them as a collector found
    # nothing.
    assert _filters(supervisor) == ({"colin", "tanya"}, set())
    assert _filters(director) == ({"colin", "tanya", "otto", "diana"}, {"sofia", "olga"})


def test_a_collector_is_offered_no_people(collector: User) -> None:
    form = _get(collector, "work:debtors").context["form"]
    assert not form.show_people
