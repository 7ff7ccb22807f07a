"""The shared cache (core.cache.SanadRedisCache): every process reads the same Redis; its
clear() deletes its own keys only (never the broker's queues or another test process's
entries sharing the database); a Redis that does not answer is a miss, not an error."""

import time

import pytest
import redis
from django.conf import settings
from django.core.cache import cache

from core.cache import SanadRedisCache


@pytest.fixture(autouse=True)
def the_suite_runs_on_redis():
    """The suite runs against Redis (``make test`` sets CELERY_BROKER_URL=redis://...): a
    cache of another kind here is a broken set-up, not a reason to skip."""
    assert settings.CACHES["default"]["BACKEND"].endswith("SanadRedisCache"), "make test sets CELERY_BROKER_URL"


def _other(prefix: str, location: str | None = None) -> SanadRedisCache:
    params = {**settings.CACHES["default"], "KEY_PREFIX": prefix}
    return SanadRedisCache(location or params["LOCATION"], params)


def test_it_is_redis_shared_by_every_process():
    cache.set("shared-probe", 41)
    assert _other(settings.CACHES["default"]["KEY_PREFIX"]).get("shared-probe") == 41  # another process's view


def test_clear_deletes_only_its_own_keys():
    neighbour = _other("neighbour-test")
    raw = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        cache.set("mine", 1)
        neighbour.set("theirs", 2)
        raw.set("_kombu.binding.celery-probe", "queue")  # what the broker keeps in the same db
        cache.clear()
        assert cache.get("mine") is None
        assert neighbour.get("theirs") == 2
        assert raw.get("_kombu.binding.celery-probe") == b"queue"
    finally:
        neighbour.clear()
        raw.delete("_kombu.binding.celery-probe")
        raw.close()


def test_a_redis_that_does_not_answer_is_a_miss_not_an_error():
    down = _other("down", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    began = time.monotonic()
    assert down.get("anything", "default") == "default"
    down.set("anything", 1)  # no error
    assert down.add("anything", 1) is False
    assert time.monotonic() - began < 3


def test_one_redis_client_per_pool_shared_by_threads():
    import threading

    mine = _other("kept-clients-test")
    client = mine._cache.get_client(write=True)
    assert mine._cache.get_client() is client and mine._cache.get_client(write=True) is client
    errors: list = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                mine.set(f"k{n}-{i}", i)
                assert mine.get(f"k{n}-{i}") == i
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine.clear()
    assert errors == []
