from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "dunwell.ledger"
    label = "ledger"
    verbose_name = _("Receivables ledger")

    def ready(self) -> None:
        from dunwell.ledger.audit import admin_texts
        from dunwell.ledger.timeline import register_renderer

        for verb in ("added", "changed", "deleted"):
            register_renderer(f"admin.{verb}", admin_texts)
