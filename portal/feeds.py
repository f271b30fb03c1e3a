"""Atom 1.0 feeds: records whose publication began in the last 30 days, and typical cases.

Built with ElementTree, so every value is escaped as XML text. A record that stops being
published drops out of the feed at once: the feed is a query under the publication rule.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from starlette.requests import Request
from starlette.responses import Response

from credit import clock
from credit import vocabulary as vocab
from credit.personal import mask_personal_data
from credit.search.query import CaseQuery, RecordFilter, SearchQuery
from portal.case_params import CaseParams
from portal.rendering import PUBLIC_CACHE, service_of
from portal.search_params import SearchParams

ATOM = "http://www.w3.org/2005/Atom"
RECENT_DAYS = 30
MAX_ENTRIES = 100
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
SUMMARY_CHARS = 300

ET.register_namespace("", ATOM)


async def records_feed(request: Request) -> Response:
    """`/feeds/records.atom?kind=…&category=…&province=…`."""
    params = SearchParams.parse(request.query_params)
    service = service_of(request)
    day = service.today()
    chosen = params.record_filter()
    recent = RecordFilter(
        kinds=chosen.kinds,
        categories=chosen.categories,
        region=chosen.region,
        published_since=day - timedelta(days=RECENT_DAYS - 1),
    )
    engine = await service.engine()
    asked = SearchQuery(filter=recent, sort="newest", size=MAX_ENTRIES, facets=False)
    page = await engine.search_records(asked, day=day)
    title = "知识产权信用信息公示：近 30 天新公示的信息"
    labels = [label for _, label, _ in params.active_filters()]
    if labels:
        title += "（" + "，".join(labels) + "）"
    feed = _feed(request, "records", title, day, page.total, len(page.hits))
    for hit in page.hits:
        record = hit.body
        kind = vocab.KINDS.get(record["kind"], record["kind"])
        category = vocab.category_label(record["kind"], record["category"])
        _entry(
            feed,
            request,
            ident=f"record:{record['record_id']}",
            title=f"{kind}：{record['subject_name']}（{category}）",
            link=f"/record/{record['record_id']}",
            updated=_instant(record.get("updated_at"), record["publish_from"]),
            published=record["publish_from"],
            author=str(record["authority"]),
            summary=f"{record['authority']} {record.get('decision_no', '')} "
            f"决定日期 {record['decided_on']}，公示至 {record.get('publish_until') or '长期'}。"
            f"{record['reason']}",
        )
    return _response(feed)


async def cases_feed(request: Request) -> Response:
    """`/feeds/cases.atom?case_type=…`."""
    params = CaseParams.parse(request.query_params)
    service = service_of(request)
    day = service.today()
    engine = await service.engine()
    asked = CaseQuery(filter=params.case_filter(), size=MAX_ENTRIES, facets=False)
    page = await engine.search_cases(asked, day=day)
    title = "知识产权信用监管典型案例"
    if params.case_type:
        title += f"：{vocab.CASE_TYPES[params.case_type]}"
    feed = _feed(request, "cases", title, day, page.total, len(page.hits))
    for hit in page.hits:
        case = hit.body
        _entry(
            feed,
            request,
            ident=f"case:{case['case_id']}",
            title=str(case["title"]),
            link=f"/cases/{case['case_id']}",
            updated=_instant(case.get("updated_at"), case["published_on"]),
            published=case["published_on"],
            author="、".join(case.get("publishers", [])),
            summary=str(case.get("summary") or case["facts"]),
        )
    return _response(feed)


def _feed(request: Request, name: str, title: str, day: date, total: int, shown: int) -> ET.Element:
    """The feed's head; its subtitle says how many of the `total` entries it lists (the
    newest `MAX_ENTRIES`), so a reader knows when the portal holds more."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:ipcredit:feed:{name}")
    _text(feed, "title", title)
    _text(feed, "updated", datetime.combine(day, time(), clock.SHANGHAI).isoformat())
    subtitle = f"截至 {day.isoformat()} 处于公示期内的信息"
    if total > shown:
        subtitle += f"：共 {total:,} 条，此处列出最新的 {shown} 条，其余请在网站上检索"
    _text(feed, "subtitle", subtitle)
    self_link = mask_personal_data(str(request.url))  # the query may hold anything
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_link)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=_absolute(request, "/"))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "ipcredit 知识产权信用信息公示")
    return feed


def _entry(
    feed: ET.Element, request: Request, *, ident: str, title: str, link: str, updated: str,
    published: str, author: str, summary: str,
) -> None:  # fmt: skip
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _text(entry, "id", f"urn:ipcredit:{ident}")
    _text(entry, "title", title)
    ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=_absolute(request, link))
    _text(entry, "updated", updated)
    _text(entry, "published", _instant(None, published))
    entry_author = ET.SubElement(entry, f"{{{ATOM}}}author")
    _text(entry_author, "name", author or "ipcredit")
    _text(entry, "summary", summary[:SUMMARY_CHARS])


def _text(parent: ET.Element, tag: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = value


def _instant(timestamp: Any, day: str) -> str:
    """An RFC 3339 instant: the version's timestamp, else midnight of `day` in Beijing."""
    if isinstance(timestamp, str) and timestamp:
        return datetime.fromisoformat(timestamp).isoformat()
    return datetime.combine(date.fromisoformat(day), time(), clock.SHANGHAI).isoformat()


def _absolute(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


def _response(feed: ET.Element) -> Response:
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": PUBLIC_CACHE})
