"""No label cut off on a 1024 x 768 screen: every page opened at that size, in a real browser, shows
each visible label, button, tab, metric, heading and menu entry whole. A text is cut off when its
glyphs reach past the edge of a box that clips them (overflow hidden or clip, an ellipsis, a
horizontally scrolled strip such as a tab bar). Table cells and charts are drawn on canvases, out
of the DOM's reach: their headers are checked on the pages' own tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from test_browser import LONG, idle, visit

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1024, "height": 768}

PAGES = [  # every page of Personal mode: address, a heading it shows
    ("", "Start here"), ("lab", "Scenario lab"), ("what-if", "What-if"), ("portal", "Portal sandbox"),
    ("jit", "Just-in-time VM access"), ("audit", "Audit explorer"), ("why-not", "Why / why not"),
    ("posture", "Posture"), ("practice", "Practice"), ("exam", "Exam"), ("due", "Due reviews"),
    ("progress", "Progress"), ("instructor", "Instructor's kit"),
]

# For every visible text node: the boxes between it and the page that clip horizontally, and whether
# its glyphs reach past one of them (a 1-pixel tolerance for sub-pixel rounding).
CUT_OFF = """() => {
    const clips = (el) => {
        const s = getComputedStyle(el);
        return s.overflowX !== 'visible' || s.textOverflow === 'ellipsis';
    };
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const owner = node.parentElement;
        if (!text || !owner || owner.closest('script, style, noscript, svg, canvas, [data-testid="stToolbar"]')) continue;
        if (!owner.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        const glyphs = range.getBoundingClientRect();
        if (glyphs.width === 0 || glyphs.height === 0) continue;
        for (let box = owner; box && box !== document.body; box = box.parentElement) {
            if (!clips(box)) continue;
            const edge = box.getBoundingClientRect();
            if (edge.width <= 2 || edge.height <= 2) break;  // a visually hidden text for screen readers
            const ellipsis = getComputedStyle(box).textOverflow === 'ellipsis' && box.scrollWidth > box.clientWidth + 1;
            if (ellipsis || glyphs.right > edge.right + 1 || glyphs.left < edge.left - 1) {
                const where = box.closest('[data-testid]');
                found.push({text: text.slice(0, 80),
                            box: box.tagName.toLowerCase() + '.' + [...box.classList].slice(0, 2).join('.'),
                            in: where ? where.getAttribute('data-testid') : '', overflow: Math.round(glyphs.right - edge.right)});
                break;
            }
        }
    }
    return found;
}"""


@pytest.fixture
def small_page(page: Page) -> Page:
    page.set_viewport_size(VIEWPORT)
    return page


def cut_off(page: Page) -> list[dict]:
    idle(page)
    return page.evaluate(CUT_OFF)


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_no_label_is_cut_off_at_1024_pixels(small_page: Page, app_url: str, shots, path, heading):
    page = small_page
    visit(page, app_url, path, heading)
    page.get_by_test_id("stMain").wait_for(timeout=LONG)
    found = cut_off(page)
    page.screenshot(path=str(shots / f"layout-1024-{path or 'start'}.png"))
    assert found == [], "\n".join(f"{f['in']} {f['box']}: {f['text']!r} (+{f['overflow']} px)" for f in found)
