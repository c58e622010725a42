from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "dunwell.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.outbox.services import add_demand, add_listener
        from dunwell.webhooks import services

        # Retries and anything a woken task missed: every minute from the worker.
        periodic.register("webhooks.dispatch", services.housekeeping)
        add_listener(services.wake)
        add_demand(services.subscribed)
