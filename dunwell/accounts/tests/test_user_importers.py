"""Who may import users and create our company (accounts/visibility.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dunwell.accounts.models import Role, User
from dunwell.accounts.visibility import can_create_company, can_import, can_import_users


@pytest.mark.parametrize("role", list(Role))
def test_only_administrators_import_users_and_create_the_company(
    make_user: Callable[..., User], role: str
) -> None:
    user = make_user(f"u-{role}", role)
    assert can_import_users(user) is (role == Role.ADMIN)
    assert can_create_company(user) is (role == Role.ADMIN)
    # Importing users is a narrower right than importing the ledger.
    assert not can_import_users(user) or can_import(user)


def test_a_superuser_may_whatever_the_role(make_user: Callable[..., User]) -> None:
    root = make_user("root", Role.COLLECTOR, is_superuser=True)
    assert can_import_users(root) and can_create_company(root)
