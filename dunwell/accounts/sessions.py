"""Django's database sessions, read by a query built once per process (issue 15, item 6).

Every page reads its session first; Django builds that query from the ORM each time (about a
quarter of a millisecond of Python, more than the read). The rows, the expiry rule and the
answer to a missing or expired session are Django's: only the reading is `compiled.Reusable`.
`SESSION_ENGINE = "dunwell.accounts.sessions"`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from dunwell.compiled import Reusable

_LIVE_SESSION = Reusable(
    lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now), str, datetime
)


class SessionStore(DatabaseStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        found = _LIVE_SESSION(key, timezone.now()) if key else []
        if not found:
            self._session_key = None
            return None
        return found[0]
