"""Credit control on the demo company (`dunwell demo`): written rules per segment, limits taken
from the contracts' credit limits, and a few open orders, so that checks on the demo answer
allow, deny and needs_approval for realistic reasons (docs/credit.md). Idempotent: nothing is
written when credit rules exist already."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from dunwell.accounts.models import Role, User
from dunwell.credit.models import BreachAction, CreditLimit, CreditRuleSet, LimitSource
from dunwell.ledger.models import Company, Contract, Counterparty, Order, OrderStatus, Segment


@transaction.atomic
def seed_credit(company: Company, as_of: date, user: User | None = None) -> dict[str, int]:
    if CreditRuleSet.objects.exists():
        return {"rules": 0, "limits": 0, "orders": 0}
    now = timezone.now()
    start = as_of.replace(month=1, day=1)
    # A rule's notes and a limit's reason are the company's own text, typed by its credit
    # controller: in the company's language, as every reader then sees them.
    with translation.override(company.language or "en"):
        over_limit_note = gettext("Orders over the limit need a credit controller's approval.")
        limit_reason = gettext("contract credit limit")
    segments = {s.code: s for s in Segment.objects.filter(code__in=["key", "new"])}
    common = {
        "effective_from": start,
        "limit_currency": company.currency,
        "created_by": user,
        "created_at": now,
        "version": 1,
    }
    rules = [
        CreditRuleSet(
            segment=None,
            min_relationship_days=30,
            history_months=12,
            max_days_overdue=45,
            max_broken_promises=2,
            broken_promises_days=60,
            default_limit=Decimal("20000"),
            default_term_days=30,
            new_customer_days=90,
            new_customer_prepayment_percent=Decimal("30"),
            breach_action=BreachAction.NEEDS_APPROVAL,
            notes=over_limit_note,
            **common,
        )
    ]
    if "key" in segments:
        rules.append(
            CreditRuleSet(
                segment=segments["key"],
                max_days_overdue=60,
                max_broken_promises=3,
                default_limit=Decimal("100000"),
                default_term_days=45,
                breach_action=BreachAction.NEEDS_APPROVAL,
                **common,
            )
        )
    if "new" in segments:
        rules.append(
            CreditRuleSet(
                segment=segments["new"],
                min_relationship_days=60,
                max_days_overdue=15,
                max_broken_promises=0,
                default_limit=Decimal("5000"),
                default_term_days=14,
                new_customer_days=180,
                new_customer_prepayment_percent=Decimal("100"),
                breach_action=BreachAction.DENY,
                **common,
            )
        )
    CreditRuleSet.objects.bulk_create(rules)
    # The counterparty's limit: its contracts' limits in one currency (accounting's figure).
    per_cp: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for cp_id, currency, value in Contract.objects.filter(
        company=company, credit_limit__isnull=False
    ).values_list("counterparty_id", "currency", "credit_limit"):
        per_cp[cp_id][currency] = per_cp[cp_id].get(currency, Decimal(0)) + value
    limits = [
        CreditLimit(
            counterparty_id=cp_id,
            currency=currency,
            total=total,
            valid_from=start,
            source=LimitSource.IMPORT,
            reason=limit_reason,
            set_by=user,
            set_at=now,
        )
        for cp_id, totals in per_cp.items()
        if len(totals) == 1
        for currency, total in totals.items()
    ]
    CreditLimit.objects.bulk_create(limits)
    orders = []
    for n, cp in enumerate(Counterparty.objects.filter(company=company).order_by("id")[:40]):
        status = OrderStatus.SHIPPED if n % 3 == 0 else OrderStatus.CONFIRMED
        orders.append(
            Order(
                company=company,
                counterparty=cp,
                external_id=f"DEMO-O{n + 1:04d}",
                number=f"ZK-{n + 1:04d}",
                date=as_of - timedelta(days=n % 10),
                amount=Decimal(1500 + 250 * (n % 7)),
                currency=company.currency,
                status=status,
            )
        )
    Order.objects.bulk_create(orders, ignore_conflicts=True)
    # Two limits reach their review date today: the worker's first run files their reviews.
    CreditLimit.objects.filter(pk__in=[row.pk for row in limits[:2] if row.pk]).update(
        review_on=as_of
    )
    return {
        "rules": len(rules),
        "limits": len(limits),
        "orders": len(orders),
        "committee": seed_committee(company, as_of),
    }


def seed_committee(company: Company, as_of: date) -> int:
    """A credit committee to look at: a past meeting whose decision set a customer's limit
    (its minutes print), and the next meeting with a sales manager's request on its agenda and
    another waiting. Needs the demo's people (director, credit, finance, a sales manager);
    returns how many requests it filed (0 without them)."""
    from dunwell.credit import committee

    people = {
        u.username: u for u in User.objects.filter(username__in=["director", "credit", "finance"])
    }
    seller = User.objects.filter(role=Role.SALES, is_active=True).order_by("username").first()
    if len(people) < 3 or seller is None:
        return 0
    customers = list(
        Counterparty.objects.filter(company=company, sales_manager=seller, legal=False).order_by(
            "id"
        )[:3]
    )
    if len(customers) < 3:
        return 0
    chair, controller, finance = people["director"], people["credit"], people["finance"]
    # What the people of the company type (the meeting's place, a justification, a comment,
    # the chair's conditions) is in the company's language, as every reader then reads it.
    with translation.override(company.language or "en"):
        text = {
            "place": gettext("Board room"),
            "first": gettext("Opens two new shops; orders double from next month."),
            "pays": gettext("Pays on time for two years."),
            "too_fast": gettext("Too fast a step: 45 000 first."),
            "conditions": gettext("Raised to 60 000 at the review if paid within terms."),
            "second": gettext("Seasonal business: sells in autumn, asks for 60 days."),
            "third": gettext("New distributor in Iași, references from two suppliers."),
        }
    past = committee.plan_meeting(
        controller, day=as_of - timedelta(days=14), chair=chair, members=[controller, finance],
        place=text["place"],
    )  # fmt: skip
    first = committee.file_limit_request(
        seller, customers[0], kind="change_limit", currency=company.currency,
        requested_limit=Decimal("60000"), requested_term_days=45,
        justification=text["first"],
    )  # fmt: skip
    committee.put_on_agenda(controller, past, [first.pk])
    first.refresh_from_db()
    committee.cast_vote(controller, first, "approve", text["pays"])
    committee.cast_vote(finance, first, "reject", text["too_fast"])
    committee.cast_vote(chair, first, "approve")
    committee.decide_limit_request(
        chair,
        first,
        committee.CommitteeDecision(
            limit=Decimal("45000"), term_days=30, review_on=as_of + timedelta(days=180),
            conditions=text["conditions"],
        ),
    )  # fmt: skip
    committee.close_meeting(chair, past)
    upcoming = committee.plan_meeting(
        controller, day=as_of + timedelta(days=3), chair=chair, members=[controller, finance],
        place=text["place"],
    )  # fmt: skip
    second = committee.file_limit_request(
        seller, customers[1], kind="change_term", currency=company.currency,
        requested_limit=None, requested_term_days=60,
        justification=text["second"],
    )  # fmt: skip
    committee.put_on_agenda(controller, upcoming, [second.pk])
    committee.file_limit_request(
        seller, customers[2], kind="new_limit", currency=company.currency,
        requested_limit=Decimal("15000"), requested_term_days=30,
        justification=text["third"],
    )  # fmt: skip
    return 3
