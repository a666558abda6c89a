"""standard: the 基层政务公开标准目录 — the county preset, validation, public tables, coverage and time limits."""
from conftest import CODE, TODAY, good_item
from gongkai import pipeline
from gongkai.stages import load
from gongkai.stages.standard import CHANNELS, load_standard

AREAS = ("重大建设项目 公共资源交易 财政预决算 安全生产 税收管理 农村集体土地征收 国有土地上房屋征收与补偿 生态环境 "
         "公共文化服务 扶贫 救灾 社会救助 养老服务 户籍管理 涉农补贴 就业 社会保险 义务教育 卫生健康 市政服务 "
         "食品药品监管 城市综合执法 农村危房改造 保障性住房 公共法律服务 城乡规划").split()
ROW = ("      - {一级事项: 监督抽检, 二级事项: 食品安全监督抽检信息, 公开内容: 抽检结果, 公开依据: 《食品安全法》,"
       " 公开时限: 自抽检结果汇总之日起7个工作日内, 公开主体: 县市场监督管理局, 公开渠道: [政府网站],"
       " 公开对象: [全社会], 公开方式: [主动], 公开层级: [县级]}\n")
OWN = "公开层级: 县级\n领域:\n  - 名称: 食品药品监管\n    标识: spypjg\n    事项:\n" + ROW


def write(project, text):
    (project.root / "catalogue/standard.yml").write_text(text)


def test_county_preset_has_the_26_areas(project):
    write(project, "预设: 县级人民政府（办公室）\n公开层级: 县级\n")
    std, problems = load_standard(load.load_project(project.root))
    assert not problems, [p.format() for p in problems]
    assert [a.name for a in std.areas] == AREAS
    for area in std.areas:
        assert area.rows, area.name
        for row in area.rows:
            assert row.content and row.time_limit and row.owner and set(row.channels) <= set(CHANNELS)
            assert row.file == "hooks/gongkai/data/standard/county.yml" and row.line


def test_bad_rows_are_named_with_file_line_and_fix(project):
    write(project, OWN + ROW.replace("[全社会]", "[全体群众]") +
          "      - {一级事项: 行政处罚, 公开时限: 20个工作日内}\n未涉及领域:\n  - {领域: 税务, 说明: 由税务局公开。}\n")
    std, problems = load_standard(load.load_project(project.root))
    at7 = [p for p in problems if p.line == 7]
    assert any("全体群众" in p.message and "全社会" in p.hint for p in at7)
    assert any("重复" in p.message for p in at7)
    assert any("缺少" in p.message and "公开内容" in p.message for p in problems if p.line == 8)
    assert any(p.field == "未涉及领域" and "税务" in p.message for p in problems)
    assert all(p.file == "catalogue/standard.yml" for p in problems)


def test_public_table_links_items_and_uses_the_exact_headers(project):
    write(project, OWN)
    project.item("jdjc/2026/00001.md", good_item(1, 2026, 栏目="监督检查", 文号=None, 成文日期="2026-10-09",
                                                 发布日期="2026-10-13", 标准目录事项=["食品药品监管/食品安全监督抽检信息"]))
    result = pipeline.build(project.root, TODAY)
    page = next(p for p in result.output.bulk_pages if p.path == "bzml/spypjg/")
    for label in ("公开事项", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体",
                  "公开对象", "全社会", "特定群体", "公开方式", "主动", "依申请", "公开层级", "县级", "乡级"):
        assert f">{label}</th>" in page.body, label
    assert 'href="../../gk/' in page.body and "✓" in page.body
    overview = next(p for p in result.output.engine_pages if p.path == "bzml/")
    assert overview.source == "bzml.md" and "食品药品监管" in overview.body
    statutory = next(p for p in result.output.engine_pages if p.path == "fdzdgknr/")
    assert "bzml/" in statutory.body


def test_row_time_limit_and_coverage(project):
    write(project, OWN)
    ins = pipeline.inspect(project.root, TODAY).inspection
    assert [f.code for f in ins.findings if f.code.startswith("standard")] == ["standard-row-empty"]
    project.item("jdjc/2026/00001.md", good_item(1, 2026, 栏目="监督检查", 文号=None, 成文日期="2026-10-09",
                                                 发布日期="2026-10-21", 标准目录事项=["食品药品监管/食品安全监督抽检信息"]))
    project.item("jdjc/2026/00002.md", good_item(2, 2026, 栏目="监督检查", 文号=None, 标准目录事项=["食品药品/抽检"]))
    ins = pipeline.inspect(project.root, TODAY).inspection
    late = [f for f in ins.findings if f.code == "timeliness-late"]
    assert len(late) == 1 and "标准目录事项" in late[0].message and "7个工作日" in late[0].message
    unknown = [f for f in ins.findings if f.code == "standard-row-unknown"]
    assert unknown[0].field == "标准目录事项" and "食品药品监管/食品安全监督抽检信息" in unknown[0].hint
    assert not [f for f in ins.findings if f.code == "standard-row-empty"]


def test_excluded_rows_and_nil_records_are_not_gaps(project):
    write(project, OWN + "未涉及事项:\n  - {事项: 食品药品监管/食品安全监督抽检信息, 说明: 由市场监管局公开。}\n")
    assert not [f for f in pipeline.inspect(project.root, TODAY).inspection.findings if f.code == "standard-row-empty"]
    write(project, OWN)
    (project.root / "catalogue/nil.yml").write_text(
        "- {标准目录事项: 食品药品监管/食品安全监督抽检信息, 日期: 2026-01-05, 有效至: 2026-12-31, 审核人: 王芳,"
        " 说明: 本年度未开展抽检。}\n")
    done = pipeline.inspect(project.root, TODAY)
    assert not [f for f in done.inspection.findings if f.code.startswith("standard")]
    page = next(p for p in pipeline.build(project.root, TODAY).output.bulk_pages if p.path == "bzml/spypjg/")
    assert "本期无此类信息。本年度未开展抽检。" in page.body


def test_no_standard_no_pages_and_rows_rejected(project):
    project.item("qtwj/2024/00001.md", good_item(1, 2024, 标准目录事项=["扶贫/项目计划和资金安排"]))
    done = pipeline.inspect(project.root, TODAY)
    assert [f.code for f in done.inspection.errors] == ["standard-row-unknown"]
    assert "standard.yml" in done.inspection.errors[0].hint
    assert CODE in done.inspection.errors[0].subject
