from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestapiConfig(AppConfig):
    name = "dunwell.restapi"
    label = "restapi"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dunwell import periodic
        from dunwell.accounts.models import User
        from dunwell.restapi.idempotency import forget_expired
        from dunwell.restapi.models import ApiToken
        from dunwell.restapi.ratelimit import forget_old_windows
        from dunwell.restapi.tokens import forget_tokens

        # Tokens and their users are kept a few seconds per process (tokens.find_token): a
        # token or user saved here (revoked, deactivated, another role) is read again at once.
        for signal in (post_save, post_delete):
            for model in (ApiToken, User):
                signal.connect(
                    forget_tokens, sender=model, dispatch_uid=f"restapi.tokens.{model.__name__}"
                )

        periodic.register("restapi.forget_idempotency_keys", forget_expired)
        periodic.register("restapi.forget_rate_windows", forget_old_windows)
