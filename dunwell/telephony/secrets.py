"""The telephone exchanges' keys and secrets: read from the environment (settings), or stored
encrypted by an administrator on the "Telephone exchange keys" page. `provider_secret` is the
one accessor every caller uses: the stored value when an administrator set one, else the
setting. Values are sealed with `dunwell.secrets_box` (purpose "telephony.<NAME>", so a sealed
value cannot be moved to another name) and never shown again; each change is logged (who,
when, which; never the value)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from dunwell.accounts.models import User
from dunwell.secrets_box import SecretUnreadable, open_secret, seal
from dunwell.telephony.ami import parse_ami_url
from dunwell.telephony.models import Provider, ProviderSecret, ProviderSecretChange

log = logging.getLogger(__name__)

MAX_LENGTH = 500


@dataclass(frozen=True)
class SecretSpec:
    """One secret an administrator may store: its setting (and environment variable) name."""

    name: str
    provider: str
    label: str | Promise
    min_length: int = 1


# The secrets of each exchange, in the page's order. The addresses and other plain settings
# (API URLs, the Twilio caller number) stay in the environment.
SECRETS: tuple[SecretSpec, ...] = (
    SecretSpec("DUNWELL_ZADARMA_KEY", Provider.ZADARMA, gettext_lazy("API key")),
    SecretSpec("DUNWELL_ZADARMA_SECRET", Provider.ZADARMA, gettext_lazy("API secret")),
    SecretSpec("DUNWELL_MANGO_KEY", Provider.MANGO, gettext_lazy("API key")),
    SecretSpec("DUNWELL_MANGO_SALT", Provider.MANGO, gettext_lazy("API salt")),
    SecretSpec("DUNWELL_TWILIO_SID", Provider.TWILIO, gettext_lazy("Account SID")),
    SecretSpec("DUNWELL_TWILIO_AUTH_TOKEN", Provider.TWILIO, gettext_lazy("Auth token")),
    SecretSpec(
        "DUNWELL_AMI_URL", Provider.ASTERISK, gettext_lazy("Manager interface (AMI) address")
    ),
    # The same floor as the environment's (settings.py): a short token is guessable.
    SecretSpec(
        "DUNWELL_PBX_ROUTING_TOKEN",
        Provider.ASTERISK,
        gettext_lazy("Routing request token"),
        min_length=20,
    ),
)
BY_NAME = {spec.name: spec for spec in SECRETS}

State = Literal["stored", "unreadable", "environment", "unset"]


class SecretError(Exception):
    """A value that cannot be stored; the text names the field and is for the user."""


def _purpose(name: str) -> str:
    return f"telephony.{name}"


def _from_settings(name: str) -> str:
    return str(getattr(settings, name, "") or "")


def provider_secret(name: str) -> str:
    """The value of setting `name`: the one an administrator stored, else the environment's.
    A stored value that no longer opens (SECRET_KEY changed) is logged and skipped."""
    return stored_secret(name) or _from_settings(name)


def stored_secret(name: str) -> str | None:
    """The value an administrator stored for `name`, or None (none stored, or unreadable)."""
    if name in BY_NAME:
        sealed = ProviderSecret.objects.filter(name=name).values_list("sealed", flat=True).first()
        if sealed:
            try:
                return open_secret(sealed, _purpose(name))
            except SecretUnreadable:
                log.error("stored telephony secret %s cannot be opened: enter it again", name)
    return None


def state_of(name: str) -> State:
    """What the page says of a secret (never its value)."""
    return next(row.state for row in overview() if row.spec.name == name)


def field_name(spec: SecretSpec) -> str:
    """How an error names the field: "Zadarma, API secret"."""
    return f"{Provider(spec.provider).label}, {spec.label}"


def _checked(spec: SecretSpec, value: str) -> str:
    value = value.strip()
    label = field_name(spec)
    if not value:
        raise SecretError(_("%(field)s: enter the value.") % {"field": label})
    if len(value) > MAX_LENGTH:
        raise SecretError(
            ngettext(
                "%(field)s: at most %(count)s character.",
                "%(field)s: at most %(count)s characters.",
                MAX_LENGTH,
            )
            % {"field": label, "count": MAX_LENGTH}
        )
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise SecretError(_("%(field)s: no spaces or line breaks.") % {"field": label})
    if len(value) < spec.min_length:
        raise SecretError(
            ngettext(
                "%(field)s: at least %(count)s character.",
                "%(field)s: at least %(count)s characters.",
                spec.min_length,
            )
            % {"field": label, "count": spec.min_length}
        )
    if spec.name == "DUNWELL_AMI_URL":
        try:
            parse_ami_url(value)
        except ValueError:
            raise SecretError(
                _("%(field)s: expected ami://user:secret@host:port.") % {"field": label}
            ) from None
    return value


def _spec(name: str) -> SecretSpec:
    spec = BY_NAME.get(name)
    if spec is None:
        raise SecretError(_("Choose one of the listed secrets."))
    return spec


def set_secret(name: str, value: str, *, by: User) -> None:
    """Store (or replace) a secret, sealed, and log who changed it."""
    spec = _spec(name)
    sealed = seal(_checked(spec, value), _purpose(name))
    now = timezone.now()
    with transaction.atomic():
        ProviderSecret.objects.update_or_create(
            name=name, defaults={"sealed": sealed, "updated_at": now, "updated_by": by}
        )
        ProviderSecretChange.objects.create(
            name=name, action=ProviderSecretChange.Action.SET, by=by, at=now
        )
    log.info("telephony secret %s stored by user %s", name, by.pk)


def clear_secret(name: str, *, by: User) -> bool:
    """Forget a stored secret (the environment's value applies again); False if none was
    stored."""
    _spec(name)
    with transaction.atomic():
        deleted, _rows = ProviderSecret.objects.filter(name=name).delete()
        if not deleted:
            return False
        ProviderSecretChange.objects.create(
            name=name, action=ProviderSecretChange.Action.CLEARED, by=by, at=timezone.now()
        )
    log.info("telephony secret %s cleared by user %s", name, by.pk)
    return True


@dataclass(frozen=True)
class SecretRow:
    spec: SecretSpec
    state: State
    # The environment has a value too (overridden while one is stored).
    in_environment: bool
    updated_at: datetime | None
    updated_by: str


def overview() -> list[SecretRow]:
    """Every secret with its state, for the page (one query for the stored ones)."""
    stored = {row.name: row for row in ProviderSecret.objects.select_related("updated_by").all()}
    rows = []
    for spec in SECRETS:
        row = stored.get(spec.name)
        state: State
        if row is not None:
            try:
                open_secret(row.sealed, _purpose(spec.name))
                state = "stored"
            except SecretUnreadable:
                state = "unreadable"
        else:
            state = "environment" if _from_settings(spec.name) else "unset"
        by = row.updated_by if row is not None else None
        rows.append(
            SecretRow(
                spec,
                state,
                bool(_from_settings(spec.name)),
                row.updated_at if row is not None else None,
                (by.get_full_name() or by.get_username()) if by is not None else "",
            )
        )
    return rows
