"""`dunwell credit check --counterparty X --amount 123.45 --currency RON [--order R]`: the
same credit check as the API and the page, logged like them (channel "cli")."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from dunwell.accounts.models import User
from dunwell.credit import selectors, services
from dunwell.credit.models import Channel
from dunwell.credit.reasons import as_messages
from dunwell.money import Money, is_currency_code


class Command(BaseCommand):
    help = "Credit control: `credit check` checks an order against the credit rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check an order against the credit rules")
        check.add_argument("--counterparty", required=True, help="external id or tax id")
        check.add_argument("--amount", required=True, help="e.g. 123.45")
        check.add_argument("--currency", required=True, help="ISO 4217 code, e.g. RON")
        check.add_argument("--order", default="", help="the order's reference")
        check.add_argument("--on", type=date.fromisoformat, help="the day (default: today)")
        check.add_argument("--user", help="check as this user (their visibility applies)")
        check.add_argument("--language", default="en", help="language of the reasons")
        check.add_argument("--json", action="store_true", help="answer as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"--user: no active user {options['user']!r}")
        try:
            amount = Decimal(options["amount"])
        except InvalidOperation:
            raise CommandError(f"--amount: not a number: {options['amount']!r}") from None
        currency = options["currency"].strip().upper()
        if not is_currency_code(currency):
            raise CommandError(f"--currency: not an ISO 4217 code: {options['currency']!r}")
        with translation.override(options["language"]):
            try:
                counterparty = selectors.find_counterparty(user, options["counterparty"])
                result = services.check(
                    counterparty,
                    Money(amount, currency),
                    options["order"],
                    user,
                    on=options["on"],
                    channel=Channel.CLI,
                )
            except selectors.NotFound as exc:
                raise CommandError(f"--counterparty: {exc}") from None
            except services.CreditError as exc:
                raise CommandError(f"--{exc.field or 'amount'}: {exc}") from None
            reasons = as_messages(result.check.reasons)
            if options["json"]:
                self.stdout.write(
                    json.dumps(
                        {"id": result.check.pk, "decision": result.decision, "reasons": reasons},
                        ensure_ascii=False,
                    )
                )
                return
            self.stdout.write(f"{counterparty.name}: {result.check.get_decision_display()}")
            for reason in reasons:
                self.stdout.write(f"- {reason['message']} [{reason['code']}]")
            self.stdout.write(f"check #{result.check.pk}")
