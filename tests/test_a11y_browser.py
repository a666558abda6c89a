"""Accessibility of the built example in Debian's chromium: axe-core (WCAG 2.1 AA), keyboard use,
the 适老化 toolbar (字号, 配色, 长辈版, 朗读) and its persistence, 360 px phones, A4 print."""
from __future__ import annotations

import re

import pytest

PAGES = ["home", "guide", "directory", "item", "report", "search"]
SCHEMES = {"wb": "白底黑字蓝链接", "bl": "蓝底黄字白链接", "yl": "黄底黑字蓝链接", "bk": "黑底黄字白链接"}

# Elements that stick out of the viewport and are not inside a scrolling container.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= W + 1 || getComputedStyle(el).visibility === 'hidden') continue;
    let p = el.parentElement, inside = false;
    for (; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= W + 1) { inside = true; break; }
    }
    if (!inside) out.push(el.tagName.toLowerCase() + '.' + el.className + ' → ' + Math.round(r.right));
  }
  return out.slice(0, 10);
}"""

# Visible text that is smaller than `min` px.
SMALL_TEXT_JS = """min => {
  const out = [];
  for (const el of document.querySelectorAll('body *:not(script):not(style):not(svg *)')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || el.closest('.gk-visually-hidden, [hidden], .md-sidebar--secondary')) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || cs.display === 'none') continue;
    if (parseFloat(cs.fontSize) < min) out.push(el.tagName.toLowerCase() + '.' + el.className + ' ' + cs.fontSize);
  }
  return out.slice(0, 10);
}"""

# Touch targets (buttons, navigation, list and pager links) smaller than `min` × `min` px.
SMALL_TARGETS_JS = """min => {
  const sel = 'button, input:not([type=hidden]):not(.md-toggle), select, .md-tabs__link, .md-nav__link, .gk-pager a, ' +
              '.gk-crumbs a, .gk-links a, .gk-list td a, .gk-tile, .gk-footer-links a, .gk-attachments a, .md-skip';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('[hidden]') || el.matches('.md-skip:not(:focus)')) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5)
      out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' + el.textContent.trim().slice(0, 12) + '" ' +
               Math.round(r.width) + '×' + Math.round(r.height));
  }
  return out.slice(0, 10);
}"""


@pytest.fixture(scope="module")
def site(example_site, serve):
    return serve(example_site)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, errors


def open_page(pg, base: str, path: str):
    pg.goto(base + path)
    if path.startswith("search/"):
        pg.wait_for_selector("#gk-search[data-gk-done]")
        assert pg.query_selector(".gk-hits li"), "the search page shows no results"


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(page, site, sample_pages, axe, name):
    open_page(page, site, sample_pages[name])
    assert axe(page) == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_axe_high_contrast_schemes_and_elder_mode(page, site, sample_pages, axe, scheme):
    open_page(page, site, sample_pages["item"])
    page.evaluate("s => { localStorage.setItem('gk-a11y', JSON.stringify({scheme: s, elder: '1'})); }", scheme)
    page.reload()
    assert page.get_attribute("html", "data-gk-scheme") == scheme
    assert axe(page, ["color-contrast", "link-in-text-block", "target-size"]) == []


def test_html_lang_is_chinese_and_every_table_header_has_scope(example_site):
    pages = list(example_site.rglob("*.html"))
    assert len(pages) > 200
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert re.search(r'<html lang="zh-CN"', text), path
        bare = [m.group(0) for m in re.finditer(r"<th\b[^>]*>", text) if "scope=" not in m.group(0)]
        assert not bare, (path, bare[:3])


def test_skip_link_then_keyboard_focus_is_always_visible(page, site, sample_pages):
    open_page(page, site, sample_pages["item"])
    page.keyboard.press("Tab")
    skip_js = """() => { const a = document.activeElement, r = a.getBoundingClientRect();
        return {text: a.textContent.trim(), href: a.getAttribute('href'), opacity: getComputedStyle(a).opacity,
                inView: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.width > 0}; }"""
    page.wait_for_function(f"(({skip_js})()).opacity === '1' && (({skip_js})()).inView")    # the skip link slides in
    skip = page.evaluate(skip_js)
    assert skip == {"text": "跳至正文", "href": "#gk-main", "opacity": "1", "inView": True}
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gk-main"
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('.md-content')"), "Tab after the skip link leaves the content"
    page.goto(site + sample_pages["item"])
    seen = 0
    for _ in range(45):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const a = document.activeElement, cs = getComputedStyle(a), r = a.getBoundingClientRect();
            return {tag: a.tagName + '.' + a.className + ' ' + a.textContent.trim().slice(0, 10),
                    ring: cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2, size: r.width * r.height}; }""")
        if focus["tag"].startswith("BODY"):
            continue
        seen += 1
        assert focus["ring"] and focus["size"] > 0, focus
    assert seen >= 40


def test_toolbar_by_keyboard_and_choices_persist_across_pages(page, site, sample_pages):
    open_page(page, site, sample_pages["home"])
    page.keyboard.press("Tab")                     # skip link
    page.keyboard.press("Tab")                     # 无障碍浏览
    assert page.evaluate("document.activeElement.textContent") == "无障碍浏览"
    page.keyboard.press("Enter")
    assert page.get_attribute("[data-gk-a11y-toggle]", "aria-expanded") == "true"
    assert page.is_visible("#gk-a11y-panel")
    page.keyboard.press("Tab")                     # 长辈版
    page.keyboard.press("Tab")                     # 字号 大
    assert page.evaluate("document.activeElement.textContent") == "大"
    page.keyboard.press("Space")
    root_px = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert page.get_attribute("html", "data-gk-size") == "l" and root_px >= 24
    page.click("text=黑底黄字白链接")
    page.wait_for_function("getComputedStyle(document.querySelector('.md-content')).backgroundColor === 'rgb(0, 0, 0)'", timeout=5000)
    page.wait_for_function("getComputedStyle(document.querySelector('.md-typeset p')).color === 'rgb(255, 255, 0)'", timeout=5000)  # colours change with a CSS transition
    page.wait_for_function("getComputedStyle(document.querySelector('.md-typeset a')).color === 'rgb(255, 255, 255)'", timeout=5000)  # colours change with a CSS transition
    page.click("[data-gk-elder-toggle]")
    assert page.inner_text("[data-gk-elder-toggle]") == "退出长辈版"

    page.goto(site + sample_pages["item"])         # another page: the same choices, no flash of the defaults
    assert page.evaluate("[...document.documentElement.attributes].filter(a => a.name.startsWith('data-gk'))"
                         ".map(a => a.name + '=' + a.value).sort()") == \
        ["data-gk-elder=1", "data-gk-scheme=bk", "data-gk-size=l"]
    assert page.get_attribute("button[data-gk-size=l]", "aria-pressed") == "true"
    assert page.get_attribute("button[data-gk-scheme=bk]", "aria-pressed") == "true"
    assert page.get_attribute("button[data-gk-scheme='']", "aria-pressed") == "false"
    page.click("[data-gk-a11y-toggle]")
    page.click("[data-gk-a11y-reset]")
    assert page.evaluate("localStorage.getItem('gk-a11y')") is None
    assert page.evaluate("document.documentElement.hasAttribute('data-gk-scheme')") is False
    page.click("text=页面原始配色")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-content')).backgroundColor") != "rgb(0, 0, 0)"


def test_toolbar_is_hidden_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(site)
    assert not pg.is_visible("[data-gk-a11y]") and pg.is_visible("#gk-top-q")
    context.close()


@pytest.mark.parametrize("name", ["home", "item", "directory"])
def test_elder_mode_text_18px_line_spacing_and_60px_targets(page, site, sample_pages, name):
    page.add_init_script("localStorage.setItem('gk-a11y', JSON.stringify({elder: '1'}))")
    open_page(page, site, sample_pages[name])
    assert page.evaluate(SMALL_TEXT_JS, 18) == []
    assert page.evaluate(SMALL_TARGETS_JS, 60) == []
    ratio = page.evaluate("""() => { const cs = getComputedStyle(document.querySelector('.md-typeset'));
                                     return parseFloat(cs.lineHeight) / parseFloat(cs.fontSize); }""")
    assert ratio >= 1.3


SPEECH_FAKE = """(() => {
  const listeners = [];
  window.__spoken = []; window.__cancelled = 0; window.__voices = [];
  const fake = {
    getVoices: () => window.__voices,
    speak: u => window.__spoken.push({text: u.text, lang: u.lang}),
    cancel: () => { window.__cancelled++; },
    addEventListener: (type, f) => { if (type === 'voiceschanged') listeners.push(f); },
  };
  window.__voicesChanged = voices => { window.__voices = voices; listeners.forEach(f => f()); };
  Object.defineProperty(window, 'speechSynthesis', {value: fake, configurable: true});
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})();"""


def test_read_aloud_only_with_a_chinese_voice(page, site, sample_pages):
    page.add_init_script(SPEECH_FAKE)
    open_page(page, site, sample_pages["item"])
    page.click("[data-gk-a11y-toggle]")
    say = "[data-gk-speak]"
    assert not page.is_visible(say)
    page.evaluate("__voicesChanged([{lang: 'en-US', name: 'English'}])")
    assert not page.is_visible(say)
    page.evaluate("__voicesChanged([{lang: 'en-US', name: 'English'}, {lang: 'zh-CN', name: '普通话'}])")
    assert page.is_visible(say) and page.inner_text(say) == "朗读正文"
    page.click(say)
    spoken = page.evaluate("__spoken")
    title = page.inner_text("article h1")
    text = "".join(s["text"] for s in spoken)
    assert len(spoken) > 3 and {s["lang"] for s in spoken} == {"zh-CN"} and all(len(s["text"]) <= 160 for s in spoken)
    assert title in text and "内容概述" in text and "打印本页" not in text and "当前位置" not in text
    assert page.inner_text(say) == "停止朗读"
    page.click(say)
    assert page.evaluate("__cancelled") >= 2 and page.inner_text(say) == "朗读正文"


@pytest.mark.parametrize("name", PAGES + ["ysqgk/", "ysqgk/sqb/", "ml/", "fdzdgknr/"])
@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_phone_width_360_has_no_page_scroll(browser, site, sample_pages, name, elder):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    if elder:
        pg.add_init_script("localStorage.setItem('gk-a11y', JSON.stringify({elder: '1'}))")
    open_page(pg, site, sample_pages.get(name, name))
    assert pg.evaluate(OVERFLOW_JS) == []
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


@pytest.mark.parametrize("name", ["item", "report"])
def test_print_on_a4_without_navigation(page, site, sample_pages, name):
    open_page(page, site, sample_pages[name])
    page.set_viewport_size({"width": 680, "height": 1000})     # A4 less the 16 mm margins, at 96 dpi
    page.emulate_media(media="print")
    for sel in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-banner", ".gk-crumbs", ".gk-actions",
                ".gk-footer-links", ".gk-a11y"):
        assert not any(el.is_visible() for el in page.query_selector_all(sel)), sel
    assert page.evaluate("getComputedStyle(document.querySelector('.gk-meta')).display") == "grid"
    assert page.is_visible(".gk-meta") and page.is_visible("article h1")
    assert page.inner_text(".gk-print-url").startswith("本页网址：https://www.example.gov.cn/zwgk/gk/")
    page.evaluate("""() => { const a = document.createElement('a'); a.href = 'https://www.gov.cn/zhengce/';
                             a.textContent = '中国政府网'; document.querySelector('.gk-body').append(a); }""")
    assert "https://www.gov.cn/zhengce/" in page.evaluate(
        "getComputedStyle(document.querySelector('.gk-body a[href^=\"https://www.gov\"]'), '::after').content")
    assert page.evaluate(OVERFLOW_JS) == []
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    sizes = set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf))
    assert sizes and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2 for w, h in sizes), sizes


def test_escape_closes_the_toolbar_panel(page, site, sample_pages):
    open_page(page, site, sample_pages["home"])
    page.click("[data-gk-a11y-toggle]")
    page.focus("button[data-gk-size=l]")
    page.keyboard.press("Escape")
    page.wait_for_function("document.getElementById('gk-a11y-panel').hidden")
    assert page.get_attribute("[data-gk-a11y-toggle]", "aria-expanded") == "false"
    assert page.evaluate("document.activeElement.hasAttribute('data-gk-a11y-toggle')")


# Parts of the 索引号 in the information table that a line break cuts (one rect per part when whole).
CUT_INDEX_JS = """() => [...document.querySelectorAll('.gk-meta dd .gk-nobr')]
  .filter(s => s.getClientRects().length !== 1).map(s => s.textContent)"""


@pytest.mark.parametrize("width, elder", [(1280, False), (360, False), (360, True)], ids=["desktop", "phone", "elder"])
def test_index_number_never_wraps_mid_number(browser, site, sample_pages, width, elder):
    context = browser.new_context(viewport={"width": width, "height": 900})
    pg = context.new_page()
    if elder:
        pg.add_init_script("localStorage.setItem('gk-a11y', JSON.stringify({elder: '1', size: 'l'}))")
    open_page(pg, site, sample_pages["item"])
    assert pg.eval_on_selector_all(".gk-meta dd .gk-nobr", "els => els.length") == 2
    assert pg.evaluate(CUT_INDEX_JS) == []
    context.close()


# The focused element and whether the sticky header or the kiosk's fixed bottom bar hides it (WCAG 2.2 2.4.11):
# an element that fits beside them must not touch them; a taller one must show somewhere outside them.
FOCUS_OBSCURED_JS = """() => {
  const a = document.activeElement;
  if (!a || a === document.body) return null;
  const r = a.getBoundingClientRect();
  const covers = [...document.querySelectorAll('.md-header, .gk-kiosk-bar')].filter(o => {
    const p = getComputedStyle(o).position;
    return (p === 'sticky' || p === 'fixed') && !o.contains(a) && o.getBoundingClientRect().height > 0;
  }).map(o => o.getBoundingClientRect());
  const overlaps = q => Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top) > 0.5 &&
                        Math.min(r.right, q.right) - Math.max(r.left, q.left) > 0.5;
  let hidden;
  if (r.height <= innerHeight - covers.reduce((h, q) => h + q.height, 0)) {
    hidden = r.bottom <= 0 || r.top >= innerHeight || covers.some(overlaps);
  } else {                                    // taller than the free space: some of it must be in that space
    let shown = [[Math.max(r.top, 0), Math.min(r.bottom, innerHeight)]];
    for (const q of covers) shown = shown.flatMap(([t, b]) => [[t, Math.min(b, q.top)], [Math.max(t, q.bottom), b]]);
    hidden = !shown.some(([t, b]) => b - t > 8);
  }
  return {what: a.tagName.toLowerCase() + '.' + a.className + ' “' + (a.textContent || '').trim().slice(0, 12) + '” ' +
                Math.round(r.left) + ',' + Math.round(r.top) + '–' + Math.round(r.bottom) + ' covers ' +
                covers.map(q => Math.round(q.top) + '–' + Math.round(q.bottom)).join(' '),
          hidden: r.width > 0 && hidden, key: a.outerHTML.slice(0, 200) + Math.round(r.left)};
}"""


def obscured_focus_stops(pg, backwards: bool = False, limit: int = 250) -> tuple[int, list[str]]:
    """Walk every Tab (or Shift+Tab) stop of the page once; returns the number of stops and those hidden."""
    if backwards:
        pg.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    seen, hidden = set(), []
    for _ in range(limit):
        pg.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = pg.evaluate(FOCUS_OBSCURED_JS)
        if focus is None:
            if seen:
                break                  # back at the start: the whole page has been walked
            continue
        if focus["key"] in seen:
            break
        seen.add(focus["key"])
        if focus["hidden"]:
            hidden.append(focus["what"])
    return len(seen), hidden


@pytest.mark.parametrize("name", ["home", "item"])
@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("backwards", [False, True], ids=["tab", "shift-tab"])
def test_keyboard_focus_never_lands_under_the_sticky_header(browser, site, sample_pages, name, width, backwards):
    context = browser.new_context(viewport={"width": width, "height": 800})
    pg = context.new_page()
    open_page(pg, site, sample_pages[name])
    stops, hidden = obscured_focus_stops(pg, backwards)
    assert stops >= 15 and hidden == [], (stops, hidden)
    context.close()


# Text at 200 % (WCAG 1.4.4): the root font size doubled once the page has set its own.
TEXT_200 = """document.addEventListener('DOMContentLoaded', () => {
  const h = document.documentElement; h.style.fontSize = parseFloat(getComputedStyle(h).fontSize) * 2 + 'px'; })"""

# The site name in the header is shown whole (not cut to “示例县人…”).
NAME_CUT_JS = """() => { const n = document.querySelector('.gk-brand-name, .md-header__topic .md-ellipsis');
  return !n ? 'no site name' : (n.scrollWidth > n.clientWidth + 1 || getComputedStyle(n).textOverflow === 'ellipsis' &&
    n.scrollWidth > n.clientWidth) ? n.textContent.trim() : ''; }"""


def related_item(example_site) -> str:
    return next(p.parent.relative_to(example_site).as_posix() + "/" for p in sorted(example_site.glob("gk/*/index.html"))
                if 'class="gk-related"' in p.read_text(encoding="utf-8"))


def assert_fits_at_200_percent(browser, url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.add_init_script(TEXT_200)
    pg.goto(url)
    if "search/?" in url:
        pg.wait_for_selector("#gk-search[data-gk-done]")
    pg.wait_for_function("parseFloat(document.documentElement.style.fontSize) >= 30")
    assert pg.evaluate(OVERFLOW_JS) == [], url
    assert pg.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), url
    assert pg.evaluate(NAME_CUT_JS) == "", url
    context.close()


@pytest.mark.parametrize("name", ["home", "item", "related", "directory", "search", "ysqgk/", "zhidu/khpy/", "ml/"])
def test_phone_360_at_200_percent_text_has_no_page_scroll(browser, site, sample_pages, example_site, name):
    path = related_item(example_site) if name == "related" else sample_pages.get(name, name)
    assert_fits_at_200_percent(browser, site + path)


def scroll_regions_unreachable(browser, axe, url: str) -> list[dict]:
    """axe's scrollable-region-focusable at 360 px and 200 % text, where wide tables scroll."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    pg = context.new_page()
    pg.add_init_script(TEXT_200)
    pg.goto(url)
    pg.wait_for_function("parseFloat(document.documentElement.style.fontSize) >= 30")
    pg.wait_for_function("document.querySelector('.md-typeset table') !== null")
    found = axe(pg, ["scrollable-region-focusable"])
    context.close()
    return found


@pytest.mark.parametrize("name", ["ysqgk/", "zhidu/khpy/", "item", "guide"])
def test_tables_that_scroll_are_keyboard_reachable(browser, site, sample_pages, axe, name):
    assert scroll_regions_unreachable(browser, axe, site + sample_pages.get(name, name)) == []


# Every kind of page in every display state of the toolbar: axe finds nothing.
PAGE_KINDS = ["home", "guide", "directory", "item", "report", "search", "zhidu/khpy/", "fdzdgknr/", "ml/", "ysqgk/",
              "ysqgk/sqb/", "bzml/", "bzml/aqsc/", "lm/ndbg/", "nf/2024/", "jg/czj/"]
STATES = {"standard": {}, "elder": {"elder": "1"}, "large": {"size": "l"}, "small": {"size": "s"},
          "wb": {"scheme": "wb"}, "bl": {"scheme": "bl"}, "yl": {"scheme": "yl"}, "bk-elder": {"scheme": "bk", "elder": "1"}}


@pytest.mark.parametrize("state", STATES)
def test_axe_on_every_page_kind_in_every_display_state(browser, site, sample_pages, axe, state):
    import json
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(f"localStorage.setItem('gk-a11y', JSON.stringify({json.dumps(STATES[state])}))")
    pg = context.new_page()
    found = {}
    for name in PAGE_KINDS:
        open_page(pg, site, sample_pages.get(name, name))
        if STATES[state]:
            assert pg.evaluate("[...document.documentElement.attributes].some(a => a.name.startsWith('data-gk-'))")
        violations = axe(pg)
        if violations:
            found[name] = violations
    context.close()
    assert found == {}
