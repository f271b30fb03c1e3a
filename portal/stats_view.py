"""`/stats` and `/stats/{chart}.csv`: the journalist's statistics as charts, tables and CSV.

Each chart is built from `credit.stats.Stats` once, as a `Chart`: its SVG, the table of
its numbers (shown beside it), and the same rows with their codes for the CSV download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from credit import vocabulary as vocab
from credit.spreadsheet import csv_text
from credit.stats import CategoryCount, KindCount, ProvinceCount, Stats, compute_stats
from portal import charts
from portal.charts import Series
from portal.rendering import PUBLIC_CACHE, render, service_of

KIND_COLOURS = {
    "serious_list": "#a4161a",  # 7.4:1 on white
    "dishonest_act": "#8a4b00",  # 6.3:1
    "good_credit": "#1d6b2f",  # 6.4:1
}
THIS_YEAR_COLOUR = "#0d3b73"  # 11:1
LAST_YEAR_COLOUR = "#6b7280"  # 4.8:1

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """A chart's numbers: a caption, column headers, rows; `row_header` is the `th` column."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    row_header: int = 0
    code_headers: tuple[str, ...] = ()
    codes: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Chart:
    """One chart of the page: a heading, a note, the SVG and the table of its numbers."""

    slug: str
    heading: str
    note: str
    svg: Markup
    table: Table

    def csv_rows(self, day: date, data_version: int) -> list[tuple[Cell, ...]]:
        """The CSV: the day and data version on every row, the codes, then the table."""
        table = self.table
        header = ("截至", "数据版本", *table.code_headers, *table.headers)
        codes = table.codes or tuple(() for _ in table.rows)
        return [
            header,
            *(
                (day.isoformat(), data_version, *code, *row)
                for code, row in zip(codes, table.rows, strict=True)
            ),
        ]


def _kind_series(values: dict[str, list[int]]) -> list[Series]:
    return [
        Series(vocab.KINDS[kind], tuple(values[kind]), KIND_COLOURS[kind], kind)
        for kind in vocab.KINDS
    ]


def _split(kinds: list[str]) -> dict[str, list[int]]:
    """One series per kind that is 1 on its own rows (colours bars by kind)."""
    return {kind: [1 if row == kind else 0 for row in kinds] for kind in vocab.KINDS}


def _coloured(rows: list[tuple[str, int]]) -> list[Series]:
    """Per-kind series over (kind, value) rows: each row's value in its kind's series."""
    ones = _split([kind for kind, _ in rows])
    return _kind_series(
        {
            kind: [one * value for one, (_, value) in zip(ones[kind], rows, strict=True)]
            for kind in vocab.KINDS
        }
    )


def kinds_chart(stats: Stats) -> Chart:
    rows = [(k.kind, k.count) for k in stats.kinds]
    desc = "；".join(f"{k.label} {k.count:,} 条" for k in stats.kinds)
    return Chart(
        "kinds",
        "今日公示的信息：按类型",
        f"截至 {stats.day.isoformat()} 处于公示期内的信息共 {stats.total:,} 条。",
        Markup(
            charts.bar_chart(
                chart_id="chart-kinds",
                title="今日公示的信息：按类型",
                desc=f"共 {stats.total:,} 条。{desc}。",
                labels=[k.label for k in stats.kinds],
                series=_coloured(rows),
                legend=False,
            )
        ),
        Table(
            "今日公示的信息：按类型（条）",
            ("类型", "条数"),
            tuple((k.label, k.count) for k in stats.kinds),
            code_headers=("类型代码",),
            codes=tuple((k.kind,) for k in stats.kinds),
        ),
    )


def _category_label(row: CategoryCount) -> str:
    return f"{row.kind_label}：{row.label}"


def categories_chart(stats: Stats) -> Chart:
    rows = list(stats.categories)
    top = sorted(rows, key=lambda row: -row.count)[:3]
    desc = "最多的是" + "、".join(f"{_category_label(r)}（{r.count:,} 条）" for r in top)
    return Chart(
        "categories",
        "今日公示的信息：按类别",
        "同一类别名称（如“其他”）在失信和守信信息中含义不同，按类型分列。",
        Markup(
            charts.bar_chart(
                chart_id="chart-categories",
                title="今日公示的信息：按类别",
                desc=f"{len(rows)} 个类别的条数。{desc}。",
                labels=[_category_label(r) for r in rows],
                series=_coloured([(r.kind, r.count) for r in rows]),
                legend=False,
            )
        ),
        Table(
            "今日公示的信息：按类别（条）",
            ("类型", "类别", "条数"),
            tuple((r.kind_label, r.label, r.count) for r in rows),
            row_header=1,
            code_headers=("类型代码", "类别代码"),
            codes=tuple((r.kind, r.category) for r in rows),
        ),
    )


def _kind_cells(row: tuple[KindCount, ...]) -> tuple[int, ...]:
    return tuple(k.count for k in row)


KIND_HEADERS = tuple(vocab.KINDS.values())


def provinces_chart(stats: Stats) -> Chart:
    rows: list[ProvinceCount] = list(stats.provinces)
    top = "、".join(f"{r.name}（{r.total:,} 条）" for r in rows[:3])
    unplaced = [stats.unplaced] if stats.unplaced.total else []
    desc = f"{len(rows)} 个省级地区有公示信息" + (f"，最多的是{top}" if top else "")
    note = "按信息中的地区代码归入省级地区（未填写时取统一社会信用代码中的登记地）。"
    if unplaced:
        note += f"另有 {unplaced[0].total:,} 条未注明地区，列在表格最后，不在图中。"
    return Chart(
        "provinces",
        "今日公示的信息：按省份",
        note,
        Markup(
            charts.bar_chart(
                chart_id="chart-provinces",
                title="今日公示的信息：按省份",
                desc=f"{desc}。各省的条数按类型分段。",
                labels=[r.name for r in rows],
                series=_kind_series(
                    {
                        kind: [r.by_kind[index].count for r in rows]
                        for index, kind in enumerate(vocab.KINDS)
                    }
                ),
            )
        ),
        Table(
            "今日公示的信息：按省份和类型（条）",
            ("省份", *KIND_HEADERS, "合计"),
            tuple((r.name, *_kind_cells(r.by_kind), r.total) for r in [*rows, *unplaced]),
            code_headers=("省份代码",),
            codes=tuple((r.code,) for r in [*rows, *unplaced]),
        ),
    )


def months_chart(stats: Stats) -> Chart:
    months = stats.months
    first, last = months[0].month, months[-1].month
    busiest = max(months, key=lambda m: m.total)
    return Chart(
        "months",
        f"近 {len(months)} 个月的决定数：按类型",
        f"按决定日期统计 {first} 至 {last}（本月截至今日）的决定，"
        "只计入今日仍在公示期内的信息：已过公示期或已信用修复的决定不计入，"
        "因此越早的月份数字越低，不代表当时作出的决定更少。",
        Markup(
            charts.line_chart(
                chart_id="chart-months",
                title=f"近 {len(months)} 个月的决定数：按类型",
                desc=f"{first} 至 {last} 每月作出、今日仍在公示的决定数，按类型各一条线；"
                f"最多的月份是 {busiest.month}（{busiest.total:,} 条）。",
                labels=[m.month for m in months],
                series=_kind_series(
                    {
                        kind: [m.by_kind[index].count for m in months]
                        for index, kind in enumerate(vocab.KINDS)
                    }
                ),
            )
        ),
        Table(
            "每月决定数：按类型（条，只计今日仍在公示的信息）",
            ("月份", *KIND_HEADERS, "合计"),
            tuple((m.month, *_kind_cells(m.by_kind), m.total) for m in months),
        ),
    )


def growth_chart(stats: Stats) -> Chart:
    span = stats.growth_span
    rows = list(stats.growth)
    labels = [f"{r.kind_label}：{r.label}" for r in rows]
    this_label = f"{span.this_from.year} 年至今"
    last_label = f"{span.last_from.year} 年同期"
    desc = "、".join(
        f"{label}（{r.last_year:,} → {r.this_year:,}）"
        for label, r in zip(labels, rows, strict=True)
    )
    return Chart(
        "growth",
        f"{span.this_from.year} 年增长最多的类别",
        f"比较 {span.this_from.isoformat()} 至 {span.this_until.isoformat()} 与"
        f" {span.last_from.isoformat()} 至 {span.last_until.isoformat()} 作出的决定数，"
        f"按增加的条数取前 {len(rows) if rows else 10} 个（只列增加的类别）。"
        "两期都只计入今日仍在公示期内的信息：去年的决定有更多已过公示期或已信用修复，"
        "因此增长会偏高，请结合每月决定数解读。去年同期为 0 的类别不计增幅。",
        Markup(
            charts.bar_chart(
                chart_id="chart-growth",
                title=f"{span.this_from.year} 年增长最多的类别",
                desc=(f"去年同期与今年的决定数：{desc}。" if rows else "今年暂无增长的类别。"),
                labels=labels,
                series=[
                    Series(last_label, tuple(r.last_year for r in rows), LAST_YEAR_COLOUR, "last"),
                    Series(this_label, tuple(r.this_year for r in rows), THIS_YEAR_COLOUR, "this"),
                ],
                stacked=False,
                notes=[f"+{r.change:,}" for r in rows],
            )
        ),
        Table(
            f"{span.this_from.year} 年增长最多的类别（决定数，条）",
            ("类型", "类别", last_label, this_label, "增加", "增幅（%）"),
            tuple(
                (r.kind_label, r.label, r.last_year, r.this_year, r.change, r.change_percent)
                for r in rows
            ),
            row_header=1,
            code_headers=("类型代码", "类别代码"),
            codes=tuple((r.kind, r.category) for r in rows),
        ),
    )


BUILDERS: dict[str, Callable[[Stats], Chart]] = {
    "kinds": kinds_chart,
    "categories": categories_chart,
    "provinces": provinces_chart,
    "months": months_chart,
    "growth": growth_chart,
}


async def _stats(request: Request) -> Stats:
    service = service_of(request)
    engine = await service.engine()
    return await compute_stats(engine, day=service.today())


async def stats(request: Request) -> Response:
    """Every chart with its table and CSV link; an empty state when nothing is published."""
    counted = await _stats(request)
    built = [build(counted) for build in BUILDERS.values()] if counted.total else []
    return render(request, "stats.html", {"stats": counted, "charts": built})


async def stats_csv(request: Request) -> Response:
    """One chart's numbers as CSV (UTF-8 with BOM, for Excel), as an attachment."""
    slug = request.path_params["chart"]
    build = BUILDERS.get(slug)
    if build is None:
        raise HTTPException(status_code=404)
    counted = await _stats(request)
    chart = build(counted)
    name = f"ipcredit-stats-{slug}-{counted.day.isoformat()}-v{counted.data_version}.csv"
    body = csv_text(chart.csv_rows(counted.day, counted.data_version))
    return Response(
        body.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": PUBLIC_CACHE,
        },
    )
