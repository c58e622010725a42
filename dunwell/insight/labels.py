"""Labels other modules show for this app (the main menu), translated in its catalogue."""

from django.utils.translation import gettext_lazy as _

METRICS_MENU_LABEL = _("KPIs")
