"""The API test client and token fixture, shared with the API's own tests."""

from dunwell.restapi.tests.conftest import api_client  # noqa: F401
