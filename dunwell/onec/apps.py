"""The 1C connector: reads an infobase's standard OData interface (docs/integrations.md, "1C")."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnecConfig(AppConfig):
    name = "dunwell.onec"
    label = "onec"
    verbose_name = _("1C connector")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.onec.services import schedule_due_syncs

        periodic.register("onec.scheduled_syncs", schedule_due_syncs)
