"""Search in a real browser (Debian's chromium) against the built example site."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]")
WORD = re.compile(r"[a-z0-9]+")
QUERIES = ["关于", "示例县", "县人民政府", "营商环境", "宅基地", "规范性文件", "社会救助", "最低生活保障",
           "高标准农田", "政府采购", "统计公报", "应急预案", "\"城乡居民\"", "2024 财政预算", "2025年 统计",
           "税", "防汛", "qqqzzz", "财政 qqqzzz", "住房公积金", "征收", "解读", "GDP"]


def squash(text: str) -> str:
    return "".join(CJK.findall(unicodedata.normalize("NFKC", text).lower()))


def terms(q: str) -> list[tuple[str, set]]:
    """Each term as (squashed text, its Latin/digit words, which must match whole words)."""
    raw = [t for pair in re.findall(r'"([^"]*)"|(\S+)', q) for t in pair if t and squash(t)]
    return [(squash(t), set(WORD.findall(unicodedata.normalize("NFKC", t).lower()))) for t in raw]


def documents(site: Path) -> list[dict]:
    """The search document store: what each result's text is."""
    docs = []
    for path in (site / "search").glob("*/d/*/*.json"):
        row = json.loads(path.read_text())
        text = " ".join(row[1:6]) + " " + row[10]
        docs.append({"url": row[0], "hay": squash(text),
                     "words": set(WORD.findall(unicodedata.normalize("NFKC", text).lower()))})
    return docs


def truth(docs, q):
    """Documents containing every term verbatim (Latin letters and digits as whole words)."""
    ts = terms(q)
    return {d["url"] for d in docs if ts and all(t in d["hay"] and w <= d["words"] for t, w in ts)}


@pytest.fixture(scope="module")
def page(browser, example_site, serve):
    base = serve(example_site)
    pg = browser.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base + "search/")
    pg.wait_for_function("window.gkSearch !== undefined")
    yield pg, base
    assert not errors, errors
    pg.close()


def test_recall_and_precision_on_query_set(page, example_site):
    pg, _ = page
    docs = documents(example_site)
    tp = fp = fn = 0
    for q in QUERIES:
        got = set(pg.evaluate("q => gkSearch.urls(q)", q))
        want = truth(docs, q)
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        assert got == want, (q, sorted(want - got)[:5], sorted(got - want)[:5])
    assert tp > 200
    assert tp / (tp + fn) >= 0.99 and tp / (tp + fp) >= 0.99


def test_unknown_word_is_not_dropped(page):
    pg, _ = page
    assert pg.evaluate("gkSearch.urls('财政 qqqzzz')") == []
    assert pg.evaluate("gkSearch.urls('财政')")


@pytest.mark.parametrize("typed", ["示政〔2024〕14号", "示政[2024]14号", "示政(2024)14号", "示政（2024）14号",
                                   "示政【2024】14号"])
def test_doc_no_lookup_puts_the_document_first(page, typed):
    pg, _ = page
    urls = pg.evaluate("q => gkSearch.index.search(q, {}, 'new').then(r => gkSearch.index.doc(r.ids[0]))", typed)
    assert urls["docNo"] == "示政〔2024〕14号"


def test_index_no_lookup(page, example_site):
    pg, _ = page
    doc = pg.evaluate("gkSearch.index.search('2024-00012', {}, 'new').then(r => gkSearch.index.doc(r.ids[0]))")
    assert doc["indexNo"].endswith("/2024-00012")


def test_ui_query_filters_and_timing(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "社会救助")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert int(pg.get_attribute("#gk-search", "data-gk-ms")) < 500
    status = pg.inner_text("[data-gk-status]")
    total = int(re.search(r"找到 (\d+) 条", status).group(1))
    assert total == len(pg.query_selector_all(".gk-hits li")) or total > 20
    assert pg.query_selector(".gk-hits mark")
    pg.select_option("#gk-f-nf", "2024")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert "nf=2024" in pg.url
    for meta in pg.query_selector_all(".gk-hit-meta time"):
        assert meta.inner_text().startswith("2024")


def test_browse_mode_lists_items_by_date(page):
    pg, base = page
    pg.goto(base + "search/?lm=" + "规范性文件")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    dates = [t.inner_text() for t in pg.query_selector_all(".gk-hit-meta time")]
    assert dates and dates == sorted(dates, reverse=True)
    assert "按发布日期排列" in pg.inner_text("[data-gk-status]")


def test_more_pages_through_all_year_bundles_in_date_order(page, example_site):
    pg, base = page
    top = json.loads((example_site / "search/manifest.json").read_text())
    items = sum(n for v, n in top["filters"]["lx"]["values"] if v == "信息")
    assert len(top["bundles"]) > 3 and top["bundles"][-1]["dir"] == "0000"
    for sort, order in (("new", True), ("old", False)):
        pg.goto(base + "search/?lx=信息" + ("&sort=old" if sort == "old" else ""))
        pg.wait_for_selector("#gk-search[data-gk-done]")
        assert f"找到 {items} 条结果" in pg.inner_text("[data-gk-status]")
        while pg.is_visible("[data-gk-more]"):
            shown = len(pg.query_selector_all(".gk-hits li"))
            pg.click("[data-gk-more]")
            pg.wait_for_function("n => document.querySelectorAll('.gk-hits li').length > n", arg=shown)
        links = [a.get_attribute("href") for a in pg.query_selector_all(".gk-hits h3 a")]
        dates = [t.inner_text() for t in pg.query_selector_all(".gk-hit-meta time")]
        assert len(links) == len(set(links)) == items
        assert dates == sorted(dates, reverse=order)


def test_a_query_reads_one_shard_per_token_in_each_bundle(page, example_site):
    pg, base = page
    bundles = len(json.loads((example_site / "search/manifest.json").read_text())["bundles"])
    pg.goto(base + "search/")
    pg.wait_for_function("window.gkSearch !== undefined")
    pg.evaluate("performance.clearResourceTimings()")
    pg.fill("#gk-search-q", "宅基地")                   # one token (a trigram)
    pg.press("#gk-search-q", "Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    shards = pg.evaluate("performance.getEntriesByType('resource').map(e => e.name).filter(n => /\\/p\\/\\d+\\.bin$/.test(n))")
    assert len(shards) == bundles, shards
    pg.evaluate("performance.clearResourceTimings()")
    pg.select_option("#gk-f-nf", "2024")              # other years' bundles: their small manifest only
    pg.wait_for_selector("#gk-search[data-gk-done]")
    fetched = pg.evaluate("performance.getEntriesByType('resource').map(e => e.name)"
                          ".filter(n => /\\/search\\/\\d{4}\\/[pdf]\\//.test(n))")
    assert fetched and all("/search/2024/" in n for n in fetched), fetched


def test_attachment_text_is_found_and_links_its_item(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "临时救助申请审批表&lx=附件")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    hit = pg.query_selector(".gk-hits li")
    assert hit and "所属信息" in hit.inner_text()


def test_header_search_box_on_every_page(page):
    pg, base = page
    pg.goto(base + "zhinan/")
    pg.fill("#gk-top-q", "宅基地")
    pg.press("#gk-top-q", "Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert "search/?q=" in pg.url and pg.query_selector(".gk-hits li")


def test_search_page_at_phone_width(browser, example_site, serve):
    base = serve(example_site)
    pg = browser.new_page(viewport={"width": 360, "height": 740})
    pg.goto(base + "search/?q=宅基地")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    pg.close()
