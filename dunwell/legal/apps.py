from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "dunwell.legal"
    label = "legal"
    verbose_name = _("Legal track")

    def ready(self) -> None:
        # The ladder's legal steps open and advance the debtor's case; the ladder must not
        # import this app, so it calls what is registered in its hooks.
        from dunwell.ladder import hooks
        from dunwell.ladder.models import add_stepless_titles, add_task_results
        from dunwell.legal import services, timeline_texts
        from dunwell.legal.deadline_titles import DEADLINE_TITLES

        timeline_texts.register()
        # The deadlines' calendar tasks are stored with English titles read in each reader's
        # language, like the ladder's own call-backs.
        add_stepless_titles(*DEADLINE_TITLES)
        add_task_results(
            services.PRETENSION_SENT, services.LAWSUIT_FILED, services.MOOT_AFTER_JUDGMENT
        )

        if services.open_cases_for_tasks not in hooks.on_legal_task_created:
            hooks.on_legal_task_created.append(services.open_cases_for_tasks)
        if services.open_case_for_task not in hooks.on_legal_task_done:
            hooks.on_legal_task_done.append(services.open_case_for_task)
