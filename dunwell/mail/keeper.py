"""The keeper: closes the last window in which a killed sender could lose a message.

The sender commits the handed-over mark, then writes the final "." (dunwell/mail/sending.py). A
sender killed between the two leaves the mark without the "."; nobody left alive knows whether
the "." went out. The keeper is a small process of its own, started by the sender, that holds a
duplicate of each plain SMTP connection (file descriptors passed over a Unix socket), so the
connection outlives a killed sender. The sender tells it, per connection, which message is
between "body written" and "answer read". When the sender dies (the keeper reads end of file on
the socket) the keeper decides each such message from the database, which is now final:

- the mark is there: it writes the "." itself. If the sender had already written it, the server
  is back in command state and reads our "." as an unknown command (RFC 5321 §4.2.4: 500), so a
  message is never sent twice; if not, ours completes it, so a marked message is never lost;
- the mark is not there: it takes the claim back (the same conditional update as the sender's
  recovery, so a mark still on its way to the database can no longer succeed) and hangs up, and
  the server discards the unfinished message (§4.1.1.10).

TLS connections are not handed to the keeper: their encryption state lives in the sender's
memory, so another process cannot write the "." into them (docs/mail.md says what is left).

Without Django until a sender dies: starting the keeper costs an interpreter start.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time

log = logging.getLogger(__name__)

_CHANNEL_FD_ENV = "DUNWELL_KEEPER_FD"
_DB_NAME_ENV = "DUNWELL_KEEPER_DB_NAME"
_ANSWER_TIMEOUT = 10.0
_FINAL_LINE = re.compile(rb"^\d{3}(?: |$)")


class Link:
    """The sender's end: one per process, shared by the sending threads."""

    def __init__(self, channel: socket.socket, process: subprocess.Popen[bytes]) -> None:
        self.channel = channel
        self.process = process
        self.lock = threading.Lock()
        self.next_id = 0

    def _tell(self, *words: object, fds: list[int] | None = None) -> None:
        data = " ".join(str(w) for w in words).encode()
        with self.lock:
            if fds:
                socket.send_fds(self.channel, [data], fds)
            else:
                self.channel.send(data)

    def hold(self, sock: socket.socket) -> int:
        """Give the keeper a duplicate of a new connection; returns its number."""
        with self.lock:
            self.next_id += 1
            number = self.next_id
        self._tell("C", number, fds=[sock.fileno()])
        return number

    def in_flight(self, number: int, pk: int, token: str) -> None:
        """The body of message `pk` is written on connection `number`; the mark comes next."""
        self._tell("O", number, pk, token)

    def settled(self, number: int) -> None:
        """The answer to the "." is read, or the connection was given up."""
        self._tell("D", number)

    def release(self, number: int) -> None:
        """The sender closes the connection: the keeper closes its duplicate."""
        self._tell("X", number)


_link: Link | None = None
_link_pid = 0
_link_lock = threading.Lock()


def link() -> Link | None:
    """The process's keeper, started on first use; None when it cannot run (then the sender
    works as before, with its window of microseconds)."""
    global _link, _link_pid
    with _link_lock:
        if _link is not None and _link_pid == os.getpid() and _link.process.poll() is None:
            return _link
        try:
            _link = _start()
            _link_pid = os.getpid()
        except OSError:
            log.exception("the mail keeper could not start")
            _link = None
        return _link


def _start() -> Link:
    from django.db import connection

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    env = {
        **os.environ,
        _CHANNEL_FD_ENV: str(theirs.fileno()),
        _DB_NAME_ENV: str(connection.settings_dict["NAME"]),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dunwell.mail.keeper"],
        env=env,
        pass_fds=[theirs.fileno()],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        # Its own session: a Ctrl-C in the sender's terminal is for the sender; the keeper ends
        # when the sender's end of the socket closes, however the sender ended.
        start_new_session=True,
    )
    theirs.close()
    return Link(ours, process)


# --- the keeper's side -------------------------------------------------------------------------


def _decide(pk: int, token: str) -> bool:
    """True: the message has its handed-over mark (write the "."). False: the claim is taken
    back, so the mark can no longer be set (hang up)."""
    from django.db import transaction

    from dunwell.mail.models import MessageState, OutgoingMessage

    with transaction.atomic():
        mine = OutgoingMessage.objects.filter(
            pk=pk, state=MessageState.SENDING, claimed_by=token, handed_over_at__isnull=True
        )
        if mine.update(
            state=MessageState.QUEUED, claimed_by="", claimed_at=None, next_attempt_at=None
        ):
            return False
        # Marked by our sender; still "sending", or already taken as sent by a recovery (which
        # keeps the claim). Anything else is not ours to finish.
        return OutgoingMessage.objects.filter(
            pk=pk, claimed_by=token, handed_over_at__isnull=False
        ).exists()


def _answer(sock: socket.socket) -> bytes:
    """The first complete reply line the server sends within the timeout: the answer to the
    sender's "." if the sender never read it, else the answer to ours."""
    sock.settimeout(_ANSWER_TIMEOUT)
    data = b""
    deadline = time.monotonic() + _ANSWER_TIMEOUT
    with contextlib.suppress(OSError):
        while time.monotonic() < deadline:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            for line in data.split(b"\r\n")[:-1]:
                if _FINAL_LINE.match(line):
                    return line
    return data.strip()


def _finish(sock: socket.socket, pk: int) -> None:
    try:
        sock.sendall(b".\r\n")
        answer = _answer(sock)
        sock.sendall(b"QUIT\r\n")
        print(f"mail keeper: message {pk} finished after its sender died: {answer!r}",
              file=sys.stderr)  # fmt: skip
    except OSError as exc:
        print(f"mail keeper: message {pk}: {exc}", file=sys.stderr)


def _hang_up(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _resolve(open_messages: dict[int, tuple[int, str]], held: dict[int, socket.socket]) -> None:
    if open_messages:
        import django

        django.setup()
        from django.conf import settings

        name = os.environ.get(_DB_NAME_ENV)
        if name:
            settings.DATABASES["default"]["NAME"] = name
        for number, (pk, token) in open_messages.items():
            sock = held.get(number)
            if sock is None:
                continue
            try:
                write = _decide(pk, token)
            except Exception:  # noqa: BLE001 - undecided: hang up, the recovery decides
                log.exception("mail keeper: message %s undecided", pk)
                write = False
            if write:
                _finish(sock, pk)
    for sock in held.values():
        _hang_up(sock)


def serve(channel: socket.socket) -> None:
    held: dict[int, socket.socket] = {}
    open_messages: dict[int, tuple[int, str]] = {}
    while True:
        select.select([channel], [], [])
        try:
            data, fds, _flags, _addr = socket.recv_fds(channel, 512, 4)
        except ConnectionResetError:
            data, fds = b"", []
        if not data:
            break
        word, *rest = data.decode().split(" ")
        number = int(rest[0])
        if word == "C":
            for fd in fds:
                held[number] = socket.socket(fileno=fd)
        elif word == "O":
            open_messages[number] = (int(rest[1]), rest[2])
        elif word == "D":
            open_messages.pop(number, None)
        elif word == "X":
            open_messages.pop(number, None)
            sock = held.pop(number, None)
            if sock is not None:
                sock.close()  # the sender closes (or has closed) the connection itself
    _resolve(open_messages, held)


def main() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = socket.socket(fileno=int(os.environ[_CHANNEL_FD_ENV]))
    serve(channel)


if __name__ == "__main__":
    main()
