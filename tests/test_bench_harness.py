"""The benchmarks' memory sampler: it must not take the CPU it measures."""

from __future__ import annotations

import os
import time
from itertools import pairwise

import pytest

from bench import harness


def _gaps(sampler: harness.TreeMemorySampler) -> list[float]:
    times = [at for at, _ in sampler.samples]
    return [later - earlier for earlier, later in pairwise(times)]


def test_a_costly_sample_makes_the_sampler_wait_longer(monkeypatch: pytest.MonkeyPatch) -> None:
    def costly(pid: int) -> harness.Memory:  # a large tree: 10 ms of CPU per sample
        started = time.thread_time()
        while time.thread_time() - started < 0.01:
            pass
        return harness.Memory(1, 1)

    monkeypatch.setattr(harness, "tree_memory", costly)
    sampler = harness.TreeMemorySampler(os.getpid(), interval=0.0, keep=True)
    sampler.start()
    time.sleep(1.2)
    assert sampler.stop() == harness.Memory(1, 1)
    # 10 ms a sample at 2% of a core: 0.5 s between samples (without the limit, ~10 ms)
    assert len(sampler.samples) >= 2
    assert min(_gaps(sampler)) >= 0.45


def test_a_cheap_sample_keeps_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "tree_memory", lambda pid: harness.Memory(2, 1))
    sampler = harness.TreeMemorySampler(os.getpid(), interval=0.05, keep=True)
    sampler.start()
    time.sleep(0.6)
    assert sampler.stop() == harness.Memory(2, 1)
    gaps = _gaps(sampler)
    assert len(gaps) >= 4 and min(gaps) >= 0.045 and sorted(gaps)[len(gaps) // 2] < 0.2


def test_the_tree_of_this_process_has_memory() -> None:
    memory = harness.tree_memory(os.getpid())
    assert memory.total >= memory.anonymous > 0
