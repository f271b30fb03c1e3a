"""Highlights from Elasticsearch: what the cluster marked in the segmented fields, shown
on the original values.

The cluster highlights the pre-segmented fields (`深圳 市 [创明] [科技] 有限公司`,
bigrams `[创明 明科]`). The marked runs are read back as terms (spaces between
Chinese characters removed, overlapping bigrams joined: `创明科技`, `创明科`),
and those terms are marked in the stored original value, escaped, by
`credit.search.highlight`: the public sees the text as published, not as segmented.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from credit import text
from credit.search.es_queries import MARK_CLOSE, MARK_OPEN
from credit.search.highlight import highlight

_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SPACE_BETWEEN_HAN = re.compile(rf"(?<={_HAN})\s+(?={_HAN})")
_ADJACENT_MARKS = re.compile(rf"(?<={_HAN}){MARK_CLOSE}\s*{MARK_OPEN}(?={_HAN})")
_MARK_GAP = re.compile(rf"{MARK_CLOSE}\s*{MARK_OPEN}")
_MARKED = re.compile(rf"{MARK_OPEN}(.*?){MARK_CLOSE}", re.S)

RECORD_FIELDS = {
    "name_text": False,
    "former_text": False,
    "reason_text": True,
    "authority_text": False,
    "name_ngram": False,
    "former_ngram": False,
}
CASE_FIELDS = {"title_text": False, "title_ngram": False, "body_text": True}
RECORD_SHOWN = {"subject_name": False, "reason": True, "authority": False, "decision_no": False}
CASE_SHOWN = {"title": False, "summary": True, "facts": True}


def join_han(value: str) -> str:
    """Spaces between Chinese characters removed: `深圳 市 创明` → `深圳市创明`."""
    return _SPACE_BETWEEN_HAN.sub("", value)


def join_bigrams(run: str) -> str:
    """Overlapping bigrams joined back into the text they cover: `创明 明科` → `创明科`."""
    pieces = run.split()
    if not pieces:
        return ""
    joined = pieces[0]
    for piece in pieces[1:]:
        joined += piece[1:] if piece[:1] == joined[-1:] else piece
    return joined


def marked_terms(fragment: str, bigrams: bool = False) -> list[str]:
    """The runs a fragment marks, as terms (lower-case, as indexed)."""
    if bigrams:  # adjacent bigrams overlap in the original, however they were marked
        return [join_bigrams(run) for run in _MARKED.findall(_MARK_GAP.sub(" ", fragment))]
    merged = _ADJACENT_MARKS.sub("", fragment)
    return [join_han(run).strip() for run in _MARKED.findall(merged)]


def terms_of(highlights: Mapping[str, Iterable[str]], raw_query: str) -> tuple[str, ...]:
    """The terms to mark, from a hit's `highlight` section; one-character terms only for a
    one-character query (as the embedded engine does)."""
    single = len(text.normalize(raw_query)) == 1
    found: dict[str, None] = {}
    for field, fragments in highlights.items():
        for fragment in fragments:
            for term in marked_terms(fragment, bigrams=field.endswith("_ngram")):
                if term and (len(term) >= 2 or single):
                    found[term] = None
    return tuple(found)


def shown(
    body: Mapping[str, Any], terms: tuple[str, ...], fields: dict[str, bool]
) -> dict[str, str]:
    """Escaped original values with the terms marked (`<mark>`), for fields that contain one."""
    if not terms:
        return {}
    marked: dict[str, str] = {}
    for field, snippet in fields.items():
        value = body.get(field)
        if isinstance(value, str) and (html := highlight(value, terms, snippet=snippet)):
            marked[field] = html
    for former in body.get("former_names", []):
        if html := highlight(str(former), terms):
            marked.setdefault("former_names", html)
    return marked
