"""Search in a real browser (Debian's chromium) against the built example site, and against small
indexes built from constructed documents (ranking order, counts)."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from gongkai.stages import index
from gongkai.stages.render import SearchDoc

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]")
CJK_BRACKETS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[a-z0-9]|[〔〕]")
WORD = re.compile(r"[a-z0-9]+")
QUERIES = ["关于", "示例县", "县人民政府", "营商环境", "宅基地", "规范性文件", "社会救助", "最低生活保障",
           "高标准农田", "政府采购", "统计公报", "应急预案", "\"城乡居民\"", "2024 财政预算", "2025年 统计",
           "税", "防汛", "qqqzzz", "财政 qqqzzz", "住房公积金", "征收", "解读", "GDP",
           "〔2024〕", "[2023]", "示政办〔2024〕", "示政（2024）", "第18号", "〔2024〕 通知", "重大建设项目",
           "政务公开", "其他文件", "2025年 乡村振兴", "示例县财政局", "2024-06-14", "社会保障"]


def squash(text: str, brackets: bool = False) -> str:
    return "".join((CJK_BRACKETS if brackets else CJK).findall(index.normalize(text)))


def terms(q: str) -> list[tuple[str, set, bool]]:
    """Each term as (squashed text, its Latin/digit words, which must match whole words, whether it is
    matched with its brackets)."""
    raw = [t for pair in re.findall(r'"([^"]*)"|(\S+)', index.normalize(q)) for t in pair if t and squash(t)]
    return [(squash(t, "〔" in t or "〕" in t), set(WORD.findall(t)), "〔" in t or "〕" in t) for t in raw]


def documents(site: Path) -> list[dict]:
    """The search document store of a built site: each document's bundle, id and whole text (format 4; the
    benchmark also reads format 3, without chunks, 内容概述 and shown fields)."""
    docs = []
    for path in (site / "search").glob("*/d/*/*.json"):
        if "-" in path.stem:
            continue
        row = json.loads(path.read_text())
        text = " ".join(row[1:6]) + " " + row[10]
        if len(row) > 12:
            text += "".join(json.loads(path.with_name(f"{path.stem}-{k}.json").read_text())
                            for k in range(1, row[11] + 1)) + " " + " ".join(row[12:14])
        docs.append({"bundle": path.parts[-4], "id": int(path.stem), "url": row[0], "kind": row[7],
                     "doc_no": row[2], "index_no": row[3], "date": row[4], "hay": squash(text),
                     "hayb": squash(text, True), "words": set(WORD.findall(index.normalize(text)))})
    return docs


def truth(docs, q):
    """Documents containing every term verbatim (Latin letters and digits as whole words, 〔〕 as typed)."""
    ts = terms(q)
    return {d["url"] for d in docs if ts and all(t in d["hayb" if b else "hay"] and w <= d["words"]
                                                 for t, w, b in ts)}


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
    assert tp > 400
    assert tp / (tp + fn) >= 0.99 and tp / (tp + fp) >= 0.99


def test_unknown_word_is_not_dropped(page):
    pg, _ = page
    assert pg.evaluate("gkSearch.urls('财政 qqqzzz')") == []
    assert pg.evaluate("gkSearch.urls('财政')")


@pytest.mark.parametrize("typed", ["示政〔2024〕14号", "示政[2024]14号", "示政(2024)14号", "示政（2024）14号",
                                   "示政【2024】14号"])
def test_doc_no_lookup_puts_the_document_first(page, typed):
    pg, _ = page
    urls = pg.evaluate("q => gkSearch.index.search(q, {}, 'rel').then(r => gkSearch.index.doc(r.ids[0]))", typed)
    assert urls["docNo"] == "示政〔2024〕14号"


def test_index_no_lookup(page, example_site):
    pg, _ = page
    doc = pg.evaluate("gkSearch.index.search('2024-00012', {}, 'rel').then(r => gkSearch.index.doc(r.ids[0]))")
    assert doc["indexNo"].endswith("/2024-00012")


def test_ui_query_filters_and_timing(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "社会救助")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    status = pg.inner_text("[data-gk-status]")
    total = int(re.search(r"找到 (\d+) 条", status).group(1))
    assert total == len(pg.query_selector_all(".gk-hits li")) or total > 20
    assert pg.query_selector(".gk-hits mark")
    pg.click("[data-gk-filter-toggle]")
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
    pg.goto(base + "search/?q=宅基地&nf=2024")         # other years' bundles: their small manifest only
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
    pg.goto(base + "search/?q=宅基地&nf=2024")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    # the filters wait behind 筛选; the first result is on the first screen; the active filter is a chip
    assert not pg.is_visible("#gk-f-lm")
    assert pg.eval_on_selector(".gk-hits li", "li => li.getBoundingClientRect().top") < 740
    chip = pg.query_selector("[data-gk-chip=nf]")
    assert chip and "年份：2024" in chip.inner_text()
    pg.click("[data-gk-filter-toggle]")
    assert pg.is_visible("#gk-f-lm") and pg.get_attribute("[data-gk-filter-toggle]", "aria-expanded") == "true"
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    pg.keyboard.press("Escape")
    assert not pg.is_visible("#gk-f-lm")
    assert pg.evaluate("document.activeElement.hasAttribute('data-gk-filter-toggle')")
    pg.click("[data-gk-chip=nf]")                       # removing the chip removes the filter
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert "nf=" not in pg.url and not pg.query_selector("[data-gk-chip]")
    pg.close()


def test_bracket_queries_match_the_brackets_typed(page, example_site):
    pg, _ = page
    docs = documents(example_site)
    got = pg.evaluate("q => gkSearch.urls(q)", "〔2024〕")
    assert got and set(got) == truth(docs, "〔2024〕")
    assert len(truth(docs, "2024")) > len(got), "a bare 2024 matches far more"
    assert set(pg.evaluate("q => gkSearch.urls(q)", "[2024]")) == set(got) == set(pg.evaluate("q => gkSearch.urls(q)", "﹝2024﹞"))
    count = pg.evaluate("q => gkSearch.count(q)", "〔2024〕")
    assert count == {"n": len(got), "exact": True}
    assert truth(docs, "第18号") < truth(docs, "18")
    for q in ("第18号", "示政办〔2024〕"):
        found = pg.evaluate("q => gkSearch.urls(q)", q)
        assert found and set(found) == truth(docs, q)


def test_every_shown_field_is_searchable(page, example_site):
    pg, _ = page
    pages = {p.parent.relative_to(example_site).as_posix() + "/" for p in (example_site / "gk").glob("*/index.html")
             if "重大建设项目" in p.read_text()}
    got = set(pg.evaluate("q => gkSearch.urls(q)", "重大建设项目"))
    assert len(pages) > 3 and pages <= got          # 栏目 and 主题分类 (before: 3 of 10 pages found)


def test_counts_are_exact_after_more(page, example_site):
    """A term of several trigrams: the count is 约 until every candidate is checked, then exact and equal to
    the list."""
    pg, base = page
    want = truth(documents(example_site), "规范性文件")
    pg.goto(base + "search/?q=规范性文件")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    while pg.is_visible("[data-gk-more]"):
        shown = len(pg.query_selector_all(".gk-hits li"))
        assert re.search(r"(找到|约) (\d+) 条", pg.inner_text("[data-gk-status]"))
        pg.click("[data-gk-more]")
        pg.wait_for_function("n => document.querySelectorAll('.gk-hits li').length > n", arg=shown)
        pg.wait_for_selector("#gk-search[data-gk-done]")
    status = pg.inner_text("[data-gk-status]")
    assert f"找到 {len(want)} 条结果" in status, status
    assert len(pg.query_selector_all(".gk-hits li")) == len(want)


def test_counts_of_long_terms_are_exact_without_more(page, example_site):
    """Terms of 4+ characters (covered by several trigrams): the count is checked to the true number without
    fetching the result pages, and the list stays one page."""
    pg, base = page
    docs = documents(example_site)
    for q in ("规范性文件", "营商环境", "乡村振兴", "政府信息公开", "2024 财政预算"):
        want = truth(docs, q)
        pg.goto(base + "search/?q=" + q)
        pg.wait_for_selector("#gk-search[data-gk-settled]")
        status = pg.inner_text("[data-gk-status]")
        assert f"找到 {len(want)} 条结果" in status, (q, status)
        assert len(pg.query_selector_all(".gk-hits li")) == min(20, len(want))


def test_every_term_is_highlighted_in_title_and_excerpt(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "2024 财政 预算")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    hits = pg.query_selector_all(".gk-hits li")
    assert hits
    checked = 0
    for li in hits:
        for part in (li.query_selector("h3"), li.query_selector(".gk-hit-excerpt")):
            text = squash(part.inner_text())
            marks = {squash(m.inner_text()) for m in part.query_selector_all("mark")}
            for term in ("2024", "财政", "预算"):
                if term in text:
                    checked += 1
                    assert any(term in m for m in marks), (term, part.inner_html())
    assert checked > 2 * len(hits)


def test_facet_counts_are_for_the_current_query(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "住房")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    pg.click("[data-gk-filter-toggle]")
    pg.wait_for_selector("#gk-search[data-gk-facets]")
    for key in ("nf", "lm", "lx"):
        counts = pg.eval_on_selector_all(f"#gk-f-{key} option[data-gk-count]",
                                         "os => os.map(o => [o.value, +o.dataset.gkCount])")
        assert counts
        for value, n in counts:
            assert n == len(pg.evaluate("a => gkSearch.urls(a[0], a[1])", ["住房", {key: [value]}])), (key, value)
        assert sum(n for _, n in counts if n) > 0


def test_sort_switch_is_kept_in_the_url(page):
    pg, base = page
    pg.goto(base + "search/?q=" + "政府采购")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert pg.input_value("#gk-sort") == "rel" and "sort=" not in pg.url
    relevance = [a.get_attribute("href") for a in pg.query_selector_all(".gk-hits h3 a")]
    for sort, newest_first in (("new", True), ("old", False)):
        pg.select_option("#gk-sort", sort)
        pg.wait_for_selector("#gk-search[data-gk-done]")
        assert f"sort={sort}" in pg.url
        dates = [t.inner_text() for t in pg.query_selector_all(".gk-hit-meta time")]
        assert len(dates) > 2 and dates == sorted(dates, reverse=newest_first)
        pg.reload()
        pg.wait_for_selector("#gk-search[data-gk-done]")
        assert pg.input_value("#gk-sort") == sort
        assert [t.inner_text() for t in pg.query_selector_all(".gk-hit-meta time")] == dates
    pg.select_option("#gk-sort", "rel")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert "sort=" not in pg.url
    assert [a.get_attribute("href") for a in pg.query_selector_all(".gk-hits h3 a")] == relevance
    pg.go_back()
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert pg.input_value("#gk-sort") == "old"


# ------------------------------------------------------------------ constructed indexes

@pytest.fixture(scope="module")
def constructed(example_site, serve, tmp_path_factory):
    """constructed(name, docs) → base URL of a site whose search index holds only these documents (newest
    first), with the example site's search page and scripts."""
    root = tmp_path_factory.mktemp("constructed")
    base = serve(root)

    def make(name: str, docs: list[SearchDoc]) -> str:
        site = root / name
        shutil.copytree(example_site / "assets", site / "assets")
        (site / "search").mkdir(parents=True)
        shutil.copy(example_site / "search/index.html", site / "search/index.html")
        for rel, data in index.build(docs).items():
            (site / "search" / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / "search" / rel).write_bytes(data)
        return base + name + "/"
    return make


def item(url, title, text, date, **kw) -> SearchDoc:
    return SearchDoc(f"gk/{url}/", title, text, date, filters={"lx": ["信息"], **kw.pop("filters", {})}, **kw)


def ranked(browser, base: str, q: str) -> list[str]:
    pg = browser.new_page()
    pg.goto(base + "search/?q=" + q)
    pg.wait_for_selector("#gk-search[data-gk-done]")
    out = [a.get_attribute("href").split("/")[-2] for a in pg.query_selector_all(".gk-hits h3 a")]
    pg.close()
    return out


FILLER = "县政府召开常务会议，研究部署近期重点工作。会议要求各部门压实责任，确保各项任务按期完成。"


def test_ranking_order_on_constructed_cases(browser, constructed):
    docs = [
        item("once-new", "关于做好春季安全生产工作的通知", FILLER + "优化营商环境。" + FILLER, "2024-06-01"),
        item("lapsed", "关于进一步加强城乡规划管理的通知", FILLER * 2, "2024-05-01", filters={"yx": ["已废止"]}),
        item("thrice", "营商环境专项行动方案", FILLER + "营商环境评价。", "2024-04-01",
             summary="以营商环境评价为抓手，持续优化营商环境。"),
        item("valid", "关于进一步加强城乡规划管理的通知", FILLER * 2, "2024-03-01", filters={"yx": ["现行有效"]}),
        item("body", "县政府常务会议纪要", FILLER + "营商环境。" + FILLER, "2024-02-01"),
        item("phrase", "关于乡村振兴工作的报告", FILLER, "2023-12-01"),
        item("apart", "乡村道路建设情况", FILLER + "全县产业振兴。", "2023-11-01"),
        item("docno", "关于印发实施办法的通知", FILLER, "2022-01-05", doc_no="示政办〔2022〕7号"),
        item("cites", "关于执行实施办法的通知", FILLER + "按照示政办〔2022〕7号文件要求。" * 3, "2023-01-05"),
    ]
    base = constructed("ranking", docs)
    got = ranked(browser, base, "营商环境")
    assert got[0] == "thrice", got                            # title and summary, several times
    assert got.index("once-new") > got.index("thrice")      # once in the text, though newer
    assert set(got) == {"thrice", "once-new", "body"}
    got = ranked(browser, base, "城乡规划管理")
    assert got == ["valid", "lapsed"], got                  # equal scores: 现行有效 first, though older
    got = ranked(browser, base, "乡村 振兴")
    assert got[0] == "phrase", got                          # the whole query as one phrase
    got = ranked(browser, base, "示政办〔2022〕7号")
    assert got[0] == "docno", got                           # the exact 文号 first, above a document citing it
    got = ranked(browser, base, "县政府常务会议")
    assert got[0] == "body"                                 # in the title


def test_equal_scores_are_newest_first(browser, constructed):
    base = constructed("ties", [item(f"t{n}", "关于开展防汛检查的通知", FILLER, f"2024-0{9 - n}-01")
                                for n in range(5)])
    assert ranked(browser, base, "防汛检查") == [f"t{n}" for n in range(5)]


# Every text the status line shows, in order (the page's own script replaces it as the search goes on).
STATUSES = """window.gkStatuses = [];
new MutationObserver(() => {
  const el = document.querySelector('[data-gk-status]'), seen = window.gkStatuses;
  if (el && seen[seen.length - 1] !== el.textContent) seen.push(el.textContent);
}).observe(document, {subtree: true, childList: true, characterData: true});"""


def test_count_is_approximate_until_checked_then_exact(browser, constructed):
    """营商环境好 is covered by 营商环 and 环境好: documents with both apart are candidates, not matches. The
    first page shows 约 N; the candidates past it are checked in the background and the count corrected,
    without 更多 and without listing more."""
    docs = []
    for n in range(60):
        text = "营商环境好。" if n % 2 else "营商环节。环境好。"
        docs.append(item(f"d{n}", f"第{n}号通知", FILLER + text, f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}"))
    docs.reverse()
    base = constructed("counts", docs)
    pg = browser.new_page()
    pg.add_init_script(STATUSES)
    pg.goto(base + "search/?q=营商环境好")
    pg.wait_for_selector("#gk-search[data-gk-settled]")
    shown = [t for t in pg.evaluate("window.gkStatuses") if "条结果" in t]
    n = int(re.search(r"约 (\d+) 条", shown[0]).group(1))
    assert 30 < n <= 60, shown
    assert "找到 30 条结果" in shown[-1] == pg.inner_text("[data-gk-status]"), shown
    assert len(pg.query_selector_all(".gk-hits li")) == 20
    pg.click("[data-gk-more]")
    pg.wait_for_function("document.querySelectorAll('.gk-hits li').length === 30")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert not pg.is_visible("[data-gk-more]")
    assert "找到 30 条结果" in pg.inner_text("[data-gk-status]")
    pg.close()


def test_count_stays_approximate_when_too_many_are_left_to_check(browser, constructed):
    """More unchecked candidates than the page checks ahead: the count stays 约 (an upper bound, never a
    number larger than the matches without it), and 更多 lists only matches."""
    docs = []
    for n in range(400):
        text = "防汛抗旱好。" if n % 4 == 0 else "防汛抗。抗旱好。"
        docs.append(item(f"f{n}", f"第{n}号通知", FILLER + text, f"2024-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"))
    base = constructed("many", docs)
    pg = browser.new_page()
    pg.goto(base + "search/?q=防汛抗旱好")
    pg.wait_for_selector("#gk-search[data-gk-settled]")
    status = pg.inner_text("[data-gk-status]")
    assert int(re.search(r"约 (\d+) 条", status).group(1)) > 100, status
    assert len(pg.query_selector_all(".gk-hits li")) == 20
    assert all("防汛抗旱好" in a.inner_text() for a in pg.query_selector_all(".gk-hit-excerpt mark"))
    pg.close()


def test_a_phrase_past_the_first_chunk_is_checked_on_the_whole_text(browser, constructed):
    long = FILLER * (index.CHUNK // len(FILLER) + 5)
    docs = [item("late", "长文件甲", long + "高标准农田建设。", "2024-02-01"),
            item("split", "长文件乙", long + "高标准。农田建设。", "2024-01-01")]
    base = constructed("chunks", docs)
    pg = browser.new_page()
    pg.goto(base + "search/?q=高标准农田")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert [a.get_attribute("href").split("/")[-2] for a in pg.query_selector_all(".gk-hits h3 a")] == ["late"]
    assert "找到 1 条结果" in pg.inner_text("[data-gk-status]")
    assert "高标准农田" in pg.inner_text(".gk-hit-excerpt mark")
    pg.close()


def test_a_query_typed_on_the_empty_page_is_ranked(page):
    """The empty page lists by date; a query typed there is ranked by 相关度 unless a sort was picked."""
    pg, base = page
    pg.goto(base + "search/")
    pg.wait_for_function("window.gkSearch !== undefined")
    pg.fill("#gk-search-q", "示政办〔2023〕9号")
    pg.press("#gk-search-q", "Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert "sort=" not in pg.url and pg.input_value("#gk-sort") == "rel"
    assert "示政办〔2023〕9号" in pg.inner_text(".gk-hits li >> nth=0")
