"""Secrets Dunwell must keep to use later (a 1C password, a webhook's signing secret), stored
encrypted: Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from SECRET_KEY by HKDF, so a
database dump alone does not reveal them. Changing SECRET_KEY makes them unreadable: they must
then be entered again (`open_secret` raises SecretUnreadable)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class SecretUnreadable(Exception):
    """Sealed under another SECRET_KEY, or damaged."""


def _box(purpose: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=b"dunwell-secrets-box",
        info=purpose.encode(),
    ).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, purpose: str) -> str:
    """The secret encrypted for `purpose` (e.g. "onec.password"), as text for a CharField."""
    return _box(purpose).encrypt(secret.encode()).decode("ascii")


def open_secret(sealed: str, purpose: str) -> str:
    try:
        return _box(purpose).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable(purpose) from exc
