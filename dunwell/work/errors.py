from __future__ import annotations

from django_stubs_ext import StrOrPromise


class WorkError(Exception):
    """A user action in the workspace that cannot be done; the message is translatable."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message
