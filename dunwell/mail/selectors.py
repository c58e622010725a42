"""Reading the outbox for its pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from dunwell.accounts.models import User
from dunwell.accounts.visibility import outgoing_message_filter
from dunwell.mail.models import MessageState, OutgoingMessage

# A pseudo-state for the filter: sent, but the server's answer was never read.
UNCONFIRMED = "unconfirmed"


def visible_messages(user: User) -> QuerySet[OutgoingMessage]:
    return OutgoingMessage.objects.filter(outgoing_message_filter(user))


def outbox(
    user: User, state: str = "", counterparty_id: int | None = None
) -> QuerySet[OutgoingMessage]:
    """The messages `user` may see, newest first, optionally of one state or one debtor."""
    messages = visible_messages(user).select_related("counterparty", "sender")
    if counterparty_id is not None:
        messages = messages.filter(counterparty_id=counterparty_id)
    if state == UNCONFIRMED:
        messages = messages.filter(state=MessageState.SENT, unconfirmed=True)
    elif state in MessageState.values:
        messages = messages.filter(state=state)
    return messages.order_by("-created_at", "-id")


def counts(user: User) -> dict[str, int]:
    """How many of the messages `user` sees are in each state (and unconfirmed)."""
    row = visible_messages(user).aggregate(
        **{state: Count("pk", filter=Q(state=state)) for state in MessageState.values},
        **{UNCONFIRMED: Count("pk", filter=Q(state=MessageState.SENT, unconfirmed=True))},
    )
    return {key: int(value or 0) for key, value in row.items()}
