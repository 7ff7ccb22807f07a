"""Concurrent writers for the race tests: each callable in its own thread, with its own
database connection (real PostgreSQL; the tests use ``transactional_db``)."""

import threading

from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection
from django.utils import translation


def race(callables) -> list[tuple[str, object]]:
    """Run the callables at once (released together by a barrier). Each result is
    ("ok", value), ("refused", the ValidationError's message) or ("error", repr)."""
    barrier = threading.Barrier(len(callables))
    results: list = [None] * len(callables)

    def run(i, fn):
        translation.activate("en")
        try:
            barrier.wait(timeout=30)
            results[i] = ("ok", fn())
        except ValidationError as exc:
            results[i] = ("refused", exc.messages[0])
        except Exception as exc:  # reported by the callers' assertions
            results[i] = ("error", repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(callables)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    close_old_connections()
    return results
