"""The cores a process may run on."""

from __future__ import annotations

import os
import subprocess
import sys

from credit.cores import usable_cores
from tests.conftest import PROJECT_ROOT


def test_a_process_counts_the_cores_of_its_affinity_not_the_machines() -> None:
    assert 1 <= usable_cores() <= (os.cpu_count() or 1)
    pinned = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))});"
            " from credit.cores import usable_cores; print(usable_cores())",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_ROOT,
    )
    assert pinned.stdout.strip() == "1"
