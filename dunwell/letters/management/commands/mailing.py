"""`dunwell mailing create|approve`: personal mass mailings from the command line
(docs/mail.md, "Letters and mailings").

dunwell mailing create [--segment CODE] [--min-days-overdue N] [--collector USER]
                       [--wording friendly|firm|final_warning|legal]
                       [--currency CODE --min-amount AMOUNT] [--by USER]
dunwell mailing approve ID --by USER
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from dunwell.accounts.models import Role, User, normalized_username
from dunwell.letters import kinds, services
from dunwell.letters.models import Mailing


class Command(BaseCommand):
    help = "Prepare or approve a personal mass mailing."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="select the debtors; nothing is sent yet")
        create.add_argument("--segment", default="", help="segment code")
        create.add_argument("--min-days-overdue", type=int, default=1, metavar="N")
        create.add_argument("--collector", help="only this collector's debtors (username)")
        create.add_argument("--wording", default=kinds.FRIENDLY, choices=kinds.KINDS)
        create.add_argument("--currency", default="", help="currency of --min-amount")
        create.add_argument("--min-amount", help="minimum overdue amount in --currency")
        create.add_argument("--by", help="the supervisor or director preparing it")
        approve = actions.add_parser("approve", help="approve a mailing and queue its messages")
        approve.add_argument("id", type=int)
        approve.add_argument("--by", required=True, help="the supervisor or director approving")

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=normalized_username(username)).first()
        if user is None:
            raise CommandError(f"unknown user {username!r}")
        return user

    def _default_author(self) -> User:
        user = (
            User.objects.filter(is_active=True)
            .filter(Q(role__in=[Role.DIRECTOR, Role.ADMIN]) | Q(is_superuser=True))
            .order_by("pk")
            .first()
        )
        if user is None:
            raise CommandError("no director or administrator: give --by USER")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options)
        else:
            self._approve(options)

    def _create(self, options: dict[str, Any]) -> None:
        by = self._user(options["by"]) if options.get("by") else self._default_author()
        collector = self._user(options["collector"]) if options.get("collector") else None
        minimum = None
        if options.get("min_amount"):
            try:
                minimum = Decimal(options["min_amount"])
            except InvalidOperation:
                raise CommandError("--min-amount: not a number") from None
        if options["min_days_overdue"] < 1:
            raise CommandError("--min-days-overdue: at least 1")
        selection = services.Selection(
            segment=options["segment"],
            min_days_overdue=options["min_days_overdue"],
            collector_id=collector.pk if collector else None,
            currency=(options["currency"] or "").upper(),
            min_amount=minimum,
        )
        try:
            mailing = services.create_mailing(by, selection, options["wording"])
        except services.LetterError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"mailing {mailing.pk}")
        self.stdout.write(f"debtors: {mailing.debtors}")
        self.stdout.write(f"without an address: {mailing.without_address}")
        for row in (
            mailing.rows.filter(email="")
            .exclude(reason__in=services.LEFT_OUT)
            .select_related("counterparty")
            .order_by("id")
        ):
            cp = row.counterparty
            self.stdout.write(f"  no address: {cp.external_id} {cp.name} ({row.reason})")
        for line in services.left_out_counts(mailing):
            self.stdout.write(line)

    def _approve(self, options: dict[str, Any]) -> None:
        by = self._user(options["by"])
        mailing = Mailing.objects.filter(pk=options["id"]).first()
        if mailing is None or not services.visible_mailings(by).filter(pk=mailing.pk).exists():
            raise CommandError(f"no mailing {options['id']} for {by.username}")
        try:
            queued = services.approve_mailing(by, mailing)
        except services.LetterError as exc:
            raise CommandError(str(exc.message)) from None
        if queued:
            self.stdout.write(f"mailing {mailing.pk} approved: {queued} messages queued")
        else:
            self.stdout.write(f"mailing {mailing.pk} was already approved: nothing queued")
