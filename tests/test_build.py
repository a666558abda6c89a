"""Build the example site with MkDocs and check what citizens see."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, good_item, mkdocs_build

build = mkdocs_build


@pytest.fixture
def site(example_site) -> Path:
    return example_site


def read(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_home_has_first_level_columns_latest_and_counts(site):
    html = read(site, "")
    for label in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "依申请公开"):
        assert label in html
    assert "最新公开" in html and "各栏目信息数量" in html
    assert html.count('href="gk/') >= 10


def test_guide_has_every_art12_field(site):
    import yaml
    cfg = yaml.safe_load((ROOT / "catalogue/site.yml").read_text())
    html = read(site, "zhinan")
    for key in ("名称", "办公地址", "办公时间", "联系电话", "传真号码", "互联网联系方式"):
        assert cfg["工作机构"][key] in html, key
    for channel in cfg["申请接收渠道"]:
        assert channel["渠道"] in html
    assert "分类" in html and "编排体系" in html and "获取方式" in html
    assert "规范性文件" in html and "更新日期" in html
    assert "<svg" in html and "信息处理费" in text_of(html)


def test_every_item_has_a_page_with_metadata_grid(site):
    items = list((ROOT / "catalogue/items").rglob("*.md"))
    folders = sorted((site / "gk").iterdir())
    redirects = [p for p in folders if 'http-equiv="refresh"' in read(site, f"gk/{p.name}")]   # 曾用索引号
    pages = [p for p in folders if p not in redirects]                                         # one per item
    assert len(pages) == len(items) >= 150 and redirects
    html = read(site, f"gk/{next(p.name for p in pages if 'gk-withdrawn' not in read(site, f'gk/{p.name}'))}")
    for label in ("索引号", "主题分类", "发布机构", "发布日期", "公开方式", "内容概述"):
        assert f"<dt>{label}</dt>" in html
    assert sum("<dt>文号</dt>" in read(site, f"gk/{p.name}") for p in pages) >= 50     # shown where there is one
    assert "<dt>成文日期</dt>" in html or "<dt>生成日期</dt>" in html


def test_interpretation_links_both_ways(site):
    pairs = 0
    for page in (site / "gk").iterdir():
        html = (page / "index.html").read_text()
        if "<h3>解读的文件</h3>" in html:
            target = re.search(r"<h3>解读的文件</h3>\s*<ul class=\"gk-links\">\s*<li><a href=\"\.\./([^\"/]+)/\"", html)
            back = read(site, "gk/" + target.group(1))
            assert "<h3>政策解读</h3>" in back and page.name in back
            pairs += 1
    assert pairs >= 10


def test_repealed_item_banner_links_replacement(site):
    found = [p for p in (site / "gk").iterdir() if "本文件已废止" in (p / "index.html").read_text()]
    assert found
    assert any("现行文件" in (p / "index.html").read_text() for p in found)


def test_year_listing_is_paginated(site):
    year = max((p for p in (site / "nf").iterdir()), key=lambda p: len(list(p.iterdir())))
    assert (year / "2" / "index.html").exists()
    assert 'rel="next"' in (year / "index.html").read_text()


def test_empty_column_says_so(site):
    html = read(site, "lm/sfxm")
    assert 'class="gk-list"' not in html
    assert "本栏目暂无公开信息" in html or "本栏目本期无此类信息" in html


def test_attachments_downloadable(site):
    links = 0
    for page in (site / "gk").iterdir():
        for href in re.findall(r'<a href="([^"]+)" download>', (page / "index.html").read_text()):
            from urllib.parse import unquote
            assert (page / unquote(href)).is_file(), (page.name, href)
            links += 1
    assert links >= 15
    assert (site / "ysqgk/政府信息公开申请表.docx").is_file()


def test_footer_identity_on_every_page(site):
    for path in ("", "zhinan", "gk/" + next((site / "gk").iterdir()).name):
        html = read(site, path)
        assert "网站标识码：3499010001" in html and "皖ICP备19000001号" in html and "党政机关网站标识" in html


class _Requests(HTMLParser):
    """Collect every URL the browser would fetch while loading the page."""
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and a.get("rel") not in ("canonical", "prev", "next"):
            self.urls.append(a["href"])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def test_no_request_to_any_outside_host(site):
    for path in site.rglob("*.html"):
        parser = _Requests()
        parser.feed(path.read_text())
        outside = [u for u in parser.urls if re.match(r"^(https?:)?//", u)]
        assert not outside, (path, outside)
    for css in site.rglob("*.css"):
        assert not re.search(r"(url\(\s*['\"]?(https?:)?//|@import\s+['\"]?(https?:)?//)", css.read_text()), css


def test_build_stops_on_errors_without_traceback(project, tmp_path):
    project.item("qtwj/2024/00001.md", good_item(文号="示政办[2024]1号"))
    result = build(project.root, tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "catalogue/items/qtwj/2024/00001.md" in result.stderr and "文号" in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_column_pagination_in_small_project(project, tmp_path):
    for n in range(1, 46):
        project.item(f"qtwj/2024/{n:05d}.md", good_item(n, 标题=f"示例县人民政府办公室关于第{n}项工作的通知"))
    result = build(project.root, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path / "out"
    assert (out / "lm/qtwj/3/index.html").exists() and not (out / "lm/qtwj/4").exists()
    first = (out / "lm/qtwj/index.html").read_text()
    assert "共 45 条" in first and "第 1/3 页" in first
    assert first.count('<a href="../../gk/') == 20


def test_change_notes_and_redirect_from_corrected_index_no(project, tmp_path):
    from conftest import CODE
    project.item("qtwj/2024/00001.md", good_item(1, 曾用索引号=[f"{CODE}/2023-00099"],
                                                 修订记录=[{"日期": "2024-05-02", "说明": "更正附件联系电话"}]))
    result = build(project.root, tmp_path / "out")
    assert result.returncode == 0, result.stderr[-2000:]
    out = tmp_path / "out"
    page = (out / f"gk/{CODE}-2024-00001/index.html").read_text()
    assert "<h2 id=\"gk-rev-h\">修订记录</h2>" in page and "2024-05-02</time>　更正附件联系电话" in page
    old = (out / f"gk/{CODE}-2023-00099/index.html").read_text()
    assert f'http-equiv="refresh" content="0; url=../{CODE}-2024-00001/"' in old
    assert f'<a href="../{CODE}-2024-00001/">' in old and "网站标识码：3499010001" in old
    assert f"{CODE}-2023-00099" not in (out / "sitemap.xml").read_text()


def test_clean_build_of_the_example_prints_no_warning(tmp_path):
    """A newcomer's first `make site`: no WARNING line, no “not in nav”/“not found” notes about gongkai's own
    pages (the nav links listing pages that gongkai writes after MkDocs)."""
    import os
    import subprocess
    import sys
    from conftest import TODAY
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat(),
               GONGKAI_CACHE="0")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(tmp_path / "s")],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    noisy = [line for line in log.splitlines()
             if line.startswith("WARNING") or "not found in the documentation" in line or 'in the "nav"' in line]
    assert noisy == [], log[-3000:]


def test_engine_pages_without_a_markdown_heading_keep_their_chinese_title(site):
    title = re.search(r"<title>([^<]*)</title>", read(site, "bzml")).group(1)
    assert title.startswith("基层政务公开标准目录 - "), title
    for path in ("bzml", "search", "ysqgk/sqb", "fdzdgknr", "ml"):
        assert re.search(r"<title>[\u4e00-\u9fff]", read(site, path)), path


def test_item_metadata_has_no_empty_doc_no_row_and_holds_the_policy_phone(site):
    """An item without 文号 shows no empty 文号 row; 政策咨询电话 is a row of the information table, below the title."""
    phones = without_no = 0
    for path in sorted((site / "gk").glob("*/index.html")):
        html = path.read_text(encoding="utf-8")
        if "gk-meta" not in html:
            continue                                   # the redirect page of a corrected 索引号
        meta = re.search(r'<dl class="gk-meta">(.*?)</dl>', html, re.S).group(1)
        assert not re.search(r"<dd>\s*</dd>", meta), path
        if "<dt>文号</dt>" not in meta:
            without_no += 1
        if "政策咨询电话" in html:
            phones += 1
            assert re.search(r'<dt>政策咨询电话</dt><dd><a href="tel:[\d-]+">', meta), path
            assert html.index("<h1") < html.index("政策咨询电话"), path
    assert phones >= 3 and without_no >= 3


class _Tables(HTMLParser):
    """Tables of a page that are not inside a keyboard-reachable scrolling box (div.gk-table-wrap[tabindex=0])."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[bool] = []
        self.bare = self.tables = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        wrap = tag == "div" and "gk-table-wrap" in (a.get("class") or "") and a.get("tabindex") == "0" \
            and a.get("role") == "region" and bool(a.get("aria-label") or a.get("aria-labelledby"))
        if tag == "table":
            self.tables += 1
            self.bare += not any(self.stack)
        self.stack.append(wrap)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def test_every_table_scrolls_in_a_box_the_keyboard_reaches(site):
    tables = 0
    for path in sorted(site.rglob("*.html")):
        parser = _Tables()
        parser.feed(path.read_text(encoding="utf-8"))
        assert parser.bare == 0, path
        tables += parser.tables
    assert tables > 250
