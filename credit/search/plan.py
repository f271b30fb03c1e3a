"""What a query text means, independent of the engine that will run it."""

from __future__ import annotations

from dataclasses import dataclass

from credit import text
from credit.search.query import check_text, uscc_in_query


@dataclass(frozen=True)
class TextPlan:
    """The pieces of a query text each engine turns into clauses."""

    raw: str
    uscc: str | None
    tokens: tuple[str, ...]
    name_exact: str
    name_bigrams: tuple[str, ...]
    pinyin: tuple[str, ...]
    initials: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.raw

    @property
    def highlight_terms(self) -> tuple[str, ...]:
        """Strings to mark in displayed fields."""
        whole = text.normalize(self.raw)
        tokens = tuple(t for t in self.tokens if len(t) >= 2 or len(whole) == 1)
        return tuple(dict.fromkeys((whole, *tokens)))


def plan_text(raw: str) -> TextPlan:
    """Validate and analyse a query text (refuses > 100 characters and bad USCCs)."""
    raw = check_text(raw)
    uscc = uscc_in_query(raw) if raw else None
    if not raw or uscc:
        return TextPlan(raw, uscc, (), "", (), (), ())
    pinyin = text.split_pinyin(raw) or ()
    initials = tuple(raw.lower()) if text.is_initials_query(raw) else ()
    name = text.normalize_name(raw)
    return TextPlan(
        raw=raw,
        uscc=None,
        tokens=tuple(text.segment_for_query(raw)),
        name_exact=name,
        name_bigrams=tuple(text.name_bigrams(raw)) if len(name) >= 2 else (),
        pinyin=tuple(pinyin),
        initials=initials,
    )
