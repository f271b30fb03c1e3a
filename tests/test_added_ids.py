"""Which ids a writer may have added: never a false "not added"."""

from __future__ import annotations

from credit.search.added_ids import AddedIds


def test_an_id_never_added_to_an_empty_index_is_not_held() -> None:
    added = AddedIds(empty=True)
    idents = [f"R{number:07d}" for number in range(20_000)]
    for ident in idents[:10_000]:
        added.add(ident)
    assert all(added.may_hold(ident) for ident in idents[:10_000])
    # 10,000 of 2**25 buckets set: another id shares one about once in 3,000 times
    assert sum(added.may_hold(ident) for ident in idents[10_000:]) < 20


def test_an_index_that_had_documents_may_hold_any_id() -> None:
    added = AddedIds(empty=False)
    assert added.may_hold("R0000001")
    added.add("R0000001")
    assert added.may_hold("R0000002")
