"""A 1C connection, its sync log and what each 1C record looked like when last read."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dunwell.ledger.models import Company
from dunwell.onec.presets import PRESETS


class Connection(models.Model):
    """An infobase Dunwell reads (docs/integrations.md, "1C"). The password is sealed
    (dunwell.secrets_box, purpose "onec.password"); runs of `dunwell sync-1c` have a connection
    too, with no password stored."""

    class Schedule(models.TextChoices):
        MANUAL = "manual", _("only when asked")
        EVERY = "every", _("every N minutes")
        DAILY = "daily", _("daily at a time")

    # Checked by odata.odata_root: intranet hosts without a dot ("http://srv1c/trade") are
    # common, and URLField would refuse them.
    url = models.CharField(_("infobase address"), max_length=500)
    username = models.CharField(_("1C user"), max_length=150)
    password_sealed = models.TextField(blank=True)
    preset = models.CharField(
        _("configuration"), max_length=8, choices=[(p.name, p.label) for p in PRESETS.values()]
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, verbose_name=_("company"))
    schedule = models.CharField(
        _("schedule"), max_length=8, choices=Schedule.choices, default=Schedule.MANUAL
    )
    every_minutes = models.PositiveIntegerField(_("every (minutes)"), default=60)
    daily_at = models.TimeField(_("daily at"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    from_command = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("1C connection")
        verbose_name_plural = _("1C connections")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.url} ({self.username})"

    def is_due(self, now: datetime, last_start: datetime | None) -> bool:
        """Whether the schedule asks for a sync at `now`, given when the last one started."""
        if not self.enabled or self.schedule == self.Schedule.MANUAL:
            return False
        if self.schedule == self.Schedule.EVERY:
            minutes = max(self.every_minutes, 1)
            return last_start is None or now - last_start >= timedelta(minutes=minutes)
        if self.daily_at is None:
            return False
        zone = ZoneInfo(self.company.time_zone or "UTC")
        local = now.astimezone(zone)
        slot = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if local < slot:
            return False
        return last_start is None or last_start < slot


class SyncRun(models.Model):
    """One sync of a connection: when, how it ended, and per entity what was read/changed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("by hand")
        SCHEDULE = "schedule", _("on schedule")
        COMMAND = "command", _("command line")

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.MANUAL)
    since = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # {entity key: {"read": n, "changed": n, "cancelled": n}}, in load order.
    stats = models.JSONField(default=dict, blank=True)
    # Why it failed: a code and its parameters (messages.py), worded for the reader
    # (`error_text`); an error kept as text before is shown as it was.
    error = models.TextField(blank=True)
    # What was loaded differently from 1C, and why (a tax id that is not valid, left empty):
    # codes and parameters like `error`, worded for the reader (`notes_text`).
    notes = models.JSONField(default=list, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("1C sync")
        verbose_name_plural = _("1C syncs")
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.connection_id}#{self.pk} {self.status}"

    def error_text(self) -> str:
        """Why it failed, in the active language (the reader's)."""
        from dunwell.onec.messages import stored_error

        return stored_error(self.error)

    def notes_text(self) -> list[str]:
        """The notes in the active language (the reader's); notes kept as text before as
        they were."""
        from dunwell.onec.messages import stored_error

        return [stored_error(str(note)) for note in self.notes]


class RecordVersion(models.Model):
    """The DataVersion of a 1C record when Dunwell last read it: a record whose DataVersion is
    unchanged is not sent to the ledger again. `loaded` says whether the ledger has it (an
    unposted document that was never posted has not); `data` keeps what later records need
    (a contract's currency) and the rows last sent for a payment
    (its breakdown lines), so that a line that disappears can be cancelled."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="+")
    entity_set = models.CharField(max_length=128)
    ref = models.CharField(max_length=36)
    version = models.CharField(max_length=64)
    loaded = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity_set", "ref"], name="onec_record_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_set} {self.ref} {self.version}"
