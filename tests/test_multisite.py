"""联合检索: a county site whose search page also searches a township site built on its own
(tests/fixtures/township), both served by one web server under /county/ and /town/."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, good_item, mkdocs_build, new_project

COUNTY, TOWN = "示例县人民政府办公室", "示例县青山镇人民政府"
TOWN_NOTICE = "青山镇人民政府关于做好2026年春耕备耕工作的通知"


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    """Both sites built into one folder: www/county/ and www/town/."""
    work = tmp_path_factory.mktemp("multisite")
    county = new_project(work / "county")
    for serial, year in enumerate((2024, 2025, 2026), 1):
        county.item(f"qtwj/{year}/{serial:05d}.md", good_item(serial, year),
                    f"各乡镇人民政府，县直有关单位：\n\n请抓住春耕有利时机，做好{year}年种子、化肥储备和农机检修。\n")
    with (county.root / "catalogue/site.yml").open("a", encoding="utf-8") as f:
        f.write(f"\n联合检索:\n  - {{名称: {TOWN}, 地址: ../town/}}\n")
    town = work / "town"
    new_project(town)
    shutil.rmtree(town / "catalogue")
    shutil.copytree(ROOT / "tests/fixtures/township/catalogue", town / "catalogue")
    mkdocs = (town / "mkdocs.yml").read_text(encoding="utf-8")
    (town / "mkdocs.yml").write_text(mkdocs.replace("site_name: 示例县人民政府办公室", f"site_name: {TOWN}"),
                                     encoding="utf-8")
    out = work / "www"
    for name in ("county", "town"):
        result = mkdocs_build(work / name, out / name)
        assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def base(www, serve) -> str:
    return serve(www)


def search(browser, url: str, block: str | None = None):
    pg = browser.new_page()
    if block:
        pg.route(block, lambda route: route.abort())
    pg.goto(url)
    pg.wait_for_selector("#gk-search[data-gk-done]")
    return pg


def hits(pg) -> list[tuple[str, str, str]]:
    """(site, date, title) of each result shown."""
    return [(li.query_selector(".gk-hit-site").inner_text(), li.query_selector("time").inner_text(),
             li.query_selector("h3").inner_text()) for li in pg.query_selector_all(".gk-hits li")]


def test_each_site_lists_itself_first(www):
    assert json.loads((www / "county/search/sites.json").read_text()) == [{"名称": COUNTY, "地址": ""},
                                                                           {"名称": TOWN, "地址": "../town/"}]
    assert json.loads((www / "town/search/sites.json").read_text()) == [{"名称": TOWN, "地址": ""}]


def test_a_query_finds_items_of_both_sites_merged_by_date(browser, base):
    pg = search(browser, base + "county/search/?q=春耕&sort=new")
    found = hits(pg)
    assert {site for site, _, _ in found} == {COUNTY, TOWN}
    assert (TOWN, "2026-03-02", TOWN_NOTICE) in found and (TOWN, "2026-03-16", "青山镇召开春耕生产现场推进会") in found
    dates = [date for _, date, _ in found]
    assert dates == sorted(dates, reverse=True)
    assert f"找到 {len(found)} 条结果" in pg.inner_text("[data-gk-status]")
    pg.close()


def test_relevance_ranks_across_sites(browser, base):
    """One idf over both sites' bundles: 春耕生产 in the title (and summary, keywords) ranks above a newer
    item that has it only in the text, whichever site."""
    pg = search(browser, base + "county/search/?q=春耕生产")
    found = hits(pg)
    assert {site for site, _, _ in found} == {COUNTY, TOWN} and len(found) == 5
    assert found[0] == (TOWN, "2026-03-16", "青山镇召开春耕生产现场推进会")
    assert found[-1] == (TOWN, "2026-03-02", TOWN_NOTICE)
    assert [date for site, date, _ in found if site == COUNTY] == ["2026-03-08", "2025-03-08", "2024-03-08"]
    pg.close()


def test_site_filter_narrows_to_one_site(browser, base):
    pg = search(browser, base + "county/search/?q=春耕")
    assert pg.inner_text("#gk-f-zd option >> nth=0") == "全部站点"
    pg.click("[data-gk-filter-toggle]")
    pg.wait_for_selector("#gk-search[data-gk-facets]")
    assert pg.get_attribute(f"#gk-f-zd option[value='{TOWN}']", "data-gk-count") == "2"
    pg.select_option("#gk-f-zd", TOWN)
    pg.wait_for_selector("#gk-search[data-gk-done]")
    found = hits(pg)
    assert len(found) == 2 and {site for site, _, _ in found} == {TOWN}
    assert "zd=" in pg.url
    pg.select_option("#gk-f-zd", COUNTY)
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert {site for site, _, _ in hits(pg)} == {COUNTY}
    pg.close()


def test_a_town_result_opens_the_town_page(browser, base):
    pg = search(browser, base + "county/search/?q=春耕备耕")
    pg.click(f"text={TOWN_NOTICE}")
    pg.wait_for_load_state()
    assert pg.url.startswith(base + "town/gk/")
    assert TOWN_NOTICE in pg.inner_text("h1")
    pg.close()


def test_doc_no_of_the_town_is_looked_up_from_the_county(browser, base):
    pg = search(browser, base + "county/search/?q=青政(2026)3号")
    assert hits(pg)[0] == (TOWN, "2026-03-02", TOWN_NOTICE)
    pg.close()


def test_a_site_that_cannot_be_loaded_is_reported_and_the_others_work(browser, base):
    pg = search(browser, base + "county/search/?q=春耕", block="**/town/search/**")
    status = pg.inner_text("[data-gk-status]")
    assert "找到 3 条结果" in status and f"{TOWN}：检索索引无法加载" in status
    assert {site for site, _, _ in hits(pg)} == {COUNTY}
    pg.close()


def site_settings(project):
    """catalogue/site.yml as the validator reads it: (site settings, problems)."""
    from gongkai.stages import load, validate
    cfg, _ = load.load_yaml_file(project.root / "catalogue/site.yml", project.root)
    return validate.validate_site(cfg, project.root, project.root / "catalogue")


def test_setting_is_checked(project):
    with (project.root / "catalogue/site.yml").open("a", encoding="utf-8") as f:
        f.write("\n联合检索:\n"
                f"  - {{名称: {TOWN}, 地址: ../qsz/}}\n"
                "  - {名称: 示例县城关镇人民政府, 地址: /zwgk/cgz/}\n"
                "  - {名称: 示例县财政局, 地址: ftp://files.example.gov.cn/czj/}\n"
                "  - {名称: 示例县教育局, 地址: https://www.example.gov.cn/zwgk/jyj}\n"
                f"  - {{名称: {COUNTY}, 地址: ../xzfb/}}\n"
                f"  - {{名称: {TOWN}, 地址: ../qsz2/}}\n"
                "  - {名称: 示例县民政局}\n"
                "  - {名称: 示例县卫生健康委员会, 地址: ../wjw/, 网址: ../wjw/}\n")
    found, problems = site_settings(project)
    assert [p.code for p in problems] == ["site-search-sites"] * 7
    text = "\n".join(f"{p.line} {p.message}" for p in problems)
    lines = [p.line for p in problems]
    assert lines == sorted(lines) and lines[0] > 1
    for part in ("以 / 开头", "不是以 http:// 或 https:// 开头的网址", "以 / 结尾", "是本站的机构全称", "重复",
                 "要同时写“名称”和“地址”", "“网址”不是可用的项"):
        assert part in text, (part, text)
    assert found["search_sites"] == [{"名称": COUNTY, "地址": ""}, {"名称": TOWN, "地址": "../qsz/"},
                                  {"名称": "示例县卫生健康委员会", "地址": "../wjw/"}]


def test_setting_must_be_a_list(project):
    with (project.root / "catalogue/site.yml").open("a", encoding="utf-8") as f:
        f.write(f"\n联合检索: {TOWN}\n")
    found, problems = site_settings(project)
    assert [(p.code, p.message) for p in problems] == [("site-search-sites", "应是一个列表，每项写“名称”和“地址”。")]
    assert problems[0].line and found["search_sites"] == [{"名称": COUNTY, "地址": ""}]
