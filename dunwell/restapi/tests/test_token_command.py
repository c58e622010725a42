"""`dunwell token create|list|revoke`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command

from dunwell.accounts.models import Role, User
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import find_token, hash_secret

pytestmark = pytest.mark.django_db


def test_create_prints_the_token_once_and_stores_its_hash(
    make_user: Callable[..., User], capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("fiona", Role.FINANCE)
    call_command(
        "token", "create", "--user", "fiona", "--scopes", "ledger:read,ledger:write",
        "--expires", "30", "--name", "ERP",
    )  # fmt: skip
    out = capsys.readouterr()
    secret = out.out.strip()
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(secret)
    assert token.scopes == ["ledger:read", "ledger:write"]
    assert token.name == "ERP"
    assert token.expires_at is not None
    assert "shown only now" in out.err
    assert find_token(secret) == token
    call_command("token", "list")
    listing = capsys.readouterr().out
    assert token.prefix in listing and "fiona" in listing
    assert secret not in listing


def test_a_role_cannot_be_given_a_scope_beyond_it(make_user: Callable[..., User]) -> None:
    make_user("colin")
    with pytest.raises(CommandError, match="colin may not be given ledger:write"):
        call_command("token", "create", "--user", "colin", "--scopes", "ledger:write")
    with pytest.raises(CommandError, match="Unknown scope admin:all"):
        call_command("token", "create", "--user", "colin", "--scopes", "admin:all")
    with pytest.raises(CommandError, match="unknown user"):
        call_command("token", "create", "--user", "nobody", "--scopes", "ledger:read")
    assert not ApiToken.objects.exists()


def test_revoke_makes_the_token_useless(
    make_user: Callable[..., User], capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("colin")
    call_command("token", "create", "--user", "colin", "--scopes", "work:read")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get()
    call_command("token", "revoke", str(token.pk))
    assert f"revoked {token.pk}" in capsys.readouterr().out
    assert find_token(secret) is None
    with pytest.raises(CommandError, match="There is no token 999"):
        call_command("token", "revoke", "999")


def test_list_can_show_one_users_tokens(
    make_user: Callable[..., User], capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("colin")
    make_user("tanya")
    call_command("token", "create", "--user", "colin", "--scopes", "work:read", "--name", "c")
    call_command("token", "create", "--user", "tanya", "--scopes", "work:read", "--name", "t")
    capsys.readouterr()
    call_command("token", "list", "--user", "tanya")
    rows = capsys.readouterr().out.strip().splitlines()[1:]
    assert len(rows) == 1 and "\ttanya\t" in rows[0]
