"""Server-rendered SVG charts as strings: horizontal bars and lines, no script, no inline style.

Each chart is `role="img"` named by its `<title>` and `<desc>` (`aria-labelledby`), sized by
its `viewBox` only (the stylesheet makes it fluid), coloured with presentation attributes
(every colour at least 3:1 on white; series also differ by dash pattern), and every label
is escaped. The numbers are printed in the chart too; the page puts them in a table beside.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400
FONT = 14
SMALL = 12
ROW_LABEL = 20  # label line of a bar row
BAR = 12
BAR_GAP = 3
ROW_GAP = 10
LEGEND = 26
SEPARATED = ' stroke="#ffffff" stroke-width="1"'  # parts of a stacked bar apart in grey print
VALUE_ROOM = 72  # after the longest bar, for its number
GRID = "#6b7280"  # 4.8:1 on white
INK = "#1b1f24"
DASHES = ("", "6 3", "2 3")


@dataclass(frozen=True)
class Series:
    """One named series of values (one per row or per point), its colour and a CSS hook."""

    name: str
    values: tuple[int, ...]
    colour: str
    key: str = ""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _number(value: int) -> str:
    return f"{value:,}"


def _open(chart_id: str, title: str, desc: str, height: float, kind: str) -> list[str]:
    ident = _e(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{kind}" id="{ident}"'
        f' viewBox="0 0 {WIDTH} {height:g}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc" focusable="false">',
        f'<title id="{ident}-title">{_e(title)}</title>',
        f'<desc id="{ident}-desc">{_e(desc)}</desc>',
    ]


def _legend(series: Sequence[Series], y: float, *, lines: bool = False) -> list[str]:
    """A legend row: a swatch (or a line sample) and the name of each series."""
    parts = ['<g class="chart__legend" aria-hidden="true">']
    x = 0.0
    for index, one in enumerate(series):
        if lines:
            dash = DASHES[index % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:g}" y1="{y - 4:g}" x2="{x + 18:g}" y2="{y - 4:g}"'
                f' stroke="{_e(one.colour)}" stroke-width="2.5"{dash_attr}/>'
            )
        else:
            parts.append(
                f'<rect x="{x:g}" y="{y - 11:g}" width="12" height="12" fill="{_e(one.colour)}"/>'
            )
        parts.append(
            f'<text x="{x + 22:g}" y="{y:g}" font-size="{SMALL + 1}" fill="{INK}">'
            f"{_e(one.name)}</text>"
        )
        x += 22 + (len(one.name) + 1) * (SMALL + 1) + 8
    parts.append("</g>")
    return parts


def _bar_number(x: float, y: float, value: int) -> str:
    """A bar's number just after its end, centred on the bar."""
    return (
        f'<text x="{x + 4:.2f}" y="{y + BAR - 1:g}" font-size="{SMALL + 1}" fill="{INK}"'
        f' class="chart__value">{_number(value)}</text>'
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = True,
    legend: bool | None = None,
    notes: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one row per label: the label above, each bar's number after it.

    With several series the bar is stacked (parts of a whole; its number is the row's
    total) or, when `stacked` is False, one thin bar per series (compared side by side).
    `notes` are short texts shown right-aligned on each label line (e.g. `+18`). The
    legend is shown when asked, by default when there are several series.
    """
    if any(len(one.values) != len(labels) for one in series):
        raise ValueError("every series needs one value per label")
    totals = [sum(one.values[row] for one in series) for row in range(len(labels))]
    biggest = max(totals if stacked else [v for one in series for v in one.values], default=0)
    scale = (WIDTH - VALUE_ROOM) / biggest if biggest else 0.0
    bars = 1 if stacked else len(series)
    edge = SEPARATED if stacked else ""
    row_height = ROW_LABEL + bars * BAR + (bars - 1) * BAR_GAP + ROW_GAP
    show_legend = len(series) > 1 if legend is None else legend
    top = LEGEND if show_legend else 0
    height = top + row_height * len(labels) if labels else 40
    parts = _open(chart_id, title, desc, height, "bar")
    if show_legend:
        parts += _legend(series, 14)
    if not labels:
        parts.append(f'<text x="0" y="24" font-size="{FONT}" fill="{INK}">暂无数据</text>')
    for row, label in enumerate(labels):
        y = top + row * row_height
        parts.append('<g class="chart__row">')
        parts.append(
            f'<text x="0" y="{y + 15:g}" font-size="{FONT}" fill="{INK}">{_e(label)}</text>'
        )
        if notes:
            parts.append(
                f'<text x="{WIDTH}" y="{y + 15:g}" font-size="{FONT}" fill="{INK}"'
                f' text-anchor="end" class="chart__note">{_e(notes[row])}</text>'
            )
        x = 0.0
        for index, one in enumerate(series):
            value = one.values[row]
            bar_y = y + ROW_LABEL + (0 if stacked else index * (BAR + BAR_GAP))
            width = value * scale
            if width > 0:
                parts.append(
                    f'<rect class="chart__bar chart__bar--{_e(one.key)}" x="{x:.2f}" y="{bar_y:g}"'
                    f' width="{width:.2f}" height="{BAR}" fill="{_e(one.colour)}"{edge}>'
                    f"<title>{_e(label)} · {_e(one.name)}：{_number(value)}</title></rect>"
                )
            if stacked:
                x += width
            else:
                parts.append(_bar_number(width, bar_y, value))
        if stacked:
            parts.append(_bar_number(x, y + ROW_LABEL, totals[row]))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n that is at least `value` (1 for 0)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


PLOT_RIGHT = WIDTH - 24  # half a label past the last point
PLOT_TOP = LEGEND + 12
PLOT_HEIGHT = 180
TICKS = 4


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    label_every: int = 6,
) -> str:
    """Lines over `labels` (e.g. months), a y axis from 0 with gridlines, a legend.

    Every `label_every`-th label is written under the axis, counted back from the last.
    """
    if any(len(one.values) != len(labels) for one in series):
        raise ValueError("every series needs one value per label")
    top_value = nice_ceiling(max((v for one in series for v in one.values), default=0))
    plot_left = 8 + len(_number(top_value)) * SMALL * 0.6  # room for the widest tick
    bottom = PLOT_TOP + PLOT_HEIGHT
    height = bottom + 24
    parts = _open(chart_id, title, desc, height, "line")
    parts += _legend(series, 14, lines=True)
    parts.append('<g class="chart__axes" aria-hidden="true">')
    for tick in range(TICKS + 1):
        value = top_value * tick // TICKS
        y = bottom - PLOT_HEIGHT * tick / TICKS
        parts.append(
            f'<line x1="{plot_left:.1f}" y1="{y:g}" x2="{PLOT_RIGHT}" y2="{y:g}" stroke="{GRID}"'
            f' stroke-width="{1 if tick == 0 else 0.5}"/>'
        )
        parts.append(
            f'<text x="{plot_left - 4:.1f}" y="{y + 4:g}" font-size="{SMALL}" fill="{INK}"'
            f' text-anchor="end">{_number(value)}</text>'
        )
    step = (PLOT_RIGHT - plot_left) / max(len(labels) - 1, 1)
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % label_every == 0:
            x = plot_left + index * step
            anchor = "start" if index == 0 else "middle"
            parts.append(
                f'<text x="{x:.2f}" y="{bottom + 16}" font-size="{SMALL}" fill="{INK}"'
                f' text-anchor="{anchor}">{_e(label)}</text>'
            )
    parts.append("</g>")
    for index, one in enumerate(series):
        points = " ".join(
            f"{plot_left + i * step:.2f},{bottom - PLOT_HEIGHT * v / top_value:.2f}"
            for i, v in enumerate(one.values)
        )
        dash = DASHES[index % len(DASHES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline class="chart__line chart__line--{_e(one.key)}" points="{points}"'
            f' fill="none" stroke="{_e(one.colour)}" stroke-width="2.5"'
            f' stroke-linejoin="round"{dash_attr}><title>{_e(one.name)}</title></polyline>'
        )
    parts.append("</svg>")
    return "".join(parts)
