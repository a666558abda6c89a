"""validate: one test per class of bad input; each message names file, line and field."""
import pytest

from conftest import CODE, good_item
from gongkai.stages.validate import check_doc_no, credit_code_ok, index_regex


def only(project, code):
    found = project.problems(code)
    assert found, [p.format() for p in project.problems()]
    return found[0]


def test_valid_item_passes(project):
    project.item("qtwj/2024/00001.md", good_item())
    cat, problems = project.check()
    assert cat is not None and not problems, [p.format() for p in problems]


def test_unknown_key_suggests_nearest(project):
    fields = good_item()
    fields["发布时间"] = fields.pop("发布日期")
    project.item("qtwj/2024/00001.md", fields)
    p = only(project, "unknown-key")
    assert p.field == "发布时间" and "发布日期" in p.hint
    assert p.line == list(fields).index("发布时间") + 2


def test_unknown_key_nearest_by_spelling(project):
    project.item("qtwj/2024/00001.md", good_item(**{"内容概括": "x"}))
    assert "内容概述" in only(project, "unknown-key").hint


def test_missing_required_field(project):
    project.item("qtwj/2024/00001.md", good_item(内容概述=None))
    p = only(project, "missing-field")
    assert p.field == "内容概述" and "内容概述:" in p.hint


def test_wrong_type(project):
    project.item("qtwj/2024/00001.md", good_item(标题=["一", "二"]))
    p = only(project, "wrong-type")
    assert p.field == "标题" and "列表" in p.message


@pytest.mark.parametrize("value, expect", [("2024/3/5", "2024-03-05"), ("2024年3月5日", "2024-03-05"),
                                           ("三月五日", "YYYY-MM-DD")])
def test_date_not_iso(project, value, expect):
    project.item("qtwj/2024/00001.md", good_item(成文日期=value))
    p = only(project, "date-format")
    assert p.field == "成文日期" and expect in p.message


def test_impossible_date(project):
    project.item("qtwj/2024/00001.md", good_item(发布日期="2024-02-30"))
    p = only(project, "date-format")
    assert p.field == "发布日期" and "不是真实存在的日期" in p.message


def test_signed_after_published(project):
    project.item("qtwj/2024/00001.md", good_item(成文日期="2024-03-10", 发布日期="2024-03-08"))
    p = only(project, "date-order")
    assert p.field == "成文日期" and "晚于发布日期" in p.message


def test_published_in_future(project):
    project.item("qtwj/2026/00001.md", good_item(year=2026, 成文日期="2026-11-20", 发布日期="2026-12-01"))
    p = only(project, "date-future")
    assert p.field == "发布日期" and "2026-11-28" in p.message


def test_index_no_pattern(project):
    project.item("qtwj/2024/00001.md", good_item(索引号="11349901MB1C2D3E3D-2024-1"))
    p = only(project, "index-pattern")
    assert p.field == "索引号" and "11349901MB1C2D3E3D/2024-00001" in p.hint


def test_duplicate_index_no_names_both_files(project):
    project.item("qtwj/2024/a.md", good_item(1))
    project.item("qtwj/2024/b.md", good_item(1, 标题="另一份通知"))
    found = project.problems("duplicate-index")
    assert {p.file for p in found} == {"catalogue/items/qtwj/2024/a.md", "catalogue/items/qtwj/2024/b.md"}
    assert all(("a.md" in p.message) != ("a.md" in p.file) for p in found)


@pytest.mark.parametrize("doc_no, fixed", [
    ("示政办[2023]12号", "示政办〔2023〕12号"), ("示政办(2023)12号", "示政办〔2023〕12号"),
    ("示政办（2023）12号", "示政办〔2023〕12号"), ("示政办【2023】12号", "示政办〔2023〕12号"),
    ("示政办﹝2023﹞12号", "示政办〔2023〕12号"), ("示政办〔23〕12号", "示政办〔2023〕12号"),
    ("示政办〔2023〕012号", "示政办〔2023〕12号"), ("示政办〔2023〕第12号", "示政办〔2023〕12号"),
    ("示政办〔2023〕12", "示政办〔2023〕12号"),
])
def test_doc_no_not_gbt9704(project, doc_no, fixed):
    project.item("qtwj/2024/00001.md", good_item(文号=doc_no))
    p = only(project, "doc-no-format")
    assert p.field == "文号" and fixed in p.hint


@pytest.mark.parametrize("doc_no", ["国办发〔2017〕47号", "国办公开办函〔2021〕30号", "国办发明电〔2021〕11号"])
def test_doc_no_valid_forms(doc_no):
    assert check_doc_no(doc_no) is None


def test_unknown_column_suggests(project):
    project.item("qtwj/2024/00001.md", good_item(栏目="规范文件"))
    p = only(project, "unknown-column")
    assert p.field == "栏目" and "规范性文件" in p.hint


def test_parent_column_rejected(project):
    project.item("qtwj/2024/00001.md", good_item(栏目="政策文件"))
    p = only(project, "column-not-leaf")
    assert "规范性文件" in p.hint


def test_unknown_topic(project):
    project.item("qtwj/2024/00001.md", good_item(主题分类="农林水利"))
    p = only(project, "unknown-topic")
    assert p.field == "主题分类"


def test_unknown_second_level_topic(project):
    project.item("qtwj/2024/00001.md", good_item(主题分类="综合政务\\农业"))
    assert "政务公开" in only(project, "unknown-topic").hint


def test_relation_target_missing(project):
    project.item("qtwj/2024/00001.md", good_item(关联=[{"索引号": "11349901MB1C2D3E3D/2024-00099", "关系": "解读"}]))
    p = only(project, "relation-missing")
    assert p.field == "关联" and "2024-00099" in p.message


def test_attachment_missing(project):
    project.item("qtwj/2024/00001.md", good_item(附件=[{"文件": "00001/附件1.pdf", "标题": "附件1"}]))
    p = only(project, "attachment-missing")
    assert p.field == "附件" and "00001/附件1.pdf" in p.message


def test_attachment_present_is_sized(project):
    project.item("qtwj/2024/00001.md", good_item(附件=[{"文件": "00001/附件1.pdf", "标题": "附件1"}]))
    (project.root / "catalogue/items/qtwj/2024/00001").mkdir()
    (project.root / "catalogue/items/qtwj/2024/00001/附件1.pdf").write_bytes(b"%PDF-1.4\n" * 300)
    cat, problems = project.check()
    assert cat.items[0].attachments[0].size == 2700


def test_validity_required_for_normative(project):
    project.item("gfxwj/2024/00001.md", good_item(栏目="规范性文件"))
    p = only(project, "validity-missing")
    assert p.field == "有效性"


def test_bad_enum_value(project):
    project.item("qtwj/2024/00001.md", good_item(体裁="通知书"))
    p = only(project, "bad-value")
    assert p.field == "体裁" and "通知" in p.hint


def test_unknown_publisher(project):
    project.item("qtwj/2024/00001.md", good_item(发布机构="示例县政府办"))
    p = only(project, "unknown-publisher")
    assert p.field == "发布机构"


def test_summary_warnings_do_not_block(project):
    project.item("qtwj/2024/00001.md", good_item(内容概述="长" * 120))
    cat, problems = project.check()
    assert cat is not None
    assert [p.code for p in problems] == ["summary-long"]


def test_empty_body_without_attachments(project):
    project.item("qtwj/2024/00001.md", good_item(), body="")
    assert only(project, "empty-body")


def test_all_errors_collected_across_files(project):
    project.item("qtwj/2024/00001.md", good_item(1, 文号="示政办[2024]1号"))
    project.item("qtwj/2024/00002.md", good_item(2, 发布日期="2024-13-01"))
    project.item("qtwj/2024/00003.md", raw="")
    codes = {p.code for p in project.problems()}
    assert {"doc-no-format", "date-format", "empty-file"} <= codes


def test_credit_code_checksum():
    assert credit_code_ok("11349901MB1C2D3E3D")
    assert not credit_code_ok("11349901MB1C2D3E3E")


def test_index_regex_placeholders():
    rx = index_regex("{统一社会信用代码}/{YYYYMM}-{NNNNN}", {"credit_code": "11349901MB1C2D3E3D"})
    assert rx.match("11349901MB1C2D3E3D/202403-00012")
    assert not rx.match("11349901MB1C2D3E3D/202413-00012")


def test_site_config_errors(project):
    site = project.root / "catalogue/site.yml"
    text = site.read_text().replace('网站标识码: "3499010001"', '网站标识码: "34990100"')
    text = text.replace("  - 渠道: 邮政寄送\n", "  - 渠道: 信函\n")
    site.write_text(text.replace("机构全称:", "机构名称:"))
    problems = project.problems()
    codes = {p.code for p in problems}
    assert {"site-pattern", "site-channel", "site-unknown-key", "site-missing"} <= codes
    pat = next(p for p in problems if p.code == "site-pattern")
    assert pat.field == "网站.网站标识码" and pat.file == "catalogue/site.yml"
    assert any("机构全称" in p.hint for p in problems if p.code == "site-unknown-key")


# --- change notes, former 索引号, placeholders (issue 6) ----------------------

def test_revisions_are_parsed_and_sorted(project):
    project.item("qtwj/2024/00001.md", good_item(修订记录=[{"日期": "2024-05-02", "说明": "更正附件联系电话"},
                                                           {"日期": "2024-04-01", "说明": "补充附件"}]))
    cat, problems = project.check()
    assert not problems
    assert [(str(r.date), r.note) for r in cat.items[0].revisions] == [("2024-04-01", "补充附件"),
                                                                      ("2024-05-02", "更正附件联系电话")]


@pytest.mark.parametrize("value, code", [
    ([{"日期": "2024年5月2日", "说明": "更正"}], "date-format"),
    ([{"日期": "2024-05-02"}], "missing-field"),
    ([{"日期": "2024-05-02", "说明": "更正", "作者": "张三"}], "unknown-key"),
    ([{"日期": "2027-01-01", "说明": "更正"}], "date-future"),
    ("2024-05-02 更正", "wrong-type"),
])
def test_bad_revisions(project, value, code):
    project.item("qtwj/2024/00001.md", good_item(修订记录=value))
    found = project.problems(code)
    assert found and found[0].field == "修订记录" and found[0].line == 12


def test_former_index_no_may_not_be_in_use_or_twice(project):
    project.item("qtwj/2024/00001.md", good_item(1, 曾用索引号=[f"{CODE}/2024-00002"]))
    project.item("qtwj/2024/00002.md", good_item(2))
    found = project.problems("former-index-clash")
    assert len(found) == 1 and "00002.md" in found[0].message and found[0].field == "曾用索引号"
    project.item("qtwj/2024/00001.md", good_item(1))
    project.item("qtwj/2024/00002.md", good_item(2, 曾用索引号=[f"{CODE}/2024-00009"]))
    project.item("qtwj/2024/00003.md", good_item(3, 曾用索引号=[f"{CODE}/2024-00009"]))
    found = project.problems("former-index-clash")
    assert [p.file for p in found] == ["catalogue/items/qtwj/2024/00003.md"] and "00002.md" in found[0].message


def test_retired_index_no_is_refused(project):
    site = project.root / "catalogue" / "site.yml"
    site.write_text(site.read_text() + f"已停用索引号:\n  - {CODE}/2024-00001\n")
    project.item("qtwj/2024/00001.md", good_item(1))
    found = project.problems("index-retired")
    assert found and found[0].field == "索引号"


def test_placeholder_blocks_publishing_and_points_at_line(project):
    project.item("qtwj/2024/00001.md", good_item(内容概述="【待填写：内容概述】"), body="各单位：\n\n【待填写：正文】\n")
    found = project.problems("placeholder")
    assert {(p.field, p.line) for p in found} == {("内容概述", 11), (None, 16)}
    assert all(p.severity == "error" for p in found)


def test_future_date_allowed_only_as_scheduled(project):
    project.item("qtwj/2026/00001.md", good_item(year=2026, 成文日期="2026-11-20", 发布日期="2026-12-01", 定时发布="是"))
    cat, problems = project.check()
    assert cat is not None and [p.severity for p in problems if p.code == "date-future"] == ["warning"]
    assert not cat.items and len(cat.scheduled) == 1


def test_image_without_alt_text_is_refused_with_its_line(project):
    body = "第一段。\n\n![](图1.png)\n\n<img src=\"图2.png\" alt=\"\">\n\n![2024年收支情况柱状图](图3.png)\n<img src='图4.png' alt='示意图'>\n"
    project.item("qtwj/2024/00001.md", good_item(), body=body)
    found = project.problems("image-alt")
    assert [p.message for p in found] == ["正文第4行的图片“图1.png”没有替代文字。", "正文第6行的图片“图2.png”没有替代文字。"]
    assert found[0].line == found[1].line - 2 and "替代" in found[0].hint


def test_former_index_no_with_the_same_address_is_refused(project):
    project.item("qtwj/2024/00001.md", good_item(1, 曾用索引号=[f"{CODE}-2024-00001"]))
    found = project.problems("former-index-clash")
    assert found and "网址相同" in found[0].message


def test_an_unchanged_item_is_not_checked_again_but_one_whose_attachment_appears_is(project, monkeypatch):
    from gongkai.stages import validate as v
    monkeypatch.delenv("GONGKAI_CACHE", raising=False)
    project.item("qtwj/2024/00001.md", good_item(1))
    project.item("qtwj/2024/00002.md", good_item(2, 附件=[{"文件": "00002/名单.txt", "标题": "名单"}]))
    checked = []
    real = v._ItemChecker.check
    monkeypatch.setattr(v._ItemChecker, "check", lambda self, src: checked.append(src.rel) or real(self, src))
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    first = project.problems("attachment-missing")
    assert len(first) == 1 and len(checked) == 2
    checked.clear()
    assert len(project.problems("attachment-missing")) == 1 and checked == []       # nothing changed
    (project.root / "catalogue/items/qtwj/2024/00002").mkdir()
    (project.root / "catalogue/items/qtwj/2024/00002/名单.txt").write_text("张三", encoding="utf-8")
    assert project.problems("attachment-missing") == []
    assert checked == ["catalogue/items/qtwj/2024/00002.md"]
