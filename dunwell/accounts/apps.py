from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dunwell.accounts"
    label = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from dunwell.accounts.models import User
        from dunwell.accounts.visibility import forget_credit_approvers

        for signal in (post_save, post_delete):
            signal.connect(forget_credit_approvers, sender=User, dispatch_uid="accounts.approvers")
