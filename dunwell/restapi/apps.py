from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestapiConfig(AppConfig):
    name = "dunwell.restapi"
    label = "restapi"
    verbose_name = _("REST API")
