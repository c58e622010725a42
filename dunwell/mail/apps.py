from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "dunwell.mail"
    label = "mail"
    verbose_name = _("Mail")

    def ready(self) -> None:
        from dunwell.ledger.timeline import KIND_LABELS, register_renderer
        from dunwell.mail import timeline

        KIND_LABELS.update(
            {
                "mail": _("Mail"),
                "mail.sent": _("Email sent"),
                "mail.gave_up": _("Email not delivered"),
                "mail.posted": _("Letter posted"),
            }
        )
        for kind, renderer in timeline.RENDERERS.items():
            register_renderer(kind, renderer)
