"""The demo data set: fictional records and typical cases, marked as demo data."""

from __future__ import annotations

from pathlib import Path

from credit.service import DEMO_MARKER
from indexer.generate import write_feed

DEMO_RECORDS = 20_000
DEMO_CASES = 30
DEMO_SEED = 2024_42


def build_demo(data_dir: Path) -> Path:
    """Write the demo feed under the data directory and mark the directory as demo data."""
    data_dir.mkdir(parents=True, exist_ok=True)
    feed = data_dir / "demo-feed.jsonl"
    write_feed(feed, records=DEMO_RECORDS, cases=DEMO_CASES, seed=DEMO_SEED)
    (data_dir / DEMO_MARKER).write_text("演示数据：全部为虚构数据。\n", encoding="utf-8")
    return feed
