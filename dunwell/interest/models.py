"""Rate series (key rates, discount rates, price indices) with their effective-dated values.

Loaded from dunwell/interest/data/*.csv by a data migration and updated with
`dunwell rates import FILE`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RateSeries(models.Model):
    """One official series: its code (as in the data files), source and usual update cycle."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=255)
    source = models.CharField(_("source"), max_length=500, blank=True)
    update_cycle_days = models.PositiveIntegerField(
        _("usual update cycle (days)"),
        help_text=_("A warning appears when the last value is older than this."),
    )
    last_value_date = models.DateField(_("date of the last value"), null=True, blank=True)

    class Meta:
        verbose_name = _("rate series")
        verbose_name_plural = _("rate series")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class RateValue(models.Model):
    """A value of a series in force from `effective_from` until the next value."""

    series = models.ForeignKey(RateSeries, on_delete=models.CASCADE, related_name="values")
    effective_from = models.DateField(_("effective from"))
    value = models.DecimalField(_("value (%)"), max_digits=12, decimal_places=6)
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("rate value")
        verbose_name_plural = _("rate values")
        ordering = ["series", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "effective_from"], name="uniq_rate_value_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.series_id} {self.effective_from:%Y-%m-%d} {self.value}"
