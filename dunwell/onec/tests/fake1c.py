"""A fake 1C:Enterprise web server speaking the standard OData interface the way the platform
does (OData v3): a real HTTP server on 127.0.0.1 in a thread.

- `GET <base>/odata/standard.odata/$metadata`: an EDMX document (entity types, the row types of
  tabular sections as complex types, entity sets in the container);
- `GET <base>/odata/standard.odata/<EntitySet>?$format=json&$top=&$skip=&$select=&$filter=`:
  the JSON envelope `{"odata.metadata": "<root>$metadata#<EntitySet>", "value": [...]}`; the
  entity set's (Cyrillic) name must come percent-encoded, as HTTP requires;
- Basic auth: without or with wrong credentials, `401` with `WWW-Authenticate: Basic`;
- `$filter` understands what the connector sends: `Date ge datetime'...'` (joined by `and`).
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import quoteattr

EMPTY = "00000000-0000-0000-0000-000000000000"
FILTER = re.compile(r"^(\w+) (ge|gt|le|lt|eq) datetime'(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)'$")


def edm_type(name: str, value: Any, entity: str) -> str:
    if isinstance(value, bool):
        return "Edm.Boolean"
    if isinstance(value, float | int):
        return "Edm.Double"
    if isinstance(value, list):
        return f"Collection(StandardODATA.{entity}_{name}_RowType)"
    if name == "Ref_Key" or name.endswith("_Key"):
        return "Edm.Guid"
    if name in {"Date", "Дата"}:
        return "Edm.DateTime"
    if name in {"LineNumber", "СрокОплаты"}:
        return "Edm.Int64"
    return "Edm.String"


class Fake1C:
    """`sets` maps an entity set to its records; `schema` to its published properties (with
    example values, for their types); `rows` a tabular section's row type to its properties."""

    def __init__(
        self,
        schema: dict[str, dict[str, Any]],
        rows: dict[str, dict[str, Any]],
        sets: dict[str, list[dict[str, Any]]],
        *,
        user: str = "odata.user",
        password: str = "Пароль-1c",  # noqa: S107 - the fake's test credential
        base: str = "/trade",
        preset: str = "",
    ) -> None:
        self.preset = preset  # which Dunwell preset the fixtures imitate
        self.schema = schema
        self.rows = rows
        self.sets = sets
        self.user = user
        self.password = password
        self.base = base.rstrip("/")
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.raw_paths: list[str] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.base}"

    def root(self) -> str:
        return self.url + "/odata/standard.odata/"

    # --- what the fake answers -------------------------------------------------------------

    def metadata(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">',
            '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/'
            'metadata" m:DataServiceVersion="3.0">',
            '<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" '
            'Namespace="StandardODATA">',
        ]
        for entity, props in self.schema.items():
            parts.append(f"<EntityType Name={quoteattr(entity)}>")
            parts.append('<Key><PropertyRef Name="Ref_Key"/></Key>')
            for name, example in props.items():
                parts.append(
                    f"<Property Name={quoteattr(name)} "
                    f'Type={quoteattr(edm_type(name, example, entity))} Nullable="true"/>'
                )
            parts.append("</EntityType>")
        for row_type, props in self.rows.items():
            parts.append(f"<ComplexType Name={quoteattr(row_type + '_RowType')}>")
            for name, example in props.items():
                parts.append(
                    f"<Property Name={quoteattr(name)} "
                    f'Type={quoteattr(edm_type(name, example, row_type))} Nullable="true"/>'
                )
            parts.append("</ComplexType>")
        parts.append('<EntityContainer Name="StandardODATA" m:IsDefaultEntityContainer="true">')
        for entity in self.schema:
            parts.append(
                f"<EntitySet Name={quoteattr(entity)} "
                f"EntityType={quoteattr('StandardODATA.' + entity)}/>"
            )
        parts.append("</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>")
        return "\n".join(parts).encode()

    def answer(self, raw_path: str, authorization: str | None) -> tuple[int, dict[str, str], bytes]:
        expected = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        if authorization != f"Basic {expected}":
            return (
                401,
                {"WWW-Authenticate": 'Basic realm="1C:Enterprise"', "Content-Type": "text/plain"},
                "Ошибка аутентификации".encode(),
            )
        if not raw_path.isascii():
            return 400, {"Content-Type": "text/plain"}, b"Bad Request: the path must be encoded"
        parts = urlsplit(raw_path)
        prefix = self.base + "/odata/standard.odata/"
        if not parts.path.startswith(prefix):
            return 404, {"Content-Type": "text/plain"}, b"Not Found"
        name = unquote(parts.path[len(prefix) :])
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.requests.append((name, query))
        if name == "$metadata":
            return 200, {"Content-Type": "application/xml;charset=utf-8"}, self.metadata()
        if name not in self.schema:
            return 404, {"Content-Type": "application/json"}, _error("Не найден ресурс " + name)
        if query.get("$format") != "json":
            return 400, {"Content-Type": "text/plain"}, b"this fake answers $format=json only"
        records = list(self.sets.get(name, []))
        where = query.get("$filter")
        if where:
            for clause in where.split(" and "):
                match = FILTER.match(clause.strip())
                if not match:
                    return 400, {"Content-Type": "application/json"}, _error("Bad $filter")
                prop, op, value = match.groups()
                records = [r for r in records if _compare(str(r.get(prop, "")), op, value)]
        skip = int(query.get("$skip", "0"))
        top = int(query["$top"]) if "$top" in query else None
        records = records[skip:] if top is None else records[skip : skip + top]
        select = [s for s in query.get("$select", "").split(",") if s]
        published = self.schema[name]
        unknown = [s for s in select if s not in published]
        if unknown:
            return 400, {"Content-Type": "application/json"}, _error("Unknown " + unknown[0])
        if select:
            records = [{k: r[k] for k in select if k in r} for r in records]
        body = {"odata.metadata": f"{self.root()}$metadata#{name}", "value": records}
        return (
            200,
            {"Content-Type": "application/json;charset=utf-8"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    # --- the server ------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[Fake1C]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.raw_paths.append(self.path)
                status, headers, body = fake.answer(self.path, self.headers.get("Authorization"))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()

    def pages_read(self, entity_set: str) -> list[dict[str, str]]:
        return [q for name, q in self.requests if name == entity_set]


def _compare(left: str, op: str, right: str) -> bool:
    return {
        "ge": left >= right,
        "gt": left > right,
        "le": left <= right,
        "lt": left < right,
        "eq": left == right,
    }[op]


def _error(message: str) -> bytes:
    return json.dumps(
        {"odata.error": {"code": "-1", "message": {"lang": "ru", "value": message}}},
        ensure_ascii=False,
    ).encode()
