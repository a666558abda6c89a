"""settings: inspection.yml and nil.yml — parsed, validated with file, line and fix, and used."""
from datetime import date

from conftest import TODAY, good_item
from gongkai import pipeline


def inspect(project, on_date=TODAY):
    return pipeline.inspect(project.root, on_date).inspection


def test_nil_record_shown_on_the_column_page(project):
    (project.root / "catalogue/nil.yml").write_text(
        "- {栏目: 行政事业性收费, 日期: 2026-01-05, 有效至: 2026-12-31, 审核人: 王芳, 说明: 本机关2026年度无新设立的收费项目。}\n")
    (project.root / "catalogue/inspection.yml").write_text("单项否决: {空白栏目: 0, 长期未更新: 0, 栏目不更新: 0}\n"
                                                           "审核记录: {起始日期: 2100-01-01}\n")
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 成文日期="2026-11-20", 发布日期="2026-11-25"))
    result = pipeline.build(project.root, TODAY)
    page = next(p for p in result.output.bulk_pages if p.path == "lm/sfxm/")
    assert "本栏目本期无此类信息。" in page.body and "本机关2026年度无新设立的收费项目。" in page.body
    assert "2026-01-05" in page.body and "本栏目暂无公开信息" not in page.body
    other = next(p for p in result.output.bulk_pages if p.path == "lm/zfcg/")
    assert "本栏目暂无公开信息" in other.body


def test_bad_settings_name_file_line_and_fix(project):
    (project.root / "catalogue/inspection.yml").write_text(
        "需要解读:\n  栏目: [规范文件]\n时限:\n  主动公开天数: 20\n工作日调整:\n  2027:\n    依据: 通知\n"
        "    调休上班: [2027-01-04]\n")
    (project.root / "catalogue/nil.yml").write_text("- {栏目: 收费, 日期: 2026-13-01, 有效至: 2026-12-31, 审核人: 王芳}\n"
                                                    "- {栏目: 政府采购, 日期: 2026-01-01}\n")
    ins = inspect(project)
    by_code = {p.code: p for p in ins.findings}
    assert "规范性文件" in by_code["settings-column"].hint and by_code["settings-column"].line == 2
    assert by_code["settings-unknown-key"].field == "时限.主动公开天数" and "主动公开工作日" in by_code["settings-unknown-key"].hint
    assert by_code["settings-calendar"].severity == "warning" and "周一" in by_code["settings-calendar"].message
    assert by_code["nil-column"].line == 1 and "行政事业性收费" in by_code["nil-column"].hint
    assert by_code["nil-missing"].line == 2 and "有效至" in by_code["nil-missing"].message
    assert not ins.complete                      # settings errors stop the inspection, never a traceback


def test_calendar_override_from_settings_is_used(project):
    (project.root / "catalogue/inspection.yml").write_text(
        "工作日调整:\n  2026:\n    依据: 测试\n    节假日: [2026-11-30, 2026-12-01]\n")
    done = pipeline.inspect(project.root, TODAY)
    assert not done.settings.calendar.is_workday(date(2026, 11, 30))
