"""Versioned indices behind aliases: creating them, finding the current ones, swapping.

`{prefix}-records` and `{prefix}-cases` are aliases of `{prefix}-records-{version}`
and `{prefix}-cases-{version}`. Readers and the incremental writer only use the
aliases; `ipcredit reindex` builds the next version and moves both aliases in
one `update_aliases` call, so readers see the old indices or the new ones,
never a mix and never none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from credit.search import es_mappings as layout


@dataclass(frozen=True)
class Generation:
    """One version of the pair of indices."""

    version: int
    records: str
    cases: str


def generation(prefix: str, version: int) -> Generation:
    return Generation(
        version,
        layout.versioned(layout.records_alias(prefix), version),
        layout.versioned(layout.cases_alias(prefix), version),
    )


def current(client: Elasticsearch, prefix: str) -> Generation | None:
    """The generation the aliases point at, or None when there is none yet."""
    alias = layout.records_alias(prefix)
    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    versions = [layout.version_of(alias, index) for index in found.body]
    known = [v for v in versions if v is not None]
    return generation(prefix, max(known)) if known else None


def existing_versions(client: Elasticsearch, prefix: str) -> list[int]:
    """Versions of every records or cases index with this prefix (current or not)."""
    found: set[int] = set()
    for alias in (layout.records_alias(prefix), layout.cases_alias(prefix)):
        response = client.indices.get(index=f"{alias}-*", expand_wildcards="all")
        found |= {v for index in response.body if (v := layout.version_of(alias, index))}
    return sorted(found)


def create(client: Elasticsearch, prefix: str, *, loading: bool = False) -> Generation:
    """A new, empty generation (the next version number); no alias points at it yet."""
    versions = existing_versions(client, prefix)
    new = generation(prefix, (versions[-1] if versions else 0) + 1)
    try:
        settings = layout.index_settings(loading=loading)
        client.indices.create(
            index=new.records, settings=settings, mappings=layout.record_mappings()
        )
        client.indices.create(index=new.cases, settings=settings, mappings=layout.case_mappings())
    except BaseException:
        delete(client, new)
        raise
    return new


def ensure(client: Elasticsearch, prefix: str) -> Generation:
    """The current generation, creating the first one (with its aliases) when there is none."""
    found = current(client, prefix)
    if found is not None:
        return found
    first = create(client, prefix)
    swap(client, prefix, None, first)
    return first


def swap(client: Elasticsearch, prefix: str, old: Generation | None, new: Generation) -> None:
    """Point both aliases at `new` in one atomic `update_aliases` call.

    Each alias is taken from every index that holds it now: the old generation's, or what
    is left of a broken one (one of its indices deleted by hand), which `old` may not name
    (`old` is kept for the callers; the cluster is asked which indices hold the aliases).
    """
    actions: list[dict[str, Any]] = []
    for alias, index in (
        (layout.records_alias(prefix), new.records),
        (layout.cases_alias(prefix), new.cases),
    ):
        actions.append({"add": {"index": index, "alias": alias, "is_write_index": True}})
        try:
            holders = list(client.indices.get_alias(name=alias).body)
        except NotFoundError:
            holders = []
        actions += [{"remove": {"index": held, "alias": alias}} for held in holders]
    client.indices.update_aliases(actions=actions)


def delete(client: Elasticsearch, generation: Generation) -> None:
    """Delete both indices of a generation (those that exist)."""
    client.options(ignore_status=404).indices.delete(
        index=[generation.records, generation.cases], ignore_unavailable=True
    )


def read_version(client: Elasticsearch, index: str) -> int:
    """The data version recorded in an index's mapping (`_meta.data_version`)."""
    response = client.indices.get_mapping(index=index)
    return layout.data_version_of(response.body)


def write_version(client: Elasticsearch, index: str, version: int) -> None:
    client.indices.put_mapping(index=index, meta={"data_version": version})


def serving_settings(client: Elasticsearch, generation: Generation, replicas: int) -> None:
    """After a load: the replicas a serving index has, refresh back to the default."""
    client.indices.put_settings(
        index=[generation.records, generation.cases],
        settings={"index": {"number_of_replicas": replicas, "refresh_interval": None}},
    )


def replicas_of(client: Elasticsearch, generation: Generation | None, default: int = 1) -> int:
    """How many replicas the serving generation has (`default` when there is none)."""
    if generation is None:
        return default
    response = client.indices.get_settings(
        index=generation.records, name="index.number_of_replicas"
    )
    per_index: dict[str, Any] = dict(response.body)
    entries: list[dict[str, Any]] = list(per_index.values())
    settings: dict[str, Any] = entries[0].get("settings", {}) if entries else {}
    return int(settings.get("index", {}).get("number_of_replicas", default))
