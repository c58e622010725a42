from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "dunwell.pipeline"
    label = "pipeline"
    verbose_name = _("Sales pipeline")

    def ready(self) -> None:
        from dunwell.ledger.timeline import KIND_LABELS

        KIND_LABELS["pipeline"] = _("Sales pipeline")
        KIND_LABELS["pipeline.deal_saved"] = _("Deal changed")
