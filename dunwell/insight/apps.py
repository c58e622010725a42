from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "dunwell.insight"
    label = "insight"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.insight.prediction.model import rescore_if_due, retrain_if_due

        # A new payment-prediction model every week, fresh predictions every day
        # (docs/metrics.md).
        periodic.register("insight.retrain_prediction", retrain_if_due)
        periodic.register("insight.rescore_prediction", rescore_if_due)

        # KPI snapshots: reallocations mark counterparties stale; refreshed daily.
        from dunwell.insight import snapshots
        from dunwell.ledger.allocation import on_reallocate

        on_reallocate(snapshots.mark_stale)
        # What the cash forecast keeps (its curves, its band) is keyed by the ledger's state.
        from dunwell.insight import forecast

        on_reallocate(forecast.ledger_changed)
        pre_delete.connect(snapshots.forget_counterparty, sender="ledger.Counterparty", weak=False)
        periodic.register("insight.kpi_snapshots", snapshots.refresh_if_due)

        # The card's prediction panel reads with the rest of the card (one round trip).
        from dunwell.insight.templatetags.prediction import card_reads
        from dunwell.work.selectors import register_card_reads

        register_card_reads(card_reads)

        # The company's buckets are kept a few seconds per process; a save applies at once.
        from django.db.models.signals import post_delete, post_save

        from dunwell.insight.models import AgingBuckets, forget_saved_edges

        for signal in (post_save, post_delete):
            signal.connect(forget_saved_edges, sender=AgingBuckets, dispatch_uid="insight.edges")
