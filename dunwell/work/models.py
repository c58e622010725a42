"""The collector's workspace: call scripts, call activities and their outcomes, stalling
alerts, reassignments, negotiation meetings, in-app notifications and calendar feed tokens.

Promises, disputes, agreements and tasks belong to the ladder app; the workspace records them
through the ladder's services and keeps here only what the collector's day needs on top.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.ledger.models import Contact, Counterparty


class Situation(models.TextChoices):
    FIRST_CALL = "first_call", _("First call")
    REPEAT_CALL = "repeat_call", _("Repeat call")
    AFTER_BROKEN_PROMISE = "after_broken_promise", _("After a broken promise")
    AFTER_DISPUTE_RESOLVED = "after_dispute_resolved", _("After a resolved dispute")
    DECISION_MAKER = "decision_maker", _("Talking to the decision-maker")
    # Nothing is overdue yet (a reminder call before the due date): the only situation offered
    # then, and never while something is overdue (every other script speaks of overdue debt).
    BEFORE_DUE = "before_due", _("Reminder before the due date")


class CallScript(models.Model):
    """What to say in a situation, in one language. Placeholders in braces ({debtor},
    {overdue}, {disputed}, {total}, {oldest_document}, {due_date}, {days_overdue},
    {days_late}, {collector}, {company}, {contact}) are filled on the call card: {overdue} is
    the overdue debt asked for, less what open disputes hold (as the letters ask), {disputed}
    what they hold; {days_late} is the days overdue with their word in the debtor's language
    ("34 de zile", "34 дня"), {days_overdue} the bare number."""

    situation = models.CharField(_("situation"), max_length=32, choices=Situation.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        ordering = ["situation", "language"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "language"], name="uniq_call_script")
        ]

    def __str__(self) -> str:
        return f"{self.get_situation_display()} ({self.language})"


class Outcome(models.TextChoices):
    PROMISE = "promise", _("Promise to pay")
    DISPUTE = "dispute", _("Dispute")
    CALL_BACK = "call_back", _("Call back")
    WRONG_PERSON = "wrong_person", _("Wrong person")
    NO_ANSWER = "no_answer", _("No answer")
    REFUSED = "refused", _("Refused")
    ABUSIVE = "abusive", _("Abusive")


def outcome_result(outcome: str) -> str:
    """The outcome's words as the result of the task it closes: in English whoever records it
    (the webhooks' and the API's words), read in the reader's language through
    `ladder.models.localized_result` (registered in timeline_texts)."""
    with translation.override(None):
        return str(Outcome(outcome).label)


class CallActivity(models.Model):
    """One contact attempt and its outcome (DESIGN §1.6), with an optional recording."""

    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="call_activities"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    recording = models.FileField(_("recording"), upload_to="calls/%Y/%m/", blank=True)
    call_back_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["counterparty", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"


class StallingAlert(models.Model):
    """The counterparty is stalling (DESIGN §1.5): repeated call-backs without a promise, or
    repeated broken promises. Open while `closed_at` is empty; one open alert per debtor."""

    class Reason(models.TextChoices):
        CALL_BACKS = "call_backs", _("Repeated call-backs without a promise")
        BROKEN_PROMISES = "broken_promises", _("Repeated broken promises")

    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="stalling_alerts"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    count = models.PositiveIntegerField(_("count"))
    detected_at = models.DateTimeField(_("detected"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("stalling alert")
        verbose_name_plural = _("stalling alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["counterparty"],
                condition=models.Q(closed_at__isnull=True),
                name="uniq_open_stalling_alert",
            )
        ]

    def __str__(self) -> str:
        return f"{self.counterparty_id} {self.reason}"


class Reassignment(models.Model):
    """A change of the responsible collector (fresh eyes, DESIGN §1.9); history is kept."""

    counterparty = models.ForeignKey(
        Counterparty, on_delete=models.CASCADE, related_name="reassignments"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("reassignment")
        verbose_name_plural = _("reassignments")
        ordering = ["-at"]
        indexes = [models.Index(fields=["counterparty", "-at"])]

    def __str__(self) -> str:
        return f"{self.counterparty_id} {self.from_user_id}->{self.to_user_id}"


class Meeting(models.Model):
    """A negotiation meeting (DESIGN §1.8): preparation checklist, then the protocol."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="+")
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration, minutes"), default=60)
    place = models.CharField(_("place"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # Preparation checklist: each item ticked plus free notes.
    authority_checked = models.BooleanField(
        _("their negotiator's authority checked"), default=False
    )
    history_reviewed = models.BooleanField(_("payment history reviewed"), default=False)
    documents_copied = models.BooleanField(_("copies of documents prepared"), default=False)
    economic_situation = models.TextField(_("the debtor's economic situation"), blank=True)
    ideal_terms = models.TextField(_("ideal repayment terms"), blank=True)
    acceptable_terms = models.TextField(_("acceptable repayment terms"), blank=True)
    questions = models.TextField(_("questions to ask"), blank=True)
    protocol = models.TextField(_("protocol"), blank=True)
    good_relations_until = models.DateField(
        _("good relations until"),
        null=True,
        blank=True,
        help_text=_("After this date a final warning is sent and the case goes to the lawyers."),
    )
    # The schedules signed at this meeting: they take its good-relations date, then and
    # whenever the meeting is saved with another.
    agreements = models.ManyToManyField(
        "ladder.Agreement", blank=True, related_name="+", verbose_name=_("repayment agreements")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("negotiation meeting")
        verbose_name_plural = _("negotiation meetings")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.counterparty_id} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def checklist_done(self) -> int:
        items = [
            self.authority_checked,
            self.history_reviewed,
            self.documents_copied,
            bool(self.economic_situation.strip()),
            bool(self.ideal_terms.strip()),
            bool(self.acceptable_terms.strip()),
            bool(self.questions.strip()),
        ]
        return sum(items)


class Notification(models.Model):
    """A message inside the app. It is rendered when it is created in every language the app
    speaks (`texts`), so the reader reads it in the language of the page, also after switching
    language; `message` is the text in the recipient's language of that moment (the fallback
    for rows made before `texts`)."""

    class Kind(models.TextChoices):
        OVERDUE_DAY_ONE = "overdue_day_one", _("Task overdue")
        STALLING = "stalling", _("Stalling")
        REASSIGNED = "reassigned", _("Reassignment")
        APPROVAL = "approval", _("Approval waiting")
        # The approver's answer (a ladder step, a grace): approved or refused, and why.
        DECISION = "decision", _("Decision")
        # Credit speaks of its own decisions (ru "одобрение", uk "схвалення"): an order waiting
        # for a credit decision or decided, and the committee's decision on a limit.
        CREDIT_APPROVAL = "credit_approval", _("Credit approval")
        CREDIT_COMMITTEE = "credit_committee", _("Credit committee")
        DISPUTE = "dispute", _("Dispute")
        PAYMENT_MISSED = "payment_missed", _("Payment missed")
        EMAIL_REFUSED = "email_refused", _("Email refused")
        MAIL_RECEIVED = "mail_received", _("Mail received")
        OTHER = "other", _("Other")

    # Served by the (recipient, read_at) index and the unique (recipient, key) one.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    counterparty = models.ForeignKey(
        Counterparty, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"))
    # {language code: text}, one entry per settings.LANGUAGES.
    texts = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Makes a notification idempotent: the same key for the same recipient is stored once.
    key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="uniq_notification_key",
            )
        ]

    def __str__(self) -> str:
        return self.message[:60]

    def text(self, language: str | None = None) -> str:
        """The message in `language` (default: the active one, the page's)."""
        code = language or translation.get_language() or ""
        return self.texts.get(code) or self.texts.get(code.split("-")[0]) or self.message


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a user's iCal feed URL; revoking it kills every subscribed copy."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return f"{self.user_id} {'revoked' if self.revoked_at else 'active'}"


class TaskAttachment(models.Model):
    """The file of a written step (letter, email) as it was sent: attached when the collector
    marks the task "sent by hand"; the mail channel will attach what it sends here too."""

    class Method(models.TextChoices):
        BY_HAND = "by_hand", _("Sent by hand")
        EMAIL = "email", _("Sent by email")
        POST = "post", _("Printed for post")

    task = models.ForeignKey("ladder.Task", on_delete=models.CASCADE, related_name="attachments")
    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to="tasks/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size, bytes"))
    method = models.CharField(
        _("how it was sent"), max_length=16, choices=Method.choices, default=Method.BY_HAND
    )
    note = models.TextField(_("note"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("task attachment")
        verbose_name_plural = _("task attachments")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


# A note is read on the card between calls: a long text belongs in a letter or a document.
NOTE_MAX_LENGTH = 2000


class Note(models.Model):
    """A free note on a debtor (issue 16, item 4). Pinned notes stand at the top of the card;
    the timeline shows every note through the "work.note" entry written with it."""

    counterparty = models.ForeignKey(Counterparty, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    pinned = models.BooleanField(_("pinned"), default=False)
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"))
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["counterparty", "pinned"])]

    def __str__(self) -> str:
        return self.text[:60]


class CardPreference(models.Model):
    """What a user last chose on the debtor card, remembered for the next card they open:
    the timeline filter (a key of selectors.TIMELINE_FILTERS, "" for everything)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_preference"
    )
    timeline_filter = models.CharField(_("timeline filter"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("debtor card preference")
        verbose_name_plural = _("debtor card preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.timeline_filter or '*'}"


class SavedView(models.Model):
    """A named debtor-list view (its filters and sort, as the list's query string): a user's own,
    or shared by a supervisor with their team (issue 16, item 2). Only its owner changes it."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("saved view", "owner"),
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=80)
    query = models.CharField(_("filters and sort"), max_length=1000, blank=True)
    shared = models.BooleanField(_("shared with my team"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="uniq_saved_view_name")
        ]

    def __str__(self) -> str:
        return self.name


class DebtorListPreference(models.Model):
    """The view a user's debtor list opens with (their own or one shared with them)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="debtor_list_preference"
    )
    default_view = models.ForeignKey(
        SavedView, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("debtor list preference")
        verbose_name_plural = _("debtor list preferences")

    def __str__(self) -> str:
        return f"{self.user}: {self.default_view or '*'}"
