"""Labels of the credit app's timeline kinds (ledger.timeline reads them by prefix)."""

from django.utils.translation import gettext_lazy as _

from dunwell.ledger.timeline import KIND_LABELS

KIND_LABELS.setdefault("credit", _("Credit control"))
KIND_LABELS.setdefault("credit.shipments_stopped", _("Shipments stopped by the credit rules"))
KIND_LABELS.setdefault("credit.shipments_resumed", _("Shipments resumed"))
KIND_LABELS.setdefault("credit.approval_decided", _("Credit approval decided"))
KIND_LABELS.setdefault("credit.limit_set", _("Credit limit set"))
