"""What the browser tests measure inside the page: focus, overflow, colour contrast."""

from __future__ import annotations

from typing import Any, TypedDict

from playwright.sync_api import Page

HEADER_BACKGROUND = "rgb(13, 59, 115)"


class Focused(TypedDict):
    """The element holding focus, as the tests see it."""

    tag: str
    id: str
    classes: str
    text: str
    href: str
    outline: bool
    shadow: bool
    in_view: bool
    key: str


# `document.activeElement`, described; `outline`/`shadow` say whether a focus indicator is drawn.
ACTIVE_ELEMENT_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  const inView = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
    && box.top < innerHeight && box.left < innerWidth;
  const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
  const href = el.getAttribute("href") || "";
  return {
    tag: el.tagName.toLowerCase(), id: el.id, classes: el.className || "", text, href,
    outline, shadow, in_view: inView,
    key: [el.tagName, el.id, el.className, href, text].join("|"),
  };
}
"""

# Every control a keyboard user must reach, described with the same `key` as above; inside a
# closed `<details>` only its summary is shown, and reached.
TABBABLE_JS = """
() => Array.from(document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, details > summary,"
  + " [tabindex]:not([tabindex='-1'])"
)).filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden"
  && !el.disabled && el.checkVisibility())
  .map((el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return [el.tagName, el.id, el.className, el.getAttribute("href") || "", text].join("|");
  })
"""

# Elements sticking out past the right edge of the viewport (the cause of horizontal scrolling).
# Content inside its own scrolling box (a wide data table in `overflow-x: auto`) does not move
# the page, so only that box is measured.
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const contained = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (getComputedStyle(node).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !contained(el))
    .map((el) => {
      const right = Math.round(el.getBoundingClientRect().right);
      const text = (el.textContent || "").trim().slice(0, 30);
      return `${el.tagName.toLowerCase()}.${el.className} right=${right} "${text}"`;
    });
  return { scrollWidth: document.documentElement.scrollWidth, width, wide: wide.slice(0, 10) };
}
"""

# The elements matching the selector (argument) that extend past the right edge of the page,
# and the boxes they are clipped or scrolled in: for print, where nothing may be cut off.
OUTSIDE_WIDTH_JS = """
(selector) => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => `${el.tagName.toLowerCase()}.${el.className} `
    + `right=${Math.round(el.getBoundingClientRect().right)} `
    + `"${(el.textContent || "").trim().slice(0, 30)}"`;
  const cells = Array.from(document.querySelectorAll(selector));
  const outside = cells.filter((el) => el.getBoundingClientRect().right > width + 0.5);
  const clipped = new Set();
  const cuts = (node) => node.scrollWidth > node.clientWidth + 1
    && getComputedStyle(node).overflowX !== "visible";
  for (const el of cells) {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (cuts(node)) clipped.add(node);
    }
  }
  return {
    width, scrollWidth: document.documentElement.scrollWidth, checked: cells.length,
    outside: outside.slice(0, 10).map(describe), clipped: Array.from(clipped).map(describe),
  };
}
"""

# WCAG 2.1 contrast of every rendered piece of text against the background it is drawn on
# (backgrounds composed up the ancestor chain over white), including the search input's value
# and placeholder. Large text (>= 24px, or >= 18.66px bold) needs 3:1, other text 4.5:1.
CONTRAST_JS = """
() => {
  const parse = (value) => {
    const m = value.match(/^rgba?\\(([^)]+)\\)$/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, under) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat([1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const problems = [];
  const background = (el) => {
    const chain = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) chain.push(node);
    let colour = [255, 255, 255, 1];
    for (const node of chain.reverse()) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== "none") problems.push(`background image on ${node.tagName}`);
      const bg = parse(style.backgroundColor);
      if (bg === null) problems.push(`unreadable background ${style.backgroundColor}`);
      else colour = over(bg, colour);
    }
    return colour;
  };
  const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""}`
    + ` "${(el.innerText || el.value || el.placeholder || "").trim().slice(0, 24)}"`;
  const checked = [];
  const check = (el, colourText, style, what) => {
    const fg = parse(colourText);
    if (fg === null) {
      problems.push(`unreadable colour ${colourText} on ${describe(el)}`);
      return;
    }
    const bg = background(el);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const value = ratio(over(fg, bg), bg);
    checked.push({ what: `${what}${describe(el)}`, ratio: value, needed: large ? 3 : 4.5 });
  };
  for (const el of document.querySelectorAll("body *")) {
    if (el.getClientRects().length === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const hasText = Array.from(el.childNodes).some(
      (n) => n.nodeType === 3 && n.textContent.trim() !== "");
    if (hasText) check(el, style.color, style, "");
    if (el.tagName === "INPUT" && el.type !== "hidden") {
      if (el.value) check(el, style.color, style, "value of ");
      if (el.placeholder) {
        check(el, getComputedStyle(el, "::placeholder").color, style, "placeholder of ");
      }
    }
  }
  return { checked, problems };
}
"""


def assert_styled(page: Page) -> None:
    """The stylesheet really applied (otherwise layout and colour checks prove nothing)."""
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header == HEADER_BACKGROUND, f"site.css not applied (header background {header})"


def active_element(page: Page) -> Focused | None:
    """The focused element (None when focus is on the page itself)."""
    found: Focused | None = page.evaluate(ACTIVE_ELEMENT_JS)
    return found


def tab(page: Page) -> Focused:
    """Press Tab; the newly focused element, which must show a visible focus indicator."""
    page.keyboard.press("Tab")
    focused = active_element(page)
    assert focused is not None, "Tab left the page"
    assert focused["outline"] or focused["shadow"], f"focus not visible on {focused['key']}"
    assert focused["in_view"], f"focused element not scrolled into view: {focused['key']}"
    return focused


def contrast_failures(page: Page) -> tuple[int, list[str]]:
    """How many texts were checked, and those below the WCAG AA ratio (or unmeasurable)."""
    result: dict[str, Any] = page.evaluate(CONTRAST_JS)
    failures = [
        f"{item['what']}: {item['ratio']:.2f}:1 < {item['needed']}:1"
        for item in result["checked"]
        if item["ratio"] < item["needed"]
    ]
    return len(result["checked"]), failures + sorted(set(result["problems"]))
