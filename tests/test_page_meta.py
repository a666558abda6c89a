"""Page metadata for monitoring crawlers (政府网站网页设计规范, GB/T 42147-2022) on every kind of page of the
built example: the site's tags everywhere, the column's on every page, the item's on item pages, from
catalogue/site.yml and the item's fields."""
from __future__ import annotations

import html
import re

import pytest
import yaml

from conftest import ROOT

SITE = ["SiteName", "SiteDomain", "SiteIDCode"]
COLUMN = ["ColumnName", "ColumnDescription", "ColumnKeywords", "ColumnType"]
ARTICLE = ["ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description", "Url"]
KINDS = {                                           # page kind → a page of that kind
    "home": "", "guide": "zhinan/", "rules": "zhidu/", "rule": "zhidu/khpy/", "statutory": "fdzdgknr/",
    "catalogue": "ml/", "apply": "ysqgk/", "form": "ysqgk/sqb/", "search": "search/", "standard": "bzml/",
    "standard-area": "bzml/aqsc/", "column": "lm/ndbg/", "column-page-2": "lm/zcwj/2/", "year": "nf/2024/",
    "publisher": "jg/czj/", "topic": "zt/t02/",
}


def metas(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), html.unescape(m.group(2)))
            for m in re.finditer(r'<meta name="([A-Z]\w+)" content="([^"]*)">', text)]


@pytest.fixture(scope="module")
def site_cfg():
    return yaml.safe_load((ROOT / "catalogue/site.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_kind_carries_site_and_column_metadata(example_site, site_cfg, kind):
    found = metas((example_site / KINDS[kind] / "index.html").read_text(encoding="utf-8"))
    assert [name for name, _ in found] == SITE + COLUMN, kind
    tags = dict(found)
    assert tags["SiteName"] == site_cfg["机构全称"] and tags["SiteIDCode"] == site_cfg["网站"]["网站标识码"]
    assert tags["SiteDomain"] == "www.example.gov.cn"
    assert all(tags[name] for name in COLUMN), tags


def test_404_page_carries_the_site_metadata(example_site):
    assert [name for name, _ in metas((example_site / "404.html").read_text(encoding="utf-8"))] == SITE


def test_item_pages_carry_the_item_fields(example_site):
    checked = 0
    for path in sorted((ROOT / "catalogue/items").rglob("*.md")):
        fm = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        slug = fm["索引号"].replace("/", "-")
        page = example_site / "gk" / slug / "index.html"
        if not page.is_file():
            continue                                      # scheduled for later
        found = metas(page.read_text(encoding="utf-8"))
        if "撤回" in fm:                                    # a notice: the site's and the column's tags only
            assert [name for name, _ in found] == SITE + COLUMN, page
            assert dict(found)["ColumnName"] == fm["栏目"]
            continue
        assert [name for name, _ in found] == SITE + COLUMN + ARTICLE, page
        tags = dict(found)
        publishers = "、".join([fm["发布机构"], *fm.get("联合发文机关", [])])
        assert tags["ArticleTitle"] == fm["标题"] and tags["PubDate"] == str(fm["发布日期"])
        assert tags["ContentSource"] == tags["Author"] == publishers
        assert tags["Keywords"] == ",".join(fm.get("关键词", []))
        assert tags["Description"] == fm["内容概述"]
        assert tags["Url"] == f"https://www.example.gov.cn/zwgk/gk/{slug}/"
        assert tags["ColumnName"] == fm["栏目"]
        checked += 1
    assert checked >= 150
