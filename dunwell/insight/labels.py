"""Labels other modules show for this app (the main menu), translated in its catalogue."""

from django.utils.translation import gettext_lazy as _

METRICS_MENU_LABEL = _("KPIs")
FORECAST_MENU_LABEL = _("Cash forecast")
# The worklist priority's reason for a debtor likely to pay late (dunwell/work/selectors.py).
LIKELY_LATE_LABEL = _("likely to pay late")
