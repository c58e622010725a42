"""Two requests with the same Idempotency-Key at the same time: only one runs."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse

from dunwell.accounts.models import User
from dunwell.restapi.idempotency import run_once
from dunwell.restapi.problems import ApiProblem
from dunwell.restapi.tokens import create_token

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_concurrent_retry_does_not_run_while_the_first_runs(collector: User) -> None:
    token = create_token(collector, ["work:read"]).token
    started, release = threading.Event(), threading.Event()
    runs: list[str] = []
    answers: dict[str, Any] = {}

    def slow() -> HttpResponse:
        runs.append("first")
        started.set()
        release.wait(10)
        return HttpResponse('{"created": 1}', content_type="application/json")

    def first() -> None:
        try:
            answers["first"] = run_once(b"{}", token, "same", slow)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert started.wait(10)

    def again() -> HttpResponse:
        runs.append("second")
        return HttpResponse("{}")

    with pytest.raises(ApiProblem) as busy:
        run_once(b"{}", token, "same", again)
    assert busy.value.status == 409
    release.set()
    thread.join(10)
    assert answers["first"].status_code == 200
    replay = run_once(b"{}", token, "same", again)
    assert replay.content == b'{"created": 1}'
    assert runs == ["first"]
