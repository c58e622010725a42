"""Strict parsing of settings from environment variables.

A bad value stops start-up with a message that names the variable, so a typo in a deployment
never silently falls back to a default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


class EnvError(RuntimeError):
    """Raised when an environment variable has a value we cannot accept."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str, environ: Mapping[str, str] | None = None) -> str:
    source = os.environ if environ is None else environ
    return source.get(name, default)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    value = source[name].strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise EnvError(f"{name}={source[name]!r}: expected one of 1/0, true/false, yes/no, on/off")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] | None = None,
    minimum: int | None = None,
) -> int:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    try:
        value = int(source[name].strip())
    except ValueError:
        raise EnvError(f"{name}={source[name]!r}: expected a whole number") from None
    if minimum is not None and value < minimum:
        raise EnvError(f"{name}={value}: must be at least {minimum}")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] | None = None) -> list[str]:
    source = os.environ if environ is None else environ
    if name not in source:
        return default
    return [item.strip() for item in source[name].split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: set[str], environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ)
    if value not in choices:
        raise EnvError(f"{name}={value!r}: expected one of {', '.join(sorted(choices))}")
    return value
