"""How each cloud PBX signs its webhooks, as its documentation gives it (docs/telephony.md cites
the sources). Pure functions over plain values, no Django import; comparisons are constant-time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping

# Zadarma signs the concatenation of a few fields, which depend on the event
# (zadarma.com/en/support/api/#api_webhooks; github.com/zadarma/user-api-v1 lib/Webhook/*.php).
ZADARMA_SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "NOTIFY_START": ("caller_id", "called_did", "call_start"),
    "NOTIFY_INTERNAL": ("caller_id", "called_did", "call_start"),
    "NOTIFY_END": ("caller_id", "called_did", "call_start"),
    "NOTIFY_ANSWER": ("caller_id", "destination", "call_start"),
    "NOTIFY_OUT_START": ("internal", "destination", "call_start"),
    "NOTIFY_OUT_END": ("internal", "destination", "call_start"),
    "NOTIFY_RECORD": ("pbx_call_id", "call_id_with_rec"),
}


def zadarma_signature(event: str, fields: Mapping[str, str], secret: str) -> str | None:
    """The `Signature` header Zadarma sends with `event`; None for an event we do not know.

    Zadarma's reference code is PHP's `base64_encode(hash_hmac('sha1', $data, $secret))`:
    hash_hmac returns the HEX digest by default, so the header is base64 of the hex text,
    not of the raw 20 bytes."""
    names = ZADARMA_SIGNED_FIELDS.get(event)
    if names is None:
        return None
    data = "".join(fields.get(name, "") for name in names)
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).hexdigest()
    return base64.b64encode(digest.encode()).decode("ascii")


def zadarma_valid(event: str, fields: Mapping[str, str], secret: str, header: str) -> bool:
    expected = zadarma_signature(event, fields, secret)
    return bool(secret and header and expected) and hmac.compare_digest(
        str(expected), header.strip()
    )


def mango_sign(api_key: str, json_text: str, salt: str) -> str:
    """Mango Office VPBX API: `sign` = hex sha256(vpbx_api_key + json + salt), the json exactly as
    sent in the form field."""
    return hashlib.sha256((api_key + json_text + salt).encode()).hexdigest()


def mango_valid(api_key: str, salt: str, sent_key: str, json_text: str, sign: str) -> bool:
    if not (api_key and salt and sign):
        return False
    key_ok = hmac.compare_digest(api_key, sent_key)
    return key_ok and hmac.compare_digest(mango_sign(api_key, json_text, salt), sign.strip())


def twilio_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """Twilio's `X-Twilio-Signature`: base64(HMAC-SHA1(auth token, the full URL of the request
    followed by every POST parameter, sorted by name, as name + value with no separators)).
    A name that repeats contributes each of its values (twilio.com/docs/usage/security)."""
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_valid(url: str, params: Iterable[tuple[str, str]], auth_token: str, header: str) -> bool:
    if not (auth_token and header):
        return False
    return hmac.compare_digest(twilio_signature(url, params, auth_token), header.strip())
