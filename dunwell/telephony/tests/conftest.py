import pytest

from dunwell.telephony import fastroute


@pytest.fixture(autouse=True)
def _fresh_routing_token():
    """The routing token is cached per process; a test's stored token must not outlive it."""
    fastroute.forget_token()
    yield
    fastroute.forget_token()
