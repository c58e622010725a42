"""One call record for every PBX: Asterisk's AMI events, the cloud providers' webhooks and the
collector's manual log are all normalised into `Call` by `services.record_event`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dunwell.ledger.models import Contact, Counterparty
from dunwell.telephony.storage import recording_storage


class Provider(models.TextChoices):
    ASTERISK = "asterisk", "Asterisk"
    ZADARMA = "zadarma", "Zadarma"
    MANGO = "mango", "Mango Office"
    TWILIO = "twilio", "Twilio"
    MANUAL = "manual", pgettext_lazy("telephony provider", "manual")


class Direction(models.TextChoices):
    INBOUND = "in", pgettext_lazy("call", "incoming")
    OUTBOUND = "out", pgettext_lazy("call", "outgoing")


class CallState(models.TextChoices):
    RINGING = "ringing", pgettext_lazy("call", "ringing")
    ANSWERED = "answered", pgettext_lazy("call", "answered")
    ENDED = "ended", pgettext_lazy("call", "ended")


class Disposition(models.TextChoices):
    ANSWERED = "answered", pgettext_lazy("call disposition", "answered")
    NO_ANSWER = "no_answer", pgettext_lazy("call disposition", "no answer")
    BUSY = "busy", pgettext_lazy("call disposition", "busy")
    FAILED = "failed", pgettext_lazy("call disposition", "failed")


class Call(models.Model):
    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    # The provider's key of the call: Asterisk's Linkedid, Zadarma's pbx_call_id, Mango's
    # entry_id, Twilio's CallSid.
    provider_call_id = models.CharField(_("provider's call id"), max_length=128)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=CallState.choices, default=CallState.RINGING
    )
    external_number = models.CharField(_("number (E.164)"), max_length=32, blank=True)
    extension = models.CharField(_("extension"), max_length=16, blank=True)
    line = models.CharField(_("line"), max_length=64, blank=True)
    counterparty = models.ForeignKey(
        Counterparty,
        verbose_name=_("debtor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    # The collector whose extension took or made the call.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    duration = models.PositiveIntegerField(_("talk time, seconds"), null=True, blank=True)
    disposition = models.CharField(
        _("disposition"), max_length=10, choices=Disposition.choices, blank=True
    )
    # Where the provider publishes the recording, and our copy once fetched.
    recording_url = models.URLField(_("recording address"), max_length=1000, blank=True)
    # Under the data directory, or in an S3-compatible bucket when configured (telephony.storage).
    recording = models.FileField(
        _("recording"), upload_to="recordings/%Y/%m/", blank=True, storage=recording_storage
    )
    recording_attempts = models.PositiveSmallIntegerField(default=0)
    recording_next_at = models.DateTimeField(null=True, blank=True)
    # Set when the worker deleted the recording past the retention period.
    recording_deleted_at = models.DateTimeField(_("recording deleted"), null=True, blank=True)
    # The outcome the collector recorded for this call (work.CallActivity's id; kept as a plain
    # id so that telephony does not depend on the workspace app).
    activity_id = models.PositiveIntegerField(null=True, blank=True)
    # The events as received (for support), newest last, capped.
    events = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["counterparty", "-started_at"]),
            models.Index(fields=["agent", "-started_at"]),
            models.Index(fields=["external_number"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_call_id"], name="uniq_call_provider_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.provider_call_id} {self.state}"


# --- Routing data (helper HOOKS, issue 12 part 4) -------------------------------------------
# Who takes an incoming call when the responsible collector cannot: the team's queue (one per
# supervisor), and the collectors' absences. Read by `telephony.routing`.


class TeamQueue(models.Model):
    """The PBX queue (or ring group) of a supervisor's team."""

    supervisor = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        on_delete=models.CASCADE,
        related_name="team_queue",
    )
    number = models.CharField(_("queue number"), max_length=32)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("team queue")
        verbose_name_plural = _("team queues")

    def __str__(self) -> str:
        return f"{self.name or self.number} ({self.number})"


class Absence(models.Model):
    """A collector away (holiday, sick leave): calls for their debtors go to the team queue.
    The days are the user's own calendar days (their time zone), both included."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collector"),
        on_delete=models.CASCADE,
        related_name="absences",
    )
    # Dates of a range: the bare "from"/"to" are an email's sender and recipient ("кому").
    starts_on = models.DateField(pgettext_lazy("date range", "from"))
    ends_on = models.DateField(pgettext_lazy("date range", "to"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["user", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="absence_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.starts_on}–{self.ends_on}"


class ScreenPop(models.Model):
    """One "a call is ringing at your extension" message for one user's open tabs; the event
    stream (`views.pop_stream`) reads a user's rows newer than the last id it sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="pops")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "id"])]

    def __str__(self) -> str:
        return f"pop {self.call_id} -> {self.user_id}"


class PopFollow(models.Model):
    """A supervisor who also receives the screen pops of their team's calls (listening in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pop_follow"
    )

    def __str__(self) -> str:
        return f"follows team pops: {self.user_id}"


# --- Secrets an administrator stored (helper STORE, issue 12) ---------------------------------


class ProviderSecret(models.Model):
    """A telephone exchange's key or secret entered by an administrator, sealed
    (`dunwell.secrets_box`); it takes precedence over the environment's value
    (`telephony.secrets.provider_secret`)."""

    # The setting (and environment variable) it stands for, e.g. DUNWELL_ZADARMA_SECRET.
    name = models.CharField(_("setting"), max_length=64, unique=True)
    sealed = models.TextField()
    updated_at = models.DateTimeField(_("changed"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("telephone exchange secret")
        verbose_name_plural = _("telephone exchange secrets")

    def __str__(self) -> str:
        return self.name  # never the value


class ProviderSecretChange(models.Model):
    """Who set or cleared which secret, and when (never the value)."""

    class Action(models.TextChoices):
        SET = "set", pgettext_lazy("secret change", "set")
        CLEARED = "cleared", pgettext_lazy("secret change", "cleared")

    name = models.CharField(_("setting"), max_length=64)
    action = models.CharField(_("change"), max_length=8, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("secret change")
        verbose_name_plural = _("secret changes")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.action} at {self.at:%Y-%m-%d %H:%M}"


# --- The route server's change counter (helper PHONES, issue 12) ------------------------------


class RoutingVersion(models.Model):
    """One row: a counter bumped after every committed change to what routing reads (contacts,
    debtors' collectors, users' extensions, absences, team queues, the routing token). The
    route server (`route_server.py`) polls it to know when to reload its in-memory table."""

    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"routing version {self.version}"
