from django.utils.translation import gettext_lazy as _

# The menu's entry (dunwell/menu.py), translated in this app's catalogue.
MENU_LABEL = _("Pipeline")
