"""The demo's pressure scale for its largest debts, whose pretension and stopped shipments wait
for the supervisor's approval (`dunwell demo`).

The shipped policies ask only the director to approve (legal steps against key customers), so a
demo supervisor's approvals page stayed empty, though a supervisor's day starts there. The
demo's supervisor therefore puts the team's largest standard debts on a copy of the standard
scale whose pretension and stop-shipments steps need their approval (`ladder.services
.assign_policy`, the debtor card's own service), before the past weeks are replayed: the
morning runs then make those steps wait for the supervisor, who decides them in the replay
(`demo.past`), and those of the last days are still waiting.

The copy is a policy of its own, assigned to the demo company's debtors only: the shipped
policies, which other companies of the same installation use, stay as they are.
"""

from __future__ import annotations

from django.db.models import Q, Sum
from django.utils import translation
from django.utils.translation import gettext

from dunwell.accounts.models import Role, User
from dunwell.ladder.models import Action, CounterpartyPolicy, Policy
from dunwell.ladder.services import assign_policy
from dunwell.ledger.models import Company, Counterparty

LARGE_DEBTS_CODE = "demo-large-debts"
LARGE_DEBTS_NAME = "Large debts"
LARGE_DEBTS_NAMES = {"ru": "Крупные долги", "uk": "Великі борги", "ro": "Datorii mari"}
LARGE_DEBTS_DESCRIPTION = (
    "The standard regulation for the largest debts: the supervisor approves the pretension "
    "and the stopping of shipments."
)
LARGE_DEBTS_DESCRIPTIONS = {
    "ru": "Стандартный регламент для крупнейших долгов: претензию и остановку отгрузок "
    "утверждает руководитель.",
    "uk": "Стандартний регламент для найбільших боргів: претензію та зупинку відвантажень "
    "затверджує керівник.",
    "ro": "Regulamentul standard pentru cele mai mari datorii: notificarea de plată și oprirea "
    "livrărilor se fac cu aprobarea supervizorului.",
}
SUPERVISED = frozenset({Action.PRETENSION, Action.STOP_SHIPMENTS})
LARGE_DEBTS_SHARE = 0.15  # of a team's standard debtors, the largest by open amount
LARGE_DEBTS_MIN = 3


def large_debts_policy() -> Policy | None:
    """The copy of the standard policy (created once; None when there is no standard policy)."""
    policy = Policy.objects.filter(code=LARGE_DEBTS_CODE).first()
    if policy is not None:
        return policy
    standard = Policy.objects.filter(code="standard").first()
    if standard is None:
        return None
    policy = Policy.objects.create(
        code=LARGE_DEBTS_CODE,
        name=LARGE_DEBTS_NAME,
        names=LARGE_DEBTS_NAMES,
        description=LARGE_DEBTS_DESCRIPTION,
        descriptions=LARGE_DEBTS_DESCRIPTIONS,
    )
    for step in standard.steps.order_by("order"):
        step.pk = None
        step.policy = policy
        if step.action in SUPERVISED:
            step.needs_approval = True
            step.approval_role = Role.SUPERVISOR
        step.save()
    return policy


def put_large_debts_on_approval(company: Company) -> int:
    """Each supervisor puts their team's largest standard debts (in the company's currency) on
    the large-debts policy; how many debtors were assigned."""
    policy = large_debts_policy()
    if policy is None or CounterpartyPolicy.objects.filter(policy=policy).exists():
        return 0
    assigned = 0
    for supervisor in User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk"):
        team = list(
            Counterparty.objects.filter(
                company=company, segment__code="standard", collector__supervisor=supervisor
            )
            .annotate(
                owed=Sum("documents__open_amount", filter=Q(documents__currency=company.currency))
            )
            .filter(owed__gt=0)
            .order_by("-owed", "pk")
        )
        count = max(LARGE_DEBTS_MIN, round(len(team) * LARGE_DEBTS_SHARE))
        # The reason as the supervisor types it, in their language (the collector's notice and
        # the timeline read it as typed; without one they read ": —").
        with translation.override(supervisor.language):
            reason = gettext("One of the team's largest debts: I approve its pretension and court.")
        for counterparty in team[:count]:
            assign_policy(counterparty=counterparty, policy=policy, user=supervisor, reason=reason)
            assigned += 1
    return assigned
