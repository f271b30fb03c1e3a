"""What the screening pages say about their limits: on the form, and on its 413 answer."""

from __future__ import annotations

from credit.screening.inputs import MAX_BYTES, MAX_ROWS

__all__ = ["form_limits"]


def form_limits() -> dict[str, int]:
    """The rows and megabytes an upload may hold, for the `/screen` templates."""
    return {"max_rows": MAX_ROWS, "max_mb": MAX_BYTES // (1024 * 1024)}
