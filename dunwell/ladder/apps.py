from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LadderConfig(AppConfig):
    name = "dunwell.ladder"
    label = "ladder"
    verbose_name = _("Pressure scale")

    def ready(self) -> None:
        from dunwell.ladder import timeline_texts

        timeline_texts.register()
