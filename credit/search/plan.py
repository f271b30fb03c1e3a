"""What a query text means, independent of the engine that will run it."""

from __future__ import annotations

from dataclasses import dataclass

from credit import text
from credit.search.query import check_text, uscc_in_query

EXACT_FIELDS = ("name_exact", "former_exact", "decision_exact")
"""The fields a whole query text is looked up in as it is (`TextPlan.name_exact`): a
subject's name, a former name, a decision number."""


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
    # The pinyin (initials) with the level word of a leading region put back:
    # `shenzhen chuangming` also as `shen zhen shi chuang ming` (深圳市创明).
    pinyin_variants: tuple[tuple[str, ...], ...] = ()
    initials_variants: tuple[tuple[str, ...], ...] = ()

    @property
    def empty(self) -> bool:
        return not self.raw

    @property
    def joined_tokens(self) -> dict[str, tuple[str, ...]]:
        """Each one-character token joined with the token before it and the one after it.

        jieba may cut a name otherwise than the query (`北京华|创新…` indexed, `华|创新…`
        asked), so a lone character is not always a token of the name; joined to a
        neighbour (`华创新`) it can still be found among the name's bigrams.
        """
        joined: dict[str, tuple[str, ...]] = {}
        for index, token in enumerate(self.tokens):
            if len(token) != 1:
                continue
            before = self.tokens[index - 1] + token if index > 0 else ""
            after = token + self.tokens[index + 1] if index + 1 < len(self.tokens) else ""
            joined[token] = tuple(j for j in (before, after) if j)
        return joined

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
    folded = text.normalize(raw)  # full-width letters are pinyin too: `ＳＨＥＮＺＨＥＮ`
    pinyin = tuple(text.split_pinyin(folded) or ())
    other_readings = text.other_pinyin_readings(folded) if pinyin else []
    initials = tuple(folded) if text.is_initials_query(folded) else ()
    name = text.normalize_name(raw)
    return TextPlan(
        raw=raw,
        uscc=None,
        tokens=tuple(text.segment_for_query(raw)),
        name_exact=name,
        name_bigrams=tuple(text.name_bigrams(raw)) if len(name) >= 2 else (),
        pinyin=pinyin,
        initials=initials,
        pinyin_variants=_pinyin_variants(pinyin, other_readings),
        initials_variants=tuple(text.with_region_levels(initials, initials=True))
        if initials
        else (),
    )


def _pinyin_variants(
    pinyin: tuple[str, ...], others: list[tuple[str, ...]]
) -> tuple[tuple[str, ...], ...]:
    """The other phrases a pinyin query may mean: its syllables with a region's level word
    put back, then each other way to split its letters (with level words too)."""
    if not pinyin:
        return ()
    variants = [*text.with_region_levels(pinyin)]
    for reading in others:
        variants += [reading, *text.with_region_levels(reading)[:2]]
    return tuple(dict.fromkeys(variants))
