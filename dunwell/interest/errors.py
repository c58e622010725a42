"""The interest app's one domain error."""

from __future__ import annotations


class InterestError(Exception):
    """Bad calculator input or a bad rate file; the message is already translated."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)
