"""The search page's reduced theme stylesheet (styles.page_styles): the page looks exactly as with the theme's
whole stylesheet — every element's computed style (and its ::before/::after) is the same in every state the
page can enter, at phone, 200 % zoom (640 CSS px) and desktop widths — and it weighs what the issue allows."""
from __future__ import annotations

import re

import pytest

from gongkai.stages import styles

# Every property of every element from <html> down, with its ::before and ::after, once no transition runs:
# by element, a digest of its properties, or (for the elements named in `only`) the properties themselves.
STYLES = """async only => {
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().filter(a => a.effect && isFinite(a.effect.getComputedTiming().endTime))
    .map(a => a.finished.catch(() => null)));
  const out = {}, els = [document.documentElement, ...document.documentElement.querySelectorAll('body, body *')];
  els.forEach((el, n) => {
    for (const pseudo of [null, '::before', '::after']) {
      const cs = getComputedStyle(el, pseudo);
      if (pseudo && (cs.content === 'none' || cs.content === 'normal')) continue;
      const key = n + ':' + el.tagName + (el.id ? '#' + el.id : '') + (pseudo || '');
      if (only && !only.includes(key)) continue;
      const row = {};
      for (let i = 0; i < cs.length; i++) row[cs[i]] = cs.getPropertyValue(cs[i]);
      if (only) { out[key] = row; continue; }
      let h = 0x811c9dc5;
      const text = JSON.stringify(Object.entries(row).filter(([p]) => !p.startsWith('--')).sort());
      for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
      out[key] = h + ' ' + Object.keys(row).filter(p => p.startsWith('--')).map(p => p + ':' + row[p]).sort().join(';');
    }
  });
  return out;
}"""


@pytest.fixture(scope="module")
def pages(browser, example_site, serve):
    """open(width, url, full) → a page of the search page with the reduced stylesheet, or (full=True) with the
    theme's stylesheets every other page links (the same DOM otherwise)."""
    base = serve(example_site)
    html = (example_site / "search/index.html").read_text(encoding="utf-8")
    other = (example_site / "zhinan/index.html").read_text(encoding="utf-8")      # the same depth as search/
    theme = "".join(re.findall(r'<link rel="stylesheet" href="[^"]*assets/stylesheets/[^"]+">\n?', other))
    reduced = re.search(r'<link rel="stylesheet" href="[^"]*assets/stylesheets/gk-page\.[^"]+">\n?', html)
    assert reduced and "main." in theme, "the search page links the reduced stylesheet; other pages the theme's"
    full_html = html.replace(reduced.group(0), theme)
    opened = []

    def open_(width: int, path: str, full: bool):
        ctx = browser.new_context(viewport={"width": width, "height": 800})
        if full:
            ctx.route(re.compile(r".*/search/(\?.*)?$"),
                      lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=full_html))
        pg = ctx.new_page()
        opened.append(ctx)
        pg.goto(base + path)
        pg.wait_for_selector("#gk-search[data-gk-done]")
        pg.wait_for_function("typeof window.document$ !== 'undefined'")      # the theme's script, loaded late
        return pg
    yield open_
    for ctx in opened:
        ctx.close()


def differences(pages: tuple, got: list[dict]) -> list[str]:
    """Properties whose computed value differs between the full (got[1]) and the reduced (got[0]) sheet. A
    custom property the reduced sheet dropped (nothing reads it: styles.unread_properties) is not compared
    itself; every property using it would differ."""
    reduced, full = got
    assert full.keys() == reduced.keys()
    keys = [k for k in full if full[k].split(" ", 1)[0] != reduced[k].split(" ", 1)[0]]
    kept = [k for k in full if k not in keys and not set(reduced[k].split(" ", 1)[1].split(";")) <=
            set(full[k].split(" ", 1)[1].split(";"))]
    out = [f"{k}: a custom property differs" for k in kept]
    if keys:
        rows = [pg.evaluate(STYLES, keys) for pg in pages]
        for key in keys:
            out += [f"{key} {prop}: {value} / {rows[0][key].get(prop)}" for prop, value in rows[1][key].items()
                    if value != rows[0][key].get(prop) and not prop.startswith("--")]
    return out


def act(pg, state: str):
    """Put the page into one state a visitor can reach."""
    if state == "filters":                           # 筛选 open, a filter chosen (chip), facet counts shown
        pg.click("[data-gk-filter-toggle]")
        pg.select_option("#gk-f-lx", "信息")
        pg.wait_for_selector("#gk-search[data-gk-done] [data-gk-chip]")
        pg.click("[data-gk-filter-toggle]")
        pg.wait_for_selector("#gk-search[data-gk-facets]")
    elif state == "drawer":                          # the navigation drawer on a phone
        pg.emulate_media(media="screen", color_scheme="light", forced_colors="none")
        pg.click(".md-header label[for=__drawer]")
        pg.wait_for_function("document.getElementById('__drawer').checked")
    elif state == "a11y":                            # 无障碍浏览: 黑底黄字, 大字号, 长辈版
        pg.click("[data-gk-a11y-toggle]")
        pg.click("[data-gk-scheme=bk]")
        pg.click("[data-gk-size=l]")
        pg.click("[data-gk-elder-toggle]")
        pg.wait_for_function("document.documentElement.hasAttribute('data-gk-elder')")
    elif state == "print":
        pg.emulate_media(media="print")
    elif state == "dark":                            # the visitor's system in dark mode and forced colours
        pg.emulate_media(color_scheme="dark", forced_colors="active")
    elif state == "scrolled":                        # header shadow, back-to-top button
        pg.mouse.wheel(0, 3000)
        pg.wait_for_function("window.scrollY > 0")
        pg.mouse.wheel(0, -200)
    elif state == "focus":                           # keyboard focus on the search box and a result
        pg.keyboard.press("Tab")
        pg.focus("#gk-search-q")
        pg.focus(".gk-hits h3 a")


# In this order on one page: each state adds to the ones before (the drawer last: it covers the page).
STATES = ["results", "filters", "focus", "scrolled", "a11y", "dark", "print", "drawer"]


@pytest.mark.parametrize("width", [360, 640, 1280])
def test_reduced_stylesheet_changes_no_computed_style(pages, width):
    reduced, full = (pages(width, "search/?q=" + "政府采购 通知", f) for f in (False, True))
    for state in STATES:
        if state == "drawer" and width > 1200:
            continue                                 # wide screens have no drawer: the navigation is in tabs
        got = []
        for pg in (reduced, full):
            act(pg, state)
            got.append(pg.evaluate(STYLES, None))
        assert len(got[0]) > 300
        diff = differences((reduced, full), got)
        assert not diff, f"{state}: {len(diff)} differences (full / reduced):\n" + "\n".join(diff[:40])


def test_reduced_stylesheet_weight_and_origin(example_site):
    html = (example_site / "search/index.html").read_text(encoding="utf-8")
    href = re.search(r'href="\.\./(assets/stylesheets/gk-page\.[0-9a-f]{8}\.min\.css)"', html).group(1)
    reduced = (example_site / href).read_bytes()
    full = sum(p.stat().st_size for p in (example_site / "assets/stylesheets").glob("*.min.css")
               if not p.name.startswith("gk-page."))
    assert len(reduced) < 40 * 1024 < full / 3, (len(reduced), full)
    assert not re.search(r"assets/stylesheets/(main|palette)\.", html)
    assert ":root{" in reduced.decode() and "@keyframes" in reduced.decode()


def test_loosen_keeps_the_structure_and_drops_states():
    cls, attrs = {"md-header--shadow"}, {"hidden", "data-md-state"}
    assert styles.loosen(".md-toggle:checked~.md-nav", cls, attrs) == ".md-toggle~.md-nav"
    assert styles.loosen(".md-header--shadow", cls, attrs) == "*"
    assert styles.loosen(".md-header.md-header--shadow>a:hover", cls, attrs) == ".md-header>a"
    assert styles.loosen("[dir=rtl] .x:not(.y)::after", cls, attrs) == "[dir=rtl] .x"
    assert styles.loosen(".md-top[hidden] + :is(h1:hover, h2)", cls, attrs) == ".md-top+:is(h1,h2)"
    assert styles.loosen('a[href^="a:b"]:first-child  >  :focus', cls, attrs) == 'a[href^="a:b"]>*'
    assert styles.loosen("[aria-expanded=true]", cls, attrs) == "*"


def test_reduce_keeps_at_rules_and_drops_unread_properties():
    css = ('@charset "UTF-8";:root{--a:1px;--b:var(--c);--c:red;--d:url("x;y")}.x{width:var(--a)}.y{color:red}'
           '@media print{.x{color:blue}.y{color:green}}@font-face{font-family:f;src:url(f.woff)}'
           '@keyframes k{0%{opacity:0}to{opacity:1}}/* comment */')
    kept = styles.reduce_stylesheet(css, lambda sel: sel != ".y")
    assert kept == ('@charset "UTF-8";:root{--a:1px;--b:var(--c);--c:red;--d:url("x;y")}.x{width:var(--a)}'
                    '@media print{.x{color:blue}}@font-face{font-family:f;src:url(f.woff)}'
                    '@keyframes k{0%{opacity:0}to{opacity:1}}')
    assert styles.unread_properties(kept, "") == {"--b", "--c", "--d"}
    assert styles.unread_properties(kept, "el.style.setProperty('--b')") == {"--d"}
    assert styles.reduce_stylesheet(kept, lambda s: True, {"--b", "--c", "--d"}).startswith(
        '@charset "UTF-8";:root{--a:1px}.x{')


def test_page_styles_on_a_small_page():
    html = ('<html><head><link rel="stylesheet" href="../assets/stylesheets/main.1.min.css">\n'
            '<link rel="stylesheet" href="../assets/stylesheets/palette.1.min.css">\n'
            '<link rel="stylesheet" href="../assets/gongkai/own.css">\n</head><body>'
            '<header class="md-header"></header><div class="md-typeset"><ol data-gk-results></ol></div>'
            '<script src="../assets/javascripts/bundle.js"></script></body></html>')
    files = {"assets/stylesheets/main.1.min.css": ".md-header--shadow{box-shadow:0 0 1px}.md-header:hover{color:red}"
                                                  ".md-typeset h3{font-size:1em}.md-typeset table{margin:0}"
                                                  "@media print{.md-header{display:none}.md-tabs{display:none}}",
             "assets/stylesheets/palette.1.min.css": "[data-md-color-primary=red]{--md-primary-fg-color:red}",
             "assets/gongkai/own.css": ".x{color:var(--md-primary-fg-color)}",
             "assets/javascripts/bundle.js": 'e.classList.toggle("md-header--shadow",s)'}
    out, sheets = styles.page_styles(html, "search/", files.get)
    (path, data), = sheets.items()
    assert f'<link rel="stylesheet" href="../{path}">\n<link rel="stylesheet" href="../assets/gongkai/own.css">' in out
    assert "main.1" not in out and "palette.1" not in out
    assert data.decode() == (".md-header--shadow{box-shadow:0 0 1px}.md-header:hover{color:red}"
                             ".md-typeset h3{font-size:1em}@media print{.md-header{display:none}}")
    assert styles.page_styles(html, "search/", lambda rel: None if "palette" in rel else files.get(rel)) == (html, {})
