"""Secrets are stored encrypted and read back only with the same key and purpose."""

from __future__ import annotations

import pytest
from django.test import override_settings

from dunwell.secrets_box import SecretUnreadable, open_secret, seal


def test_a_sealed_secret_reads_back_and_does_not_show_in_clear() -> None:
    # Long enough that the base64 ciphertext cannot hold the secret by chance.
    secret = "пароль-1C-of-the-trade-infobase"
    sealed = seal(secret, "onec.password")
    assert secret not in sealed and "of-the-trade-infobase" not in sealed
    assert open_secret(sealed, "onec.password") == secret


def test_a_secret_sealed_for_one_purpose_does_not_open_for_another() -> None:
    sealed = seal("s3cret", "onec.password")
    with pytest.raises(SecretUnreadable):
        open_secret(sealed, "webhooks.secret")


def test_a_new_secret_key_makes_old_secrets_unreadable() -> None:
    sealed = seal("s3cret", "onec.password")
    with override_settings(SECRET_KEY="another-key-" + "x" * 40), pytest.raises(SecretUnreadable):
        open_secret(sealed, "onec.password")
