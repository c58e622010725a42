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
        self._connections: set[_Connection] = set()
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

    def respond(self, head: bytes, remote: str) -> tuple[bytes, bool, int]:
        """For one request's head: (the response's bytes, keep the connection open, length of
        the body that follows the head and is to be skipped)."""
        lines = head.decode("latin-1").split("\r\n")
        request = lines[0].split(" ")
        if len(request) != 3 or not request[2].startswith("HTTP/1."):
            return self._response(400, "bad request\n", keep=False), False, 0
        method, target, version = request
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY or "transfer-encoding" in headers:
            return self._response(400, "bad request\n", keep=False), False, 0
        connection_header = headers.get("connection", "").lower()
        keep = connection_header != "close" and (
            version == "HTTP/1.1" or connection_header == "keep-alive"
        )
        status, body = self.answer(method, target, headers.get("x-dunwell-token", ""), remote)
        return self._response(status, body, keep=keep), keep, int(length)

    @staticmethod
    def _response(status: int, body: str, *, keep: bool) -> bytes:
        data = body.encode()
        extra = "Allow: GET\r\n" if status == 405 else ""
        return (
            f"HTTP/1.1 {status} {_REASONS[status]}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\n"
            f"{extra}"
            f"Connection: {'keep-alive' if keep else 'close'}\r\n\r\n"
        ).encode() + data

    # --- running --------------------------------------------------------------------------

    async def serve(
        self, host: str, port: int, stop: asyncio.Event, started: asyncio.Event | None = None
    ) -> None:
        await self.load()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: _Connection(self), host, port, reuse_address=True, backlog=512
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
            for open_connection in list(self._connections):  # idle keep-alive connections
                open_connection.close()
            await server.wait_closed()
            await self._run(lambda: connection.close())
            self._db.shutdown(wait=True)


class _Connection(asyncio.Protocol):
    """One client connection: requests are answered as their heads arrive, in order (also
    pipelined ones), with no task or coroutine per request — the cheapest way asyncio serves."""

    def __init__(self, server: RouteServer) -> None:
        self.server = server
        self.buffer = bytearray()
        self.skip = 0  # bytes of a request body still to be dropped
        self.transport: asyncio.Transport | None = None
        self.remote = ""
        self.idle: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.remote = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        self.server._connections.add(self)
        self._rearm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.server._connections.discard(self)
        if self.idle is not None:
            self.idle.cancel()

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def _rearm(self) -> None:
        if self.idle is not None:
            self.idle.cancel()
        self.idle = asyncio.get_running_loop().call_later(IDLE_SECONDS, self.close)

    # A client that sends without reading stops being read until it reads.
    def pause_writing(self) -> None:
        if self.transport is not None:
            self.transport.pause_reading()

    def resume_writing(self) -> None:
        if self.transport is not None:
            self.transport.resume_reading()

    def data_received(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        self.buffer += data
        self._rearm()
        while True:
            if self.skip:
                dropped = min(self.skip, len(self.buffer))
                del self.buffer[:dropped]
                self.skip -= dropped
                if self.skip:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0 or end + 4 > MAX_HEAD:
                if end >= 0 or len(self.buffer) > MAX_HEAD:
                    transport.close()  # a head longer than any dialplan sends
                return
            head = bytes(self.buffer[: end + 4])
            del self.buffer[: end + 4]
            response, keep, self.skip = self.server.respond(head, self.remote)
            transport.write(response)
            if not keep:
                transport.close()
                return
