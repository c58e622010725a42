"""Which wording a ladder step writes with (pure: no Django import).

The ladder's letter and email steps carry no "tone"; it follows from where the step stands in
its policy:
- a "final warning" step (good relations ended) is the final warning before the pretension;
- a written step after a legal step of its policy (pretension, hand to the lawyer, court
  filing, collection agency), or for a debtor already on the legal track, is the legal stage;
- a written step before the due date, or with no contact step before it in the policy, is the
  friendly reminder;
- any other written step (after calls or earlier letters) is the firm request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

FRIENDLY = "friendly"
FIRM = "firm"
FINAL = "final_warning"
LEGAL = "legal"
KINDS = (FRIENDLY, FIRM, FINAL, LEGAL)
PRE_LEGAL = frozenset({FRIENDLY, FIRM, FINAL})

WRITTEN = frozenset({"letter", "email", "final_warning"})
CONTACT = frozenset({"call", "letter", "email", "meeting", "final_warning"})
LEGAL_ACTIONS = frozenset({"pretension", "hand_to_lawyer", "court_filing", "collection_agency"})


@dataclass(frozen=True)
class StepInfo:
    order: int
    action: str
    trigger: str = "due_offset"
    days: int = 0


def kind_for_step(step: StepInfo | None, policy: Sequence[StepInfo], on_legal_track: bool) -> str:
    """The wording kind of a written step of `policy` (the steps of its policy, any order)."""
    if on_legal_track:
        return LEGAL
    if step is None:
        return FRIENDLY
    if step.action == "final_warning":
        return FINAL
    before = [s for s in policy if s.order < step.order and s.trigger != "event"]
    if step.trigger != "event" and any(s.action in LEGAL_ACTIONS for s in before):
        return LEGAL
    if step.trigger == "due_offset" and step.days <= 0:
        return FRIENDLY
    if step.trigger == "event":
        return FIRM
    if not any(s.action in CONTACT for s in before):
        return FRIENDLY
    return FIRM
