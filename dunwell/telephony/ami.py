"""Asterisk Manager Interface (AMI) client, stdlib asyncio.

The protocol (Asterisk's "AMI v2 specification"): after the TCP connect the server writes one
banner line (`Asterisk Call Manager/<version>`); then both sides exchange messages, each a block
of `Key: Value` lines ended by an empty line (CRLF). A client message is an action (`Action:`)
carrying an `ActionID` that the server echoes in its `Response:`; the server also writes
`Event:` blocks. We log in with `Action: Login` (`Username`, `Secret`, `Events: on`), send `Ping`
as a keepalive, and `Logoff` when we stop.

`run_forever` keeps one connection open, reconnecting with exponential backoff; the secret is
never logged (`AmiConfig.__repr__` hides it).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

DEFAULT_PORT = 5038
Message = dict[str, str]
EventHandler = Callable[[Message], Awaitable[None] | None]


class AmiError(Exception):
    """The connection failed or the server refused an action."""


class AmiLoginError(AmiError):
    """The server refused our Username/Secret: retrying will not help."""


@dataclass(frozen=True)
class AmiConfig:
    host: str
    port: int = DEFAULT_PORT
    username: str = ""
    secret: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"ami://{self.username}@{self.host}:{self.port}"


def parse_ami_url(url: str) -> AmiConfig:
    """`ami://user:secret@host[:port]` (user and secret percent-encoded when needed)."""
    parts = urlsplit(url.strip())
    if parts.scheme != "ami" or not parts.hostname:
        raise ValueError("expected ami://user:secret@host:port")
    if not parts.username or parts.password is None:
        raise ValueError("the AMI address needs a user and a secret (ami://user:secret@host)")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise ValueError("the AMI port is not a number") from None
    return AmiConfig(parts.hostname, port, unquote(parts.username), unquote(parts.password))


def encode(fields: Message) -> bytes:
    """One AMI message: `Key: Value` lines and an empty line. Line breaks inside values would
    end the message early, so they are refused."""
    lines = []
    for key, value in fields.items():
        text = str(value)
        if "\r" in text or "\n" in text or "\r" in key or "\n" in key:
            raise ValueError(f"AMI field {key} holds a line break")
        lines.append(f"{key}: {text}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def decode(block: str) -> Message:
    message: Message = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            # a repeated key (e.g. several ChanVariable lines) keeps its first value
            message.setdefault(key.strip(), value.strip())
    return message


async def read_message(reader: asyncio.StreamReader) -> Message:
    """The next block; raises ConnectionError when the server closes the connection."""
    lines: list[str] = []
    while True:
        raw = await reader.readline()
        if not raw:
            raise ConnectionError("the AMI server closed the connection")
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if lines:
                return decode("\n".join(lines))
            continue
        lines.append(line)


class AmiClient:
    """One AMI connection. `connect()` reads the banner and logs in; `action()` sends an action
    and waits for its response (matched by ActionID); events go to `on_event`."""

    def __init__(
        self,
        config: AmiConfig,
        on_event: EventHandler | None = None,
        *,
        events: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.config = config
        self.on_event = on_event
        self.events = events
        self.timeout = timeout
        self.banner = ""
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[str, asyncio.Future[Message]] = {}
        # list actions (CoreShowChannels): ActionID -> (its items, the closing event, done)
        self._lists: dict[str, tuple[list[Message], str, asyncio.Future[None]]] = {}
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]
        self._read_task: asyncio.Task[None] | None = None
        self.closed = asyncio.Event()

    def next_action_id(self) -> str:
        return f"dunwell-{self._prefix}-{next(self._ids)}"

    async def connect(self) -> None:
        try:
            reader, self._writer = await asyncio.wait_for(
                asyncio.open_connection(self.config.host, self.config.port), self.timeout
            )
            self._reader = reader
            raw = await asyncio.wait_for(reader.readline(), self.timeout)
        except (OSError, TimeoutError) as exc:
            raise AmiError(f"cannot reach the AMI server at {self.config}: {exc}") from None
        self.banner = raw.decode("utf-8", "replace").strip()
        if not self.banner.startswith("Asterisk Call Manager"):
            await self.close()
            raise AmiError(f"{self.config} is not an AMI server (banner {self.banner!r})")
        self._read_task = asyncio.create_task(self._read_loop())
        response = await self.action(
            "Login",
            Username=self.config.username,
            Secret=self.config.secret,
            Events="on" if self.events else "off",
        )
        if response.get("Response", "").lower() != "success":
            await self.close()
            reason = response.get("Message", "refused")
            raise AmiLoginError(f"AMI login as {self.config.username!r} failed: {reason}")

    async def action(self, name: str, action_id: str = "", **fields: str) -> Message:
        """Send `Action: name` with an ActionID and wait for the matching response."""
        if self._writer is None or self.closed.is_set():
            raise AmiError("not connected")
        action_id = action_id or self.next_action_id()
        future: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self._pending[action_id] = future
        try:
            self._writer.write(encode({"Action": name, "ActionID": action_id, **fields}))
            await self._writer.drain()
            return await asyncio.wait_for(future, self.timeout)
        except (OSError, TimeoutError) as exc:
            raise AmiError(f"AMI action {name} got no answer: {exc or 'timeout'}") from None
        finally:
            self._pending.pop(action_id, None)

    async def list_action(self, name: str, complete: str, **fields: str) -> list[Message]:
        """An action answered by a list of events carrying its ActionID and closed by the event
        `complete` (e.g. CoreShowChannels → CoreShowChannel … CoreShowChannelsComplete)."""
        action_id = self.next_action_id()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        items: list[Message] = []
        self._lists[action_id] = (items, complete.lower(), done)
        try:
            response = await self.action(name, action_id, **fields)
            if response.get("Response", "").lower() != "success":
                raise AmiError(f"AMI action {name} refused: {response.get('Message', '')}")
            try:
                await asyncio.wait_for(done, self.timeout)
            except TimeoutError:
                raise AmiError(f"AMI action {name}: the list did not end") from None
            return items
        finally:
            self._lists.pop(action_id, None)

    async def _read_loop(self) -> None:
        assert self._reader is not None
        try:
            while True:
                message = await read_message(self._reader)
                action_id = message.get("ActionID", "")
                if "Response" in message and action_id in self._pending:
                    future = self._pending[action_id]
                    if not future.done():
                        future.set_result(message)
                elif "Event" in message and action_id in self._lists:
                    items, complete, done = self._lists[action_id]
                    if message["Event"].lower() == complete:
                        if not done.done():
                            done.set_result(None)
                    else:
                        items.append(message)
                elif "Event" in message and self.on_event is not None:
                    try:
                        result = self.on_event(message)
                        if asyncio.iscoroutine(result):
                            await result
                    except Exception:  # one bad event must not drop the connection
                        log.exception("AMI event %s could not be handled", message.get("Event"))
        except (ConnectionError, OSError) as exc:
            log.warning("AMI connection to %s lost: %s", self.config, exc)
        finally:
            self.closed.set()
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the AMI connection was lost"))
            for _items, _complete, done in self._lists.values():
                if not done.done():
                    done.set_exception(ConnectionError("the AMI connection was lost"))

    async def keepalive(self, interval: float) -> None:
        """Ping until the connection closes; a missing Pong closes it (and the caller
        reconnects)."""
        while not self.closed.is_set():
            try:
                await asyncio.wait_for(self.closed.wait(), interval)
                return
            except TimeoutError:
                pass
            try:
                await self.action("Ping")
            except (AmiError, ConnectionError):
                log.warning("AMI server %s did not answer Ping; reconnecting", self.config)
                await self.close()
                return

    async def logoff(self) -> None:
        if self._writer is not None and not self.closed.is_set():
            with contextlib.suppress(AmiError, ConnectionError):
                await self.action("Logoff")
        await self.close()

    async def close(self) -> None:
        if self._read_task is not None and not self._read_task.done():
            self._read_task.cancel()
        self.closed.set()
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await self._writer.wait_closed()


def next_delay(delay: float, first: float, maximum: float) -> float:
    """Exponential backoff: first, 2×, 4× … up to maximum."""
    return first if delay <= 0 else min(maximum, delay * 2)


async def run_forever(
    config: AmiConfig,
    on_event: EventHandler,
    stop: asyncio.Event,
    *,
    ping_interval: float = 20.0,
    first_delay: float = 1.0,
    max_delay: float = 60.0,
    on_connect: Callable[[AmiClient], object] | None = None,
) -> None:
    """Stay connected until `stop` is set: log in, pass every event on, Ping, and reconnect
    after a lost connection (1 s, 2 s, 4 s … max_delay; reset once a login succeeds). A refused
    login raises AmiLoginError: the credentials must be fixed first. `on_connect(client)` (a
    function or a coroutine function) runs after every login, while events already flow."""
    delay = 0.0
    while not stop.is_set():
        client = AmiClient(config, on_event)
        try:
            await client.connect()
        except AmiLoginError:
            raise
        except (AmiError, ConnectionError) as exc:
            delay = next_delay(delay, first_delay, max_delay)
            log.warning("%s; retrying in %.1f s", exc, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        delay = 0.0
        log.info("connected to %s (%s)", config, client.banner)
        if on_connect is not None:
            try:
                result = on_connect(client)
                if inspect.isawaitable(result):
                    await result
            except Exception:  # the connection still serves events; the next login retries
                log.exception("the AMI on-connect step failed")
        pinger = asyncio.create_task(client.keepalive(ping_interval))
        stopper = asyncio.create_task(stop.wait())
        closed = asyncio.create_task(client.closed.wait())
        await asyncio.wait({stopper, closed}, return_when=asyncio.FIRST_COMPLETED)
        for task in (pinger, stopper, closed):
            task.cancel()
        if stop.is_set():
            await client.logoff()
            log.info("logged off from %s", config)
            return
        await client.close()
        delay = next_delay(delay, first_delay, max_delay)
        log.warning("AMI connection lost; reconnecting in %.1f s", delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)


async def send_action(config: AmiConfig, name: str, action_id: str, **fields: str) -> Message:
    """Connect without events, send one action, log off: for the web process (Originate)."""
    client = AmiClient(config, events=False)
    await client.connect()
    try:
        return await client.action(name, action_id, **fields)
    finally:
        await client.logoff()
