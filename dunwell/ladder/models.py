"""The pressure scale: policies (ladders) and their steps, where each document stands on its
ladder, the tasks the daily run puts into people's calendars, and the things that pause or
resume the ladder (grace, promises, disputes, repayment agreements).

Tasks are written only by `dunwell.ladder.services` and `dunwell.ladder.engine`; every task has
a unique `key` so the daily run can never create the same task twice (DESIGN §3).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_noop, ngettext, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from dunwell.accounts.models import Role
from dunwell.dbindex import index_when_set
from dunwell.idarray import IdArrayField
from dunwell.ledger.models import Company, Counterparty, Document, Segment, money_field
from dunwell.money import Amounts
from dunwell.names import localized


class Trigger(models.TextChoices):
    DUE_OFFSET = "due_offset", _("days after the due date")
    AFTER_PREVIOUS = "after_previous", _("days after the previous step")
    EVENT = "event", _("on an event")


class Event(models.TextChoices):
    PROMISE_BROKEN = "promise_broken", _("promise broken")
    DISPUTE_RESOLVED = "dispute_resolved", _("dispute resolved")
    PRETENSION_DEADLINE_PASSED = "pretension_deadline_passed", _("pretension deadline passed")
    INSTALMENT_MISSED = "instalment_missed", _("agreement instalment missed")
    GOOD_RELATIONS_ENDED = "good_relations_ended", _("time for good relations ended")


class Action(models.TextChoices):
    CALL = "call", _("Call")
    # Own context: the bare "Email" is django.contrib.auth's field, "Адрес электронной почты".
    EMAIL = "email", pgettext_lazy("ladder step action", "Email")
    LETTER = "letter", _("Letter")
    MEETING = "meeting", _("Meeting")
    NOTIFY_SUPERVISOR = "notify_supervisor", _("Notify supervisor")
    PRETENSION = "pretension", _("Pretension (claim letter)")
    STOP_SHIPMENTS = "stop_shipments", _("Stop shipments")
    HAND_TO_LAWYER = "hand_to_lawyer", _("Hand to lawyer")
    COURT_FILING = "court_filing", _("Prepare court filing")
    COLLECTION_AGENCY = "collection_agency", _("Hand to collection agency")
    DIRECTOR_DECISION = "director_decision", _("Director decision")
    FINAL_WARNING = "final_warning", _("Final warning")
    # The settler's task from the moment a dispute is routed, and its escalation once overdue.
    REVIEW_DISPUTE = "review_dispute", _("Settle a dispute")


class AssigneeRole(models.TextChoices):
    COLLECTOR = "collector", _("responsible collector")
    SALES_MANAGER = "sales_manager", _("sales manager")
    SUPERVISOR = "supervisor", _("supervisor")
    LAWYER = "lawyer", _("lawyer")
    DIRECTOR = "director", _("director")
    USER = "user", _("a named user")


class Scope(models.TextChoices):
    DOCUMENT = "document", _("per document")
    COUNTERPARTY = "counterparty", _("once per counterparty")


class Policy(models.Model):
    """A pressure scale: an ordered ladder of steps."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, unique=True)
    names = models.JSONField(_("name in other languages"), default=dict, blank=True)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    description = models.TextField(_("description"), blank=True)
    descriptions = models.JSONField(_("description in other languages"), default=dict, blank=True)
    active = models.BooleanField(pgettext_lazy("policy", "active"), default=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.localized_name

    @property
    def localized_name(self) -> str:
        return localized(self.names, self.name)

    @property
    def localized_description(self) -> str:
        return localized(self.descriptions, self.description)


class PolicyStep(models.Model):
    """One rung of a ladder: when, what, by whom, in which window, with which approval."""

    policy = models.ForeignKey(
        Policy, on_delete=models.CASCADE, related_name="steps", verbose_name=_("policy")
    )
    # With its own context: the bare msgid "order" is a purchase order in the ledger and credit
    # catalogs, and the merged catalogs gave the editor's field "Comandă" / "Заказ".
    order = models.PositiveIntegerField(pgettext_lazy("position of a step in its policy", "order"))
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    names = models.JSONField(_("name in other languages"), default=dict, blank=True)
    trigger = models.CharField(
        _("trigger"), max_length=16, choices=Trigger.choices, default=Trigger.DUE_OFFSET
    )
    days = models.IntegerField(
        _("days"), default=0, help_text=_("negative = before the due date (due-date trigger)")
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    window_start = models.TimeField(_("window start (debtor's time)"), null=True, blank=True)
    window_end = models.TimeField(_("window end (debtor's time)"), null=True, blank=True)
    assignee_role = models.CharField(
        _("who"), max_length=16, choices=AssigneeRole.choices, default=AssigneeRole.COLLECTOR
    )
    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("named user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    needs_approval = models.BooleanField(_("needs approval"), default=False)
    approval_role = models.CharField(
        _("approved by role"), max_length=16, choices=Role.choices, blank=True
    )
    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.COUNTERPARTY
    )
    min_overdue_amount = money_field(_("minimum overdue amount"), default=Decimal("0"))
    instructions = models.TextField(_("instructions"), blank=True)
    translated_instructions = models.JSONField(
        _("instructions in other languages"), default=dict, blank=True
    )

    class Meta:
        verbose_name = _("policy step")
        verbose_name_plural = _("policy steps")
        ordering = ["policy", "order"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "order"], name="uniq_step_order"),
            models.CheckConstraint(
                condition=~Q(trigger="event") | ~Q(event=""), name="event_step_names_event"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} #{self.order} {self.localized_name}"

    @property
    def localized_name(self) -> str:
        return localized(self.names, self.name)

    @property
    def localized_instructions(self) -> str:
        return localized(self.translated_instructions, self.instructions)

    @property
    def abs_days(self) -> int:
        """Days without the sign, for "3 days before the due date"."""
        return abs(self.days)


class SegmentPolicy(models.Model):
    """The policy a segment's counterparties follow unless they have their own."""

    segment = models.OneToOneField(
        Segment, on_delete=models.CASCADE, related_name="+", verbose_name=_("segment")
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="segments", verbose_name=_("policy")
    )

    class Meta:
        verbose_name = _("segment policy")
        verbose_name_plural = _("segment policies")

    def __str__(self) -> str:
        return f"{self.segment} → {self.policy}"


class CounterpartyPolicy(models.Model):
    """A per-counterparty override of the segment's policy."""

    counterparty = models.OneToOneField(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="policy_override",
        verbose_name=_("counterparty"),
    )
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, related_name="overrides", verbose_name=_("policy")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(auto_now=True, verbose_name=_("assigned at"))

    class Meta:
        verbose_name = _("counterparty policy")
        verbose_name_plural = _("counterparty policies")

    def __str__(self) -> str:
        return f"{self.counterparty} → {self.policy}"


class Grace(models.Model):
    """A management-approved grace: "this delay is forgiven until DATE" (DESIGN §1.4).

    The ladder pauses while `until` has not passed; ending a grace early moves `until` to the
    day before and records who ended it (`dunwell.ladder.graces`). `limits` caps the open
    amount the grace covers per currency ({"RUB": "100000.00"}); when the open amount in a
    capped currency grows beyond it, the nightly run ends the grace."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="graces",
        verbose_name=_("counterparty"),
    )
    until = models.DateField(_("forgiven until"))
    reason = models.TextField(_("reason"))
    limits = models.JSONField(_("amount limit per currency"), default=dict, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_reason = models.TextField(_("why it ended"), blank=True)

    class Meta:
        verbose_name = _("grace")
        verbose_name_plural = _("graces")
        indexes = [models.Index(fields=["counterparty", "until"])]

    def __str__(self) -> str:
        return f"{self.counterparty} until {self.until:%d.%m.%Y}"


class GraceRequestStatus(models.TextChoices):
    PENDING = "pending", _("waiting for the director")
    APPROVED = "approved", pgettext_lazy("request", "approved")
    REJECTED = "rejected", pgettext_lazy("request", "rejected")


class GraceRequest(models.Model):
    """A grant or extension of a grace that needs the director's approval (a key customer, or
    longer than the policy's limit). Nothing pauses the ladder until it is approved."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="grace_requests",
        verbose_name=_("counterparty"),
    )
    grace = models.ForeignKey(
        Grace,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="requests",
        verbose_name=_("grace"),
    )
    until = models.DateField(_("forgiven until"))
    reason = models.TextField(_("reason"))
    limits = models.JSONField(_("amount limit per currency"), default=dict, blank=True)
    why_approval = models.CharField(_("why approval is needed"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(pgettext_lazy("request", "requested at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=GraceRequestStatus.choices,
        default=GraceRequestStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(pgettext_lazy("request", "decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("grace request")
        verbose_name_plural = _("grace requests")
        indexes = [models.Index(fields=["status", "counterparty"])]

    def __str__(self) -> str:
        return f"{self.counterparty} until {self.until:%d.%m.%Y} ({self.status})"

    @property
    def approval_reasons(self) -> list[str]:
        """`why_approval`'s codes in the active language."""
        out: list[str] = []
        for code in filter(None, self.why_approval.split(",")):
            if code == "key_customer":
                out.append(gettext("key customer"))
            elif code.startswith("longer_than:"):
                days = int(code.split(":", 1)[1])
                out.append(
                    ngettext("longer than %(n)d day", "longer than %(n)d days", days) % {"n": days}
                )
        return out


class DocumentProgress(models.Model):
    """Where one document stands on its ladder. `next_due_on` is the first date on which the
    daily run has anything to decide for it (NULL: nothing more on the ladder), so a re-run
    reads only the documents whose day has come."""

    # No database-level key to the document either: the first daily run writes 800,000 of these
    # rows, and each key check at commit took a share lock on its document, a write to the
    # document's page (issue 15). Documents are deleted only through Django (with their
    # debtor), whose cascade takes these rows (tested in ladder/tests/test_task_documents.py).
    document = models.OneToOneField(
        Document,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="ladder_progress",
        db_constraint=False,
        verbose_name=_("document"),
    )
    # Copies kept for the daily run's filters (the document says both): no database-level
    # foreign key, so writing a million rows does not lock-check a million parents; Django
    # still cascades / nulls them when a counterparty or policy is deleted.
    # Not indexed: the reads by counterparty (a recheck marks a debtor's rows due, the card
    # reads how far its documents went) find the rows through the debtor's documents and this
    # table's primary key, while the first daily run writes 800,000 rows, each of which was one
    # more entry in a (counterparty, next_due_on) index (issue 15; bench/RESULTS.md). Only
    # Django's cascade when a debtor is deleted still filters by this column (a scan).
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("counterparty"),
    )
    # No index either: the only read by policy is `services.policy_changed`, which marks every
    # row of the policy due (most of the table when one policy covers most debtors: a scan
    # either way), while the first daily run writes 800,000 rows, each one more index entry.
    policy = models.ForeignKey(
        Policy,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("policy"),
    )
    step_order = models.PositiveIntegerField(_("last step reached"), default=0)
    reached_on = models.DateField(_("reached on"), null=True)
    next_due_on = models.DateField(_("next decision on"), null=True)

    class Meta:
        verbose_name = _("document progress")
        verbose_name_plural = _("document progress")
        indexes = [
            # the re-run reads only the rows whose day has come: an index range scan
            models.Index(
                fields=["next_due_on"],
                name="ladder_progress_next_due",
                condition=Q(next_due_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} @ {self.step_order}"


class TaskStatus(models.TextChoices):
    # done/rejected with their own context: the bare msgids are an import run's state in the
    # ledger's catalog, which wins the merge ("gata", "respins" for a task).
    OPEN = "open", _("open")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting approval")
    DONE = "done", pgettext_lazy("task status", "done")
    SKIPPED = "skipped", _("skipped")
    CANCELLED_PAID = "cancelled_paid", _("cancelled: paid")
    REJECTED = "rejected", pgettext_lazy("task status", "rejected")


OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.AWAITING_APPROVAL)


class Task(models.Model):
    """A piece of work in someone's calendar, made by the ladder or by hand (a call-back)."""

    # No single-column indexes: (counterparty, status) and (assignee, status, due_at) serve
    # the reads by counterparty and by assignee (one index entry fewer each per task written).
    # Its five keys are checked once per statement, not once per row (`dunwell/dbkeys.py`,
    # migration 0014): the daily run writes 140,000 tasks at 1M documents.
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="tasks",
        db_index=False,
        db_constraint=False,
        verbose_name=_("counterparty"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ladder_tasks",
        db_index=False,
        db_constraint=False,
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    title = models.CharField(pgettext_lazy("task", "title"), max_length=255)
    instructions = models.TextField(_("instructions"), blank=True)
    step = models.ForeignKey(
        PolicyStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        db_constraint=False,
        verbose_name=_("step"),
    )
    # The documents the task is about (distinct ids), written with the task. Not a link table:
    # the first daily run at 1M documents names 1.4M of them (dunwell/idarray.py).
    document_ids = IdArrayField(_("documents"))
    due_at = models.DateTimeField(_("due"))
    window_start = models.DateTimeField(_("window start"), null=True, blank=True)
    window_end = models.DateTimeField(_("window end"), null=True, blank=True)
    amount = money_field(
        _("amount at stake"),
        default=Decimal("0"),
        help_text=_("Only when all of it is in one currency; see amounts."),
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amounts = models.JSONField(
        _("amounts at stake per currency"), default=dict, blank=True, help_text=_('{"EUR": "1.00"}')
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    result = models.TextField(_("result"), blank=True)
    skip_reason = models.TextField(_("reason skipped"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    # The two users below are empty on the tasks the daily run writes: indexed only when set.
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("done by"),
    )
    approval_role = models.CharField(
        _("approved by role"), max_length=16, choices=Role.choices, blank=True
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("approver"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    approval_comment = models.TextField(_("approval comment"), blank=True)
    # A step refused "not now": the day the approver is asked again while its documents still
    # owe (`nightly.ask_again_refused_steps`), and on the task that asks again, the refusal.
    ask_again_on = models.DateField(_("ask again on"), null=True, blank=True)
    asked_again_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("asked again after"),
    )
    deadline = models.DateField(
        _("debtor's deadline"),
        null=True,
        blank=True,
        help_text=_("for a pretension: the date the claim period ends"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # Unique through a constraint, not `unique=True`: on PostgreSQL the field option adds a
    # second index for LIKE lookups (varchar_pattern_ops), which nothing runs on a key.
    key = models.CharField(max_length=120, help_text=_("idempotency key"), verbose_name=_("key"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["counterparty", "status"]),
            models.Index(fields=["status", "due_at"]),
            index_when_set("done_by", "ladder_task_done_by"),
            index_when_set("approver", "ladder_task_approver"),
            # the morning's steps refused until a day; a deleted refusal's SET_NULL cascade
            index_when_set("ask_again_on", "ladder_task_ask_again_on"),
            index_when_set("asked_again_from", "ladder_task_asked_again_from"),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="ladder_task_key_key")]

    def __str__(self) -> str:
        return self.title

    @property
    def documents(self) -> models.QuerySet[Document]:
        """The task's documents that still exist."""
        return Document.objects.filter(pk__any=self.document_ids)

    @property
    def at_stake(self) -> Amounts:
        """What the task is about, per currency (never one sum across currencies)."""
        if self.amounts:
            return Amounts.from_json(self.amounts)
        if self.currency and self.amount:
            return Amounts.of([(self.currency, self.amount)])
        return Amounts()

    @property
    def localized_title(self) -> str:
        """The title in the viewer's language: a ladder task's title is its step's name and the
        debtor's (select_related("step", "counterparty") where many are listed); a call-back's
        is one of `STEPLESS_TITLES`."""
        if self.step_id is None or self.step is None:
            return stepless_title(self.title)
        if not self._titled_by_its_step():
            return self.title  # a title someone wrote, not the step's name: keep it
        return f"{self.step.localized_name} — {self.counterparty.name}"[:255]

    def _titled_by_its_step(self) -> bool:
        """The title is the one the run gives a step's task: its step's name and the debtor's."""
        step = self.step if self.step_id is not None else None
        return step is not None and self.title == f"{step.name} — {self.counterparty.name}"[:255]

    @property
    def title_beside_debtor(self) -> str:
        """`localized_title` for a list whose own column names the debtor: a ladder task's step
        name alone ("Stop shipments — ACME" beside "ACME" read the debtor twice)."""
        if self.step is not None and self._titled_by_its_step():
            return self.step.localized_name
        if self.step_id is None:
            beside = stepless_title_beside(self.title, self.counterparty.name)
            if beside:
                return beside
        return self.localized_title

    @property
    def title_in_each_language(self) -> StrOrPromise:
        """`localized_title` as a lazy text: a notification stores its message in every
        language (`work.services.notify`), and the task's title is read in each of them."""
        return lazy(lambda: self.localized_title, str)()

    @property
    def beside_debtor_in_each_language(self) -> StrOrPromise:
        """`title_beside_debtor` as a lazy text, for a notice that names the debtor itself
        ("X missed a payment … (Payment missed: notify … — X)" read the debtor twice)."""
        return lazy(lambda: self.title_beside_debtor, str)()

    @property
    def localized_result(self) -> str:
        """The result in the viewer's language when the app wrote it (`TASK_RESULTS`); one a
        person typed as typed."""
        return localized_result(self.result)

    @property
    def localized_skip_reason(self) -> str:
        """The reason the task was skipped in the viewer's language when the app wrote it (the
        nightly retry's, stored in English); one a person typed as typed."""
        return localized_result(self.skip_reason)

    @property
    def localized_instructions(self) -> str:
        """The step's instructions in the viewer's language (the task keeps the English copy
        made when it was created; a manual task has only its own)."""
        if self.step_id is None or self.step is None or self.instructions != self.step.instructions:
            return self.instructions
        return self.step.localized_instructions

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


# Titles the app itself gives a task without a step (call-backs the call card, a missed call,
# a stalling debtor and the nightly retries schedule): stored in English, shown in the reader's
# language. One named placeholder at most ("%(who)s" a person's name, "%(number)s" a phone
# number, "%(debtor)s" a debtor's name, "%(title)s" the missed task's own stored title, itself
# read back the same way), filled in the stored English and read back from it.
CALL_BACK_AS_ASKED = gettext_noop("Call back as asked")
CALL_BACK_ABUSIVE = gettext_noop("Call back (the last call was abusive)")
CALL_THE_DECIDER = gettext_noop("Call the person who decides payments: %(who)s")
CALL_BACK_MISSED = gettext_noop("Call back: missed call from %(number)s")
REACH_THE_DECIDER = gettext_noop("Reach the person who decides payments")
# The stalling is the decider's own (they broke the promises, they keep asking to be called
# back): they have been reached, the next step is up (work's stalling banner says how).
ESCALATE_DECIDER_BREAKS_PROMISES = gettext_noop(
    "Escalate: the person who decides payments keeps breaking promises (%(who)s)"
)
ESCALATE_DECIDER_ASKS_CALL_BACKS = gettext_noop(
    "Escalate: the person who decides payments keeps asking to be called back (%(who)s)"
)
CALL_AGAIN = gettext_noop("Call again: %(title)s")
CALL_AGAIN_NO_ANSWER = gettext_noop("Call again (no answer): %(debtor)s")
# The task of the person a dispute is routed to, due on its deadline (`services.register_dispute`).
SETTLE_DISPUTE = gettext_noop("Settle the dispute of %(debtor)s")
STEPLESS_TITLES = (
    CALL_BACK_AS_ASKED,
    CALL_BACK_ABUSIVE,
    CALL_THE_DECIDER,
    CALL_BACK_MISSED,
    REACH_THE_DECIDER,
    ESCALATE_DECIDER_BREAKS_PROMISES,
    ESCALATE_DECIDER_ASKS_CALL_BACKS,
    CALL_AGAIN,
    CALL_AGAIN_NO_ANSWER,
    SETTLE_DISPUTE,
)


def _pattern(source: str) -> re.Pattern[str]:
    """What a title stored from `source` looks like: its words around one group per
    placeholder (an earlier value takes what it can: "Court hearing: A, case B, case 7" is
    debtor "A, case B", case "7")."""
    pieces = re.split(r"%\((\w+)\)s", source)
    return re.compile(
        "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<{piece}>.+)"
            for index, piece in enumerate(pieces)
        ),
        re.DOTALL,
    )


# Compiled once: each listed task's title is matched against them all (the worklist's 60 rows).
_STEPLESS_PATTERNS = [(source, _pattern(source)) for source in STEPLESS_TITLES]


def add_stepless_titles(*titles: str) -> None:
    """Titles another app gives the tasks it makes, read the same way (the legal app's
    deadlines, "Court hearing: %(debtor)s, case %(number)s", translated in its catalogue);
    registered from its AppConfig.ready(), since the ladder does not import it."""
    known = {source for source, _pattern_ in _STEPLESS_PATTERNS}
    _STEPLESS_PATTERNS.extend((title, _pattern(title)) for title in titles if title not in known)


def stepless_title(title: str) -> str:
    """`title` in the active language when it is one of `STEPLESS_TITLES`; any other (one a
    person wrote, one stored translated before) as it is."""
    for source, pattern in _STEPLESS_PATTERNS:
        found = pattern.fullmatch(title)
        if found is None:
            continue
        values = found.groupdict()
        if "title" in values:  # a retried task's own title: one of these, or kept as it is
            values["title"] = stepless_title(values["title"])
        return gettext(source) % values if values else gettext(source)
    return title


# A stepless title that names its debtor, as a list whose own column names the debtor reads
# it (`Task.title_beside_debtor`): "Call again (no answer): ACME" beside "ACME" read it twice.
CALL_AGAIN_NO_ANSWER_BESIDE = gettext_noop("Call again (no answer)")
SETTLE_DISPUTE_BESIDE = gettext_noop("Settle a dispute")  # the action's own name
_BESIDE_DEBTOR = [
    (_pattern(CALL_AGAIN_NO_ANSWER), CALL_AGAIN_NO_ANSWER_BESIDE),
    (_pattern(SETTLE_DISPUTE), SETTLE_DISPUTE_BESIDE),
]


def stepless_title_beside(title: str, debtor: str) -> str:
    """`title` without its debtor's name, in the active language, when it is a stepless title
    naming `debtor`; "" otherwise."""
    for pattern, beside in _BESIDE_DEBTOR:
        found = pattern.fullmatch(title)
        if found is not None and found.group("debtor") == debtor:
            return gettext(beside)
    return ""


# Results the app itself gives a done task (a person typed nothing): stored in English, the
# API's and the exports' words, shown in the reader's language. Placeholders as in the stepless
# titles ("%(file)s" the name of the file sent). Other apps add theirs from AppConfig.ready().
SHIPMENTS_STOPPED = gettext_noop("shipments stopped")
# The skip reason of a call the nightly run found not done in time and retried (read through
# `Task.localized_skip_reason`, as a result is).
CALL_MISSED_RETRIED = gettext_noop("missed: not done in time, retried")
# The skip reason of a reminder before the due date that the due date overtook (the run's
# `_drop_passed_reminders`).
REMINDER_TOO_LATE = gettext_noop("not done before the due date; the steps after it take over")
# The result of a dispute's tasks when the dispute is decided (`services.resolve_dispute`).
DISPUTE_SETTLED = gettext_noop("the dispute was settled")
DISPUTE_REJECTED = gettext_noop("the claim was rejected")
TASK_RESULTS: list[str] = [
    SHIPMENTS_STOPPED,
    CALL_MISSED_RETRIED,
    REMINDER_TOO_LATE,
    DISPUTE_SETTLED,
    DISPUTE_REJECTED,
]
_RESULT_PATTERNS: list[tuple[str, re.Pattern[str]]] = []


def add_task_results(*results: str) -> None:
    TASK_RESULTS.extend(result for result in results if result not in TASK_RESULTS)
    _RESULT_PATTERNS.clear()


def _result_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each result's English words and, for a result stored before it was kept in English (by
    a lawyer working in Romanian: "Pretenție trimisă"), its words in each catalogue."""
    if not _RESULT_PATTERNS:
        built: list[tuple[str, re.Pattern[str]]] = []
        for source in TASK_RESULTS:
            worded = {source}
            for language, _name in settings.LANGUAGES:
                with override(language):
                    worded.add(gettext(source))
            built.extend((source, _pattern(words)) for words in sorted(worded))
        _RESULT_PATTERNS[:] = built
    return _RESULT_PATTERNS


def localized_result(result: str) -> str:
    """`result` in the active language when it is one of `TASK_RESULTS` (in English or in the
    language of whoever did the task); any other, one a person typed, as it is."""
    for source, pattern in _result_patterns():
        found = pattern.fullmatch(result)
        if found is not None:
            return gettext(source) % found.groupdict() if found.groupdict() else gettext(source)
    return result


class PromiseStatus(models.TextChoices):
    # A promise's own words: "active" alone is Django's auth's masculine "активный"/"activ".
    ACTIVE = "active", pgettext_lazy("promise status", "active")
    KEPT = "kept", pgettext_lazy("promise status", "kept")
    BROKEN = "broken", pgettext_lazy("promise status", "broken")
    CANCELLED = "cancelled", pgettext_lazy("promise status", "cancelled")


class Promise(models.Model):
    """A promise to pay: pauses the ladder for its amount until date + grace (DESIGN §1.6)."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="promises",
        verbose_name=_("counterparty"),
    )
    documents = models.ManyToManyField(
        Document, related_name="promises", blank=True, verbose_name=_("documents")
    )
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    promised_date = models.DateField(_("promised date"))
    promised_by = models.CharField(_("who promised"), max_length=255, blank=True)
    promised_by_contact = models.CharField(_("contact"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    grace_days = models.PositiveIntegerField(_("grace, days"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.ACTIVE
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("promise to pay")
        verbose_name_plural = _("promises to pay")
        indexes = [models.Index(fields=["status", "promised_date"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} by {self.promised_date:%d.%m.%Y}"


class DisputeReason(models.TextChoices):
    QUALITY = "quality", _("quality")
    QUANTITY = "quantity", _("quantity")
    DOCUMENTS_MISSING = "documents_missing", _("documents missing")
    PRICE = "price", _("price")
    OTHER = "other", _("other")


class DisputeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("dispute", "open")
    RESOLVED = "resolved", _("resolved")
    REJECTED = "rejected", pgettext_lazy("dispute", "rejected")


class Dispute(models.Model):
    """A customer's claim: the disputed amount is held out of escalation (DESIGN §1.7)."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="disputes",
        verbose_name=_("counterparty"),
    )
    documents = models.ManyToManyField(
        Document, related_name="disputes", blank=True, verbose_name=_("documents")
    )
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices)
    amount = money_field(_("disputed amount"))
    currency = models.CharField(_("currency"), max_length=3)
    description = models.TextField(_("description"), blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    registered_at = models.DateTimeField(_("registered at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    # A claim accepted in part: the amount the company agreed to drop (a credit note will
    # come), held out of escalation after the dispute is settled until the ledger credits it
    # (`ladder.holds`); `accepted_billed` is what the documents it names (none: the debtor's
    # documents in its currency dated by then) were billed when it was accepted: the credit
    # note lowers it, a payment does not.
    accepted_amount = money_field(_("accepted amount"), null=True, blank=True)
    accepted_billed = money_field(_("billed when accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        indexes = [models.Index(fields=["status", "counterparty"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.amount} {self.currency}"


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("agreement status", "active")
    COMPLETED = "completed", pgettext_lazy("agreement status", "completed")
    BROKEN = "broken", pgettext_lazy("agreement status", "broken")
    CANCELLED = "cancelled", pgettext_lazy("agreement status", "cancelled")


class Agreement(models.Model):
    """A repayment schedule the debtor signed (DESIGN §1.8)."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("counterparty"),
    )
    signed_on = models.DateField(_("signed on"))
    total = money_field(_("total"))
    currency = models.CharField(_("currency"), max_length=3)
    good_relations_until = models.DateField(_("good relations until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("repayment agreement")
        verbose_name_plural = _("repayment agreements")

    def __str__(self) -> str:
        return f"{self.counterparty} {self.signed_on:%d.%m.%Y}"


class InstalmentStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    PAID = "paid", _("paid")
    MISSED = "missed", _("missed")


class AgreementInstalment(models.Model):
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.CASCADE,
        related_name="instalments",
        verbose_name=_("repayment agreement"),
    )
    due_date = models.DateField(_("due date"))
    amount = money_field(_("amount"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=InstalmentStatus.choices,
        default=InstalmentStatus.PENDING,
    )

    class Meta:
        verbose_name = _("agreement instalment")
        verbose_name_plural = _("agreement instalments")
        ordering = ["due_date"]

    def __str__(self) -> str:
        return f"{self.due_date:%d.%m.%Y} {self.amount}"


class LadderEvent(models.Model):
    """Something that fires the event steps of a counterparty's ladder (a broken promise, a
    resolved dispute …). `key` names its source, so the same event is never recorded twice;
    the daily run processes unprocessed events and marks them in the same transaction."""

    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="+", verbose_name=_("counterparty")
    )
    kind = models.CharField(_("event"), max_length=32, choices=Event.choices)
    occurred_on = models.DateField(_("occurred on"))
    key = models.CharField(max_length=120, unique=True, verbose_name=_("key"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("details"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("processed at"))

    class Meta:
        verbose_name = _("ladder event")
        verbose_name_plural = _("ladder events")
        indexes = [models.Index(fields=["processed_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on:%d.%m.%Y}"


class DailyRun(models.Model):
    """One morning's run (or one shard of it). Workers claim it with a conditional update."""

    as_of = models.DateField(_("as of"))
    shard = models.CharField(max_length=16, default="1/1", verbose_name=_("shard"))
    # The company whose morning this run is (its local date is `as_of`); empty for a run
    # started by hand for every company.
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("company"),
    )
    enqueued_at = models.DateTimeField(null=True, blank=True, verbose_name=_("queued at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "shard"], condition=Q(company=None), name="uniq_daily_run"
            ),
            models.UniqueConstraint(
                fields=["as_of", "shard", "company"],
                condition=Q(company__isnull=False),
                name="uniq_daily_run_company",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of:%Y-%m-%d} {self.shard}"
