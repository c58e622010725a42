"""docs/deploy.md and bench/pgtune.py recommend the same PostgreSQL settings: the benchmarks
run with what the documentation tells operators to use."""

from __future__ import annotations

import re
from pathlib import Path

from bench.pgtune import SMALL

DOC = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"


def _small_server_table() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## A 2-core server", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `([a-z_]+)` \| `([^`]+)` \|", section, flags=re.MULTILINE))


def test_the_documented_settings_are_the_benchmarks_settings() -> None:
    assert _small_server_table() == SMALL


class _Settings:
    """A cursor over pg_settings' enumvals for wal_compression, as a server reports them."""

    def __init__(self, methods: list[str]) -> None:
        self.methods = methods
        self.asked: list[object] = []

    def execute(self, sql: str, params: list[object]) -> None:
        self.asked.append(params[0])

    def fetchone(self) -> tuple[list[str]]:
        return (self.methods,)


def test_lz4_is_used_where_the_server_has_it() -> None:
    from bench.pgtune import _accepted

    cursor = _Settings(["pglz", "lz4", "zstd", "on", "off"])
    assert _accepted(cursor, "wal_compression", "lz4") == "lz4"
    assert cursor.asked == ["wal_compression"]


def test_a_server_without_lz4_gets_pglz(capsys: object) -> None:
    from bench.pgtune import _accepted

    assert _accepted(_Settings(["pglz", "on", "off"]), "wal_compression", "lz4") == "on"
    assert "no lz4" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_other_settings_are_not_looked_up() -> None:
    from bench.pgtune import _accepted

    cursor = _Settings([])
    assert _accepted(cursor, "work_mem", "32MB") == "32MB"
    assert cursor.asked == []


def test_a_benchmark_says_when_the_server_does_not_have_the_recommended_settings(
    monkeypatch: object,
) -> None:
    import bench.pgtune as pgtune

    tuned = [(name, wanted, wanted, False) for name, wanted in SMALL.items()]
    monkeypatch.setattr(pgtune, "current", lambda: tuned)  # type: ignore[attr-defined]
    assert "NOT the recommended" not in pgtune.describe()

    # the server reports sizes in its own unit: 2GB is 2048MB
    units = [(n, w, "2048MB" if n == "shared_buffers" else w, False) for n, w, _v, _p in tuned]
    monkeypatch.setattr(pgtune, "current", lambda: units)  # type: ignore[attr-defined]
    assert "NOT the recommended" not in pgtune.describe()

    # an untuned server (PostgreSQL's defaults) and a setting waiting for a restart
    untuned = [
        (n, w, "128MB" if n == "shared_buffers" else w, n == "max_wal_size")
        for n, w, _v, _p in tuned
    ]
    monkeypatch.setattr(pgtune, "current", lambda: untuned)  # type: ignore[attr-defined]
    line = pgtune.describe()
    assert "shared_buffers=128MB" in line
    assert "NOT the recommended settings (shared_buffers, max_wal_size)" in line
