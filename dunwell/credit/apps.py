from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "dunwell.credit"
    label = "credit"
    verbose_name = _("Credit control")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dunwell import periodic
        from dunwell.credit import committee, selectors, services, timeline_texts
        from dunwell.credit.models import CreditRuleSet
        from dunwell.credit.rules import forget_rules

        timeline_texts.register()

        # The rules in force are kept a few seconds per process (rules.rules_in_force): a
        # version saved or deleted here (the rules page, the admin) applies to the next check.
        for signal in (post_save, post_delete):
            signal.connect(forget_rules, sender=CreditRuleSet, dispatch_uid="credit.rules")

        # The debtor list's credit column: exposure against limit for a page's rows.
        from dunwell.work.listing import register_page_column

        register_page_column(selectors.mark_page)
        # The collector's worklist: "over the limit" / "shipments stopped" badges per row.
        from dunwell.work.selectors import register_row_marks, register_row_reads

        register_row_marks(selectors.worklist_marks)
        register_row_reads(selectors.worklist_reads)

        # Sales managers are reminded (once a day) of rules they have not acknowledged yet.
        periodic.register("credit.remind_rules", services.remind_unacknowledged)
        # Limits whose review date has come go back to the committee by themselves.
        periodic.register("credit.file_due_reviews", committee.file_due_reviews_periodically)
