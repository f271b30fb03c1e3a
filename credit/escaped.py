"""Escaped text read as it reads, so that a personal number hidden in escapes is found.

A URL can write a number's characters as escapes (`%31%33%38`, full-width digits as
`%EF%BC%91`, or encoded twice as `%2531`) and the gaps between its groups as `%20`, `%09`
or `+`; a JSON line can write them as `\\u0031` or `\\t`. `credit.personal` looks for
numbers in these views: only the escapes that stand for a digit, an `X` or a gap are
decoded, so every other escape (`%26`, `%2F`, a Chinese character) keeps its meaning.
What is written back (`url_written`, only for a URL in which something was masked)
escapes whitespace and the number characters that are not ASCII, whether they were
escaped before or not; an escape encoded twice is written back encoded once.
"""

from __future__ import annotations

import re
from urllib.parse import quote

__all__ = ["GAP", "PLUS", "URLS", "json_view", "url_view", "url_written"]

URLS = re.compile(r"https?://[^\s<>\"']+")
"""A URL in text (`fields.clean_url` takes a whole value of this form)."""
PLUS = "\u2002"
"""What `+` reads as in a URL's view: a gap (a space in a query string) that is written
back as `+`. An EN SPACE, which a URL cannot hold as itself."""
GAP = r"(?:[^\S\r\n]|[\-‐‑‒–—―－])"
"""What may stand between the groups of a written number: one space or dash of any width,
never a line break (`credit.personal`)."""
_GAP = re.compile(GAP)
_NUMBER_CHARACTER = re.compile(r"\d|[XxＸｘ]")
_PERCENT = r"%(?:25)*"
"""A percent sign, or one encoded again (`%2531` is `%31` encoded twice, a `1`)."""
_ESCAPED_CHARACTER = re.compile(
    rf"{_PERCENT}[C-Dc-d][0-9A-Fa-f]{_PERCENT}[89ABab][0-9A-Fa-f]"
    rf"|{_PERCENT}[Ee][0-9A-Fa-f](?:{_PERCENT}[89ABab][0-9A-Fa-f]){{2}}"
    rf"|{_PERCENT}[Ff][0-7](?:{_PERCENT}[89ABab][0-9A-Fa-f]){{3}}"
    rf"|{_PERCENT}[0-7][0-9A-Fa-f]"
)
"""One character written as percent escapes of its UTF-8 bytes, maybe encoded again. The
escapes of a character of several bytes are tried first: `%25EF…` is not the `%` that
`%25` alone would be."""
_PERCENTS = re.compile(_PERCENT)
_JSON_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)(\\u[0-9A-Fa-f]{4}|\\[tf])")
"""An escape after an even run of backslashes (`\\\\f` is a backslash and an `f`)."""
_WRITTEN_BACK = re.compile(r"\s|[^\x00-\x7f]")


def _of_a_number(character: str) -> bool:
    return bool(_NUMBER_CHARACTER.fullmatch(character) or _GAP.fullmatch(character))


def _decoded_url_character(escape: re.Match[str]) -> str:
    try:
        character = bytes.fromhex(_PERCENTS.sub("", escape[0])).decode()
    except UnicodeDecodeError:
        return escape[0]
    return character if _of_a_number(character) else escape[0]


def url_view(url: str) -> str:
    """The URL with the escapes of digits, `X` and gaps decoded and `+` as `PLUS`."""
    if "%" in url:
        url = _ESCAPED_CHARACTER.sub(_decoded_url_character, url)
    return url.replace("+", PLUS)


def url_written(view: str) -> str:
    """A URL's view written as a URL again: `PLUS` as `+`, whitespace and the other
    characters of a number that are not ASCII (`１`, `－`) escaped again."""
    return _WRITTEN_BACK.sub(_written_character, view)


def _written_character(found: re.Match[str]) -> str:
    character = found[0]
    if character == PLUS:
        return "+"
    return quote(character) if character.isspace() or _of_a_number(character) else character


def _decoded_json_escape(found: re.Match[str]) -> str:
    backslashes, escape = found[1], found[2]
    if escape in ("\\t", "\\f"):  # a tab, a form feed: gaps
        return backslashes + " "
    character = chr(int(escape[2:], 16))
    keep = _of_a_number(character) and character not in "\r\n"
    return backslashes + (character if keep else escape)


def json_view(line: str) -> str:
    """A JSON line with the escapes of digits, `X` and gaps decoded (a tab or form feed as
    a space, so the line stays JSON): what a reader of its strings sees."""
    return _JSON_ESCAPE.sub(_decoded_json_escape, line) if "\\" in line else line
