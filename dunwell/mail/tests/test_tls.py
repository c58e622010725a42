"""STARTTLS and login against a real SMTP server (aiosmtpd with a certificate made here)."""

from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from dunwell.mail.models import MessageState
from dunwell.mail.sending import send_due
from dunwell.mail.services import queue_message
from dunwell.mail.tests.smtp_sink import SinkHandler, free_port

pytestmark = pytest.mark.django_db


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_starttls_and_login_then_the_message_arrives(
    tmp_path: Path, settings: Any, monkeypatch: Any, company: Any
) -> None:
    cert_file, key_file = _certificate(tmp_path)
    # The client trusts our certificate the way it trusts the system's: SSL_CERT_FILE.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_file, key_file)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth: Any):
        assert isinstance(auth, LoginPassword)
        logins.append((auth.login, auth.password))
        return AuthResult(success=auth.password == b"s3cr@t")

    handler = SinkHandler()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    try:
        settings.DUNWELL_EMAIL_URL = f"smtp://collect%40demo.ro:s3cr%40t@127.0.0.1:{port}?tls=1"
        settings.DUNWELL_MAIL_CONCURRENCY = 1
        settings.DUNWELL_MAIL_ALLOW_ATOMIC = True
        message = queue_message(company=company, to="a@b.ro", subject="TLS", text="x")
        report = send_due()
    finally:
        controller.stop()
    message.refresh_from_db()
    assert report.sent == 1 and message.state == MessageState.SENT
    assert [r.message_id for r in handler.received] == [message.message_id]
    assert logins == [(b"collect@demo.ro", b"s3cr@t")]
