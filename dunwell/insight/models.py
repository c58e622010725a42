"""Saved settings of the reports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dunwell.insight.buckets import DEFAULT_EDGES, BucketError, parse_edges
from dunwell.processcache import Kept


def validate_edges_text(value: str) -> None:
    try:
        parse_edges(value)
    except BucketError:
        raise ValidationError(
            _("Enter increasing whole numbers of days separated by commas, e.g. 30,60,90,180.")
        ) from None


class AgingBuckets(models.Model):
    """The company-wide aging buckets (DESIGN §1.13: configurable). The most recently saved
    row is used; reports may override it per request."""

    edges = models.CharField(
        _("bucket edges, days past due"),
        max_length=100,
        default=",".join(str(edge) for edge in DEFAULT_EDGES),
        validators=[validate_edges_text],
        help_text=_("30,60,90,180 gives current, 1–30, 31–60, 61–90, 91–180 and 180+."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Who saved them (from the aging page); each save adds a row, so the rows are the history.
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aging buckets")
        verbose_name_plural = _("aging buckets")

    def __str__(self) -> str:
        return self.edges


def latest_buckets() -> AgingBuckets | None:
    """The most recently saved company buckets (with who saved them), or None."""
    return AgingBuckets.objects.select_related("saved_by").order_by("-updated_at", "-id").first()


def edges_of(row: AgingBuckets | None) -> tuple[int, ...]:
    if row is None:
        return DEFAULT_EDGES
    try:
        return parse_edges(row.edges)
    except BucketError:
        return DEFAULT_EDGES


# The debtor list and the card read the edges on every request: kept a few seconds per
# process (dunwell.processcache). A save in this process, through the aging page or the admin,
# applies at once (`forget_saved_edges`, a signal connected in insight/apps.py); the other
# processes see it within EDGES_KEPT_SECONDS.
EDGES_KEPT_SECONDS = 5
_edges: Kept[str, tuple[int, ...]] = Kept(EDGES_KEPT_SECONDS, size=1)


def saved_edges() -> tuple[int, ...]:
    """The company's bucket edges (the one home of them: the aging report, the KPIs, the
    debtor list and the debtor card), or the defaults when none are saved."""
    return _edges.get(
        "edges", lambda: edges_of(AgingBuckets.objects.order_by("-updated_at", "-id").first())
    )


def forget_saved_edges(*args: object, **kwargs: object) -> None:
    _edges.forget()


def save_company_edges(edges: tuple[int, ...], user: Any) -> AgingBuckets:
    """A new row: the company's buckets from now on, and who set them when (the audit)."""
    return AgingBuckets.objects.create(edges=",".join(map(str, edges)), saved_by=user)


class DocumentPrediction(models.Model):
    """The latest payment prediction of an open document (`predict score`, and the worker
    daily): the probability it is paid late, its expected payment day and the features that
    pushed the probability up most (docs/metrics.md, "Top factors"). Read by the debtor card
    and the worklist priority; replaced whole by each scoring run."""

    document = models.OneToOneField(
        "ledger.Document", on_delete=models.CASCADE, primary_key=True, related_name="prediction"
    )
    counterparty = models.ForeignKey(
        "ledger.Counterparty", on_delete=models.CASCADE, related_name="+"
    )
    late_probability = models.FloatField(_("probability of paying late"))
    expected_payment = models.DateField(_("expected payment"))
    # [[feature, contribution], ...]: the largest first; contributions in log-odds.
    factors = models.JSONField(_("top factors"), default=list)
    model_version = models.PositiveIntegerField(_("model version"))
    scored_on = models.DateField(_("scored on"))

    class Meta:
        verbose_name = _("payment prediction")
        verbose_name_plural = _("payment predictions")
        indexes = [models.Index(fields=["counterparty", "late_probability"])]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.late_probability:.2f}"


class ForecastBand(models.Model):
    """What the cash forecast keeps for a few hours (insight/forecast.py, `_kept`): its band
    errors (six past forecasts rebuilt) and its late-payment curves (a year of month-ends).
    Keyed by what, the day, the user and the ledger's state (`forecast.ledger_state`)."""

    key = models.CharField(max_length=200, unique=True)
    errors = models.JSONField(default=dict)
    computed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("forecast band")
        verbose_name_plural = _("forecast bands")

    def __str__(self) -> str:
        return self.key


class KpiSnapshotMonth(models.Model):
    """A closed month-end whose KPI snapshot rows are written (insight/snapshots.py), with the
    bucket edges they were bucketed by; a report asking for other edges reads it live."""

    month_end = models.DateField(unique=True)
    edges = models.CharField(max_length=100)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month_end} ({self.edges})"


class KpiSnapshot(models.Model):
    """What the KPI reports need of one closed month-end, per counterparty, company, currency,
    aging bucket on that day and bucket on the month-end before (-1: not yet issued then):
    the documents open, their open amount and the part of it paid within 30, 90, 180 and 365
    days after the month-end, in cents (docs/metrics.md, "Snapshots"). Rows without a
    counterparty are the month's totals per company, currency and bucket pair, read by the
    reports over everything (a finance or director user, the command, the benchmark)."""

    month_end = models.DateField()
    counterparty = models.ForeignKey(
        "ledger.Counterparty",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        null=True,
    )
    company_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    bucket = models.SmallIntegerField()
    previous_bucket = models.SmallIntegerField()
    documents = models.IntegerField()
    open_cents = models.BigIntegerField()
    paid_1 = models.BigIntegerField()
    paid_2 = models.BigIntegerField()
    paid_3 = models.BigIntegerField()
    paid_4 = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["month_end", "counterparty"]),
            models.Index(fields=["counterparty"]),
        ]

    def __str__(self) -> str:
        return f"{self.month_end} {self.counterparty_id} {self.currency} {self.bucket}"


class KpiStale(models.Model):
    """A counterparty whose ledger changed (its allocations were recomputed) since the KPI
    snapshots were written: the reports compute it live until the next refresh rewrites its
    rows and deletes the mark."""

    counterparty_id = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return str(self.counterparty_id)


class LedgerChange(models.Model):
    """One row per reallocation of the ledger (written in its transaction by the reallocation
    hook): the newest id a reader sees tells whether payments or open amounts changed since
    something was kept (the forecast's curves and band). An insert blocks no other writer,
    and a change not yet committed is not seen: nothing is kept under a state the reader
    cannot see. The rows are pruned when there are 10,000 (`forecast.LEDGER_CHANGES_KEPT`)."""

    id = models.BigAutoField(primary_key=True)

    class Meta:
        verbose_name = _("ledger change")
        verbose_name_plural = _("ledger changes")

    def __str__(self) -> str:
        return str(self.pk)
