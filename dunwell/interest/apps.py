from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterestConfig(AppConfig):
    name = "dunwell.interest"
    label = "interest"
    verbose_name = _("Penalties and statutory interest")
