from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorrespondenceConfig(AppConfig):
    name = "dunwell.correspondence"
    label = "correspondence"
    verbose_name = _("Correspondence")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.correspondence import inbound, timeline_texts

        timeline_texts.register()
        # Every minute from `dunwell worker`: read the IMAP mailboxes (nothing when none is
        # configured).
        periodic.register("correspondence.fetch_mail", inbound.poll_configured)
