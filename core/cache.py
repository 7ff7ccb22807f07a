"""The shared cache: Django's Redis cache, made safe to share a Redis database.

``config/settings.py`` uses it when ``CACHE_URL`` names a Redis server, or, without
``CACHE_URL``, when the tasks go through Redis (the cache then shares the broker's
database under its key prefix). Every gunicorn worker sees the same entries: the sessions
(``cached_db``), the dashboards' figures, the to-do counts of the navigation.

Two differences from Django's ``RedisCache``:

* ``clear()`` deletes this cache's keys only (those under its ``KEY_PREFIX``), never the
  whole database (Django's flushes it, which would drop the broker's queues sharing it, or
  another test process's entries).
* One ``redis.Redis`` client per connection pool, kept (Django makes a new one for every
  cache call, and building one registers its ~170 response callbacks: more Python than the
  call itself). A client is safe to share between threads: each command takes a connection
  from the pool.
* A Redis that is down or hung makes a read a miss and a write a no-op (logged), after the
  socket timeouts of ``OPTIONS``: a session is then read from PostgreSQL (``cached_db``)
  and a dashboard figure computed again, so the site stays up. A delete still fails loudly
  (a signed-out session must not stay in a cache that comes back).
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class KeptClients(RedisCacheClient):
    """Django's Redis cache client, its ``redis.Redis`` clients made once per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class SanadRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClients
        if not self.key_prefix:
            self.key_prefix = "sanad"

    def _unavailable(self, action: str, exc: Exception) -> None:
        logger.warning("cache unavailable (%s): %s", action, exc)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNAVAILABLE as exc:
            self._unavailable("get", exc)
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNAVAILABLE as exc:
            self._unavailable("get_many", exc)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNAVAILABLE as exc:
            self._unavailable("has_key", exc)
            return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("set", exc)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("add", exc)
            return False

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNAVAILABLE as exc:
            self._unavailable("touch", exc)
            return False

    def clear(self) -> bool:
        """Delete the keys under this cache's prefix (every version), nothing else."""
        client = self._cache.get_client(write=True)
        batch: list = []
        for key in client.scan_iter(match=f"{self.key_prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch = []
        if batch:
            client.delete(*batch)
        return True
