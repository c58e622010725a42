"""The SSRF guard (dunwell/netguard.py): only public hosts are fetched. DNS answers are faked by
replacing socket.getaddrinfo, so no test depends on the network."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from dunwell import netguard
from dunwell.netguard import UnsafeAddress, check_public_url


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Make every host resolve to the given addresses."""

    def answer(*addresses: str) -> None:
        def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]

        monkeypatch.setattr(socket, "getaddrinfo", fake)

    return answer


REFUSED = [
    "127.0.0.1",  # loopback
    "::1",
    "10.1.2.3",  # private
    "172.16.0.9",
    "192.168.1.20",
    "fd00::7",
    "100.64.0.1",  # carrier-grade NAT
    "169.254.169.254",  # the cloud metadata service (link-local)
    "fe80::1",
    "224.0.0.1",  # multicast
    "ff02::1",
    "240.0.0.1",  # reserved
    "0.0.0.0",  # unspecified  # noqa: S104
    "::",
    "::ffff:127.0.0.1",  # IPv4-mapped IPv6
    "::ffff:169.254.169.254",
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
]


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("address", REFUSED)
def test_a_host_resolving_to_a_non_public_address_is_refused_naming_the_host(
    resolve: Callable[..., None], address: str
) -> None:
    resolve(address)
    with pytest.raises(UnsafeAddress, match=r"rec\.example\.com is on a private network"):
        check_public_url("https://rec.example.com/calls/1.mp3")


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_a_public_host_is_allowed(resolve: Callable[..., None], address: str) -> None:
    resolve(address)
    check_public_url("https://api.zadarma.com/v1/pbx/record/request/?call_id=1")


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
def test_one_private_answer_among_public_ones_is_enough_to_refuse(
    resolve: Callable[..., None],
) -> None:
    resolve("93.184.216.34", "10.0.0.5")
    with pytest.raises(UnsafeAddress):
        check_public_url("http://mixed.example.com/")


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
def test_an_address_literal_is_judged_without_asking_dns() -> None:
    for url in ("http://127.0.0.1:8000/x", "http://[::1]/x", "http://169.254.169.254/latest/"):
        with pytest.raises(UnsafeAddress, match="private network"):
            check_public_url(url)


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
def test_an_unknown_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", fail)
    with pytest.raises(UnsafeAddress, match=r"The host nowhere\.invalid cannot be found"):
        check_public_url("https://nowhere.invalid/x")


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "https:///x", "http://example.com:99999/"]
)
def test_only_http_and_https_with_a_host_are_accepted(url: str) -> None:
    with pytest.raises(UnsafeAddress, match="must start with http"):
        check_public_url(url)


@override_settings(WEBHOOKS_ALLOW_PRIVATE=False)
def test_the_refusal_reads_in_the_users_language(resolve: Callable[..., None]) -> None:
    resolve("10.0.0.1")
    with translation.override("ru"), pytest.raises(UnsafeAddress) as error:
        check_public_url("https://pbx.local.example/rec.mp3")
    assert str(error.value) == (
        "Хост pbx.local.example находится в частной сети; разрешены только публичные адреса."
    )


@override_settings(WEBHOOKS_ALLOW_PRIVATE=True)
def test_development_may_allow_private_addresses() -> None:
    check_public_url("http://127.0.0.1:8000/recording.wav")


def test_ipv4_mapped_addresses_are_judged_by_their_ipv4_address() -> None:
    import ipaddress

    assert not netguard.is_public_address(ipaddress.ip_address("::ffff:10.0.0.1"))
    assert netguard.is_public_address(ipaddress.ip_address("::ffff:93.184.216.34"))
