"""Run one call from several threads released together: the races PostgreSQL can show."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def at_once(call: Callable[[int], object], threads: int) -> list[object]:
    """`call(i)` in `threads` threads that start together; what each returned or raised, in
    the order they finished. Each thread closes its own database connection."""
    barrier = threading.Barrier(threads)
    results: list[object] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(call(i))
        except Exception as exc:  # reported to the test, which names what it expected
            results.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results
