"""How many cores this process may run on."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores of this process's affinity where the system tells it (a container or
    `taskset` may allow fewer than the machine has), else the machine's; at least one."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1
