from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LadderConfig(AppConfig):
    name = "dunwell.ladder"
    label = "ladder"
    verbose_name = _("Pressure scale")
