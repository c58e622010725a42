"""Fixtures shared by the project-wide sweeps (permissions, hostile parameters)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.url_world import World, build_world


@pytest.fixture
def world(
    collector: Any, teammate: Any, outsider: Any, supervisor: Any, director: Any,
    make_counterparty: Any, make_document: Any, make_contract: Any, settings: Any, tmp_path: Any,
) -> World:  # fmt: skip
    """One small world of debtors, tasks, cases and files with real ids for every URL."""
    settings.MEDIA_ROOT = str(tmp_path)
    return build_world(
        collector=collector,
        teammate=teammate,
        outsider=outsider,
        supervisor=supervisor,
        director=director,
        make_counterparty=make_counterparty,
        make_document=make_document,
        make_contract=make_contract,
    )
