"""Per-address limits shared by every worker through a real Redis server, and keyed on the
visitor's address behind a trusted reverse proxy."""
import os
import uuid

import pytest

from tests.integration.serving import Server, Visitor, instance_env, kb

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("KB_TEST_REDIS_URL")


@pytest.fixture
def behind_proxy(tmp_path):
    """gunicorn with 4 workers behind a (pretend) proxy, counting in Redis."""
    if not REDIS_URL:
        pytest.skip("KB_TEST_REDIS_URL is not set: the shared-limit runs need Redis")
    env = instance_env(tmp_path / "site", TRUSTED_PROXIES=1, SEARCH_LIMIT="6 per minute",
                       RATELIMIT_STORAGE_URI=REDIS_URL,
                       RATELIMIT_KEY_PREFIX=f"kb-test-{uuid.uuid4().hex[:8]}")
    kb(env, "init")
    server = Server(env, 4)
    yield server
    server.stop()


def test_a_limit_holds_across_workers(behind_proxy):
    """Each request on a new connection, so gunicorn hands them to any of its workers."""
    statuses = [Visitor(behind_proxy.base, "198.51.100.7").get("/api/v1/search")[0]
                for _ in range(12)]
    assert statuses == [200] * 6 + [429] * 6


def test_each_visitor_behind_the_proxy_has_their_own_budget(behind_proxy):
    for address in ("198.51.100.8", "198.51.100.9"):
        statuses = [Visitor(behind_proxy.base, address).get("/zoeken")[0] for _ in range(7)]
        assert statuses == [200] * 6 + [429]
