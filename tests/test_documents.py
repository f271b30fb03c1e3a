"""The document builder: its worker pool, and the collector's pace while it is open."""

from __future__ import annotations

import gc

import orjson
import pytest

from credit.search.documents import record_document
from indexer.checking import Valid, check_line
from indexer.documents import POOL_THRESHOLD, DocumentBuilder
from indexer.store import BODY
from tests.conftest import RELAXED
from tests.test_models import RECORD


def test_an_open_builder_relaxes_the_collector_here_and_in_its_workers(
    usual: tuple[int, int, int],
) -> None:
    with DocumentBuilder(processes=2) as builder:
        assert gc.get_threshold() == RELAXED
        pool = builder._pool_for([""] * POOL_THRESHOLD)
        assert pool is not None
        assert pool.apply(gc.get_threshold) == RELAXED
    assert gc.get_threshold() == usual


def test_the_pools_worker_thread_does_not_wait_on_the_results_pipe() -> None:
    """Only the result thread reads that pipe: woken by it, the worker-handling thread
    spun while results waited (`indexer.documents._Pool`)."""
    with DocumentBuilder(processes=2) as builder:
        pool = builder._pool_for([""] * POOL_THRESHOLD)
        assert pool is not None
        results_pipe = pool._outqueue._reader  # type: ignore[attr-defined]
        assert results_pipe not in pool._get_sentinels()  # type: ignore[attr-defined]
        assert builder.check_later([{"op": "withdraw"}] * POOL_THRESHOLD).get()


def test_the_pace_comes_back_when_the_build_fails(usual: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), DocumentBuilder(processes=1):
        raise RuntimeError("a batch failed")
    assert gc.get_threshold() == usual


def test_a_builder_never_opened_leaves_the_pace_alone(usual: tuple[int, int, int]) -> None:
    builder = DocumentBuilder(processes=1)
    assert builder.check_later([{"op": "withdraw"}]).get()  # a problem list: built in-process
    builder.close()
    assert gc.get_threshold() == usual


def test_a_body_stored_before_every_form_was_masked_is_masked_when_indexed() -> None:
    whole = "１１０１０５１９９００３０７１２３９"  # full-width: not masked by older versions
    valid = check_line(RECORD)
    assert isinstance(valid, Valid)
    body = orjson.loads(str(valid.row[BODY]))
    stored = orjson.dumps({**body, "reason": f"当事人身份证号{whole}。"}).decode()
    with DocumentBuilder(processes=1) as builder:
        [document] = builder.records([stored], lambda built: built)
    assert whole not in document["body"] and "110105********1239" in document["body"]
    assert "1101051990" not in document["reason_text"]
    assert document["uscc"] == RECORD["uscc"]


def test_the_bodies_of_a_store_marked_masked_are_read_as_stored() -> None:
    """The store's mark is trusted (`Store.bodies_masked`): only a store without it has its
    bodies masked on the way to the engine (the test above)."""
    valid = check_line(RECORD)
    assert isinstance(valid, Valid)
    stored = orjson.dumps(
        {**orjson.loads(str(valid.row[BODY])), "reason": "号码１２３４５６７８９０１２"}
    )
    with DocumentBuilder(processes=1, bodies_masked=True) as builder:
        [document] = builder.records([stored.decode()], lambda built: built)
    assert orjson.loads(document["body"]) == orjson.loads(stored)


def test_former_names_are_read_in_pinyin_each_apart() -> None:
    line = {**RECORD, "subject_name": "济南泉达重工股份有限公司"}
    line["former_names"] = ["济南泉达机械制造有限公司"]
    valid = check_line(line)
    assert isinstance(valid, Valid)
    document = record_document(orjson.loads(str(valid.row[BODY])))
    name, former = document["name_pinyin"].split(" | ")
    assert name.startswith("ji nan quan da zhong gong") and "ji xie" in former
    assert document["name_initials"].split(" | ")[1].startswith("j n q d j x")
