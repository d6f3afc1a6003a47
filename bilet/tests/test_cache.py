"""The Redis cache keeps one client per connection pool (bilet/cache.py) and still behaves as Django's."""

import threading
import uuid

import pytest

from bilet.cache import RedisCache


@pytest.fixture
def redis_cache(settings):
    """A cache on the Redis of this machine (CI: CELERY_BROKER_URL's server), in a database of its own."""
    import os

    import redis

    from bilet.testing.ci import is_ci

    url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0] + "/13"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if is_ci():
            pytest.fail(f"needs Redis at {url}")
        pytest.skip(f"needs Redis at {url}")
    # A prefix of its own and no FLUSHDB: parallel test workers share this Redis database.
    prefix = f"bilet-test-cache-{uuid.uuid4().hex}"
    cache = RedisCache(url, {"KEY_PREFIX": prefix})
    yield cache
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_one_client_serves_every_call_and_the_cache_works(redis_cache):
    redis_cache.set("a", {"x": 1}, 30)
    redis_cache.set_many({"b": 2, "c": [3]}, 30)
    assert redis_cache.get("a") == {"x": 1}
    assert redis_cache.get_many(["b", "c", "missing"]) == {"b": 2, "c": [3]}
    assert redis_cache.incr("b") == 3
    redis_cache.delete("a")
    assert redis_cache.get("a", "gone") == "gone"
    client = redis_cache._cache
    assert client.get_client() is client.get_client(write=True) is client.get_client("any key")


def test_threads_share_the_client_safely(redis_cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                redis_cache.set(f"t{n}-{i}", i, 30)
                assert redis_cache.get(f"t{n}-{i}") == i
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
