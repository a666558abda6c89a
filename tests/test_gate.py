"""The publishing gate: 公开方式 decides what is published, 密级 and 内部 marks stop the build wherever
they are, every check runs on items not yet due, and the 审核记录 (三审 and 保密审查) is required."""
import json

import pytest
from docx import Document

from conftest import TODAY, good_item
from gongkai.inspection import checks
from gongkai import pipeline
from gongkai.stages import render
from gongkai.core.problems import InputError

REVIEWED = [
    {"环节": "初审", "审核人": "张三", "职务": "科员", "日期": "2026-11-20", "意见": "通过", "说明": "内容准确"},
    {"环节": "复审", "审核人": "李四", "职务": "股长", "日期": "2026-11-21", "意见": "通过"},
    {"环节": "终审", "审核人": "王五", "职务": "副主任", "日期": "2026-11-22", "意见": "通过"},
    {"环节": "保密审查", "审核人": "赵六", "职务": "保密员", "日期": "2026-11-23", "意见": "通过", "说明": "不涉密"},
]


def findings(project, code=None):
    ins = pipeline.inspect(project.root, TODAY).inspection
    return [f for f in ins.findings if code is None or f.code == code]


def build(project):
    return pipeline.build(project.root, TODAY)


# --- 公开方式 --------------------------------------------------------------

def withheld_project(project, list_withheld=False):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 标题="主动公开的通知"), body="公开的正文。\n")
    folder = project.root / "catalogue/items/qtwj/2026/00002"
    folder.mkdir(parents=True)
    (folder / "附件1.txt").write_text("依申请公开的附件内容")
    project.item("qtwj/2026/00002.md", good_item(2, 2026, 标题="依申请公开的通知", 公开方式="依申请公开",
                                                  附件=[{"文件": "00002/附件1.txt", "标题": "名单"}]),
                 body="依申请公开的正文甲乙丙。\n\n（此件依申请公开）\n")
    project.item("qtwj/2026/00003.md", good_item(3, 2026, 标题="不予公开的通知", 公开方式="不予公开",
                                                  不予公开理由="内部事务信息", 内容概述="不应出现的概述"),
                 body="不予公开的正文丁戊己。\n\n（此件不予公开）\n")
    if list_withheld:
        site = project.root / "catalogue/site.yml"
        site.write_text(site.read_text() + "目录列出非主动公开信息: true\n")


def test_withheld_items_publish_no_body_attachments_search_feed_or_data(project):
    withheld_project(project)
    result = build(project)
    everything = "".join(p.body for p in result.output.bulk_pages + result.output.engine_pages)
    everything += "".join((a.data or b"").decode("utf-8", "replace") for a in result.output.assets)
    everything += json.dumps([d.text + d.title for d in result.output.search_docs], ensure_ascii=False)
    assert "主动公开的通知" in everything
    for text in ("依申请公开的通知", "依申请公开的正文甲乙丙", "不予公开的通知", "不予公开的正文丁戊己", "不应出现的概述"):
        assert text not in everything, text
    assert not [a for a in result.output.assets if a.src and a.src.name == "附件1.txt"]
    assert [i.title for i in result.catalogue.withheld] == ["不予公开的通知", "依申请公开的通知"]
    data = json.loads(next(a.data for a in result.output.assets if a.path == render.OPEN_JSON))
    assert [r["标题"] for r in data["条目"]] == ["主动公开的通知"]


def test_catalogue_data_lists_withheld_metadata_only_when_configured(project):
    withheld_project(project, list_withheld=True)
    result = build(project)
    data = json.loads(next(a.data for a in result.output.assets if a.path == render.OPEN_JSON))
    rows = {r["标题"]: r for r in data["条目"]}
    assert set(rows) == {"主动公开的通知", "依申请公开的通知", "不予公开的通知"}
    withheld = rows["不予公开的通知"]
    assert withheld["公开方式"] == "不予公开" and withheld["不予公开理由"] == "内部事务信息"
    assert withheld["内容概述"] == "" and withheld["网址"] == "" and withheld["附件"] == []
    assert rows["依申请公开的通知"]["附件"] == [] and rows["主动公开的通知"]["网址"]
    csv = next(a.data for a in result.output.assets if a.path == render.OPEN_CSV).decode("utf-8-sig")
    assert "不应出现的概述" not in csv and "附件1.txt" not in csv


def test_mark_in_the_text_must_agree_with_the_field(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026), body="正文。\n\n（此件依申请公开）\n")
    project.item("qtwj/2026/00002.md", good_item(2, 2026, 公开方式="依申请公开"), body="正文。\n\n（此件公开发布）\n")
    project.item("qtwj/2026/00003.md", good_item(3, 2026, 公开方式="不予公开"), body="正文。\n")
    found = {(p.file.rsplit("/", 1)[-1], p.code) for p in project.problems() if p.severity == "error"}
    assert found == {("00001.md", "disclosure-mismatch"), ("00002.md", "disclosure-mismatch"),
                     ("00003.md", "withhold-reason")}
    first = project.problems("disclosure-mismatch")[0]
    assert "依申请公开" in first.message and "按默认值" in first.message and first.line == 16


# --- 密级标志 --------------------------------------------------------------

def docx_with_header(path, header="", body="普通的工作安排。"):
    doc = Document()
    doc.add_paragraph(body)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    doc.save(path)


@pytest.mark.parametrize("body, where", [
    ("| 名称 | 密级 |\n|---|---|\n| 工作方案 | 秘密 |\n", "正文第4行（表格中）"),
    ("本通知机密★1年，请妥善保管。\n", "正文第2行"),
    ("**绝密★启用前**\n\n正文。\n", "正文第2行"),
    ("（内部资料）\n\n正文。\n", "正文第2行"),
    ("请各单位注意保密，不得外传。\n", "正文第2行"),
])
def test_secret_marks_in_the_body_stop_the_build(project, body, where):
    project.item("qtwj/2026/00001.md", good_item(1, 2026), body=body)
    [hit] = findings(project, "secret-mark")
    assert hit.severity == "error" and hit.message.startswith(where) and hit.file.endswith("00001.md")
    with pytest.raises(InputError):
        build(project)


def test_ordinary_words_are_not_marks(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026),
                 body="加强内部控制，保护商业秘密和个人隐私，依法保守国家秘密。\n\n机密文件管理办法的解读见附件。\n")
    assert findings(project, "secret-mark") == []


def test_marks_in_attachment_headers_and_front_matter(project):
    folder = project.root / "catalogue/items/qtwj/2026/00001"
    folder.mkdir(parents=True)
    docx_with_header(folder / "附件1.docx", header="机密★5年")
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 附件=[{"文件": "00001/附件1.docx", "标题": "方案"}]))
    project.item("qtwj/2026/00002.md", good_item(2, 2026, 标题="【内部】示例县工作要点"))
    hits = {f.file.rsplit("/", 1)[-1]: f for f in findings(project, "secret-mark")}
    assert "附件“00001/附件1.docx”的页眉中" in hits["00001.md"].message and "机密★5年" in hits["00001.md"].message
    assert hits["00002.md"].field == "标题"


def test_marks_in_items_not_published_are_errors_too(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 公开方式="依申请公开"), body="秘密★1年\n\n正文。\n")
    assert [f.severity for f in findings(project, "secret-mark")] == ["error"]


def test_false_positive_cleared_only_with_a_recorded_reason(project):
    reviews = [dict(REVIEWED[3], 放行=["内部"], 说明="“内部”是本表的栏目名称（内部审计），不是密级标志")]
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 审核记录=reviews), body="| 类别 |\n|---|\n| 内部 |\n")
    ins = pipeline.inspect(project.root, TODAY).inspection
    assert not [f for f in ins.findings if f.code in ("secret-mark", "mark-clearance")]
    assert any("赵六" in e and "2026-11-23" in e and "内部审计" in e for e in ins.exceptions)
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 审核记录=[dict(reviews[0], 说明="")]),
                 body="| 类别 |\n|---|\n| 内部 |\n")
    codes = {f.code for f in findings(project)}
    assert {"secret-mark", "mark-clearance"} <= codes
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 审核记录=[dict(REVIEWED[0], 放行=["内部"])]),
                 body="| 类别 |\n|---|\n| 内部 |\n")
    assert {"secret-mark", "mark-clearance"} <= {f.code for f in findings(project)}


def test_mark_list_is_configurable(project):
    (project.root / "catalogue/inspection.yml").write_text("密级标志: [秘密]\n审核记录: {起始日期: 2100-01-01}\n")
    project.item("qtwj/2026/00001.md", good_item(1, 2026), body="（内部资料）\n\n秘密★\n")
    assert [f.message[:9] for f in findings(project, "secret-mark")] == ["正文第4行有密级或"]


# --- 定时发布 ----------------------------------------------------------------

def test_scheduled_item_gets_every_check_now(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 成文日期="2026-11-27", 发布日期="2026-12-10", 定时发布="是"),
                 body="联系人手机13805501234。\n\n<script>alert(1)</script>\n")
    codes = {f.code for f in findings(project) if f.severity == "error"}
    assert {"pii-mobile", "unsafe-markup"} <= codes
    with pytest.raises(InputError):
        build(project)


# --- 审核记录 ------------------------------------------------------------------

@pytest.fixture
def reviewed(project):
    (project.root / "catalogue/inspection.yml").write_text(
        "单项否决: {栏目不更新: 0, 长期未更新: 0, 空白栏目: 0}\n审核记录: {起始日期: 2026-11-01}\n")
    return project


def item_with(project, reviews, **fields):
    fields = {"成文日期": "2026-11-18", "发布日期": "2026-11-25", **fields}
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 审核记录=reviews, **fields))
    return [f.message for f in findings(project, "review-record")]


def test_complete_record_passes(reviewed):
    assert item_with(reviewed, REVIEWED) == []
    build(reviewed)


def test_missing_record_blocks_the_build(reviewed):
    assert item_with(reviewed, None) == ["审核记录不完整：缺少初审、复审、终审、保密审查的“通过”意见。"]
    with pytest.raises(InputError):
        build(reviewed)


def test_incomplete_out_of_order_and_late_records(reviewed):
    assert "缺少保密审查" in item_with(reviewed, REVIEWED[:3])[0]
    swapped = [REVIEWED[0], dict(REVIEWED[2], 日期="2026-11-21"), dict(REVIEWED[1], 日期="2026-11-22"), REVIEWED[3]]
    assert any(m.startswith("审核顺序不对：终审") for m in item_with(reviewed, swapped))
    backwards = [REVIEWED[1], dict(REVIEWED[0], 日期="2026-11-19")] + REVIEWED[2:]
    messages = item_with(reviewed, backwards)
    assert any("早于上一项" in m for m in messages) and any("审核顺序不对" in m for m in messages)
    late = REVIEWED[:3] + [dict(REVIEWED[3], 日期="2026-11-26")]
    assert any("晚于发布日期 2026-11-25" in m for m in item_with(reviewed, late))


def test_returned_item_needs_every_stage_again(reviewed):
    returned = REVIEWED[:2] + [dict(REVIEWED[2], 意见="退回", 说明="数据需核实")]
    again = returned + [dict(r, 日期="2026-11-24") for r in REVIEWED]
    assert "退回后须重新审核" in item_with(reviewed, returned + [dict(REVIEWED[2], 日期="2026-11-24")])[0]
    assert item_with(reviewed, again) == []


def test_record_rules_are_configurable(reviewed):
    (reviewed.root / "catalogue/inspection.yml").write_text(
        "审核记录: {环节: [初审, 保密审查, 复审], 栏目: [规范性文件], 起始日期: 2026-11-01}\n")
    assert item_with(reviewed, None) == []                       # 其他文件 is not listed
    assert item_with(reviewed, None, 栏目="规范性文件", 有效性="现行有效") == [
        "审核记录不完整：缺少初审、保密审查、复审的“通过”意见。"]
    ordered = [REVIEWED[0], dict(REVIEWED[3], 日期="2026-11-21"), dict(REVIEWED[1], 日期="2026-11-22")]
    assert item_with(reviewed, ordered, 栏目="规范性文件", 有效性="现行有效") == []


def test_bad_record_entries_name_the_entry(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 审核记录=[
        {"环节": "四审", "审核人": "", "日期": "2026-13-01", "意见": "同意"}]))
    messages = [p.message for p in project.problems() if p.field == "审核记录"]
    assert any("四审" in m for m in messages) and any("同意" in m for m in messages)
    assert any("审核人" in m for m in messages) and any("2026-13-01" in m for m in messages)


def test_record_never_published(reviewed):
    item_with(reviewed, REVIEWED)
    result = build(reviewed)
    out = "".join(p.body for p in result.output.bulk_pages)
    out += "".join((a.data or b"").decode("utf-8", "replace") for a in result.output.assets)
    out += json.dumps([d.text for d in result.output.search_docs], ensure_ascii=False)
    assert "赵六" not in out and "保密员" not in out and "不涉密" not in out


def test_review_gaps_is_pure():
    assert checks.review_gaps([], ["初审"], TODAY) == ["审核记录不完整：缺少初审的“通过”意见。"]


# --- what the form leaves behind -------------------------------------------------

def test_empty_form_rows_never_block_publishing(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 关联=[{"索引号": "", "关系": "相关"}], 附件=[{"文件": "", "标题": ""}],
                                                  审核记录=[{"环节": "", "审核人": "", "日期": ""}],
                                                  撤回={"日期": "", "原因": "", "决定人": "", "说明": ""}))
    cat, problems = project.check()
    assert not [p for p in problems if p.severity == "error"] and cat.items[0].withdrawal is None
    assert cat.items[0].relations == [] and cat.items[0].attachments == [] and cat.items[0].reviews == []


def test_blank_index_number_is_assigned_by_check_fix(project, capsys):
    from gongkai import __main__ as cli
    path = project.item("qtwj/2026/00002.md", good_item(1, 2026, 索引号=""))
    [missing] = [p for p in project.problems() if p.field == "索引号"]
    assert "make check FIX=1" in missing.hint
    project.item("qtwj/2026/00001.md", good_item(1, 2026))
    cli.main(["check", "--root", str(project.root), "--fix"])
    assert "qtwj/2026/00002.md → 11349901MB1C2D3E3D/2026-00002" in capsys.readouterr().out
    assert "索引号: 11349901MB1C2D3E3D/2026-00002" in path.read_text()
    assert not [p for p in project.problems() if p.severity == "error"]
