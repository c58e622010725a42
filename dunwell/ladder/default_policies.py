"""The policies Dunwell ships with (DESIGN §1.3–1.4). Used by the data migration and by tests;
plain data, so companies can copy and edit them on the policy page."""

from __future__ import annotations

from typing import Any

_EVENTS_COMMON: list[dict[str, Any]] = [
    {
        "name": "Promise broken: call the decision-maker at once",
        "trigger": "event",
        "event": "promise_broken",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "The promise was not kept. Call at once, ask for the person who decides "
        "payments and ask why; a repeated 'call me tomorrow' is stalling — escalate.",
    },
    {
        "name": "Dispute resolved: ask again for a payment date",
        "trigger": "event",
        "event": "dispute_resolved",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "The claim is settled. Call and ask for a firm payment date.",
    },
    {
        "name": "Instalment missed: call about the repayment schedule",
        "trigger": "event",
        "event": "instalment_missed",
        "action": "call",
        "window": ("10:00", "12:00"),
        "instructions": "An instalment of the signed schedule was missed. Call the signatory.",
    },
    {
        "name": "Good relations ended: sincere final warning",
        "trigger": "event",
        "event": "good_relations_ended",
        "action": "final_warning",
        "assignee": "supervisor",
        "instructions": "The time allowed for good relations has run out. Send a sincere final "
        "warning, then hand the debt to the lawyers or a collection agency.",
    },
]


def _standard() -> list[dict[str, Any]]:
    return [
        {
            "name": "Payment missed: notify the manager and the supervisor",
            "days": 1,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
            "instructions": "A payment was missed. The responsible manager has 10 days to "
            "resolve it by negotiation.",
        },
        {
            "name": "First friendly call",
            "days": 1,
            "action": "call",
            "window": ("10:00", "13:00"),
            "instructions": "Friendly reminder: were the goods received and accepted, is the "
            "invoice in the payment run? Ask for a payment date.",
        },
        {
            "name": "Second-level call to the person who decides payments",
            "days": 3,
            "action": "call",
            "window": ("10:00", "11:00"),
            "instructions": "Ask for the person who decides payments. Ask for a payment date "
            "and amount; record a promise.",
        },
        {
            "name": "Personal written reminder with a statement",
            "days": 7,
            "action": "letter",
            "window": ("09:00", "17:00"),
            "instructions": "Write personally to the decision-maker: the invoices, amounts, "
            "contract clauses and a statement of account.",
        },
        {
            "name": "Pretension (claim letter) with the contract's period",
            "days": 10,
            "action": "pretension",
            "assignee": "lawyer",
            "window": ("09:00", "18:00"),
            "instructions": "The negotiation window has ended. Send the pretension giving the "
            "contract's claim period (30 days by default), with the penalty calculation.",
        },
        {
            "name": "Stop shipments",
            "days": 10,
            "action": "stop_shipments",
            "assignee": "sales_manager",
            "window": ("09:00", "12:00"),
            "instructions": "Shipments to this debtor are stopped. Tell the warehouse and sales.",
        },
        {
            "name": "Pretension deadline passed: prepare the court filing",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
            "instructions": "The claim period has passed without payment: prepare the court "
            "filing.",
        },
        *_EVENTS_COMMON,
    ]


def _key() -> list[dict[str, Any]]:
    steps = [
        {
            "name": "Friendly call from the account manager",
            "days": 3,
            "action": "call",
            "assignee": "sales_manager",
            "window": ("10:00", "13:00"),
            "instructions": "A key customer: a courteous reminder from the person who knows "
            "them. Ask whether anything prevents payment.",
        },
        {
            "name": "Notify the supervisor",
            "days": 7,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
        },
        {
            "name": "Call the person who decides payments",
            "days": 10,
            "action": "call",
            "window": ("10:00", "11:00"),
            "instructions": "Ask for the person who decides payments; agree a payment date.",
        },
        {
            "name": "Personal letter with a statement",
            "days": 15,
            "action": "letter",
            "window": ("09:00", "17:00"),
        },
        {
            "name": "Director decides on legal steps",
            "days": 30,
            "action": "pretension",
            "assignee": "lawyer",
            "needs_approval": True,
            "approval_role": "director",
            "instructions": "Legal steps against a key customer need the director's approval.",
        },
        {
            "name": "Stop shipments (director's approval)",
            "days": 30,
            "action": "stop_shipments",
            "assignee": "sales_manager",
            "needs_approval": True,
            "approval_role": "director",
        },
        {
            "name": "Pretension deadline passed: court filing (director's approval)",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
            "needs_approval": True,
            "approval_role": "director",
        },
        *_EVENTS_COMMON,
    ]
    return steps


def _new() -> list[dict[str, Any]]:
    return [
        {
            "name": "Reminder before the due date",
            "days": -3,
            "action": "email",
            "window": ("09:00", "12:00"),
            "instructions": "A new customer: remind them politely of the coming due date.",
        },
        {
            "name": "Payment missed: notify the manager and the supervisor",
            "days": 1,
            "action": "notify_supervisor",
            "assignee": "supervisor",
            "window": ("09:00", "10:00"),
        },
        {
            "name": "Call the same day",
            "days": 1,
            "action": "call",
            "window": ("10:00", "12:00"),
            "instructions": "Ask for the person who decides payments and a payment date.",
        },
        {
            "name": "Second-level call",
            "days": 2,
            "action": "call",
            "window": ("10:00", "11:00"),
        },
        {
            "name": "Written reminder with a statement",
            "days": 4,
            "action": "letter",
            "window": ("09:00", "17:00"),
        },
        {
            "name": "Pretension (claim letter)",
            "days": 7,
            "action": "pretension",
            "assignee": "lawyer",
        },
        {
            "name": "Stop shipments",
            "days": 7,
            "action": "stop_shipments",
            "assignee": "sales_manager",
        },
        {
            "name": "Pretension deadline passed: prepare the court filing",
            "trigger": "event",
            "event": "pretension_deadline_passed",
            "action": "court_filing",
            "assignee": "lawyer",
        },
        *_EVENTS_COMMON,
    ]


DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "code": "standard",
        "name": "Standard",
        "segment": "standard",
        "description": "The collection regulation: manager and supervisor notified on day +1, "
        "10 days of negotiation, then pretension and stopped shipments, then court.",
        "steps": _standard(),
    },
    {
        "code": "key",
        "name": "Key customer",
        "segment": "key",
        "description": "Privileged customers: management grants grace per counterparty; "
        "legal steps only with the director's approval.",
        "steps": _key(),
    },
    {
        "code": "new",
        "name": "New customer",
        "segment": "new",
        "description": "Stricter and earlier: a reminder before the due date, pretension on "
        "day +7.",
        "steps": _new(),
    },
]


def step_fields(order: int, spec: dict[str, Any]) -> dict[str, Any]:
    """PolicyStep field values for one spec (times as "HH:MM" strings are parsed by caller)."""
    window = spec.get("window")
    return {
        "order": order,
        "name": spec["name"],
        "trigger": spec.get("trigger", "due_offset"),
        "days": spec.get("days", 0),
        "event": spec.get("event", ""),
        "action": spec["action"],
        "window_start": window[0] if window else None,
        "window_end": window[1] if window else None,
        "assignee_role": spec.get("assignee", "collector"),
        "needs_approval": spec.get("needs_approval", False),
        "approval_role": spec.get("approval_role", ""),
        "scope": spec.get("scope", "counterparty"),
        "instructions": spec.get("instructions", ""),
    }
