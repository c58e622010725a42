"""A real IMAP server for the incoming-mail tests: Debian's dovecot-imapd (installed by .ci/run)
started once per test process with its own configuration in a temporary folder: plain login
on 127.0.0.1, one passwd-file user, a Maildir in the folder, a free port, no system service."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)
USER, PASSWORD = "collections", "imap-test-secret"


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/INBOX"

    def append(self, raw: bytes) -> None:
        with MailBoxUnencrypted(self.host, self.port).login(self.user, self.password) as box:
            box.append(raw, "INBOX")

    def clear(self) -> None:
        with MailBoxUnencrypted(self.host, self.port).login(self.user, self.password) as box:
            uids = box.uids()
            if uids:
                box.delete(uids)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _config(folder: Path, port: int) -> str:
    if os.getuid() == 0:
        # Dovecot never gives a mailbox to root: the mail user is "nobody".
        uid = gid = 65534
        service_users = ""
    else:
        uid, gid = os.getuid(), os.getgid()
        me = pwd.getpwuid(uid).pw_name
        service_users = f"default_internal_user = {me}\ndefault_login_user = {me}\n"
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
info_log_path = {folder}/dovecot.log
{service_users}protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
mail_location = maildir:{folder}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if DOVECOT is None:
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    folder = Path(tempfile.mkdtemp(prefix="dunwell-dovecot-"))
    folder.chmod(0o755)
    for sub in ("run", "state", "home"):
        (folder / sub).mkdir()
    if os.getuid() == 0:
        os.chown(folder / "home", 65534, 65534)
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    (folder / "dovecot.conf").write_text(_config(folder, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = folder / "dovecot.log"
                    detail = log.read_text() if log.exists() else ""
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"dovecot did not start: {err} {detail}") from None
                time.sleep(0.1)
        yield ImapServer("127.0.0.1", port, USER, PASSWORD)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def imap(imap_server: ImapServer, settings: object, tmp_path: Path) -> ImapServer:
    """The server with an empty INBOX, configured as DUNWELL_IMAP_URL; files go to tmp_path."""
    imap_server.clear()
    settings.DUNWELL_IMAP_URL = imap_server.url  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    return imap_server
