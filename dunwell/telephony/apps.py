from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "dunwell.telephony"
    label = "telephony"
    verbose_name = _("Telephony")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dunwell.telephony import fastroute, listeners, route_table
        from dunwell.telephony.models import ProviderSecret

        listeners.register()
        route_table.connect_signals()
        for signal in (post_save, post_delete):
            signal.connect(
                fastroute.forget_token, sender=ProviderSecret, dispatch_uid="telephony.token"
            )
