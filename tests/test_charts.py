"""`portal.charts`: valid, accessible, escaped SVG with the numbers in it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from portal.charts import Series, bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & “引号”'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element, chart_id: str) -> None:
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.get("id") == f"{chart_id}-title" and title.text
    assert desc is not None and desc.get("id") == f"{chart_id}-desc" and desc.text
    assert root.get("viewBox", "").startswith("0 0 ")
    assert root.get("width") is None and root.get("height") is None  # scales with its box
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}style"))
    assert all(el.get("style") is None for el in root.iter())  # CSP: no inline style


def test_stacked_bar_chart() -> None:
    svg = bar_chart(
        chart_id="c1",
        title="按省份",
        desc="说明",
        labels=["广东省", "北京市"],
        series=[
            Series("严重", (3, 0), "#a4161a", "serious_list"),
            Series("守信", (1_234, 5), "#1d6b2f", "good_credit"),
        ],
    )
    root = parse(svg)
    assert_accessible(root, "c1")
    shown = texts(root)
    assert "广东省" in shown and "北京市" in shown
    assert "1,237" in shown and "5" in shown  # the totals after the stacked bars
    assert "严重" in shown and "守信" in shown  # the legend
    widths = [float(r.get("width", 0)) for r in root.iter(f"{SVG}rect") if r.get("class")]
    assert len(widths) == 3  # zero-width parts are not drawn
    assert max(widths) > 10 * min(widths)


def test_grouped_bar_chart_prints_each_value_and_notes() -> None:
    svg = bar_chart(
        chart_id="g",
        title="增长",
        desc="说明",
        labels=["甲", "乙"],
        series=[Series("去年", (2, 4), "#6b7280"), Series("今年", (10, 7), "#0d3b73")],
        stacked=False,
        notes=["+8", "+3"],
    )
    shown = texts(parse(svg))
    for value in ("2", "4", "10", "7", "+8", "+3"):
        assert value in shown


def test_labels_are_escaped() -> None:
    svg = bar_chart(
        chart_id="x",
        title=HOSTILE,
        desc=HOSTILE,
        labels=[HOSTILE],
        series=[Series(HOSTILE, (1,), "#0d3b73")],
    )
    assert "<script>" not in svg
    root = parse(svg)
    assert HOSTILE in texts(root)
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == HOSTILE
    line = line_chart(
        chart_id="y",
        title=HOSTILE,
        desc=HOSTILE,
        labels=[HOSTILE, "b"],
        series=[Series(HOSTILE, (1, 2), "#0d3b73")],
        label_every=1,
    )
    assert "<script>" not in line
    assert HOSTILE in texts(parse(line))


def test_line_chart() -> None:
    months = [f"2025-{m:02d}" for m in range(1, 13)]
    svg = line_chart(
        chart_id="m",
        title="每月",
        desc="说明",
        labels=months,
        series=[
            Series("失信", tuple(range(12)), "#8a4b00"),
            Series("守信", tuple(range(0, 120, 10)), "#1d6b2f"),
        ],
    )
    root = parse(svg)
    assert_accessible(root, "m")
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2
    assert all(len(line.get("points", "").split()) == 12 for line in lines)
    assert lines[0].get("stroke-dasharray") is None and lines[1].get("stroke-dasharray")
    shown = texts(root)
    assert "2025-12" in shown and "2025-06" in shown  # every 6th label, counted from the last
    assert "2025-11" not in shown
    assert "200" in shown  # the y axis reaches a round number above the largest value (110)


def test_empty_charts_are_valid() -> None:
    root = parse(bar_chart(chart_id="e", title="t", desc="d", labels=[], series=[]))
    assert "暂无数据" in texts(root)
    flat = line_chart(
        chart_id="z", title="t", desc="d", labels=["a", "b"], series=[Series("s", (0, 0), "#000")]
    )
    parse(flat)


def test_series_must_match_the_labels() -> None:
    with pytest.raises(ValueError):
        bar_chart(chart_id="b", title="t", desc="d", labels=["a"], series=[Series("s", (), "#000")])


@pytest.mark.parametrize(
    ("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (110, 200), (2_001, 5_000)]
)
def test_nice_ceiling(value: int, ceiling: int) -> None:
    assert nice_ceiling(value) == ceiling
