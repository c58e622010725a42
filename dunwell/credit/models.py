"""Credit control (issue 13): written rules per segment, limits with their history, every
credit check with its answer, and the requests to pass an order over the rules.

The counterparty's credit limit lives here, in `CreditLimit` rows (one home, docs/credit.md):
each row is a decision with its source and reason, the latest one in force on a day applies,
so that a later credit committee sets limits with an audit trail by adding a row."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.models import Counterparty, Segment, money_field
from dunwell.telephony.storage import recording_storage


class BreachAction(models.TextChoices):
    NEEDS_APPROVAL = "needs_approval", pgettext_lazy("credit", "needs approval")
    DENY = "deny", _("deny")
    STOP_SHIPMENTS = "stop_shipments", _("deny and stop shipments")


class Decision(models.TextChoices):
    """The check's answer, read as a state ("ÎM VinNistru SRL: allowed"), not as the order to
    allow or deny that `BreachAction` names: its own context keeps the two apart."""

    ALLOW = "allow", pgettext_lazy("credit verdict", "allowed")
    NEEDS_APPROVAL = "needs_approval", pgettext_lazy("credit verdict", "needs approval")
    DENY = "deny", pgettext_lazy("credit verdict", "denied")


class CreditRuleSet(models.Model):
    """One version of the written credit rules of a segment (or the default for segments
    without their own). A change is a new version; old versions stay for the record."""

    segment = models.ForeignKey(
        Segment,
        verbose_name=_("segment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the rules of every segment that has none of its own."),
    )
    version = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    min_relationship_days = models.PositiveIntegerField(
        _("minimum relationship age, days"), default=0
    )
    history_months = models.PositiveIntegerField(_("payment history looked at, months"), default=12)
    max_days_overdue = models.PositiveIntegerField(
        _("maximum days overdue in that history"), null=True, blank=True
    )
    no_open_legal_case = models.BooleanField(_("no open legal case"), default=True)
    max_broken_promises = models.PositiveIntegerField(
        _("maximum broken promises"), null=True, blank=True
    )
    broken_promises_days = models.PositiveIntegerField(
        _("broken promises counted over, days"), default=60
    )
    overdue_beyond_days = models.PositiveIntegerField(
        _("overdue beyond, days (exposure component)"), default=30
    )
    default_limit = money_field(_("default limit"), null=True, blank=True)
    limit_currency = models.CharField(_("limit currency"), max_length=3)
    default_term_days = models.PositiveIntegerField(_("default payment term, days"), default=30)
    new_customer_days = models.PositiveIntegerField(_("a customer is new for, days"), default=90)
    new_customer_prepayment_percent = models.DecimalField(
        _("prepayment for new customers, %"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    breach_action = models.CharField(
        _("on a breach"),
        max_length=16,
        choices=BreachAction.choices,
        default=BreachAction.NEEDS_APPROVAL,
    )
    notes = models.TextField(_("further conditions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("credit rules")
        verbose_name_plural = _("credit rules")
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "version"],
                condition=Q(segment__isnull=False),
                name="uniq_credit_rules_segment_version",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=Q(segment__isnull=True),
                name="uniq_credit_rules_default_version",
            ),
        ]
        indexes = [models.Index(fields=["segment", "-effective_from"])]

    def __str__(self) -> str:
        scope = (
            self.segment.localized_name
            if self.segment
            else str(pgettext_lazy("credit rules", "default"))
        )
        return f"{scope} v{self.version}"


class LimitSource(models.TextChoices):
    MANUAL = "manual", _("set by hand")
    COMMITTEE = "committee", _("credit committee")
    IMPORT = "import", _("accounting")


class CreditLimit(models.Model):
    """A counterparty's credit limit from `valid_from` on, total and per exposure component
    (empty: no limit on that component). Rows are never changed, only added."""

    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="credit_limits",
        verbose_name=_("counterparty"),
    )
    currency = models.CharField(_("currency"), max_length=3)
    total = money_field(_("total limit"), null=True, blank=True)
    open_not_due = money_field(_("limit on open, not yet due"), null=True, blank=True)
    overdue = money_field(_("limit on overdue"), null=True, blank=True)
    orders_confirmed = money_field(_("limit on confirmed orders"), null=True, blank=True)
    orders_shipped = money_field(_("limit on shipped, not invoiced"), null=True, blank=True)
    valid_from = models.DateField(pgettext_lazy("credit limit", "valid from"))
    review_on = models.DateField(_("review on"), null=True, blank=True)
    # The payment term granted with the limit (a committee decides both); empty: the rules'.
    term_days = models.PositiveIntegerField(_("payment term, days"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=LimitSource.choices, default=LimitSource.MANUAL
    )
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("credit limit")
        verbose_name_plural = _("credit limits")
        indexes = [
            models.Index(fields=["counterparty", "-valid_from", "-id"]),
            # The worker looks for limits whose review date has come (committee.file_due_reviews).
            models.Index(fields=["review_on"], name="credit_limit_review_on"),
        ]

    def __str__(self) -> str:
        return f"{self.total} {self.currency} ({self.valid_from:%d.%m.%Y})"

    @property
    def localized_reason(self) -> str:
        """The reason in the active language (a committee's worded, a person's as typed)."""
        return limit_reason_text(self.reason, self.source)


# A committee's limit names its meeting and request in a reason stored in English (the API,
# the admin and an export read it so) and worded in each reader's language on display; the
# chair's conditions after it stay as the chair typed them.
_COMMITTEE_REASON = re.compile(
    r"Credit committee of (\d{2})\.(\d{2})\.(\d{4}), request #(\d+)(?:: (.*))?\Z", re.DOTALL
)


def committee_limit_reason(day: date, request: int, conditions: str) -> str:
    """The stored reason of a limit the credit committee of `day` decided on `request`."""
    reason = f"Credit committee of {day:%d.%m.%Y}, request #{request}"
    return f"{reason}: {conditions}" if conditions else reason


def limit_reason_text(reason: str, source: str) -> str:
    """A limit's `reason` in the active language: one `committee_limit_reason` wrote is worded
    anew, any other (typed by a person, or from accounting) is read as it is."""
    found = _COMMITTEE_REASON.match(reason) if source == LimitSource.COMMITTEE else None
    if found is None:
        return reason
    day, month, year, request, conditions = found.groups()
    try:
        values = {"day": date_format(date(int(year), int(month), int(day)), "SHORT_DATE_FORMAT")}
    except ValueError:
        return reason
    values |= {"n": request, "conditions": conditions or ""}
    if conditions:
        return gettext("Credit committee of %(day)s, limit request #%(n)s: %(conditions)s") % values
    return gettext("Credit committee of %(day)s, limit request #%(n)s") % values


class Channel(models.TextChoices):
    API = "api", _("API")
    PAGE = "page", _("page")
    CLI = "cli", _("command line")


class CreditCheck(models.Model):
    """One credit check and its answer, as it was given (reasons are stored as codes with
    their numbers, so that each reader reads them in their own language)."""

    # Its reads start with the counterparty: the index below serves them (no index of its own).
    counterparty = models.ForeignKey(
        Counterparty,
        on_delete=models.CASCADE,
        related_name="credit_checks",
        db_index=False,
        verbose_name=_("counterparty"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("asked by"),
    )
    channel = models.CharField(_("asked through"), max_length=4, choices=Channel.choices)
    order_ref = models.CharField(_("order"), max_length=64, blank=True)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    checked_on = models.DateField(_("as of"))
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    exposure = models.JSONField(_("exposure"), default=dict)
    rule_set = models.ForeignKey(
        CreditRuleSet,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("credit rules"),
    )
    created_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        indexes = [models.Index(fields=["counterparty", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.order_ref or '#' + str(self.pk)}: {self.decision}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("waiting for a decision")
    APPROVED = "approved", pgettext_lazy("credit", "approved")
    REJECTED = "rejected", pgettext_lazy("credit", "rejected")


class ApprovalKind(models.TextChoices):
    """What a request asks: to pass an order over the rules, or to let one order through a
    stop of the customer's shipments (the stop stays for every other order)."""

    ORDER = "order", _("order over the rules")
    STOP_EXCEPTION = "stop_exception", _("exception to the stop of shipments")


class CreditApprovalRequest(models.Model):
    """An order the rules did not let through, waiting for a credit controller or the director.
    An approval holds until `expires_on` for this order and at most this amount. A
    `STOP_EXCEPTION` is asked by the sales manager, with `request_reason`, for one order of a
    customer whose shipments are stopped; approved, it lets that order through the stop too."""

    credit_check = models.OneToOneField(
        CreditCheck,
        on_delete=models.CASCADE,
        related_name="approval_request",
        verbose_name=_("credit check"),
    )
    counterparty = models.ForeignKey(  # served by the (counterparty, order_ref) index
        Counterparty,
        on_delete=models.CASCADE,
        related_name="credit_approval_requests",
        db_index=False,
        verbose_name=_("counterparty"),
    )
    order_ref = models.CharField(_("order"), max_length=64, blank=True)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    reasons = models.JSONField(_("reasons"), default=list)
    kind = models.CharField(
        _("request"), max_length=16, choices=ApprovalKind.choices, default=ApprovalKind.ORDER
    )
    request_reason = models.TextField(_("why the exception is asked"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(pgettext_lazy("request", "requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(pgettext_lazy("request", "decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit approval request")
        verbose_name_plural = _("credit approval requests")
        indexes = [
            models.Index(fields=["counterparty", "order_ref"]),
            models.Index(fields=["status", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.order_ref or '#' + str(self.pk)} {self.status}"

    def in_force(self, on: date) -> bool:
        """Approved and not yet expired on `on`."""
        return self.status == ApprovalStatus.APPROVED and (
            self.expires_on is None or on <= self.expires_on
        )

    @property
    def is_stop_exception(self) -> bool:
        return self.kind == ApprovalKind.STOP_EXCEPTION


class RuleAcknowledgement(models.Model):
    """A sales manager read this version of the rules (recorded once)."""

    rule_set = models.ForeignKey(
        CreditRuleSet,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("credit rules"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"))

    class Meta:
        verbose_name = _("acknowledgement of the credit rules")
        verbose_name_plural = _("acknowledgements of the credit rules")
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "user"], name="uniq_rules_acknowledged")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.rule_set}"


# --- the credit committee (issue 13, item 5) -------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    CLOSED = "closed", pgettext_lazy("committee meeting", "closed")


class CommitteeMeeting(models.Model):
    """A meeting of the credit committee: its agenda is the limit requests put on it."""

    day = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        related_name="chaired_credit_committees",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members"),
        related_name="credit_committees",
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=8, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit committee meeting")
        verbose_name_plural = _("credit committee meetings")
        indexes = [models.Index(fields=["status", "day"])]

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"


class RequestKind(models.TextChoices):
    NEW_LIMIT = "new_limit", _("new limit")
    CHANGE_LIMIT = "change_limit", _("changed limit")
    CHANGE_TERM = "change_term", _("changed payment term")
    REVIEW = "review", _("review of the limit")


class RequestStatus(models.TextChoices):
    FILED = "filed", _("filed")
    ON_AGENDA = "on_agenda", _("on the agenda")
    DECIDED = "decided", _("decided")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_REQUEST_STATUSES = (RequestStatus.FILED, RequestStatus.ON_AGENDA)


class LimitRequest(models.Model):
    """A request to the credit committee for a new or changed limit or payment term, with its
    justification; once on a meeting's agenda the members vote and the chair decides. A
    customer has at most one open request (filed or on an agenda)."""

    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="limit_requests"
    )
    kind = models.CharField(_("request"), max_length=16, choices=RequestKind.choices)
    currency = models.CharField(_("currency"), max_length=3)
    requested_limit = money_field(_("requested limit"), null=True, blank=True)
    requested_term_days = models.PositiveIntegerField(
        _("requested payment term, days"), null=True, blank=True
    )
    justification = models.TextField(_("justification"), blank=True)
    order_ref = models.CharField(_("order"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"))
    # A review filed by the worker: the limit whose review date came.
    review_of = models.ForeignKey(
        CreditLimit, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    meeting = models.ForeignKey(
        CommitteeMeeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    decided_limit = money_field(_("decided limit"), null=True, blank=True)
    decided_term_days = models.PositiveIntegerField(
        _("decided payment term, days"), null=True, blank=True
    )
    conditions = models.TextField(_("conditions"), blank=True)
    review_on = models.DateField(_("review on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(pgettext_lazy("request", "decided at"), null=True, blank=True)
    applied_limit = models.OneToOneField(
        CreditLimit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="committee_request",
    )

    class Meta:
        verbose_name = _("limit request")
        verbose_name_plural = _("limit requests")
        constraints = [
            models.UniqueConstraint(
                fields=["counterparty"],
                condition=Q(status__in=["filed", "on_agenda"]),
                name="uniq_open_limit_request",
            )
        ]
        indexes = [models.Index(fields=["status", "filed_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class Vote(models.TextChoices):
    APPROVE = "approve", _("approve")
    REJECT = "reject", _("reject")
    ABSTAIN = "abstain", _("abstain")


class CommitteeVote(models.Model):
    """A member's vote on one agenda item (a member may change it until the chair decides)."""

    request = models.ForeignKey(LimitRequest, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    vote = models.CharField(_("vote"), max_length=8, choices=Vote.choices)
    comment = models.TextField(_("comment"), blank=True)
    voted_at = models.DateTimeField(_("voted at"))

    class Meta:
        verbose_name = _("committee vote")
        verbose_name_plural = _("committee votes")
        constraints = [
            models.UniqueConstraint(fields=["request", "member"], name="uniq_committee_vote")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.vote}"


# --- recorded negotiation (issue 13, item 6) -------------------------------------------------


class Negotiation(models.Model):
    """What was agreed with the customer for a limit request or an order over the limit: the
    payment terms, and the call recording (uploaded, or a recorded telephony call) or notes."""

    limit_request = models.OneToOneField(
        LimitRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="negotiation"
    )
    approval_request = models.OneToOneField(
        CreditApprovalRequest,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="negotiation",
    )
    agreed_term_days = models.PositiveIntegerField(
        _("agreed payment term, days"), null=True, blank=True
    )
    agreed_schedule = models.TextField(_("agreed payment schedule"), blank=True)
    notes = models.TextField(_("notes of the negotiation"), blank=True)
    recording = models.FileField(
        _("recording"),
        upload_to="negotiations/%Y/%m/",
        blank=True,
        storage=recording_storage,
    )
    call = models.ForeignKey(
        "telephony.Call",
        verbose_name=_("recorded call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("recorded negotiation")
        verbose_name_plural = _("recorded negotiations")
        constraints = [
            models.CheckConstraint(
                condition=Q(limit_request__isnull=False, approval_request__isnull=True)
                | Q(limit_request__isnull=True, approval_request__isnull=False),
                name="negotiation_of_one_request",
            )
        ]

    def __str__(self) -> str:
        return f"negotiation #{self.pk}"

    @property
    def counterparty_id(self) -> int:
        owner = self.limit_request or self.approval_request
        assert owner is not None
        return owner.counterparty_id
