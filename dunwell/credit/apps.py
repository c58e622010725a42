from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "dunwell.credit"
    label = "credit"
    verbose_name = _("Credit control")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.credit import committee, services, timeline_texts

        timeline_texts.register()

        # Sales managers are reminded (once a day) of rules they have not acknowledged yet.
        periodic.register("credit.remind_rules", services.remind_unacknowledged)
        # Limits whose review date has come go back to the committee by themselves.
        periodic.register("credit.file_due_reviews", committee.file_due_reviews_periodically)
