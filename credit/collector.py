"""The garbage collector's pace: relaxed while a batch builds many objects that live on.

A screening batch builds tens of thousands of record bodies that live until its report
is written. With CPython's defaults (a young collection every 700 allocations) the
collector walked them again and again: a third of the matching time for 10,000 rows
(2.0–2.1 s against 1.45–1.6 s, `bench screen`'s rows on 1,000,000 records). A young
collection every 50,000 allocations still walked them three times, at about 0.7 µs an
object (0.09–0.14 s of 1.2–1.35); every million, a batch of 10,000 rows is never
interrupted, and a longer one (the CLI streams without a limit) still collects its
cycles, in a pause of up to about 0.7 s when a million objects are alive. Left relaxed
for good, though, each young collection walks many objects at once and lengthens the
slowest searches (the rare-name p99). So it is relaxed only while a batch is under way —
for the whole process, as thresholds are; memory is still freed by reference counting,
only reference cycles wait longer.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_COLLECTION_AFTER = 1_000_000
"""Allocations between two young collections while relaxed (CPython's default is 700)."""
OLDER_COLLECTION_AFTER = 20
"""Collections of one generation between two of the next while relaxed (default 10)."""

_lock = threading.Lock()
_batches = 0
_usual: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def relaxed() -> Iterator[None]:
    """Collect less often until the last batch under way (in any thread) has ended; the
    thresholds in force before the first one are then restored, and the young generations
    collected at once: the collection they are due (57–96 ms after 10,000 rows) is paid by
    the batch, not by whichever request allocates next."""
    global _batches, _usual
    with _lock:
        if _batches == 0:
            _usual = gc.get_threshold()
            gc.set_threshold(YOUNG_COLLECTION_AFTER, OLDER_COLLECTION_AFTER, OLDER_COLLECTION_AFTER)
        _batches += 1
    try:
        yield
    finally:
        with _lock:
            _batches -= 1
            last = _batches == 0
            if last:
                gc.set_threshold(*_usual)
        if last:  # outside the lock: a finalizer may start a batch
            gc.collect(1)
