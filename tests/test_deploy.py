"""Deployment defaults: production settings pass `check --deploy`, weak keys are refused,
every page carries a Content-Security-Policy, the API docs need a login and use no CDN."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "kY3-vQ9_pL2xW7zR4tN8mB1cF6hJ0dS5aG-eU3iO7yT2rE9wQ4_zX8"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DUNWELL_", "DJANGO_"))}
    environ.update(env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    done = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DUNWELL_DEBUG="0",
        DUNWELL_SECRET_KEY=STRONG_KEY,
        DUNWELL_ALLOWED_HOSTS="crm.example.com",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_a_short_secret_key_is_refused_at_start_outside_debug() -> None:
    done = _manage("check", DUNWELL_DEBUG="0", DUNWELL_SECRET_KEY="short-but-not-empty-key")
    assert done.returncode != 0
    assert "DUNWELL_SECRET_KEY must be at least 50" in done.stderr


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_with_a_fresh_nonce() -> None:
    client = Client()
    first = client.get("/login/")["Content-Security-Policy"]
    second = client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in first and "object-src 'none'" in first
    assert "frame-ancestors 'none'" in first
    assert "'nonce-" in first and first != second


@pytest.mark.django_db
def test_api_docs_need_a_login_and_load_no_cdn(collector) -> None:
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 302 and "/login/" in response["Location"]
    client.force_login(collector)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_the_api_schema_is_public_and_its_endpoints_need_a_token() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/documents" in schema["paths"]
    assert Client().get("/api/v1/documents").status_code == 401


def _databases(**env: str) -> subprocess.CompletedProcess[str]:
    code = (
        "from django.conf import settings; d = settings.DATABASES; "
        "print(sorted(d), d['default'].get('OPTIONS', {}).get('prepare_threshold', 'unset'), "
        "d.get('replica', {}).get('PORT'), d.get('replica', {}).get('TEST', {}).get('MIRROR'))"
    )
    return _manage("shell", "--no-imports", "-c", code, DUNWELL_DEBUG="1", **env)


def test_the_database_variables_reach_the_settings() -> None:
    primary = "postgres://u:p@db.example:5432/dunwell"
    plain = _databases(DATABASE_URL=primary)
    assert plain.stdout.split() == ["['default']", "unset", "None", "None"], plain.stderr
    # A hot standby for the reports, mirrored in tests; prepared statements turned off.
    both = _databases(
        DATABASE_URL=primary,
        DUNWELL_REPLICA_URL="postgres://u:p@standby.example:5433/dunwell",
        DUNWELL_DB_PREPARED="0",
    )
    assert both.stdout.split() == ["['default',", "'replica']", "None", "5433", "default"], (
        both.stderr
    )
    refused = _databases(
        DATABASE_URL="",  # the SQLite default, whatever database this suite runs on
        DUNWELL_REPLICA_URL="postgres://u:p@standby.example:5433/dunwell",
    )
    assert refused.returncode != 0
    assert "DUNWELL_REPLICA_URL needs DATABASE_URL on PostgreSQL" in refused.stderr
