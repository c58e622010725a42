from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "dunwell.work"
    label = "work"
    verbose_name = _("Collector's workspace")

    def ready(self) -> None:
        from dunwell.ladder import hooks, nightly
        from dunwell.work import nightly_hooks, timeline_texts

        nightly.register_hook(nightly_hooks.detect_stalling_tonight)
        nightly.register_notifier(nightly_hooks.notify_in_app)
        nightly.register_unanswered_source(nightly_hooks.unanswered_calls)
        if nightly_hooks.settle_in_app not in hooks.on_notices_settled:
            hooks.on_notices_settled.append(nightly_hooks.settle_in_app)
        timeline_texts.register()
