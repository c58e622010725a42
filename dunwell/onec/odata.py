"""A small client for 1C's standard OData interface (OData v3, JSON): `$metadata` and paged
reads. Basic auth with the password kept out of every message, URL and exception."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit
from urllib.request import Request

from defusedxml import ElementTree

from dunwell import netguard
from dunwell.onec.messages import Failure, Message, message
from dunwell.onec.presets import Entity, Preset

EMPTY_REF = "00000000-0000-0000-0000-000000000000"
PAGE_SIZE = 500
TIMEOUT = 60


class ODataError(Failure):
    """The infobase could not be read; the message is for the user (no password in it)."""


class AuthFailed(ODataError):
    pass


def odata_root(base_url: str) -> str:
    """The standard interface's root for an infobase's publication URL."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ODataError("bad_scheme")
    if parts.username or parts.password:
        # Credentials in the URL would end up in logs and in the database in clear text.
        raise ODataError("credentials_in_url")
    return base_url.strip().rstrip("/") + "/odata/standard.odata/"


@dataclass
class Metadata:
    """Entity sets and, per entity or row type, its property names (from the EDMX)."""

    entity_sets: set[str] = field(default_factory=set)
    types: dict[str, set[str]] = field(default_factory=dict)

    def properties(self, type_name: str) -> set[str] | None:
        return self.types.get(type_name)


def parse_metadata(xml: bytes) -> Metadata:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as exc:
        raise ODataError("bad_metadata", error=str(exc)) from None
    meta = Metadata()
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in {"EntityType", "ComplexType"}:
            names = {
                child.get("Name", "")
                for child in element
                if child.tag.rsplit("}", 1)[-1] in {"Property", "NavigationProperty"}
            }
            meta.types[element.get("Name", "")] = names
        elif tag == "EntitySet":
            meta.entity_sets.add(element.get("Name", ""))
    return meta


def missing_names(preset: Preset, meta: Metadata) -> list[Message]:
    """What the preset needs that the infobase does not publish, one message per name."""
    problems: list[Message] = []
    for entity in preset.entities:
        if entity.entity_set not in meta.entity_sets:
            if not entity.optional:
                problems.append(message("set_missing", set=entity.entity_set))
            continue
        published = meta.properties(entity.entity_set) or set()
        problems += _missing_props(entity.entity_set, entity.props.values(), published)
        if entity.lines:
            if entity.lines not in published:
                problems.append(message("field_missing", set=entity.entity_set, field=entity.lines))
                continue
            row_type = row_type_properties(entity, meta)
            where = f"{entity.entity_set}.{entity.lines}"
            problems += _missing_props(where, entity.line_props.values(), row_type)
    return problems


def row_type_properties(entity: Entity, meta: Metadata) -> set[str]:
    base = f"{entity.entity_set}_{entity.lines}"
    return meta.properties(base + "_RowType") or meta.properties(base) or set()


def _missing_props(where: str, props: Any, published: set[str]) -> list[Message]:
    problems = []
    for prop in props:
        names = [prop.name, prop.name + "_Type"] if prop.composite else [prop.name]
        for name in names:
            if name not in published and not prop.optional:
                problems.append(message("field_missing", set=where, field=name))
    return problems


def trusted_hosts() -> frozenset[str]:
    """The 1C hosts the operator allows on a private network (DUNWELL_ONEC_PRIVATE_HOSTS)."""
    from django.conf import settings

    hosts = getattr(settings, "DUNWELL_ONEC_PRIVATE_HOSTS", ()) or ()
    return frozenset(str(host).strip().lower() for host in hosts if str(host).strip())


def since_filter(since: date) -> str:
    return f"Date ge datetime'{since.isoformat()}T00:00:00'"


class Client:
    def __init__(
        self, base_url: str, user: str, password: str, *, page_size: int | None = None
    ) -> None:
        self.root = odata_root(base_url)
        # 1C user names are often Cyrillic: the pair is sent as UTF-8, as the platform expects.
        token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self.page_size = page_size or PAGE_SIZE

    def __repr__(self) -> str:  # never the credentials
        return f"<1C OData client {self.root}>"

    def _get(self, path: str) -> bytes:
        """One GET through the SSRF guard (`dunwell.netguard`, as the webhooks): the 1C
        address is an administrator's entry, so it, every redirect's target and the address
        actually connected to must be public, unless the operator trusts the 1C host
        (DUNWELL_ONEC_PRIVATE_HOSTS: a 1C server on the office network) or allows private
        addresses altogether (DUNWELL_WEBHOOKS_ALLOW_PRIVATE, for development). A redirect
        to another host never carries the 1C password."""
        request = Request(  # noqa: S310 - the scheme was checked in odata_root
            self.root + path,
            headers={"Authorization": self._authorization, "Accept": "application/json"},
        )
        trusted = trusted_hosts()
        try:
            netguard.check_public_url(self.root, trusted)
            opener = netguard.public_opener(trusted_hosts=trusted)
            with opener.open(request, timeout=TIMEOUT) as response:
                return bytes(response.read())
        except netguard.UnsafeAddress as exc:
            # The guard's reason is worded now (dunwell.netguard has no codes).
            raise ODataError("unreachable", url=self.root, reason=str(exc)) from None
        except HTTPError as exc:
            if exc.code == 401:
                raise AuthFailed("unauthorized") from None
            if exc.code == 403:
                raise AuthFailed("forbidden", path=_name(path)) from None
            raise ODataError("http_status", status=exc.code, path=_name(path)) from None
        except (URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ODataError("unreachable", url=self.root, reason=str(reason)) from None

    def metadata(self) -> Metadata:
        return parse_metadata(self._get("$metadata"))

    def pages(
        self, entity_set: str, select: list[str], where: str | None = None
    ) -> Iterator[list[dict[str, Any]]]:
        """The entity set page by page ($top/$skip), as JSON records."""
        skip = 0
        while True:
            query = [
                ("$format", "json"),
                ("$top", str(self.page_size)),
                ("$skip", str(skip)),
                ("$select", ",".join(select)),
            ]
            if where:
                query.append(("$filter", where))
            path = (
                quote(entity_set, safe="")
                + "?"
                + "&".join(f"{key}={quote(value, safe=',')}" for key, value in query)
            )
            body = self._get(path)
            try:
                records = json.loads(body)["value"]
            except (ValueError, KeyError, TypeError):
                raise ODataError("not_json", set=entity_set) from None
            if records:
                yield records
            if len(records) < self.page_size:
                return
            skip += len(records)


def _name(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path.split("?", 1)[0])
