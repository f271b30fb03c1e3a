"""`ipcredit search` and `ipcredit show`: reading the engine from the shell."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

import orjson

from credit import regions
from credit import vocabulary as vocab
from credit.search.engine import SearchEngine
from credit.search.query import SearchPage, SearchQuery

_TAGS = re.compile(r"</?mark>")


def _plain(marked: str) -> str:
    """Highlight HTML as terminal text: matches in 【】."""
    return unescape(_TAGS.sub(lambda m: "】" if m[0].startswith("</") else "【", marked))


def record_lines(record: dict[str, Any]) -> list[str]:
    """A record as labelled lines of text."""
    kind = vocab.KINDS.get(record["kind"], record["kind"])
    rows = [
        ("记录编号", record["record_id"]),
        ("类型", kind),
        ("类别", vocab.category_label(record["kind"], record["category"])),
        ("严重程度", vocab.SEVERITIES.get(record.get("severity", ""), "")),
        ("主体", record["subject_name"]),
        ("主体类型", vocab.SUBJECT_TYPES.get(record["subject_type"], "")),
        ("统一社会信用代码", record.get("uscc", "")),
        ("曾用名", "、".join(record.get("former_names", []))),
        ("法定代表人", record.get("legal_representative", "")),
        ("身份证号码", record.get("id_number_masked", "")),
        ("地区", regions.region_name(record.get("region_code") or "") or ""),
        ("事由", record["reason"]),
        ("依据", record.get("legal_basis", "")),
        ("措施", "；".join(record.get("measures", []))),
        ("决定机关", record["authority"]),
        ("决定文书号", record.get("decision_no", "")),
        ("决定日期", record["decided_on"]),
        ("公示起始", record["publish_from"]),
        ("公示至", record.get("publish_until", "长期")),
    ]
    return [f"{label}：{value}" for label, value in rows if value]


async def print_search(engine: SearchEngine, text: str, day: date, as_json: bool, size: int) -> int:
    """Print one page of a search; returns the exit status."""
    page = await engine.search_records(SearchQuery(text=text, size=size), day=day)
    if as_json:
        print(orjson.dumps(_page_json(page), option=orjson.OPT_INDENT_2).decode())
        return 0
    print(f"截至 {day.isoformat()}，共 {page.total} 条公示信息与“{text}”相关：")
    for number, hit in enumerate(page.hits, start=1):
        record = hit.body
        name = _plain(hit.highlights.get("subject_name", "")) or record["subject_name"]
        kind = vocab.KINDS.get(record["kind"], "")
        print(f"{number:>3}. [{kind}] {name}  {record.get('uscc', '')}")
        print(f"     {record['record_id']}  {record['authority']}  {record['decided_on']}")
        if "reason" in hit.highlights:
            print(f"     {_plain(hit.highlights['reason'])}")
    if page.next_cursor:
        print(f"（仅显示前 {len(page.hits)} 条，可用 --json 查看翻页参数）")
    return 0


async def print_record(engine: SearchEngine, record_id: str, day: date, as_json: bool) -> int:
    """Print one record if published on `day`; otherwise say it was not found."""
    record = await engine.get_record(record_id, day=day)
    if record is None:
        print(f"未找到记录 {record_id}（截至 {day.isoformat()}）。")
        return 1
    if as_json:
        print(orjson.dumps(record, option=orjson.OPT_INDENT_2).decode())
    else:
        print("\n".join(record_lines(record)))
    return 0


def _page_json(page: SearchPage) -> dict[str, Any]:
    return {
        "as_of": page.day.isoformat(),
        "total": page.total,
        "next_cursor": page.next_cursor,
        "hits": [{"id": h.id, "record": h.body, "highlights": h.highlights} for h in page.hits],
        "facets": {
            name: [{"value": v.value, "count": v.count} for v in values]
            for name, values in page.facets.items()
        },
    }
