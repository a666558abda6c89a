"""make import-site: the fixture mirrors (TRS-like UTF-8, 大汉-like GBK), re-runs, staff edits, bad input,
and the real sample in ../shared/migration against a hand-checked truth file."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TODAY, mkdocs_build, new_project
from gongkai.commands.importsite import command as cmd
from gongkai.commands.importsite import pages

MIRRORS = ROOT / "tests" / "fixtures" / "mirrors"
TRS, DAHAN = MIRRORS / "trs", MIRRORS / "dahan"
PINGTAN = ROOT.parent / "shared" / "migration" / "pingtan"
BLANK = re.compile(r"【待填写[^】]*】")


def run(root: Path, src: Path, **kw):
    return cmd.run(root, src, kw.get("map_path"), kw.get("list_path"), kw.get("plan", False), kw.get("force", False),
                   TODAY)


def items(root: Path) -> dict[str, tuple[dict, str]]:
    """Imported items by their first 原网址's mirror path: (front matter, body)."""
    out = {}
    for path in sorted((root / "catalogue" / "items").rglob("*.md")):
        _, head, body = path.read_text(encoding="utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        if "原网址" in meta:
            out[meta["原网址"][0].split("://", 1)[1]] = (meta, body.strip(), path)
    return out


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "catalogue").rglob("*") if p.is_file()}


def paragraphs(body: str) -> list[str]:
    return [re.sub(r"（(附件|图片)缺失，见文末说明）", "", p).strip() for p in body.split("\n\n")
            if p.strip() and not p.startswith(">")]


def fill_blanks(root: Path) -> None:
    """What staff do after the import: every 【待填写】 replaced (dates by the 发布日期)."""
    for path in (root / "catalogue" / "items").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        day = re.search(r"^发布日期: (\S+)$", text, re.M).group(1)
        text = re.sub(r"^(成文日期|废止日期|有效性|内容概述): 【待填写[^】]*】$",
                      lambda m: f"{m.group(1)}: " + {"成文日期": day, "废止日期": day, "有效性": "现行有效"}.get(
                          m.group(1), "迁移自原网站的信息。"),
                      text, flags=re.M)
        assert not BLANK.search(text), path
        path.write_text(text, encoding="utf-8")


# --- the TRS-like fixture -------------------------------------------------------------

def test_trs_every_file_accounted_for(tmp_path):
    project = new_project(tmp_path)
    rep, problems = run(project.root, TRS)
    c = rep.counts
    assert rep.files == len([p for p in TRS.rglob("*") if p.is_file()]) == 15
    assert rep.balanced()
    assert (c["imported"], c["merged"], c["listing"], c["attachment"], c["asset"], c["refused"]) == (5, 1, 1, 1, 3, 4)
    reasons = dict(rep.refused)
    base = "www.shixian.gov.cn/zwgk/"
    assert reasons[base + "gsgg/202402/t20240211_1004.htm"] == "文件为空"
    assert "二进制" in reasons[base + "gsgg/202402/t20240212_1005.htm"]
    assert "不是 HTML" in reasons[base + "gsgg/202402/t20240213_1006.htm"]
    assert reasons[base + "zfxxgk/gfxwj/202403/t20240301_1100.htm"] == "公开方式为“依申请公开”，不属于主动公开，不导入公开网站"
    text = (project.root / "build/import-site/report.md").read_text(encoding="utf-8")
    assert "| **合计（= 备份中的文件数 15）** | 15 |" in text and "文件为空：1 个" in text
    assert (project.root / "build/import-site/index.html").exists()
    assert not any("内部工作规程" in m["标题"] for m, _, _ in items(project.root).values())


def test_trs_fields_body_attachments_links(tmp_path):
    project = new_project(tmp_path)
    rep, _ = run(project.root, TRS)
    got = items(project.root)
    meta, body, path = got["www.shixian.gov.cn/zwgk/zfxxgk/gfxwj/202401/t20240105_1001.htm"]
    assert meta["索引号"] == "11349901MB1C2D3E3D/2024-00101"          # valid and free: kept
    assert meta["文号"] == "示政〔2024〕3号" and str(meta["成文日期"]) == "2024-01-03"
    assert meta["有效性"] == "现行有效" and meta["栏目"] == "规范性文件" and meta["体裁"] == "通知"
    assert "主题分类" not in meta and rep.defaults["主题分类由原网页脚本按代码显示，未取得名称，按栏目默认主题"] == 1
    assert meta["附件"] == [{"文件": "00101/a1001.pdf", "标题": "停车设施建设标准"}]
    assert (path.with_suffix("") / "a1001.pdf").read_bytes().startswith(b"%PDF")
    assert "![停车区域示意图](00101/W020240105001.png)" in body and (path.with_suffix("") / "W020240105001.png").exists()
    assert "| 小型车 | 2元  | 1元    |" in body                                          # simple table → Markdown
    assert '<td rowspan="2">片区</td><td colspan="2">泊位数</td>' in body                  # merged cells stay HTML
    notice, _, notice_path = got["www.shixian.gov.cn/zwgk/gsgg/202402/t20240210_1003.htm"]
    assert "[示例县停车管理办法公示](../../tzgg/2024/00001.md)" in body                     # link to an imported page
    assert notice_path == path.parent.parent.parent / "tzgg/2024/00001.md"
    assert "泊位统计表.xls（原网址：https://www.shixian.gov.cn/attachFiles/myfile/DATE_20240105/a1002.xls）" in body
    assert "打印" not in body and "扫一扫" not in body and "MsoNormal" not in body
    # duplicate: one item, both old addresses
    assert notice["原网址"] == ["https://www.shixian.gov.cn/zwgk/gsgg/202402/t20240210_1003.htm",
                              "https://www.shixian.gov.cn/zwgk/zdlyxxgk/tcgl/202402/t20240210_1003.htm"]
    assert notice["发布机构"] == "示例县住房和城乡建设局" and "成文日期" in notice and "【待填写" in notice["成文日期"]
    # invalid old 索引号 recorded, new one in the site's scheme; 文号 brackets normalised
    old = got["www.shixian.gov.cn/zwgk/zfxxgk/gfxwj/201905/t20190520_900.htm"][0]
    assert old["索引号"] == "11349901MB1C2D3E3D/2019-00001" and old["曾用索引号"] == ["SX00101-0300-2019-00012"]
    assert old["文号"] == "示政〔2019〕7号" and old["有效性"] == "已废止" and old["体裁"] == "决定"
    # truncated HTML still imports; its publisher is added to site.yml for staff to check
    broken = got["www.shixian.gov.cn/zwgk/gsgg/202402/t20240214_1007.htm"][0]
    assert broken["发布机构"] == "示例县林业局"
    assert "示例县林业局" in (project.root / "catalogue/site.yml").read_text(encoding="utf-8")
    assert len(rep.missing) == 2 and len(rep.duplicates) == 1


def test_trs_annual_report_tables_become_report_data(tmp_path):
    project = new_project(tmp_path)
    rep, _ = run(project.root, TRS)
    meta, body, _ = items(project.root)["www.shixian.gov.cn/zwgk/zfxxgk/zfxxgknb/202201/t20220120_500.htm"]
    assert meta["报告年度"] == 2021 and meta["体裁"] == "年报" and meta["栏目"] == "政府信息公开年报"
    assert "## 一、总体情况" in body and "## 六、其他需要报告的事项" in body and "二、主动公开" not in body
    data = yaml.safe_load((project.root / "catalogue/reports/2021.yml").read_text(encoding="utf-8"))
    assert data["表二"]["行政许可"] == 120 and data["表二"]["行政事业性收费"] == 5.5
    assert data["表二"]["行政规范性文件"]["本年制发件数"]["数值"] == 3
    assert data["表三"]["一、本年新收政府信息公开申请数量"] == [10, 0, 0, 0, 0, 0, 10]
    assert data["表四"]["行政复议"] == [1, 0, 0, 0, 1]
    assert any(y.startswith("2021年：表二、表三、表四已识别") for y in rep.years)


def test_rerun_is_noop_and_staff_edits_survive(tmp_path):
    project = new_project(tmp_path / "p")
    run(project.root, TRS)
    before = snapshot(project.root)
    rep, _ = run(project.root, TRS)
    assert snapshot(project.root) == before and set(rep.changes) == {"未变"}
    # a newer mirror: one page changed, one page added
    mirror = tmp_path / "mirror"
    shutil.copytree(TRS, mirror)
    page = mirror / "www.shixian.gov.cn/zwgk/zfxxgk/gfxwj/201905/t20190520_900.htm"
    page.write_text(page.read_text(encoding="utf-8").replace("本决定自发布之日起施行。", "本决定自2019年6月1日起施行。"),
                    encoding="utf-8")
    new = mirror / "www.shixian.gov.cn/zwgk/gsgg/202403/t20240305_1200.htm"
    new.parent.mkdir(parents=True)
    new.write_text((mirror / "www.shixian.gov.cn/zwgk/gsgg/202402/t20240214_1007.htm").read_text(encoding="utf-8")
                   .replace("春季植树活动通知", "春季防火宣传通知").replace("义务植树", "防火宣传"), encoding="utf-8")
    # staff edit another item meanwhile
    edited = items(project.root)["www.shixian.gov.cn/zwgk/gsgg/202402/t20240214_1007.htm"][2]
    edited.write_text(edited.read_text(encoding="utf-8").replace("【待填写：内容概述，一两句话，100字以内】", "组织义务植树。"),
                      encoding="utf-8")
    mirror_edit = mirror / "www.shixian.gov.cn/zwgk/gsgg/202402/t20240214_1007.htm"
    mirror_edit.write_text(mirror_edit.read_text(encoding="utf-8").replace("3月12日", "3月15日"), encoding="utf-8")
    rep, _ = run(project.root, mirror)
    assert rep.changes["新增"] == 1 and rep.changes["更新"] == 1 and rep.changes["已被修改、未覆盖"] == 1
    assert "组织义务植树。" in edited.read_text(encoding="utf-8") and "3月12日" in edited.read_text(encoding="utf-8")
    assert rep.kept_edits == [edited.relative_to(project.root).as_posix()]
    assert "6月1日" in items(project.root)["www.shixian.gov.cn/zwgk/zfxxgk/gfxwj/201905/t20190520_900.htm"][1]
    rep, _ = run(project.root, mirror, force=True)
    assert "3月15日" in edited.read_text(encoding="utf-8") and rep.changes["更新"] == 1


def test_plan_writes_nothing_and_lists_columns(tmp_path):
    project = new_project(tmp_path)
    before = snapshot(project.root)
    out = subprocess.run([sys.executable, "-m", "gongkai", "import-site", str(DAHAN), "--plan", "--root", str(project.root)],
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert snapshot(project.root) == before and not (project.root / "build").exists()
    assert "信息公开 › 镇村建设（2 页）→ 其他文件  [暂存]" in out.stdout
    assert "信息公开 › 通知公告（2 页）→ 通知公告  [起始映射]" in out.stdout
    assert "没有对应的本站栏目，已放入“其他文件”" in out.stdout and "只是预览" in out.stdout


def test_dahan_gbk_with_mapping_file(tmp_path):
    project = new_project(tmp_path / "p")
    mapping = tmp_path / "映射.yml"
    mapping.write_text("栏目:\n  镇村建设: 市政建设\n网址前缀:\n  www.qingshan.gov.cn/art/2023/8/: 应急预案\n", encoding="utf-8")
    rep, problems = run(project.root, DAHAN, map_path=mapping)
    assert not [p for p in problems if p.code == "import-unmapped-column"]
    got = items(project.root)
    first = got["www.qingshan.gov.cn/art/2023/5/8/art_1234_5678.html"][0]
    assert first["索引号"] == "11349901MB1C2D3E3D/2023-00201" and first["文号"] == "青政〔2023〕8号"
    assert str(first["成文日期"]) == "2023-05-06" and first["主题分类"] == "城乡建设、环境保护" and first["栏目"] == "通知公告"
    gb18030 = got["www.qingshan.gov.cn/art/2023/6/1/art_1240_5701.html"]
    assert gb18030[0]["标题"] == "青山镇䶮山村道路硬化工程公示" and gb18030[0]["栏目"] == "市政建设"
    assert gb18030[0]["曾用索引号"] == ["QSZ-2023-0033"] and gb18030[1].startswith("䶮山村道路硬化工程已完成招标")
    undeclared = got["www.qingshan.gov.cn/art/2023/7/3/art_1240_5702.html"][0]      # no charset: detected
    assert undeclared["标题"] == "青山镇2023年上半年安全生产检查情况" and undeclared["有效性"] == "现行有效"
    assert rep.counts["listing"] == 1 and rep.balanced()
    assert "打印本页" not in gb18030[1]
    marked = got["www.qingshan.gov.cn/art/2023/8/15/art_1234_5800.html"]             # body between ContentStart/End
    assert marked[0]["栏目"] == "应急预案" and any(o.how == "网址前缀" and o.pages == 1 for o in rep.columns)
    assert got["www.qingshan.gov.cn/art/2023/5/8/art_1234_5678.html"][0]["栏目"] == "通知公告"     # same old column
    assert marked[1] == "各村（社区）：\n\n入汛以来降雨偏多，请立即开展隐患排查。" and str(marked[0]["成文日期"]) == "2023-08-14"


def test_charset_detection():
    text = "<html><body><p>青山镇人民政府关于开展农村人居环境整治工作的通知，请各村认真落实。</p></body></html>"
    assert pages.decode(text.encode("gbk")) == (text, "gb18030")
    assert pages.decode("\ufeff".encode() + text.encode())[1] == "utf-8-sig"
    assert pages.decode(text.encode())[1] == "utf-8"


@pytest.mark.parametrize("args, words", [
    (["/nonexistent/mirror"], "找不到网站备份文件夹"),
    ([""], "没有写网站备份文件夹"),
    ([str(TRS), "--map", "/nonexistent/map.yml"], "找不到栏目映射文件"),
    ([str(TRS), "--list", "/nonexistent/list.xlsx"], "找不到目录导出文件"),
])
def test_bad_input_clear_message(tmp_path, args, words):
    project = new_project(tmp_path)
    out = subprocess.run([sys.executable, "-m", "gongkai", "import-site", *args, "--root", str(project.root)],
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 1 and words in out.stdout and "Traceback" not in out.stderr + out.stdout


def test_bad_mapping_file(tmp_path):
    project = new_project(tmp_path / "p")
    mapping = tmp_path / "map.yml"
    mapping.write_text("栏目:\n  镇村建设: 不存在的栏目\n", encoding="utf-8")
    with pytest.raises(cmd.InputError) as err:
        run(project.root, DAHAN, map_path=mapping)
    assert "“不存在的栏目”不是本站的末级栏目" in err.value.problems[0].message


def test_catalogue_export_fills_fields(tmp_path):
    project = new_project(tmp_path / "p")
    export = tmp_path / "目录.csv"
    export.write_text("标题,网址,成文日期,内容概述\n"
                      "青山镇2023年上半年安全生产检查情况,https://www.qingshan.gov.cn/art/2023/7/3/art_1240_5702.html,"
                      "2023-07-01,通报上半年全镇安全生产检查和隐患整改情况。\n", encoding="gb18030")
    run(project.root, DAHAN, list_path=export)
    meta = items(project.root)["www.qingshan.gov.cn/art/2023/7/3/art_1240_5702.html"][0]
    assert str(meta["成文日期"]) == "2023-07-01" and meta["内容概述"] == "通报上半年全镇安全生产检查和隐患整改情况。"


# --- the real sample -------------------------------------------------------------------

@pytest.fixture(scope="module")
def pingtan(tmp_path_factory):
    if not PINGTAN.is_dir():
        pytest.skip("../shared/migration/pingtan is not on this machine")
    project = new_project(tmp_path_factory.mktemp("pingtan"))
    rep, problems = run(project.root, PINGTAN)
    return project, rep


def test_pingtan_matches_truth(pingtan):
    project, rep = pingtan
    truth = yaml.safe_load((MIRRORS / "pingtan-truth.yml").read_text(encoding="utf-8"))
    got = items(project.root)
    assert set(got) == set(truth)
    assert rep.counts["imported"] == 7 and rep.counts["listing"] == 1 and rep.balanced()
    for page, want in truth.items():
        meta, body, _ = got[page]
        for key in ("标题", "发布机构", "索引号", "栏目", "文号", "报告年度"):
            assert meta.get(key) == want.get(key), (page, key)
        assert str(meta["发布日期"]) == str(want["发布日期"]), page
        assert meta.get("曾用索引号") == ([want["原索引号"]] if "原索引号" in want else None), page
        paras = paragraphs(body)
        assert paras[0].startswith(want["首句"]) and paras[-1].endswith(want["末句"]), page
        assert body.count("（原网址：") == want.get("缺失附件", 0), page
    data = yaml.safe_load((project.root / "catalogue/reports/2024.yml").read_text(encoding="utf-8"))
    assert data["表二"]["行政许可"] == 4529 and data["表二"]["行政处罚"] == 1100 and data["表二"]["行政事业性收费"] == 18651.06
    assert data["表二"]["行政规范性文件"]["现行有效件数"]["数值"] == 440
    assert data["表三"]["一、本年新收政府信息公开申请数量"] == [217, 1, 0, 0, 0, 0, 218]


def test_pingtan_check_lists_only_blanks_then_site_builds_and_old_urls_redirect(pingtan, tmp_path, serve):
    from gongkai import pipeline
    project, _ = pingtan
    root = tmp_path / "copy"
    shutil.copytree(project.root, root, symlinks=True)
    _, problems = pipeline.check(root, TODAY)
    errors = [p for p in problems if p.severity == "error"]
    assert errors and all("待填写" in p.message for p in errors), [p.message for p in errors if "待填写" not in p.message]
    fill_blanks(root)
    out = tmp_path / "site"
    result = mkdocs_build(root, out)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "平潭综合实验区2024年度政府信息公开工作年度报告" in (out / "gk/11349901MB1C2D3E3D-2025-00001/index.html").read_text()
    assert '"/zwgk/gsgg/201110/t20111019_826.htm"' in (out / "gk/old-urls.nginx.map").read_text()
    base = serve(out)
    for page, (meta, _, _) in items(root).items():
        here = base + page.split("/", 1)[1].removeprefix("zwgk/")          # the site is at …/zwgk/, like the old section
        old = urllib.request.urlopen(here).read().decode()
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', old).group(1)
        new_url = urllib.parse.urljoin(here, target)
        assert new_url == base + f"gk/{meta['索引号'].replace('/', '-')}/"
        assert meta["标题"] in urllib.request.urlopen(new_url).read().decode()


def test_xlsx_export_and_existing_annual_report_year(tmp_path):
    from openpyxl import Workbook
    project = new_project(tmp_path / "p")
    project.item("ndbg/2022/00001.md", {
        "标题": "示例县2021年度政府信息公开工作年度报告", "索引号": "11349901MB1C2D3E3D/2022-00001",
        "发布机构": "示例县人民政府办公室", "成文日期": "2022-01-18", "发布日期": "2022-01-20", "栏目": "政府信息公开年报",
        "体裁": "年报", "报告年度": 2021, "内容概述": "2021年度报告。"}, body="## 一、总体情况\n\n正文。\n")
    book = Workbook()
    book.active.append(["序号", "信息名称", "链接", "内容概述", "成文日期"])
    book.active.append([1, "示例县城东片区新增公共停车场名单公示", "https://www.shixian.gov.cn/zwgk/gsgg/202402/t20240210_1003.htm",
                        "公示城东片区新增的公共停车场。", datetime(2024, 2, 8)])
    book.save(tmp_path / "目录.xlsx")
    rep, _ = run(project.root, TRS, list_path=tmp_path / "目录.xlsx")
    got = items(project.root)
    notice = got["www.shixian.gov.cn/zwgk/gsgg/202402/t20240210_1003.htm"][0]
    assert notice["内容概述"] == "公示城东片区新增的公共停车场。" and str(notice["成文日期"]) == "2024-02-08"
    meta, body, _ = got["www.shixian.gov.cn/zwgk/zfxxgk/zfxxgknb/202201/t20220120_500.htm"]
    assert "报告年度" not in meta and "<table>" in body and not (project.root / "catalogue/reports/2021.yml").exists()
    assert any("已有该年度的年报" in y for y in rep.years)
    before = snapshot(project.root)
    run(project.root, TRS, list_path=tmp_path / "目录.xlsx")
    assert snapshot(project.root) == before


def test_page_without_title_signals_is_navigation(tmp_path):
    mirror = tmp_path / "m" / "www.example.gov.cn"
    mirror.mkdir(parents=True)
    (mirror / "index.html").write_text('<html><head><meta charset="utf-8"><title>首页</title></head><body>'
                                       '<div id="content"><a href="zwgk/">政务公开</a><a href="ywdt/">要闻动态</a></div></body></html>',
                                       encoding="utf-8")
    (mirror / "blank.htm").write_text("<html><body><div class='x'></div></body></html>", encoding="utf-8")
    (mirror / "t1.htm").write_text('<html><head><meta charset="utf-8"><meta name="ArticleTitle" content="通知">'
                                   '<meta name="PubDate" content="2024-05-06"></head><body><div class="article_content">'
                                   '<p>见<a href="https://www.gov.cn/zhengce/a.pdf">国务院文件</a>'
                                   '<img src="https://cdn.example.com/x.png" alt="图"></p></div></body></html>', encoding="utf-8")
    project = new_project(tmp_path / "p")
    rep, _ = run(project.root, tmp_path / "m")
    assert rep.counts["listing"] == 1 and rep.counts["imported"] == 1 and rep.balanced()
    body = next(iter(items(project.root).values()))[1]
    assert "[国务院文件](https://www.gov.cn/zhengce/a.pdf)" in body                # other host: link kept
    assert "cdn.example.com" not in body.split("> **迁移说明**")[0] and "图（图片缺失" in body   # never loaded from outside
    assert rep.refused == [("www.example.gov.cn/blank.htm", "网页中没有正文，也没有链接（可能是保存不完整的页面）")]


def test_trs_import_builds_and_duplicate_addresses_both_redirect(tmp_path, serve):
    project = new_project(tmp_path / "p")
    run(project.root, TRS)
    fill_blanks(project.root)
    out = tmp_path / "site"
    result = mkdocs_build(project.root, out)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (out / "gk/11349901MB1C2D3E3D-2024-00101/index.html").read_text()
    assert '<td rowspan="2">片区</td>' in page and 'src="00101/W020240105001.png"' in page
    assert 'href="../11349901MB1C2D3E3D-2024-00001/">示例县停车管理办法公示</a>' in page
    assert (out / "gk/11349901MB1C2D3E3D-2024-00101/00101/a1001.pdf").exists()
    base = serve(out)
    for old in ("gsgg/202402/t20240210_1003.htm", "zdlyxxgk/tcgl/202402/t20240210_1003.htm"):   # site_url …/zwgk/
        html = urllib.request.urlopen(base + old).read().decode()
        target = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', html).group(1)
        new = urllib.request.urlopen(urllib.parse.urljoin(base + old, target))
        assert new.url == base + "gk/11349901MB1C2D3E3D-2024-00001/"
        assert "示例县城东片区新增公共停车场名单公示" in new.read().decode()
    nginx = (out / "gk/old-urls.nginx.map").read_text()
    assert '"/zwgk/zdlyxxgk/tcgl/202402/t20240210_1003.htm" "/zwgk/gk/11349901MB1C2D3E3D-2024-00001/";' in nginx


def test_publishers_added_keep_site_yml_valid(tmp_path):
    import yaml as y
    from gongkai.commands.importsite import writer
    site = tmp_path / "site.yml"
    site.write_text("机构全称: 示例县人民政府\n发布机构:\n- {名称: 示例县人民政府, 标识: xzf}\n# 注释\n每页条数: 20\n", encoding="utf-8")
    writer.add_publishers(site, ["平潭综合实验区财政金融局"], {"xzf"})
    data = y.safe_load(site.read_text(encoding="utf-8"))
    assert [p["名称"] for p in data["发布机构"]] == ["示例县人民政府", "平潭综合实验区财政金融局"] and data["每页条数"] == 20
    site.write_text("机构全称: 示例县人民政府\n", encoding="utf-8")
    with pytest.raises(cmd.InputError):
        writer.add_publishers(site, ["某局"], set())
