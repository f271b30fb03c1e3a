"""The engine-neutral parts of screening lookups (`credit.search.candidates`)."""

from __future__ import annotations

from typing import Any

from credit.search.candidates import (
    Lookup,
    add_similar,
    assign_exact,
    exact_keys,
    rank_by_shared_keys,
    similar_asked,
)
from credit.search.query import Candidate


def _record(record_id: str, name: str, uscc: str = "", former: tuple[str, ...] = ()) -> Any:
    return {"record_id": record_id, "subject_name": name, "uscc": uscc, "former_names": former}


def test_exact_keys_are_normalized_and_unique() -> None:
    lookups = [
        Lookup(uscc="U1", name="東莞市（長安）精工有限公司"),
        Lookup(uscc="U1", name="东莞市 长安 精工有限公司"),
        Lookup(name="   "),
    ]
    assert exact_keys(lookups) == (["U1"], ["东莞市长安精工有限公司"])


def test_each_row_gets_its_records_by_the_strongest_basis() -> None:
    by_code = _record("R1", "甲公司", "U1")
    by_name = _record("R2", "乙公司", "U2")
    by_former = _record("R3", "丙公司", "U3", former=("乙公司",))
    answers = assign_exact(
        [Lookup(uscc="U1", name="甲公司"), Lookup(name="乙公司"), Lookup(uscc="U9")],
        [by_code, by_name, by_former],
    )
    assert [[(c.basis, c.record["record_id"]) for c in row] for row in answers] == [
        [("USCC", "R1")],
        [("NAME", "R2"), ("FORMER_NAME", "R3")],
        [],
    ]


def test_similar_searches_are_asked_once_and_added_after_exact_ones() -> None:
    lookups = [
        Lookup(name="甲公司", similar_to="甲公司", similar=5),
        Lookup(similar_to="甲公司", similar=5),
        Lookup(similar_to="乙公司", similar=0),
    ]
    assert similar_asked(lookups) == [("甲公司", 5)]
    exact = _record("R1", "甲公司")
    answers: list[list[Candidate]] = [[Candidate("NAME", exact)], [], []]
    found = {("甲公司", 5): [(3.0, exact), (2.0, _record("R2", "甲工司"))]}
    add_similar(lookups, answers, found)
    assert [[(c.basis, c.record["record_id"]) for c in row] for row in answers] == [
        [("NAME", "R1"), ("SIMILAR_NAME", "R2")],
        [("SIMILAR_NAME", "R1"), ("SIMILAR_NAME", "R2")],
        [],
    ]


def test_ranking_by_shared_keys() -> None:
    found = [
        (["a"], _record("R3", "x")),
        (["a", "b", "z"], _record("R2", "y")),
        (["b", "a"], _record("R1", "z")),
        (["z"], _record("R4", "w")),
    ]
    ranked = rank_by_shared_keys(["a", "b", "c"], found, limit=3)
    assert [(score, body["record_id"]) for score, body in ranked] == [
        (2.0, "R1"),
        (2.0, "R2"),
        (1.0, "R3"),
    ]
