"""Screening lookups: many rows' exact keys in one engine query, answers assigned per row.

Both engines run the same two reads for a batch of `Lookup`s — every published record
whose USCC, normalized name or normalized former name is one of the batch's, and per
row the records sharing a similar-name key (`credit.screening.keys`) — and use the pure
functions here to say what they ask and which row each record answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from credit.search.query import Candidate, CandidateBasis
from credit.text import normalize_name

__all__ = [
    "SIMILAR_LIMIT",
    "Lookup",
    "Similar",
    "add_similar",
    "assign_exact",
    "exact_keys",
    "rank_by_shared_keys",
    "similar_asked",
]

SIMILAR_LIMIT = 30
"""Similar-name candidates per row at most (best first: the most cores shared)."""


@dataclass(frozen=True)
class Lookup:
    """One screened row as the engine sees it.

    `uscc` and `name` are looked up exactly (USCC, NAME, FORMER_NAME); `similar_to` is a
    name whose similar names are wanted, at most `similar` of them, among dishonesty
    records (`documents.SIMILAR_KINDS`: a good-credit record never makes a verdict).
    """

    uscc: str | None = None
    name: str | None = None
    similar_to: str | None = None
    similar: int = SIMILAR_LIMIT


Similar = tuple[str, int]
"""A similar-name search: the name and how many records at most."""


def similar_asked(lookups: Sequence[Lookup]) -> list[Similar]:
    """The similar-name searches the batch needs (a name asked twice is searched once)."""
    asked = (
        (lookup.similar_to, lookup.similar)
        for lookup in lookups
        if lookup.similar_to and lookup.similar > 0
    )
    return list(dict.fromkeys(asked))


def add_similar(
    lookups: Sequence[Lookup],
    answers: list[list[Candidate]],
    found: dict[Similar, list[tuple[float, dict[str, Any]]]],
) -> None:
    """Append each row's similar-name records (scored by the engine) after its exact ones."""
    for lookup, answer in zip(lookups, answers, strict=True):
        if not lookup.similar_to:
            continue
        seen = {c.record["record_id"] for c in answer}
        for score, record in found.get((lookup.similar_to, lookup.similar), []):
            if record["record_id"] not in seen:
                answer.append(Candidate("SIMILAR_NAME", record, score))


def rank_by_shared_keys(
    keys: Sequence[str], found: Iterable[tuple[Sequence[str], dict[str, Any]]], limit: int
) -> list[tuple[float, dict[str, Any]]]:
    """The `limit` records sharing the most of `keys` (ties by record id), scored by how
    many they share; `found` pairs each record's own keys with its body. Screening ranks
    by the similar-name cores (`credit.screening.keys`)."""
    asked = set(keys)
    scored = [(float(len(asked.intersection(own))), body) for own, body in found]
    scored.sort(key=lambda pair: (-pair[0], str(pair[1]["record_id"])))
    return scored[:limit]


def exact_keys(lookups: Sequence[Lookup]) -> tuple[list[str], list[str]]:
    """The USCCs and normalized names the batch asks for (without repeats)."""
    usccs = dict.fromkeys(lookup.uscc for lookup in lookups if lookup.uscc)
    names = dict.fromkeys(
        key for lookup in lookups if lookup.name and (key := normalize_name(lookup.name))
    )
    return [u for u in usccs if u], list(names)


def assign_exact(
    lookups: Sequence[Lookup], records: Iterable[dict[str, Any]]
) -> list[list[Candidate]]:
    """Which records answer which row, and how: USCC first, then NAME, then FORMER_NAME."""
    by_uscc: dict[str, list[dict[str, Any]]] = {}
    by_name: dict[str, list[dict[str, Any]]] = {}
    by_former: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if uscc := record.get("uscc"):
            by_uscc.setdefault(str(uscc), []).append(record)
        by_name.setdefault(normalize_name(str(record["subject_name"])), []).append(record)
        if formers := record.get("former_names"):
            for former in {normalize_name(str(n)) for n in formers}:
                by_former.setdefault(former, []).append(record)
    answers: list[list[Candidate]] = []
    for lookup in lookups:
        found: dict[str, Candidate] = {}
        key = normalize_name(lookup.name) if lookup.name else ""
        sources: list[tuple[CandidateBasis, list[dict[str, Any]]]] = [
            ("USCC", by_uscc.get(lookup.uscc, []) if lookup.uscc else []),
            ("NAME", by_name.get(key, []) if key else []),
            ("FORMER_NAME", by_former.get(key, []) if key else []),
        ]
        for basis, matched in sources:
            for record in matched:
                ident = str(record["record_id"])
                if ident not in found:
                    found[ident] = Candidate(basis, record)
        answers.append(list(found.values()))
    return answers
