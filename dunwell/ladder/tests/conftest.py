"""Fixtures for the ladder tests: a lawyer, the shipped policies (from the data migration)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Policy


@pytest.fixture
def lawyer(make_user: Callable[..., User]) -> User:
    return make_user("lena", Role.LAWYER)


@pytest.fixture
def standard_policy(db: None) -> Policy:
    return Policy.objects.get(code="standard")
