"""Who may see which counterparty (DESIGN §3). Every page, export and API endpoint that lists
counterparties or their data filters through `visible_counterparties`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dunwell.accounts.models import Role, User
from dunwell.ledger.models import Counterparty
from dunwell.processcache import Kept

# "Every row", as a Q that survives `|`: an empty Q() vanishes when OR-ed with another condition
# (`Q() | Q(assignee=user)` is just `Q(assignee=user)`), which once hid every legal task from a
# director who was not its assignee. Django compiles this to no WHERE clause at all.
EVERYTHING = ~Q(pk__in=[])


def counterparty_filter(user: User, prefix: str = "") -> Q:
    """A Q object restricting rows to what `user` may see; `prefix` reaches the counterparty
    from another model (e.g. "counterparty__")."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_all:
        return EVERYTHING
    own = Q(**{f"{prefix}collector": user}) | Q(**{f"{prefix}sales_manager": user})
    if user.role == Role.SUPERVISOR:
        return (
            own
            | Q(**{f"{prefix}collector__supervisor": user})
            | Q(**{f"{prefix}sales_manager__supervisor": user})
        )
    if user.role == Role.LAWYER:
        return own | Q(**{f"{prefix}legal": True})
    return own


def visible_counterparties(user: User) -> QuerySet[Counterparty]:
    return Counterparty.objects.filter(counterparty_filter(user))


def can_see_counterparty(user: User, counterparty_id: int) -> bool:
    return visible_counterparties(user).filter(pk=counterparty_id).exists()


def sees(user: User, counterparty: Counterparty) -> bool:
    """`counterparty_filter` for one counterparty already read, in Python (the debtor card
    reads its counterparty with a query built once per process, then asks this). The same
    rule in two forms: tests/test_visibility_forms.py holds them equal for every role. A
    supervisor's answer reads the collector and the sales manager: read them with
    select_related."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.sees_all:
        return True
    if user.pk in (counterparty.collector_id, counterparty.sales_manager_id):
        return True
    if user.role == Role.SUPERVISOR:
        return any(
            person is not None and person.supervisor_id == user.pk
            for person in (counterparty.collector, counterparty.sales_manager)
        )
    if user.role == Role.LAWYER:
        return bool(counterparty.legal)
    return False


# --- people ----------------------------------------------------------------------------------


def visible_people(user: User) -> QuerySet[User]:
    """The people whose work `user` may see by name (whose tasks a filter may be narrowed to):
    themselves; a supervisor also their team (the people they supervise); those who see every
    debtor, every active user. The same lines as `counterparty_filter`."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.sees_all:
        return User.objects.filter(is_active=True)
    if user.role == Role.SUPERVISOR:
        return User.objects.filter(Q(supervisor=user) | Q(pk=user.pk), is_active=True)
    return User.objects.filter(pk=user.pk)


# --- tasks and decisions ---------------------------------------------------------------------

# Who manages collectors: skips tasks, reassigns debtors, edits call scripts (DESIGN §1.9).
MANAGERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})
# Who may be made responsible for collecting a debtor: a sales manager is not a collector.
COLLECTING_ROLES = frozenset({Role.COLLECTOR, Role.DIRECTOR})


# Who loads accounting data: files on the Import page, pushes through the API (ledger:write).
IMPORTERS = frozenset({Role.FINANCE, Role.DIRECTOR, Role.ADMIN, Role.SUPERVISOR})


def can_import(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in IMPORTERS))


# Who may create users and change their roles by importing a users file.
USER_IMPORTERS = frozenset({Role.ADMIN})


def can_import_users(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in USER_IMPORTERS))


# Who creates our own company on a fresh database (the Import page's first step).
def can_create_company(user: User) -> bool:
    return can_import_users(user)


# Who keeps our companies' bank accounts, the ones the documents tell the debtors to pay into.
BANK_ACCOUNT_KEEPERS = frozenset({Role.FINANCE, Role.ADMIN})


def can_manage_bank_accounts(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in BANK_ACCOUNT_KEEPERS))


# Who connects Dunwell to other systems: webhooks, the 1C connection, every user's API tokens.
INTEGRATORS = frozenset({Role.DIRECTOR, Role.ADMIN})


def can_manage_integrations(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in INTEGRATORS))


# Who enters the telephone exchange's keys and secrets (telephony.secrets): administrators only;
# the director manages integrations but does not handle the credentials themselves.
SECRET_KEEPERS = frozenset({Role.ADMIN})


def can_manage_provider_secrets(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in SECRET_KEEPERS)
    )


def can_open_admin_list(user: User, permission: str) -> bool:
    """An administrator's list in the Django admin (users, companies): the admin role, let
    into the Django admin (staff) and given `permission` ("accounts.view_user"), so that the
    menu never links to a page that answers 403."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.role == Role.ADMIN)
        and user.has_perm(permission)
    )


# The company's aging buckets (DESIGN §1.13) are management's: the director and an
# administrator save them on the aging page; everyone else reads who changes them there.
BUCKET_EDITORS = frozenset({Role.DIRECTOR, Role.ADMIN})


def can_edit_buckets(user: User) -> bool:
    return _active(user) and (user.is_superuser or user.role in BUCKET_EDITORS)


def is_manager(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in MANAGERS))


# Who sets one debtor's pressure scale instead of its segment's (DESIGN §1.4: management sets a
# key customer's strategy explicitly): supervisors (on their team's debtors), the director and
# administrators. A collector or a sales manager works the scale they are given.
DEBTOR_SCALE_SETTERS = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})


def can_set_debtor_scale(user: User) -> bool:
    """May give a debtor its own pressure scale, or put it back on its segment's (on the
    debtors `visible_counterparties` lets them see)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in DEBTOR_SCALE_SETTERS)
    )


def can_collect(user: User) -> bool:
    """May be made the responsible collector of a debtor."""
    return user.is_active and user.role in COLLECTING_ROLES


def can_work_task(user: User, task: Any) -> bool:
    """Complete a task: its assignee, or a manager who sees its debtor (their team's)."""
    if not can_see_counterparty(user, task.counterparty_id):
        return False
    return task.assignee_id == user.pk or is_manager(user)


def can_skip_task(user: User, task: Any) -> bool:
    """Skip a task (with a reason): managers only, and only on debtors they see — a
    supervisor decides for their own team's debtors; the director for all."""
    return is_manager(user) and can_see_counterparty(user, task.counterparty_id)


def can_decide_approval(user: User, task: Any) -> bool:
    """Approve or reject a step waiting for approval: the step's approval role (or an
    administrator), and only on a debtor the approver sees (their team's, or all)."""
    if not user.is_authenticated or not user.is_active:
        return False
    admin = user.is_superuser or user.role == Role.ADMIN
    if not admin and (not task.approval_role or user.role != task.approval_role):
        return False
    return can_see_counterparty(user, task.counterparty_id)


# --- acting on a debtor's objects (issue 9, item 3) ------------------------------------------
# Seeing a debtor is not enough to act on what belongs to someone else on it: a lawyer's task,
# a dispute routed to the sales manager, another collector's meeting. Services call these and
# raise their domain error; views call them to answer 403.


def can_resolve_dispute(user: User, dispute: Any) -> bool:
    """Resolve a dispute: the person it is routed to (`responsible`), or a manager who sees the
    debtor; a dispute routed to nobody belongs to the debtor's collector."""
    if not can_see_counterparty(user, dispute.counterparty_id):
        return False
    if dispute.responsible_id is not None:
        return bool(dispute.responsible_id == user.pk or is_manager(user))
    return bool(dispute.counterparty.collector_id == user.pk or is_manager(user))


def can_register_dispute(user: User, counterparty_id: int) -> bool:
    """Register a customer's claim on the debtor card (one that came by e-mail, letter or at a
    meeting): whoever may record a call's outcome on the debtor, i.e. whoever sees it (its
    collector and sales manager, their supervisor, the director)."""
    return _active(user) and can_see_counterparty(user, counterparty_id)


# Finance and the credit controller see every debtor to read the ledger and the orders; the
# people on a customer's side are kept by those who talk to it (DESIGN §1.5).
CONTACT_KEEPERS_EXCLUDED = frozenset({Role.FINANCE, Role.CREDIT_CONTROLLER})


def can_edit_contacts(user: User, counterparty_id: int, *, seen: bool = False) -> bool:
    """Add, correct or deactivate a debtor's contacts: whoever works the debtor (its collector
    and sales manager, their supervisor, the lawyer on a legal case, the director, an
    administrator), not the roles that only read it. `seen`: the caller read this counterparty
    for `user` through `visible_counterparties` (or `sees`) in this request."""
    if not _active(user) or user.role in CONTACT_KEEPERS_EXCLUDED:
        return False
    return seen or can_see_counterparty(user, counterparty_id)


def dispute_filter(user: User) -> Q:
    """The disputes `user` may list: those on the debtors they see, and those routed to them
    to settle (a sales manager settles a claim about the goods on another's customer too)."""
    if not _active(user):
        return Q(pk__in=[])
    return counterparty_filter(user, "counterparty__") | Q(responsible=user)


def can_edit_meeting(user: User, meeting: Any) -> bool:
    """Change a meeting (checklist, protocol) or sign its repayment agreement: its organiser,
    the debtor's collector, or a manager who sees the debtor."""
    if not can_see_counterparty(user, meeting.counterparty_id):
        return False
    return bool(
        meeting.organiser_id == user.pk
        or meeting.counterparty.collector_id == user.pk
        or is_manager(user)
    )


# --- notes on the debtor card (issue 16, item 4) ---------------------------------------------
# A note is what someone learned about the debtor: whoever sees the debtor may write one and
# pin or unpin it for the others; changing or deleting its words is for its author, or a
# manager who sees the debtor (a note by someone who left can still be corrected).


def can_write_note(user: User, counterparty_id: int, *, seen: bool = False) -> bool:
    """`seen`: the caller read this counterparty for `user` through `visible_counterparties`
    (or `sees`) in this request, so no second query is needed."""
    return seen or can_see_counterparty(user, counterparty_id)


def can_change_note(user: User, note: Any) -> bool:
    if not can_see_counterparty(user, note.counterparty_id):
        return False
    return bool(note.author_id == user.pk or is_manager(user))


# --- incoming mail and the paper register (issue 11) -----------------------------------------
# Mail that no rule placed may be about any debtor, and assigning it means choosing among all
# of them: the triage belongs to those who oversee collection (supervisors, finance, the
# director, administrators); they read every received email. Everybody else (collectors, sales
# managers, lawyers) reads the emails placed on the debtors they see, and never the triage.
MAIL_TRIAGERS = frozenset({Role.SUPERVISOR, Role.FINANCE, Role.DIRECTOR, Role.ADMIN})


def can_triage_mail(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in MAIL_TRIAGERS)
    )


def inbound_mail_filter(user: User) -> Q:
    """The received emails `user` may read (on InboundMessage)."""
    if can_triage_mail(user):
        return EVERYTHING
    return Q(counterparty__isnull=False) & counterparty_filter(user, "counterparty__")


def mail_assignable_counterparties(user: User) -> QuerySet[Counterparty]:
    """The debtors a triager may give an email to: all of them (see MAIL_TRIAGERS)."""
    if not can_triage_mail(user):
        return Counterparty.objects.none()
    return Counterparty.objects.all()


# Paper letters are part of the debtor's record: whoever sees the debtor reads and registers
# its letters (letters.PaperLetter filters by counterparty_filter). Feeding a legal case's
# pretension deadline from a delivery date is a legal step: legal.services.can_work_cases.
# --- the outbox (issue 11) ---------------------------------------------------------------------
# Outgoing emails and letters: a collector sees those of the debtors they see and those they
# sent or queued; a supervisor also their team's; finance, director and admin all.


def outgoing_message_filter(user: User) -> Q:
    """A Q object on mail.OutgoingMessage restricting it to what `user` may see."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_all:
        return EVERYTHING
    mine = Q(sender=user) | Q(created_by=user)
    if user.role == Role.SUPERVISOR:
        mine |= Q(sender__supervisor=user) | Q(created_by__supervisor=user)
    return counterparty_filter(user, "counterparty__") | mine


def can_act_on_message(user: User, message: Any) -> bool:
    """Retry, cancel or mark posted: who sent or queued it, the debtor's collector, or a
    manager who sees it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not type(message).objects.filter(outgoing_message_filter(user), pk=message.pk).exists():
        return False
    return can_act_on_visible_message(user, message)


def can_act_on_visible_message(user: User, message: Any) -> bool:
    """`can_act_on_message` for a message already read through `outgoing_message_filter`
    (the outbox list: no query per row)."""
    own = user.pk in {message.sender_id, message.created_by_id}
    collector = message.counterparty is not None and message.counterparty.collector_id == user.pk
    return bool(own or collector or is_manager(user))


# Who sets the company's sender address (each user may set their own).
SENDER_MANAGERS = frozenset({Role.DIRECTOR, Role.ADMIN})


def can_set_company_sender(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in SENDER_MANAGERS))


# Who sets up sending email (the server's DUNWELL_EMAIL_URL, docs/mail.md): administrators; the
# outbox tells everyone else to ask one, since they cannot act on the setting.
MAIL_SETUP = frozenset({Role.ADMIN})


def can_set_up_mail(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in MAIL_SETUP))


# --- saved views of the debtor list (issue 16, item 2) ---------------------------------------
# A saved view is only filters and a sort: whoever sees it still sees only their own debtors.
# Its owner sees and changes it; a view its owner shares is seen (never changed) by the owner's
# team, i.e. the users whose supervisor the owner is. Sharing is for those who lead a team.


def saved_view_filter(user: User) -> Q:
    """A Q object on work.SavedView: the user's own views and those shared with their team."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    mine = Q(owner=user)
    if user.supervisor_id is None:
        return mine
    return mine | Q(shared=True, owner_id=user.supervisor_id)


def can_share_views(user: User) -> bool:
    return is_manager(user)


def can_change_saved_view(user: User, view: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and view.owner_id == user.pk)


# --- bulk actions (issue 16, item 3) ---------------------------------------------------------
# Each item of a batch is checked with the rule of the single action (can_work_task,
# can_skip_task, can_decide_approval, is_manager for reassignment); one refusal refuses all.


def can_reassign_debtors(user: User) -> bool:
    return is_manager(user)


# The collection KPIs (issue 14): for who manages collection or the money. A collector's own
# results are on the team page; the KPI dashboard compares people, so collectors do not see it.
METRICS_VIEWERS = frozenset({Role.FINANCE, Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})


def can_see_metrics(user: User) -> bool:
    """May open the KPI dashboard and its export (over the counterparties they may see)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in METRICS_VIEWERS)
    )


def can_see_team_task_reports(user: User) -> bool:
    """May open the pressure scale's team reports: overdue tasks and punctuality."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in METRICS_VIEWERS)
    )


# --- sales pipeline and cash forecast (issue 14) ------------------------------------------------
# The pipeline: sales managers (the deals they own and those of the customers they see), and
# who manages the money or collection. Collectors work debts, not deals.
PIPELINE_VIEWERS = frozenset({Role.SALES, Role.FINANCE, Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})


def can_see_pipeline(user: User) -> bool:
    """May open the deals list and edit the deals `deal_filter` lets them see."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in PIPELINE_VIEWERS)
    )


def deal_filter(user: User) -> Q:
    """The deals `user` may see and edit: their own and those of the customers they see."""
    if not can_see_pipeline(user):
        return Q(pk__in=[])
    return counterparty_filter(user, "counterparty__") | Q(owner=user)


# Who may own a deal (the deals page's "Owner"): sales managers. The others who open the pipeline
# follow deals but sell nothing; a lawyer, a collector or a credit controller cannot even open
# the deal they would own.
DEAL_OWNING_ROLES = frozenset({Role.SALES})


def deal_owners(keep: int | None = None) -> QuerySet[User]:
    """The people a deal may be given to: active sales managers, and the user `keep` (a deal's
    current owner, kept even when no longer one, so that an old deal still saves)."""
    eligible = Q(is_active=True, role__in=DEAL_OWNING_ROLES)
    if keep is not None:
        eligible |= Q(pk=keep)
    return User.objects.filter(eligible)


def can_see_forecast(user: User) -> bool:
    """The cash forecast: the same people as the KPI dashboard, over what they may see."""
    return can_see_metrics(user)


# --- credit control (issue 13) -----------------------------------------------------------------
# Credit checks: whoever sees the debtor may ask (sales managers before an order, collectors,
# finance); the API asks with the token user's visibility. Passing an order over the rules,
# lifting stop-shipments and setting limits: credit controllers and the director (and
# administrators). The written rules are edited by the director and administrators.
CREDIT_DECIDERS = frozenset({Role.CREDIT_CONTROLLER, Role.DIRECTOR, Role.ADMIN})
CREDIT_RULE_EDITORS = frozenset({Role.DIRECTOR, Role.ADMIN})
# Who must read and acknowledge each new version of the credit rules.
CREDIT_RULE_READERS = frozenset({Role.SALES})


def can_check_credit(user: User, counterparty_id: int) -> bool:
    return bool(user.is_authenticated and user.is_active) and can_see_counterparty(
        user, counterparty_id
    )


def can_decide_credit(user: User) -> bool:
    """Approve or reject an order over the credit rules; lift stop-shipments; set limits."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in CREDIT_DECIDERS)
    )


def can_edit_credit_rules(user: User) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role in CREDIT_RULE_EDITORS)
    )


def must_acknowledge_credit_rules(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in CREDIT_RULE_READERS)


def credit_approvers() -> QuerySet[User]:
    """Who is told that an order waits for a credit decision: credit controllers and the
    director (administrators may decide too, but are not asked)."""
    return User.objects.filter(
        is_active=True, role__in=[Role.CREDIT_CONTROLLER, Role.DIRECTOR]
    ).order_by("id")


# An order that needs approval tells the approvers on the credit check's path (issue 13: p95
# <= 50 ms): who they are is kept a few seconds per process. A user saved or deleted in this
# process applies at once (a signal connected in accounts/apps.py); elsewhere within
# APPROVERS_KEPT_SECONDS. Only who is told waits that long: deciding checks the role anew.
APPROVERS_KEPT_SECONDS = 5
_approvers: Kept[str, tuple[User, ...]] = Kept(APPROVERS_KEPT_SECONDS, size=1)


def credit_approvers_kept() -> tuple[User, ...]:
    """`credit_approvers()`, kept a few seconds (shared rows: read them, do not change them)."""
    return _approvers.get("approvers", lambda: tuple(credit_approvers()))


def forget_credit_approvers(*args: object, **kwargs: object) -> None:
    """Read the approvers again on the next use (a signal receiver, hence the arguments)."""
    _approvers.forget()


def credit_rule_readers() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=list(CREDIT_RULE_READERS)).order_by("id")


# --- the credit committee (issue 13, item 5) ---------------------------------------------------
# A request for a new or changed limit or term: sales managers and credit controllers (and the
# director, administrators) for a customer they see. Meetings are set up, and filed requests put
# on their agenda, by the credit deciders; members vote on the items of their meeting, its chair
# decides them. Who may sit on a committee: the roles below.
LIMIT_REQUEST_FILERS = frozenset({Role.SALES, Role.CREDIT_CONTROLLER, Role.DIRECTOR, Role.ADMIN})
COMMITTEE_ROLES = frozenset(
    {Role.CREDIT_CONTROLLER, Role.DIRECTOR, Role.FINANCE, Role.SALES, Role.SUPERVISOR, Role.ADMIN}
)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_file_limit_request(user: User, counterparty_id: int) -> bool:
    return (
        _active(user)
        and (user.is_superuser or user.role in LIMIT_REQUEST_FILERS)
        and can_see_counterparty(user, counterparty_id)
    )


def can_run_committee(user: User) -> bool:
    """Set up meetings, choose their chair and members, put filed requests on the agenda."""
    return can_decide_credit(user)


def committee_members() -> QuerySet[User]:
    """Who may be chosen to sit on (or chair) a credit committee."""
    return User.objects.filter(is_active=True, role__in=list(COMMITTEE_ROLES)).order_by(
        "last_name", "username"
    )


def is_committee_member(user: User, meeting: Any) -> bool:
    return _active(user) and (
        meeting.chair_id == user.pk or meeting.members.filter(pk=user.pk).exists()
    )


def can_see_committee_meeting(user: User, meeting: Any) -> bool:
    return can_run_committee(user) or is_committee_member(user, meeting)


def can_chair(user: User, meeting: Any) -> bool:
    """Decide the meeting's items, close it: its chair."""
    return _active(user) and meeting.chair_id == user.pk


def can_vote(user: User, meeting: Any) -> bool:
    return is_committee_member(user, meeting)


def can_see_limit_request(user: User, request: Any) -> bool:
    """Whoever filed it (while they still see the customer), the credit deciders, and the
    members of the meeting it is on."""
    if not _active(user):
        return False
    if can_run_committee(user):
        return True
    if request.filed_by_id == user.pk and can_see_counterparty(user, request.counterparty_id):
        return True
    return request.meeting_id is not None and is_committee_member(user, request.meeting)


def can_withdraw_limit_request(user: User, request: Any) -> bool:
    return _active(user) and (request.filed_by_id == user.pk or can_run_committee(user))


def can_record_negotiation(user: User, counterparty_id: int) -> bool:
    """Agreed terms and a recording on a request or an order over the limit: who may file a
    limit request for the customer (sales managers, credit controllers)."""
    return can_file_limit_request(user, counterparty_id)
