"""`dunwell token create|list|revoke`: API tokens from the command line (docs/integrations.md).

dunwell token create --user U --scopes ledger:read,ledger:write [--expires DAYS] [--name N]
dunwell token list [--user U]
dunwell token revoke ID
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dunwell.accounts.models import User, normalized_username
from dunwell.restapi.models import ApiToken
from dunwell.restapi.tokens import ALL_SCOPES, TokenError, create_token, revoke_token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a token and print it once")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument(
            "--scopes", required=True, help=f"comma-separated: {','.join(ALL_SCOPES)}"
        )
        create.add_argument("--expires", type=int, metavar="DAYS", help="expire after DAYS days")
        create.add_argument("--name", default="", help="what the token is for")
        listing = actions.add_parser("list", help="list tokens (never their secrets)")
        listing.add_argument("--user", help="only this user's tokens")
        revoke = actions.add_parser("revoke", help="revoke a token by its id")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "list":
            self._list(options.get("user"))
        else:
            try:
                token = revoke_token(options["id"])
            except TokenError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                f"revoked {token.pk} {token.prefix} at {token.revoked_at:%Y-%m-%d %H:%M}"
            )

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=normalized_username(username)).first()
        if user is None:
            raise CommandError(f"unknown user {username!r}")
        return user

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        try:
            issued = create_token(
                user,
                options["scopes"].split(","),
                name=options["name"],
                expires_in_days=options["expires"],
            )
        except TokenError as exc:
            raise CommandError(str(exc)) from None
        token = issued.token
        self.stderr.write(
            f"token {token.pk} for {user.username}, scopes {','.join(token.scopes)}"
            + (f", expires {token.expires_at:%Y-%m-%d %H:%M %Z}" if token.expires_at else "")
            + "; it is shown only now:"
        )
        self.stdout.write(issued.secret)

    def _list(self, username: str | None) -> None:
        tokens = ApiToken.objects.select_related("user").order_by("id")
        if username:
            tokens = tokens.filter(user=self._user(username))
        self.stdout.write("id\tprefix\tuser\tname\tscopes\tcreated\texpires\tlast used\trevoked")
        for t in tokens:
            when = [
                f"{moment:%Y-%m-%d %H:%M}" if moment else "-"
                for moment in (t.created_at, t.expires_at, t.last_used_at, t.revoked_at)
            ]
            self.stdout.write(
                "\t".join(
                    [str(t.pk), t.prefix, t.user.username, t.name or "-", ",".join(t.scopes), *when]
                )
            )
