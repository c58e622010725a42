"""Django's ModelBackend with the signed-in user of each request read by a query built once per
process (issue 15, item 6: every page reads its user after its session).

Sign-in, permissions and the checks are ModelBackend's. Settings list this backend first (new
sign-ins record it in their session) and ModelBackend after it, so that sessions made before
keep working."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from dunwell.accounts.models import User
from dunwell.compiled import Reusable

_USER = Reusable(lambda pk: User.objects.filter(pk=pk), int)


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        if not isinstance(user_id, int) or not -(2**63) <= user_id < 2**63:
            return super().get_user(user_id)  # the ORM's answer for anything unusual
        found = _USER(user_id)
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None
