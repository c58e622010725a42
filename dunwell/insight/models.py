"""Saved settings of the reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dunwell.insight.buckets import DEFAULT_EDGES, BucketError, parse_edges


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

    class Meta:
        verbose_name = _("aging buckets")
        verbose_name_plural = _("aging buckets")

    def __str__(self) -> str:
        return self.edges


def saved_edges() -> tuple[int, ...]:
    """The saved bucket edges, or the defaults when none are saved."""
    row = AgingBuckets.objects.order_by("-updated_at", "-id").first()
    if row is None:
        return DEFAULT_EDGES
    try:
        return parse_edges(row.edges)
    except BucketError:
        return DEFAULT_EDGES


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
    """The cash forecast's band errors, kept for a few hours (insight/forecast.py): each is
    six past forecasts rebuilt. Keyed by day, user and the ledger's newest rows."""

    key = models.CharField(max_length=200, unique=True)
    errors = models.JSONField(default=dict)
    computed_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("forecast band")
        verbose_name_plural = _("forecast bands")

    def __str__(self) -> str:
        return self.key
