"""The legal app's one domain error."""

from __future__ import annotations

from django_stubs_ext import StrOrPromise


class LegalError(Exception):
    """A legal-track action that cannot be done; the message is translatable and shown."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(str(message))
        self.message = message
