from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "dunwell.letters"
    label = "letters"
    verbose_name = _("Letters and mailings")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.ladder import nightly
        from dunwell.ladder.models import add_task_results
        from dunwell.ledger import timeline
        from dunwell.letters import services, timeline_texts

        timeline.KIND_LABELS.setdefault("letters", _("Letters"))
        timeline.KIND_LABELS.setdefault("letters.sent", _("Letter sent"))
        timeline.KIND_LABELS.setdefault("letters.mailing", _("Mailing"))
        timeline.KIND_LABELS.setdefault("letters.queued", _("Email queued for sending"))
        timeline.register_renderer("letters.sent", timeline_texts.sent)
        timeline.register_renderer("letters.queued", timeline_texts.queued)
        add_task_results(services.EMAIL_QUEUED)
        # The ladder's daily run makes the tasks; steps whose wording goes out by itself are
        # drafted and queued by this job (every worker minute, and right after the run).
        periodic.register("letters.auto_send", services.send_automatic_steps)
        nightly.register_hook(services.send_automatic_after_run)
