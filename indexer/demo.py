"""The demo data set: fictional records and hand-written typical cases, marked as demo data.

Records come from `indexer.generate`, placed around the demo day. The typical
cases are fictional articles in `indexer/data/demo_cases.jsonl`: each stores
its publication date as `days_ago` and the years in its text as `{Y}`, `{Y-1}`…
(the year of publication, the year before…), so the demo always looks current.
Each case is linked to one to three generated records of its category that are
published on the demo day, chosen deterministically: the same subject type,
the story's keywords in the record's reason, the same province, decided before
the case was published, the same kind — in that order of preference.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Final

import orjson

from credit import clock
from credit import vocabulary as vocab
from credit.publication import Window, is_published
from credit.service import DEMO_MARKER
from credit.uscc import region_code_of
from indexer.generate import generate_feed_lines

DEMO_RECORDS = 20_000
DEMO_CASES = 36
DEMO_SEED = 2024_42
CASES_RESOURCE: Final = "data/demo_cases.jsonl"
CASE_URL: Final = "https://example.org/ipcredit-demo/cases/{}"
# fair cases are about infringement at trade fairs: they link to infringement records
LINKED_CATEGORY: Final = {"fair_infringement": "intentional_infringement"}

Line = dict[str, object]

_YEAR: Final = re.compile(r"\{Y(?:-(\d))?\}")
_TEXT_FIELDS: Final = ("title", "summary", "facts", "handling", "significance", "legal_basis")
_STORED_FIELDS: Final = frozenset(
    {
        "case_id", "case_type", "days_ago", "subject_type", "record_kind", "reason_keywords",
        "title", "publishers", "region_code", "summary", "facts", "handling", "significance",
        "legal_basis", "tags",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class DemoCase:
    """One hand-written case as stored, with what places it in time and links it to records."""

    case_id: str
    case_type: str
    days_ago: int
    subject_type: str
    record_kind: str
    reason_keywords: tuple[str, ...]
    title: str
    publishers: tuple[str, ...]
    region_code: str
    summary: str
    facts: str
    handling: str
    significance: str
    legal_basis: str
    tags: tuple[str, ...]

    @property
    def linked_category(self) -> str:
        """The record category this case's related records have."""
        return LINKED_CATEGORY.get(self.case_type, self.case_type)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A generated dishonesty record published on the demo day: what linking compares."""

    record_id: str
    kind: str
    category: str
    subject_type: str
    province: str
    decided_on: str
    reason: str


def load_demo_cases() -> list[DemoCase]:
    """The hand-written cases shipped with the package, in file order."""
    text = resources.files("indexer").joinpath(CASES_RESOURCE).read_text(encoding="utf-8")
    cases = []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        data = orjson.loads(raw)
        if set(data) != _STORED_FIELDS:
            raise ValueError(
                f"{CASES_RESOURCE}:{number}: fields differ from {sorted(_STORED_FIELDS)}"
            )
        case = DemoCase(
            **{
                **data,
                "reason_keywords": tuple(data["reason_keywords"]),
                "publishers": tuple(data["publishers"]),
                "tags": tuple(data["tags"]),
            }
        )
        if case.case_type not in vocab.CASE_TYPES or case.record_kind not in vocab.DISHONESTY_KINDS:
            raise ValueError(f"{CASES_RESOURCE}:{number}: unknown case type or record kind")
        if case.subject_type not in vocab.SUBJECT_TYPES or case.days_ago < 0:
            raise ValueError(f"{CASES_RESOURCE}:{number}: unknown subject type or negative days")
        cases.append(case)
    return cases


def build_demo(data_dir: Path, today: date | None = None) -> Path:
    """Write the demo feed under the data directory and mark the directory as demo data."""
    data_dir.mkdir(parents=True, exist_ok=True)
    feed = data_dir / "demo-feed.jsonl"
    write_demo_feed(feed, today or clock.today())
    (data_dir / DEMO_MARKER).write_text("演示数据：全部为虚构数据。\n", encoding="utf-8")
    return feed


def write_demo_feed(path: Path, today: date) -> int:
    """Write the demo feed (records, then cases) as JSON Lines; return lines written."""
    lines = 0
    batch: list[bytes] = []
    with path.open("wb") as out:
        for line in demo_feed_lines(today):
            batch.append(orjson.dumps(line))
            if len(batch) >= 4096:
                out.write(b"\n".join(batch) + b"\n")
                lines += len(batch)
                batch.clear()
        if batch:
            out.write(b"\n".join(batch) + b"\n")
            lines += len(batch)
    return lines


def demo_feed_lines(today: date) -> Iterator[Line]:
    """The demo feed: generated records (with their updates and withdrawals), then the cases."""
    latest: dict[str, Line] = {}
    for line in generate_feed_lines(DEMO_RECORDS, 0, DEMO_SEED, today):
        record_id = str(line["record_id"])
        kept = latest.get(record_id)
        if kept is None or str(line["updated_at"]) > str(kept["updated_at"]):
            latest[record_id] = line
        yield line
    yield from case_lines(load_demo_cases(), published_candidates(latest.values(), today), today)


def published_candidates(lines: Iterable[Line], today: date) -> dict[str, list[Candidate]]:
    """Dishonesty records published on `today` by category, from each record's newest line."""
    pools: dict[str, list[Candidate]] = {}
    for line in lines:
        if "op" in line or line["kind"] not in vocab.DISHONESTY_KINDS:
            continue
        decided = str(line["decided_on"])
        window = Window(
            date.fromisoformat(str(line.get("publish_from") or decided)),
            _day_or_none(line.get("publish_until")),
            _day_or_none(line.get("delisted_on")),
        )
        if not is_published(window, today):
            continue
        region = str(line.get("region_code") or region_code_of(str(line.get("uscc", ""))) or "")
        pools.setdefault(str(line["category"]), []).append(
            Candidate(
                record_id=str(line["record_id"]),
                kind=str(line["kind"]),
                category=str(line["category"]),
                subject_type=str(line["subject_type"]),
                province=region[:2],
                decided_on=decided,
                reason=str(line["reason"]),
            )
        )
    for pool in pools.values():
        pool.sort(key=lambda candidate: candidate.record_id)
    return pools


def case_lines(
    cases: Iterable[DemoCase], pools: dict[str, list[Candidate]], today: date
) -> Iterator[Line]:
    """Feed lines of the cases, dated relative to `today` and linked to published records."""
    used: set[str] = set()
    for number, case in enumerate(cases):
        published = today - timedelta(days=case.days_ago)
        related = related_records(case, pools.get(case.linked_category, []), published, used)
        used.update(related)
        texts = {name: render_years(getattr(case, name), published.year) for name in _TEXT_FIELDS}
        yield {
            "kind": "case",
            "case_id": case.case_id,
            "title": texts["title"],
            "publishers": list(case.publishers),
            "published_on": published.isoformat(),
            "case_type": case.case_type,
            "region_code": case.region_code,
            "summary": texts["summary"],
            "facts": texts["facts"],
            "handling": texts["handling"],
            "significance": texts["significance"],
            "legal_basis": texts["legal_basis"],
            "tags": list(case.tags),
            "related_record_ids": related,
            "source_url": CASE_URL.format(case.case_id.lower()),
            "updated_at": f"{published.isoformat()}T{_office_time(number)}+08:00",
        }


def render_years(text: str, year: int) -> str:
    """`{Y}` → the year of publication, `{Y-2}` → two years before it."""
    return _YEAR.sub(lambda match: str(year - int(match[1] or 0)), text)


def related_records(
    case: DemoCase, pool: list[Candidate], published: date, used: set[str]
) -> list[str]:
    """One to three ids from `pool` that fit the case best, records not linked yet first."""
    if not pool:
        return []
    province = case.region_code[:2]
    published_on = published.isoformat()

    def rank(candidate: Candidate) -> tuple[int, bool, int]:
        score = (
            16 * (candidate.subject_type == case.subject_type)
            + 8 * any(word in candidate.reason for word in case.reason_keywords)
            + 4 * (candidate.province == province)
            + 2 * (candidate.decided_on <= published_on)
            + (candidate.kind == case.record_kind)
        )
        return -score, candidate.record_id in used, _mix(case.case_id, candidate.record_id)

    count = 1 + _mix(case.case_id, "count") % 3
    return [candidate.record_id for candidate in sorted(pool, key=rank)[:count]]


def _office_time(number: int) -> str:
    """A time of day in office hours that varies from case to case."""
    return f"{9 + number % 8:02d}:{number * 13 % 60:02d}:00"


def _mix(*parts: str) -> int:
    """A stable hash (unlike `hash`, the same in every process)."""
    return zlib.crc32("|".join(parts).encode())


def _day_or_none(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None
