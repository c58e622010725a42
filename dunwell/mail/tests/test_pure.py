"""DUNWELL_EMAIL_URL parsing, the backoff and the per-domain throttle (no database)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dunwell.mail.pacing import DomainThrottle, backoff, gives_up
from dunwell.mail.smtp_url import parse_smtp_url


def test_an_smtp_url_with_starttls_user_and_timeout() -> None:
    server = parse_smtp_url("smtp://collect%40demo.ro:p%3Ass@mail.demo.ro:587?tls=1&timeout=12")
    assert server is not None
    assert (server.host, server.port, server.starttls, server.implicit_tls) == (
        "mail.demo.ro", 587, True, False,
    )  # fmt: skip
    assert (server.user, server.password, server.timeout) == ("collect@demo.ro", "p:ss", 12.0)
    assert "p:ss" not in repr(server)


def test_smtps_is_tls_from_the_start_on_465_and_empty_is_mail_off() -> None:
    server = parse_smtp_url("smtps://relay.example.com")
    assert server is not None and server.implicit_tls and server.port == 465
    assert parse_smtp_url("  ") is None


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://host", "smtp://"),
        ("smtp://", "no host"),
        ("smtp://host:99999", "port"),
        ("smtp://host?tls=maybe", "tls"),
        ("smtp://host?timeout=soon", "timeout"),
        ("smtp://host?ssl=1", "unknown option"),
        ("smtps://host?tls=1", "STARTTLS"),
    ],
)
def test_a_bad_smtp_url_says_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_smtp_url(url)


def test_the_backoff_is_1_5_30_minutes_2_then_6_hours() -> None:
    waits = [backoff(n) for n in range(1, 8)]
    assert waits[:5] == [
        timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
        timedelta(hours=2), timedelta(hours=6),
    ]  # fmt: skip
    assert waits[5] == waits[6] == timedelta(hours=6)
    assert not gives_up(5, 6) and gives_up(6, 6)


def test_the_throttle_spaces_messages_per_domain_only() -> None:
    now = [100.0]
    throttle = DomainThrottle(10, clock=lambda: now[0])
    assert [throttle.reserve("a.ro") for _ in range(3)] == pytest.approx([0.0, 0.1, 0.2])
    assert throttle.reserve("B.md") == 0.0  # another domain is not held up
    assert throttle.reserve("A.RO") == pytest.approx(0.3)
    now[0] += 1.0
    assert throttle.reserve("a.ro") == 0.0
