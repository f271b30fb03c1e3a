"""The labelled screening set, and how well screening does on it.

`python -m bench.screen_labels --write` builds the set: a fictional feed from
`indexer.generate` (fixed seed and day) and about 400 exhibitor rows made from its
subjects with the variations of real lists — former names, traditional characters,
full-width brackets, extra spaces, a missing 省/市 or region, a typo, a word added,
分公司 rows, the same name in another city, a swapped 有限公司/有限责任公司, invalid codes,
empty rows, delisted subjects, and names that are not in the register — each with the verdict a
careful human would give. Both land in `tests/fixtures/screening/`, where the tests
read them; the set is committed, so a change to the generator does not move it.

Expected verdicts: rows that match exactly (USCC, NAME, FORMER_NAME) get the verdict
of the records published on the day, by brute force over the feed; rows that are a
variation of a subject with a published dishonesty record are REVIEW; the rest
(branches, other cities, names not in the register, delisted subjects) are CLEAR.

`python -m bench screen-labels` screens the set against the real engine and records
the precision and recall of REVIEW and of the exact bases in RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from random import Random
from typing import Any

import orjson
from opencc import OpenCC

from bench.harness import Figure, Target
from credit.publication import Window, is_published
from credit.screening.matching import Entry, RowResult, screen_rows
from credit.screening.names import parse_name
from credit.search.engine import SearchEngine
from credit.text import normalize_name
from credit.uscc import ALPHABET, normalize_uscc, uscc_problem

NAME = "screen-labels"
DAY = date(2025, 7, 1)
RECORDS = 1200
SEED = 6
FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "screening"
FEED = FIXTURES / "records.jsonl"
LABELS = FIXTURES / "labels.csv"
DEFAULT_RECORDS = RECORDS
LABEL_COLUMNS = ("ref", "variation", "name", "uscc", "expected_verdict", "expected_basis", "source")
EXACT_BASES = ("USCC", "NAME", "FORMER_NAME")

# Characters and a homophone typed in their place by a pinyin input method.
_HOMOPHONES = dict(
    zip(
        "创华信达盛泰源鑫宏永瑞德恒金兴隆昌荣富嘉卓锦腾云凤东方正合众汇科精立联顺同宝鼎润亿凯飞启蓝"
        "青银神九开天国宇晨春明光星海江远安博智通中新佳万百龙",
        "闯化新大胜太元新洪勇锐得横今星龙常容付佳桌进藤运风冬芳政和中会可经力连舜通保顶闰益楷非起兰"
        "清音申久凯添果雨辰纯鸣广兴嗨疆园按搏志同忠欣家湾柏隆",
        strict=True,
    )
)
_KIND_ORDER = {"serious_list": 0, "dishonest_act": 1, "good_credit": 2}
_BASIS_ORDER = {"USCC": 0, "NAME": 1, "FORMER_NAME": 2}
_WORDS = ("信息", "国际", "发展", "实业", "网络", "环球")
_OTHER_CITIES = ("广州市", "杭州市", "成都市", "武汉市", "西安市", "南京市", "长沙市", "郑州市")


@dataclass(frozen=True)
class Label:
    """One labelled row: what is screened and what the verdict should be."""

    ref: str
    variation: str
    name: str
    uscc: str
    expected_verdict: str
    expected_basis: str
    source: str


@dataclass
class Subject:
    """A subject of the feed: its name, code, former names and final records."""

    name: str
    uscc: str
    region_code: str
    former_names: list[str] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)

    def published(self) -> list[dict[str, Any]]:
        return [r for r in self.records if _published(r)]

    @property
    def dishonest(self) -> bool:
        return any(r["kind"] != "good_credit" for r in self.published())


def _day(value: object) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _published(record: dict[str, Any], day: date = DAY) -> bool:
    start = _day(record.get("publish_from")) or _day(record["decided_on"])
    assert start is not None
    window = Window(start, _day(record.get("publish_until")), _day(record.get("delisted_on")))
    return is_published(window, day)


def final_records(lines: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The feed's final version of every record that was not withdrawn."""
    final: dict[str, dict[str, Any]] = {}
    for line in lines:
        if line.get("op") == "withdraw":
            final.pop(str(line["record_id"]), None)
        elif "record_id" in line:
            final[str(line["record_id"])] = line
    return final


class Oracle:
    """The verdict a row should get, by brute force over the published records."""

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.published = [r for r in records if _published(r)]
        self.by_code: dict[str, list[dict[str, Any]]] = {}
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        self.by_former: dict[str, list[dict[str, Any]]] = {}
        for record in self.published:
            if record.get("uscc"):
                self.by_code.setdefault(str(record["uscc"]), []).append(record)
            self.by_name.setdefault(normalize_name(record["subject_name"]), []).append(record)
            for former in record.get("former_names") or []:
                self.by_former.setdefault(normalize_name(former), []).append(record)

    def expected(self, name: str, uscc: str, similar_to: Subject | None) -> tuple[str, str]:
        """(verdict, basis of the first match or "") for a row."""
        key = normalize_name(name) if name.strip() else ""
        code = normalize_uscc(uscc) if uscc.strip() else ""
        code_ok = bool(code) and uscc_problem(code) is None
        name_ok = len(key) >= 2
        if not name_ok and not code_ok:
            return "INVALID", ""
        found: dict[str, tuple[dict[str, Any], str]] = {}
        conflicts: list[dict[str, Any]] = []
        for record in self.by_code.get(code, []) if code_ok else []:
            found.setdefault(record["record_id"], (record, "USCC"))
        for basis, table in (("NAME", self.by_name), ("FORMER_NAME", self.by_former)):
            for record in table.get(key, []) if name_ok else []:
                other = record.get("uscc")
                if code_ok and other and other != code:
                    conflicts.append(record)
                else:
                    found.setdefault(record["record_id"], (record, basis))
        if found:
            ordered = sorted(
                found.values(), key=lambda m: (_KIND_ORDER[m[0]["kind"]], _BASIS_ORDER[m[1]])
            )
            kinds = {record["kind"] for record, _ in ordered}
            verdict = (
                "SERIOUS"
                if "serious_list" in kinds
                else "DISHONEST"
                if "dishonest_act" in kinds
                else "CLEAR"
            )
            return verdict, ordered[0][1]
        if code and not code_ok:
            return "INVALID", ""
        if any(r["kind"] != "good_credit" for r in conflicts):
            return "REVIEW", ""
        if similar_to is not None and similar_to.dishonest:
            return "REVIEW", ""
        return "CLEAR", ""


# --- building the set ----------------------------------------------------------------------------


def _subjects(records: Iterable[dict[str, Any]]) -> list[Subject]:
    subjects: dict[tuple[str, str], Subject] = {}
    for record in records:
        if record["subject_type"] == "individual" or not record.get("uscc"):
            continue
        key = (record["subject_name"], record["uscc"])
        subject = subjects.get(key)
        if subject is None:
            subject = Subject(key[0], key[1], str(record.get("region_code") or key[1][2:8]))
            subjects[key] = subject
        subject.records.append(record)
        for former in record.get("former_names") or []:
            if former not in subject.former_names:
                subject.former_names.append(former)
    return sorted(subjects.values(), key=lambda s: (s.name, s.uscc))


class Builder:
    """Draws the labelled rows from the subjects, deterministically."""

    def __init__(self, lines: list[dict[str, Any]], extra_names: Sequence[str]) -> None:
        self.rng = Random(SEED)
        final = final_records(lines)
        self.oracle = Oracle(final.values())
        self.subjects = _subjects(final.values())
        self.known = {
            normalize_name(n)
            for r in final.values()
            for n in [r["subject_name"], *(r.get("former_names") or [])]
        }
        self.extra_names = [n for n in extra_names if normalize_name(n) not in self.known]
        self.labels: list[Label] = []
        self.t2s = OpenCC("s2t")

    def pick(self, pool: Sequence[Subject], count: int) -> list[Subject]:
        return self.rng.sample(list(pool), min(count, len(pool)))

    def add(
        self, variation: str, name: str, uscc: str, source: Subject | None, similar: bool
    ) -> None:
        verdict, basis = self.oracle.expected(name, uscc, source if similar else None)
        self.labels.append(
            Label(
                f"L{len(self.labels) + 1:04d}",
                variation,
                name,
                uscc,
                verdict,
                basis,
                source.name if source else "",
            )
        )

    def build(self) -> list[Label]:
        subjects = self.subjects
        dishonest = [s for s in subjects if s.dishonest]
        good_only = [s for s in subjects if s.published() and not s.dishonest]
        gone = [s for s in subjects if not s.published()]
        formers = [s for s in subjects if s.former_names and s.published()]
        rng = self.rng
        for s in self.pick([*dishonest, *good_only], 40):
            self.add("uscc_and_name", s.name, s.uscc, s, False)
        for s in self.pick(dishonest, 15):
            self.add("uscc_only", "", s.uscc, s, False)
        for s in self.pick(formers, 10):
            self.add("uscc_with_former_name", s.former_names[0], s.uscc, s, False)
        for s in self.pick(dishonest, 40):
            self.add("name", s.name, "", s, False)
        for s in self.pick(dishonest, 20):
            self.add("traditional", self.t2s.convert(s.name), "", s, False)
        for s in self.pick(dishonest, 25):
            self.add("brackets_spaces", self.respell(s.name), "", s, False)
        for s in self.pick(formers, 20):
            self.add("former_name", rng.choice(s.former_names), "", s, False)
        self.variants(dishonest, "missing_region", self.without_region, 25)
        self.variants(dishonest, "typo", self.typo, 25)
        self.variants(dishonest, "swapped_suffix", self.swapped_suffix, 20)
        self.variants(dishonest, "branch", self.branch, 20)
        self.variants(dishonest, "other_city", self.other_city, 20)
        names = self.extra_names
        for name in names[:15]:
            self.add("invalid_code", name, self.bad_code(rng.choice(subjects).uscc), None, False)
        for s in self.pick(dishonest, 10):
            self.add("invalid_code_exact_name", s.name, self.bad_code(s.uscc), s, False)
        for code in ("9144030MA5F0A1B2", "91440300MA5F0A1BZO", "12345"):
            self.add("malformed_code", rng.choice(names), code, None, False)
        for name in ["", "", "", "", "", "", "", "", "——", "（）", "…", "公"]:
            self.add("empty", name, "", None, False)
        for name in names[15:55]:
            self.add("not_registered", name, "", None, False)
        for s in self.pick(gone, 20):
            self.add("unpublished_name", s.name, "", s, False)
        for s in self.pick(gone, 10):
            self.add("unpublished_uscc", "", s.uscc, s, False)
        for s in self.pick(good_only, 10):
            self.add("good_credit_only", s.name, "", s, False)
        self.variants(dishonest, "word_added", self.word_added, 15)  # last: the rows above stay
        return self.labels

    def variants(self, pool: Sequence[Subject], variation: str, make: Any, count: int) -> None:
        made = 0
        for s in self.rng.sample(list(pool), len(pool)):
            name = make(s)
            if name is None or normalize_name(name) in self.known:
                continue
            self.add(variation, name, "", s, variation not in ("branch", "other_city"))
            made += 1
            if made == count:
                return

    def respell(self, name: str) -> str:
        rng = self.rng
        choice = rng.randrange(3)
        if "（" in name:
            name = name.replace("（", "(").replace("）", ")")
        if choice == 0:
            parts = parse_name(name)
            if parts.region and name.startswith(parts.region):
                return f"{parts.region} {name[len(parts.region) :]}"
            return f" {name[:2]}  {name[2:]} "
        if choice == 1:
            return "　" + name.replace("有限", "有限 ") + "\t"
        return name.replace("(", "【").replace(")", "】") + " "

    def without_region(self, s: Subject) -> str | None:
        parts = parse_name(s.name)
        if not parts.region or not s.name.startswith(parts.region) or parts.branch:
            return None
        if parts.region.endswith(("市", "省")) and self.rng.random() < 0.6:
            return parts.region[:-1] + s.name[len(parts.region) :]
        return s.name[len(parts.region) :]

    def typo(self, s: Subject) -> str | None:
        parts = parse_name(s.name)
        if parts.branch or len(parts.core) < 2 or parts.core not in s.name:
            return None
        start = s.name.index(parts.core)
        draw = self.rng.random()
        if draw < 0.5:  # a homophone from the input method
            for offset, char in enumerate(parts.core):
                if char in _HOMOPHONES:
                    at = start + offset
                    return s.name[:at] + _HOMOPHONES[char] + s.name[at + 1 :]
            return None
        at = start + self.rng.randrange(1, len(parts.core))
        if draw < 0.75:  # another character
            other = self.rng.choice([c for c in _HOMOPHONES.values() if c != s.name[at]])
            return s.name[:at] + other + s.name[at + 1 :]
        if len(parts.core) < 4:
            return None
        return s.name[:at] + s.name[at + 1 :]  # a character left out

    def swapped_suffix(self, s: Subject) -> str | None:
        if parse_name(s.name).branch or s.name.endswith("股份有限公司"):
            return None
        if s.name.endswith("有限责任公司"):
            return s.name[: -len("有限责任公司")] + "有限公司"
        if s.name.endswith("有限公司"):
            return s.name[: -len("有限公司")] + "有限责任公司"
        return None

    def branch(self, s: Subject) -> str | None:
        parts = parse_name(s.name)
        if parts.branch or not s.name.endswith("公司"):
            return None
        return s.name + self.rng.choice(_OTHER_CITIES)[:-1] + "分公司"

    def other_city(self, s: Subject) -> str | None:
        parts = parse_name(s.name)
        if not parts.region or not s.name.startswith(parts.region) or parts.branch:
            return None
        city = self.rng.choice([c for c in _OTHER_CITIES if c[:2] != parts.region[:2]])
        return city + s.name[len(parts.region) :]

    def word_added(self, s: Subject) -> str | None:
        """A two-character word written after the 字号 (`华创科技` → `华创信息科技`)."""
        parts = parse_name(s.name)
        if parts.branch or len(parts.core) < 4 or parts.core not in s.name:
            return None
        at = s.name.index(parts.core) + 2
        return s.name[:at] + self.rng.choice(_WORDS) + s.name[at:]

    def bad_code(self, code: str) -> str:
        wrong = [c for c in ALPHABET if c != code[-1]]
        return code[:-1] + self.rng.choice(wrong)


def _lines(records: int, seed: int) -> list[dict[str, Any]]:
    from indexer.generate import generate_feed_lines

    return list(generate_feed_lines(records, 0, seed, today=DAY))


def write_fixtures(directory: Path = FIXTURES) -> list[Label]:
    """Generate the feed and the labelled rows into `directory`."""
    lines = _lines(RECORDS, SEED)
    others = [str(line["subject_name"]) for line in _lines(400, SEED + 1000) if "kind" in line]
    organizations = [n for n in dict.fromkeys(others) if len(n) > 4]
    labels = Builder(lines, organizations).build()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / FEED.name).write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LABEL_COLUMNS)
    for label in labels:
        writer.writerow([getattr(label, column) for column in LABEL_COLUMNS])
    (directory / LABELS.name).write_text(out.getvalue(), encoding="utf-8")
    return labels


# --- reading and scoring it ----------------------------------------------------------------------


def feed_lines(path: Path = FEED) -> list[dict[str, Any]]:
    """The labelled set's feed."""
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def read_labels(path: Path = LABELS) -> list[Label]:
    """The labelled rows."""
    with path.open(encoding="utf-8", newline="") as source:
        return [Label(**row) for row in csv.DictReader(source)]


def entries(labels: Iterable[Label]) -> Iterator[Entry]:
    for label in labels:
        yield Entry(label.ref, label.name, label.uscc)


@dataclass(frozen=True)
class Scores:
    """How screening did on the labelled set."""

    rows: int
    agree: int
    review_tp: int
    review_fp: int
    review_fn: int
    exact_tp: int
    exact_fp: int
    exact_fn: int
    misses: list[tuple[Label, RowResult]]

    @staticmethod
    def _ratio(hit: int, other: int) -> float:
        return hit / (hit + other) if hit + other else 1.0

    @property
    def review_precision(self) -> float:
        return self._ratio(self.review_tp, self.review_fp)

    @property
    def review_recall(self) -> float:
        return self._ratio(self.review_tp, self.review_fn)

    @property
    def exact_precision(self) -> float:
        return self._ratio(self.exact_tp, self.exact_fp)

    @property
    def exact_recall(self) -> float:
        return self._ratio(self.exact_tp, self.exact_fn)


def score(labels: Sequence[Label], results: Sequence[RowResult]) -> Scores:
    """Compare results with labels (same order)."""
    counts = dict.fromkeys(("agree", "rtp", "rfp", "rfn", "etp", "efp", "efn"), 0)
    misses: list[tuple[Label, RowResult]] = []
    for label, result in zip(labels, results, strict=True):
        same = result.verdict == label.expected_verdict
        counts["agree"] += same
        if not same:
            misses.append((label, result))
        said_review = result.verdict == "REVIEW"
        is_review = label.expected_verdict == "REVIEW"
        counts["rtp"] += said_review and is_review
        counts["rfp"] += said_review and not is_review
        counts["rfn"] += is_review and not said_review
        said_exact = result.basis in EXACT_BASES and result.verdict != "REVIEW"
        is_exact = label.expected_basis in EXACT_BASES
        right = same and result.basis == label.expected_basis
        counts["etp"] += said_exact and right
        counts["efp"] += said_exact and not right
        counts["efn"] += is_exact and not (said_exact and right)
    return Scores(
        len(labels),
        counts["agree"],
        counts["rtp"],
        counts["rfp"],
        counts["rfn"],
        counts["etp"],
        counts["efp"],
        counts["efn"],
        misses,
    )


async def screen_labels(engine: SearchEngine, labels: Sequence[Label]) -> list[RowResult]:
    """Screen the labelled rows as of the set's day."""
    return await screen_rows(engine, list(entries(labels)), day=DAY)


def run(records: int = RECORDS) -> tuple[list[Figure], list[str]]:
    """The bench runner: index the set's feed (tantivy), screen, score."""
    from tests.engines import build_async_engine

    labels = read_labels()
    with tempfile.TemporaryDirectory() as scratch:
        engine = build_async_engine("tantivy", feed_lines(), Path(scratch))

        async def screened() -> list[RowResult]:
            try:
                return await screen_labels(engine, labels)
            finally:
                await engine.close()

        scores = score(labels, asyncio.run(screened()))
    n = len(labels)

    def figure(name: str, value: float, unit: str, target: Target | None = None) -> Figure:
        return Figure(NAME, name, value, unit, RECORDS, target)

    figures = [
        figure("rows", n, "rows"),
        figure("verdict_agreement", round(scores.agree / n, 4), "share"),
        figure("exact_precision", round(scores.exact_precision, 4), "share", Target("==", 1.0)),
        figure("exact_recall", round(scores.exact_recall, 4), "share", Target("==", 1.0)),
        figure("review_precision", round(scores.review_precision, 4), "share"),
        figure("review_recall", round(scores.review_recall, 4), "share"),
        figure("review_true_positives", scores.review_tp, "rows"),
        figure("review_false_positives", scores.review_fp, "rows"),
        figure("review_false_negatives", scores.review_fn, "rows"),
    ]
    notes = [
        f"labelled set: tests/fixtures/screening/labels.csv ({n} rows) over a generated feed "
        f"of {RECORDS} records (seed {SEED}), screened as of {DAY} on the tantivy engine",
        "REVIEW positives are the variations of a subject with a published dishonesty record "
        "(missing 省/市 or region, a typo, a word added, a swapped 有限公司/有限责任公司); "
        "branches, other cities and names not in the register are negatives",
    ]
    for label, result in scores.misses[:12]:
        notes.append(
            f"disagreement {label.ref} ({label.variation}) `{label.name}`: expected "
            f"{label.expected_verdict}, got {result.verdict} — {result.reason}"
        )
    return figures, notes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.screen_labels", description=__doc__)
    parser.add_argument("--write", action="store_true", help="rebuild the fixtures")
    args = parser.parse_args(argv)
    if args.write:
        labels = write_fixtures()
        print(f"{len(labels)} labelled rows written to {FIXTURES}")
        return 0
    figures, notes = run()
    for fig in figures:
        print(f"{fig.figure}: {fig.value}")
    for note in notes:
        print(note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
