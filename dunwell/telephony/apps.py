from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "dunwell.telephony"
    label = "telephony"
    verbose_name = _("Telephony")

    def ready(self) -> None:
        from dunwell.telephony import listeners

        listeners.register()
