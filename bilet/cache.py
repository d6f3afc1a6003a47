"""Django's Redis cache, with one client object per connection pool instead of one per operation.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache call, and
its constructor fills a table of ~80 response callbacks: ~0.2 ms of CPU on each request's session read (profiled
in-process, benchmarks/RESULTS.md), as much as a round trip to PostgreSQL. A `redis.Redis` is a thin, thread-safe
wrapper of its connection pool, so one per pool serves every call; the pools themselves are Django's, unchanged.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
