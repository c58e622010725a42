"""The fake 1C server answers like the platform: the tests of the connector rely on it."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from urllib.error import HTTPError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest

from dunwell.onec.tests.fake1c import Fake1C
from dunwell.onec.tests.fixtures1c import fake


@pytest.fixture
def server() -> Iterator[Fake1C]:
    instance = fake("bp30")
    with instance.running():
        yield instance


def _get(server: Fake1C, path: str, *, password: str | None = None) -> tuple[int, dict, bytes]:
    headers = {}
    if password is not None:
        pair = f"{server.user}:{password}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    try:
        with urlopen(Request(server.root() + path, headers=headers)) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_without_or_with_wrong_credentials_it_asks_for_basic_auth(server: Fake1C) -> None:
    for password in (None, "wrong"):
        status, headers, _body = _get(server, "$metadata", password=password)
        assert status == 401
        assert headers["WWW-Authenticate"].startswith("Basic")


def test_it_answers_the_odata_v3_json_envelope_with_paging_and_select(server: Fake1C) -> None:
    path = quote("Catalog_Валюты") + "?$format=json&$top=2&$skip=1&$select=Ref_Key,Code"
    status, _headers, body = _get(server, path, password=server.password)
    assert status == 200
    data = json.loads(body)
    assert data["odata.metadata"].endswith("/odata/standard.odata/$metadata#Catalog_Валюты")
    assert [row["Code"] for row in data["value"]] == ["840", "978"]
    assert set(data["value"][0]) == {"Ref_Key", "Code"}


def test_its_metadata_publishes_entity_sets_and_row_types(server: Fake1C) -> None:
    _status, _headers, body = _get(server, "$metadata", password=server.password)
    text = body.decode()
    assert '<EntitySet Name="Catalog_Контрагенты"' in text
    assert 'Name="Document_ПоступлениеНаРасчетныйСчет_РасшифровкаПлатежа_RowType"' in text
    assert 'Name="СрокОплаты" Type="Edm.Int64"' in text
