"""Labels other modules show for this app (the Integrations page), translated in its catalogue."""

from django.utils.translation import gettext_lazy as _

SECRETS_LABEL = _("Telephone exchange keys")
SECRETS_DESCRIPTION = _(
    "Store the cloud exchanges' API keys and the Asterisk manager address encrypted, "
    "instead of in the environment."
)
