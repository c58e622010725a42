"""The `users` import kind: our own staff, keyed by the normalised username
(docs/import-formats.md). Users are few (hundreds), so rows are checked and applied in a plain
loop, in one transaction, with the engine's reader, error format and all-or-nothing rule.

New users get an unusable password: they set one through the password reset or an
administrator. A supervisor may be a user of the same file (earlier or later row) or one that
exists already.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation

from dunwell.accounts.models import Role, User, normalized_username
from dunwell.ledger.importing.engine import (
    Importer,
    ImportRejected,
    ImportResult,
    RowError,
    _RowParser,
)
from dunwell.ledger.importing.headers import normalize_header
from dunwell.ledger.importing.reasons import reason

# Columns written as they are (a present column with an empty cell clears the value).
PLAIN = ("first_name", "last_name", "email", "extension")


@cache
def _role_words() -> dict[str, str]:
    """Normalised role value or label, in every UI language -> the Role value."""
    words: dict[str, str] = {}
    for language in ("en", "ru", "uk", "ro"):
        with translation.override(language):
            for role in Role:
                words[normalize_header(str(role.label))] = role.value
    for role in Role:
        words[normalize_header(role.value)] = role.value
    return words


def parse_role(text: str) -> str | None:
    """The Role value for `text`: a value (`collector`) or the role's name in a UI language
    (`Взыскатель`, `Стягувач`), compared like headers (case, blanks, diacritics ignored)."""
    return _role_words().get(normalize_header(text))


class UsersImporter(Importer):
    """The engine's reading, mapping, error collection and lock; its own checks and apply."""

    def execute(self) -> ImportResult:
        table = self.read()
        mapping = self.resolve_mapping(table.headers)
        parser = _RowParser(self.kind, table.headers, mapping)
        missing = [
            f.name for f in self.kind.fields if f.required and f.name not in parser.header_of
        ]
        if missing:
            raise ImportRejected(
                [RowError(self.file, 1, name, reason("missing_column")) for name in missing]
            )
        present = set(parser.header_of)
        col = parser.column
        rows: list[tuple[int, dict[str, Any]]] = []
        first_line: dict[str, int] = {}
        done = 0
        self._report(0, table.total)
        for line, cells in table.rows:
            done += 1
            parsed = parser.parse(line, cells, self.errors)
            if parsed is None:
                continue
            values = dict(zip(parser.slot_names, parsed[2:], strict=True))
            username = normalized_username(values["username"])
            values["username"] = username
            if username in first_line:
                self.errors.add(
                    line,
                    col("username"),
                    reason("duplicate_username", value=repr(username), row=first_line[username]),
                )
            else:
                first_line[username] = line
            role = parse_role(values["role"])
            if role is None:
                self.errors.add(
                    line,
                    col("role"),
                    reason(
                        "unknown_user_role",
                        value=repr(values["role"]),
                        choices=", ".join(Role.values),
                    ),
                )
            values["role"] = role
            if values.get("email"):
                try:
                    validate_email(values["email"])
                except ValidationError:
                    self.errors.add(
                        line,
                        col("email"),
                        reason("bad_email", value=repr(values["email"])),
                    )
            extension = values.get("extension") or ""
            if extension and not (extension.isascii() and extension.isdigit()):
                self.errors.add(
                    line,
                    col("extension"),
                    reason("bad_extension", value=repr(extension)),
                )
            if values.get("supervisor"):
                values["supervisor"] = normalized_username(values["supervisor"])
                if values["supervisor"] == username:
                    self.errors.add(line, col("supervisor"), reason("own_supervisor"))
            rows.append((line, values))
        self._report(done, max(done, table.total))
        in_file = {values["username"] for _line, values in rows}
        bosses = {values["supervisor"] for _line, values in rows if values.get("supervisor")}
        in_db = set(
            User.objects.filter(username__in=bosses - in_file).values_list("username", flat=True)
        )
        for line, values in rows:
            boss = values.get("supervisor")
            if boss and boss not in in_file | in_db:
                self.errors.add(line, col("supervisor"), reason("unknown_user", value=repr(boss)))
        if self.errors and not self.partial:
            raise ImportRejected(
                sorted(self.errors.errors, key=lambda e: (e.row, e.column)), self.errors.rows
            )
        rows = self._without_rejected(rows, in_db, col("supervisor"))
        self._apply(rows, present)
        self.result.rejected = self.errors.rows
        self.result.errors = sorted(self.errors.errors, key=lambda e: (e.row, e.column))
        return self.result

    def _without_rejected(
        self, rows: list[tuple[int, dict[str, Any]]], in_db: set[str], column: str
    ) -> list[tuple[int, dict[str, Any]]]:
        """The rows to apply in a partial import: not rejected, and not under a supervisor
        whose own row was rejected (repeated: a chain of supervisors)."""
        while True:
            bad = set(self.errors.bad_lines()) if self.errors else set()
            rows = [(line, values) for line, values in rows if line not in bad]
            kept = {values["username"] for _line, values in rows} | in_db
            orphans = [
                (line, values["supervisor"])
                for line, values in rows
                if values.get("supervisor") and values["supervisor"] not in kept
            ]
            if not orphans:
                return rows
            for line, boss in orphans:
                self.errors.add(
                    line,
                    column,
                    reason("supervisor_rejected", value=repr(boss)),
                )

    @transaction.atomic
    def _apply(self, rows: list[tuple[int, dict[str, Any]]], present: set[str]) -> None:
        names = [values["username"] for _line, values in rows]
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        changed: set[str] = set()
        created: set[str] = set()
        for _line, values in rows:
            username = values["username"]
            user = users.get(username)
            fields = {"role": values["role"]}
            fields.update({name: values.get(name) or "" for name in PLAIN if name in present})
            if user is None:
                # An administrator reaches the Django admin too (as `dunwell demo` sets it up);
                # an existing user's staff status is never changed by a file.
                user = User(username=username, is_staff=fields["role"] == Role.ADMIN, **fields)
                user.set_unusable_password()
                user.save()
                users[username] = user
                created.add(username)
                continue
            different = [name for name, value in fields.items() if getattr(user, name) != value]
            if different:
                for name in different:
                    setattr(user, name, fields[name])
                user.save(update_fields=different)
                changed.add(username)
        if "supervisor" in present:
            bosses = {values["supervisor"] for _line, values in rows if values.get("supervisor")}
            boss_of = {u.username: u for u in User.objects.filter(username__in=bosses)}
            for _line, values in rows:
                user = users[values["username"]]
                boss = values.get("supervisor")
                boss_id = boss_of[boss].pk if boss else None
                if user.supervisor_id != boss_id:
                    user.supervisor_id = boss_id
                    user.save(update_fields=["supervisor"])
                    if user.username not in created:
                        changed.add(user.username)
        self.result.created = len(created)
        self.result.updated = len(changed)
        self.result.unchanged = len(rows) - len(created) - len(changed)
