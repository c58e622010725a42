"""The route server: `dunwell pbx route-server [--bind 127.0.0.1:8081]`.

A small HTTP/1.1 server on asyncio's event loop (the standard library) that answers only the
dialplan's routing request, `GET /telephony/route/?number=…`, with the same rule, token check,
status codes and bodies as Django's endpoint (`fastroute.respond`), from the in-memory table of
`route_table.py`. A lookup is a dictionary read: no thread per request, no query, no
middleware, so 100 lookups at once do not queue behind a pool of WSGI threads.

Freshness: every `POLL_SECONDS` a worker thread (its own database connection) reads the
table's fingerprint and reloads the table when it changed (and every
`route_table.FULL_RELOAD_SECONDS` regardless). The server answers only while its table was
confirmed current within `MAX_AGE_SECONDS`; past that (the database unreachable, a reload
stuck) it answers `503` so the dialplan takes its own fallback instead of a stale answer.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.db import close_old_connections, connection

from dunwell.telephony import fastroute, route_table

log = logging.getLogger("dunwell.telephony.route_server")

POLL_SECONDS = 1.0
MAX_AGE_SECONDS = 2.5
MAX_HEAD = 8192  # bytes of request line and headers
MAX_BODY = 65536
IDLE_SECONDS = 60.0  # a keep-alive connection with no request is closed after this

_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    503: "Service Unavailable",
}


@dataclass
class State:
    table: route_table.RouteTable
    checked_at: float  # monotonic time of the last check that found the table current
    loaded_at: float


def parse_bind(text: str) -> tuple[str, int]:
    """`host:port` (IPv6 in brackets); ValueError with a readable reason."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected host:port, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


class RouteServer:
    def __init__(self, *, poll: float = POLL_SECONDS, max_age: float = MAX_AGE_SECONDS) -> None:
        self.poll = poll
        self.max_age = max_age
        # One thread, so the refresher keeps one database connection.
        self._db = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="route-db")
        self.state: State | None = None
        self.reloads = 0
        self._handlers: set[asyncio.Task[None]] = set()
        self.port = 0  # the port listened on, once serving (useful with port 0)

    # --- the table ------------------------------------------------------------------------

    def _in_thread_load(self) -> route_table.RouteTable:
        close_old_connections()
        try:
            return route_table.load()
        except Exception:
            connection.close()
            raise

    def _in_thread_fingerprint(self) -> route_table.Fingerprint:
        close_old_connections()
        try:
            return route_table.fingerprint()
        except Exception:
            connection.close()
            raise

    async def _run(self, func: object) -> object:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, func)  # type: ignore[arg-type]

    async def load(self) -> None:
        started = time.monotonic()
        table = await self._run(self._in_thread_load)
        assert isinstance(table, route_table.RouteTable)
        self.state = State(table, started, started)
        self.reloads += 1
        log.info(
            "route table loaded: %d numbers, %d users in %.0f ms",
            len(table.numbers),
            len(table.collectors),
            (time.monotonic() - started) * 1000,
        )

    async def refresh_once(self) -> None:
        """Check the fingerprint; reload when it changed or the table is due a full reload."""
        started = time.monotonic()
        state = self.state
        if state is None or started - state.loaded_at >= route_table.FULL_RELOAD_SECONDS:
            await self.load()
            return
        current = await self._run(self._in_thread_fingerprint)
        if current != state.table.fingerprint:
            await self.load()
        else:
            state.checked_at = started

    async def keep_fresh(self) -> None:
        while True:
            await asyncio.sleep(self.poll)
            try:
                await self.refresh_once()
            except Exception:
                log.exception("route table refresh failed; answering 503 once it is stale")

    def fresh(self) -> bool:
        state = self.state
        return state is not None and time.monotonic() - state.checked_at <= self.max_age

    # --- HTTP ---------------------------------------------------------------------------

    def answer(self, method: str, target: str, token_header: str, remote: str) -> tuple[int, str]:
        parts = urlsplit(target)
        if parts.path != fastroute.PATH:
            return 404, "not found\n"
        query = parse_qs(parts.query)
        token = token_header or query.get("token", [""])[0]
        state = self.state
        if state is None or not self.fresh():
            return 503, "routing table not current\n"
        return state.table.answer(method, token, query.get("number", [""])[0], remote)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
        peer = writer.get_extra_info("peername")
        remote = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        try:
            while True:
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), IDLE_SECONDS)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError):
                    return
                keep = await self._one(head, reader, writer, remote)
                await writer.drain()
                if not keep:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            writer.close()
            if task is not None:
                self._handlers.discard(task)

    async def _one(
        self,
        head: bytes,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        remote: str,
    ) -> bool:
        lines = head.decode("latin-1").split("\r\n")
        request = lines[0].split(" ")
        if len(request) != 3 or not request[2].startswith("HTTP/1."):
            self._write(writer, 400, "bad request\n", keep=False)
            return False
        method, target, version = request
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY or "transfer-encoding" in headers:
            self._write(writer, 400, "bad request\n", keep=False)
            return False
        if int(length):
            await reader.readexactly(int(length))
        wants_close = headers.get("connection", "").lower() == "close"
        keep = not wants_close and (
            version == "HTTP/1.1" or headers.get("connection", "").lower() == "keep-alive"
        )
        status, body = self.answer(method, target, headers.get("x-dunwell-token", ""), remote)
        self._write(writer, status, body, keep=keep)
        return keep

    @staticmethod
    def _write(writer: asyncio.StreamWriter, status: int, body: str, *, keep: bool) -> None:
        data = body.encode()
        extra = "Allow: GET\r\n" if status == 405 else ""
        writer.write(
            (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(data)}\r\n"
                f"{extra}"
                f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
            ).encode()
            + data
        )

    # --- running --------------------------------------------------------------------------

    async def serve(
        self, host: str, port: int, stop: asyncio.Event, started: asyncio.Event | None = None
    ) -> None:
        await self.load()
        server = await asyncio.start_server(
            self.handle, host, port, limit=MAX_HEAD, reuse_address=True, backlog=512
        )
        self.port = server.sockets[0].getsockname()[1]
        refresher = asyncio.create_task(self.keep_fresh())
        if started is not None:
            started.set()
        try:
            async with server:
                await stop.wait()
        finally:
            refresher.cancel()
            server.close()
            for handler in list(self._handlers):  # idle keep-alive connections
                handler.cancel()
            await asyncio.gather(*self._handlers, return_exceptions=True)
            await server.wait_closed()
            await self._run(lambda: connection.close())
            self._db.shutdown(wait=True)
