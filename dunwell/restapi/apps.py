from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestapiConfig(AppConfig):
    name = "dunwell.restapi"
    label = "restapi"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from dunwell import periodic
        from dunwell.restapi.idempotency import forget_expired
        from dunwell.restapi.ratelimit import forget_old_windows

        periodic.register("restapi.forget_idempotency_keys", forget_expired)
        periodic.register("restapi.forget_rate_windows", forget_old_windows)
