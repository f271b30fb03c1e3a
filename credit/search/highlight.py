"""Highlights: HTML-escaped text with `<mark>` around what the query matched."""

from __future__ import annotations

from html import escape

from credit import text

SNIPPET_CHARS = 160


class _FoldTable(dict[int, str]):
    """`str.translate` table folding each character as `text.normalize` does (or to its
    lower case where that changes its length), filled in as characters are first seen."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = text.normalize(char)
        self[code] = value = folded if len(folded) == 1 else char.lower()
        return value


_FOLD = _FoldTable()


def _folded(value: str) -> str:
    """The text normalized character by character, so positions stay aligned."""
    return value.translate(_FOLD)


def _spans(value: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    folded = _folded(value)
    spans: list[tuple[int, int]] = []
    for term in terms:
        if not term.strip():
            continue
        start = folded.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(value: str, terms: tuple[str, ...], snippet: bool = False) -> str | None:
    """Escaped `value` with matches marked; None when nothing matched.

    With `snippet`, long text is cut to a window around the first match.
    """
    spans = _spans(value, terms)
    if not spans:
        return None
    begin, end = 0, len(value)
    if snippet and len(value) > SNIPPET_CHARS:
        begin = max(0, spans[0][0] - SNIPPET_CHARS // 4)
        end = min(len(value), begin + SNIPPET_CHARS)
    parts = ["…" if begin else ""]
    cursor = begin
    for start, stop in spans:
        if start < begin or stop > end:
            continue
        parts += [escape(value[cursor:start]), "<mark>", escape(value[start:stop]), "</mark>"]
        cursor = stop
    parts += [escape(value[cursor:end]), "…" if end < len(value) else ""]
    return "".join(parts)
