"""checks: the inspection stage — every planted finding in the fixture catalogue, each check on
its own, the example catalogue passing cleanly, and the three reports agreeing."""
import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest

from conftest import CODE, ROOT, TODAY, good_item, mkdocs_build
from gongkai.inspection import checks
from gongkai import pipeline
from gongkai.stages import load
from gongkai.inspection.checks import find_pii, mask, months_before

FIXTURE = ROOT / "tests" / "fixtures" / "inspection"
I = "catalogue/items/"

# Every planted finding: (code, file). Documented in tests/fixtures/inspection/README.md.
PLANTED = {
    ("timeliness-late", I + "xczx/2024/00404.md"),
    ("timeliness-late", I + "jdjc/2023/00410.md"),
    ("timeliness-late", I + "tzgg/2026/00004.md"),
    ("timeliness-late", I + "tjxx/2004/00001.md"),
    ("calendar-fallback", "catalogue/inspection.yml"),
    ("column-stale", "catalogue/columns.yml"),
    ("column-stale-veto", "catalogue/columns.yml"),
    ("column-stale-long-veto", "catalogue/columns.yml"),
    ("column-empty", "catalogue/columns.yml"),
    ("column-empty-veto", "catalogue/columns.yml"),
    ("nil-contradicted", "catalogue/nil.yml"),
    ("home-stale", "catalogue/items"),
    ("backdated", I + "gzdt/2026/00011.md"),
    ("date-future", I + "gfxwj/2026/00006.md"),
    ("relation-scheduled", I + "gzdt/2026/00005.md"),
    ("interpretation-early", I + "zcjd/2025/00003.md"),
    ("interpretation-missing", I + "gfxwj/2026/00003.md"),
    ("validity-expired", I + "gfxwj/2024/00001.md"),
    ("repealed-no-date", I + "gfxwj/2022/00001.md"),
    ("repealed-no-document", I + "gfxwj/2022/00001.md"),
    ("registered-no-validity", I + "tzgg/2025/00012.md"),
    ("typo", I + "gzdt/2026/00008.md"),
    ("sensitive-word", I + "gzdt/2026/00008.md"),
    ("secret-mark", I + "gzdt/2026/00008.md"),          # 内部资料 in the text
    ("pii-id-number", I + "gzdt/2026/00008.md"),
    ("pii-mobile", I + "gzdt/2026/00008.md"),
    ("pii-bank-card", I + "tzgg/2026/00009.md"),
    ("pii-unscanned", I + "tzgg/2026/00009.md"),
    ("pii-exception-reason", I + "tzgg/2026/00010.md"),
    ("pii-mobile", I + "tzgg/2026/00010.md"),
    ("unsafe-markup", I + "gzdt/2026/00012.md"),
    ("register-published", I + "tzgg/2025/00014.md"),
    ("register-open", "catalogue/reports/依申请登记.csv"),     # from report.register_checks
    ("standard-row-unknown", I + "xczx/2024/00404.md"),
    ("standard-row-empty", "catalogue/standard.yml"),
}


@pytest.fixture(scope="module")
def fixture_inspection():
    return pipeline.inspect(FIXTURE, TODAY).inspection


def codes(ins, code):
    return [f for f in ins.findings if f.code == code]


# --- the fixture catalogue ---------------------------------------------------

def test_fixture_reports_every_planted_finding(fixture_inspection):
    found = {(f.code, f.file) for f in fixture_inspection.findings}
    assert PLANTED <= found, sorted(PLANTED - found)
    # nothing unplanned, except "backdated" for more fixture files when the fixture was committed late
    extra = {(c, f) for c, f in found - PLANTED if c != "backdated"}
    assert not extra, sorted(extra)


def test_every_finding_is_explained(fixture_inspection):
    for f in fixture_inspection.findings:
        assert f.code and f.file and f.message, f
        assert re.search(r"[\u4e00-\u9fff]", f.message), f
        if isinstance(f, checks.Finding):
            assert f.rule and f.subject, f


def test_fixture_check_command_exits_non_zero(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), GONGKAI_TODAY=TODAY.isoformat())
    run = subprocess.run([sys.executable, "-m", "gongkai", "check", "--root", str(FIXTURE), "--report", str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 1, run.stdout[-2000:] + run.stderr[-2000:]
    assert "Traceback" not in run.stderr
    for code, _ in PLANTED:
        if code != "date-future":
            assert code in (tmp_path / "summary.md").read_text() or code in (tmp_path / "index.html").read_text()
    assert "unsafe-markup" not in run.stdout       # the console shows messages, the reports show codes
    assert "正文含有不安全的代码" in run.stdout


def test_example_passes_cleanly():
    ins = pipeline.inspect(ROOT, TODAY).inspection
    assert ins.complete
    assert not ins.findings, "\n".join(f.format() for f in ins.findings)
    assert all(v.status in ("通过", "构建时不检查") for v in ins.veto), ins.veto


def test_example_check_command_prints_clean_summary(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), GONGKAI_TODAY=TODAY.isoformat())
    run = subprocess.run([sys.executable, "-m", "gongkai", "check", "--report", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "自查通过：没有发现问题" in run.stdout and "检查通过" in run.stdout


# --- reports -----------------------------------------------------------------


def test_veto_table_in_the_shape_of_the_indicators(fixture_inspection):
    rows = {v.name: v for v in fixture_inspection.veto}
    assert rows["首页不更新"].status == "不通过"
    assert rows["栏目不更新（3）空白栏目"].status == "不通过"
    assert "行政事业性收费" in rows["栏目不更新（3）空白栏目"].evidence[0]
    assert rows["安全、泄密事故等严重问题（含伪造发稿日期）"].status == "不通过"
    assert rows["站点无法访问"].status == "构建时不检查"


def test_open_requests_listed_with_days_left(fixture_inspection):
    by_ref = {r["ref"]: r for r in fixture_inspection.requests}
    assert by_ref["2026-001"]["overdue"]
    assert by_ref["2026-002"]["limit"] == 40 and by_ref["2026-002"]["deadline"] == "2026-12-03"
    assert by_ref["2026-002"]["days_left"] == 4
    assert by_ref["2026-003"]["deadline"] == "2026-12-18" and not by_ref["2026-003"]["overdue"]


# --- single checks on a small project ------------------------------------------

def inspect(project, on_date=TODAY):
    return pipeline.inspect(project.root, on_date).inspection


def test_timeliness_counts_working_days_across_national_day(project):
    project.item("qtwj/2025/00001.md", good_item(1, 2025, 成文日期="2025-09-26", 发布日期="2025-10-30"))
    project.item("qtwj/2025/00002.md", good_item(2, 2025, 成文日期="2025-09-26", 发布日期="2025-10-31"))
    late = codes(inspect(project), "timeliness-late")
    assert [f.file for f in late] == [f"{I}qtwj/2025/00002.md"]
    assert "第21个工作日" in late[0].message and "2025-10-30 前" in late[0].message and late[0].field == "发布日期"


def test_own_time_limit_overrides_art26(project):
    project.item("qtwj/2025/00001.md", good_item(1, 2025, 成文日期="2025-03-03", 发布日期="2025-03-07",
                                                 公开时限="信息形成之日起3个工作日内"))
    project.item("qtwj/2025/00002.md", good_item(2, 2025, 成文日期="2025-03-03", 发布日期="2025-03-06",
                                                 公开时限="实时公开"))
    late = codes(inspect(project), "timeliness-late")
    assert {f.file for f in late} == {f"{I}qtwj/2025/00001.md", f"{I}qtwj/2025/00002.md"}


def test_backdating_uses_the_git_entry_date_and_follows_renames(project):
    def git(*args, when="2026-11-20T10:00:00"):
        env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when, GIT_AUTHOR_NAME="t",
                   GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
        subprocess.run(["git", *args], cwd=project.root, env=env, check=True, capture_output=True)
    git("init", "-q")
    project.item("qtwj/2026/a.md", good_item(1, 2026, 成文日期="2026-09-01", 发布日期="2026-09-02"))
    project.item("qtwj/2026/b.md", good_item(2, 2026, 成文日期="2026-11-16", 发布日期="2026-11-18"))
    git("add", ".")
    git("commit", "-q", "-m", "add")
    git("mv", "catalogue/items/qtwj/2026/a.md", "catalogue/items/qtwj/2026/00001.md")
    git("commit", "-q", "-m", "move", when="2026-11-27T10:00:00")
    assert load.entry_dates(project.root, "catalogue/items")[f"{I}qtwj/2026/00001.md"] == date(2026, 11, 20)
    found = codes(inspect(project), "backdated")
    assert [f.file for f in found] == [f"{I}qtwj/2026/00001.md"]
    assert "2026-11-20" in found[0].message and "早了79天" in found[0].message


def test_migration_record_excuses_history(project):
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    project.item("qtwj/2024/00001.md", good_item(1, 2024))
    (project.root / "catalogue/inspection.yml").write_text(
        "历史信息迁入:\n  - {发布日期截至: 2024-12-31, 入库日期截至: 2026-12-31, 说明: 从原平台迁入}\n")
    ins = inspect(project)
    assert not codes(ins, "backdated")
    assert any("迁入" in n for n in ins.notes)


def test_no_git_no_backdating_check(project):
    project.item("qtwj/2024/00001.md", good_item(1, 2024))
    ins = inspect(project)
    assert not codes(ins, "backdated") and any("git" in n for n in ins.notes)


def test_scheduled_item_is_held_back_until_its_date(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 成文日期="2026-11-27", 发布日期="2026-12-01", 定时发布="是"))
    early = pipeline.inspect(project.root, TODAY)
    assert not early.catalogue.items and [i.index_no for i in early.inspection.scheduled] == [f"{CODE}/2026-00001"]
    assert not early.inspection.errors
    later = pipeline.inspect(project.root, date(2026, 12, 1))
    assert [i.index_no for i in later.catalogue.items] == [f"{CODE}/2026-00001"]


def test_interpretation_before_its_document_is_an_error(project):
    doc = good_item(1, 2025, 栏目="规范性文件", 有效性="现行有效", 发布日期="2025-03-10")
    project.item("gfxwj/2025/00001.md", doc)
    project.item("zcjd/2025/00002.md", good_item(2, 2025, 栏目="政策解读", 体裁="解读", 文号=None, 发布日期="2025-03-09",
                                                 关联=[{"索引号": doc["索引号"], "关系": "解读"}]))
    ins = inspect(project)
    assert [f.severity for f in codes(ins, "interpretation-early")] == ["error"]
    assert not codes(ins, "interpretation-missing")


def test_documents_needing_interpretation_are_configurable(project):
    project.item("qtwj/2025/00001.md", good_item(1, 2025, 体裁="意见"))
    assert not codes(inspect(project), "interpretation-missing")
    (project.root / "catalogue/inspection.yml").write_text("需要解读:\n  体裁: [意见]\n")
    assert len(codes(inspect(project), "interpretation-missing")) == 1


@pytest.mark.parametrize("text, kind", [
    ("身份证号349901198603152424。", "身份证号"),
    ("证件号码 34990119860315242X 已核实", None),          # wrong check digit: not an ID number
    ("联系电话：138-0550-1234", "手机号"),
    ("电话 139 5501 2345", "手机号"),
    ("账户 6222021302005123459", "银行卡号"),
    ("账户 6222 0213 0200 5123 459", "银行卡号"),
    ("账户 6222021302005123458", None),                    # fails the Luhn check
    ("索引号 11349901MB1C2D3E3D/2024-00012，电话 0550-6021234", None),
    ("遮盖后 3499**********2424、138****1234", None),
    ("地区生产总值 298.6亿元，人均 53657元，2026年11月28日", None),
])
def test_find_pii(text, kind):
    found = find_pii(text)
    assert [k for k, _, _ in found] == ([kind] if kind else [])


def test_pii_mask_never_shows_the_whole_number():
    assert mask("349901198603152424") == "349***********2424"
    assert mask("13805501234") == "138****1234"


def test_pii_in_attachments_docx_xlsx_and_declared_exception(project):
    from docx import Document
    from openpyxl import Workbook
    folder = project.root / "catalogue/items/qtwj/2025/00001"
    folder.mkdir(parents=True)
    doc = Document()
    doc.add_paragraph("申请人身份证号：349901198603152424")
    doc.save(folder / "a.docx")
    wb = Workbook()
    wb.active.append(["联系人", "13905501234"])
    wb.save(folder / "b.xlsx")
    project.item("qtwj/2025/00001.md", good_item(1, 2025, 附件=[{"文件": "00001/a.docx", "标题": "甲"},
                                                             {"文件": "00001/b.xlsx", "标题": "乙"}],
                                                 个人信息例外=["手机号"], 个人信息例外理由="依法公示的联系人工作电话"))
    ins = inspect(project)
    assert [(f.code, f.field) for f in ins.findings if f.code.startswith("pii-")] == [("pii-id-number", "附件")]
    assert "a.docx" in codes(ins, "pii-id-number")[0].message
    assert len(ins.exceptions) == 1 and "依法公示" in ins.exceptions[0] and "13905501234" not in ins.exceptions[0]


def test_unknown_pii_exception_kind_is_a_validation_error(project):
    project.item("qtwj/2025/00001.md", good_item(1, 2025, 个人信息例外=["电话"], 个人信息例外理由="x"))
    assert [p.field for p in project.problems("bad-value")] == ["个人信息例外"]


def test_unsafe_markup_in_content_pages(project):
    page = project.root / "content/zhinan.md"
    page.write_text(page.read_text() + '\n<img src="x.png" onerror="alert(1)">\n')
    found = codes(inspect(project), "unsafe-markup")
    assert [f.file for f in found] == ["content/zhinan.md"] and found[0].line == page.read_text().count("\n")


def test_stale_and_empty_columns_and_nil_records(project):
    (project.root / "catalogue/inspection.yml").unlink()          # the column vetoes at their defaults
    project.item("gzdt/2026/00001.md", good_item(1, 2026, 栏目="工作动态", 文号=None, 成文日期="2026-11-01",
                                                 发布日期="2026-11-02"))
    ins = inspect(project)
    stale = {f.subject for f in codes(ins, "column-stale")}
    assert stale == {"工作动态"}
    assert "行政事业性收费" in {f.subject for f in codes(ins, "column-empty")}
    assert codes(ins, "column-empty-veto")[0].severity == "error"
    (project.root / "catalogue/nil.yml").write_text(
        "- {栏目: 行政事业性收费, 日期: 2026-01-05, 有效至: 2026-12-31, 审核人: 县政务公开办 王芳,"
        " 说明: 本机关2026年度无新设立的收费项目。}\n")
    ins = inspect(project)
    assert "行政事业性收费" not in {f.subject for f in codes(ins, "column-empty")}
    state = next(s for s in ins.columns if s.column.slug == "sfxm")
    assert state.status == "本期无此类信息" and state.nil.reviewer == "县政务公开办 王芳"
    # expired a month later
    ins = inspect(project, date(2027, 1, 4))
    assert "到期" in next(f for f in codes(ins, "column-empty") if f.subject == "行政事业性收费").message





def test_next_year_calendar_warning_from_december(project):
    assert not codes(inspect(project), "calendar-next-year")
    assert codes(inspect(project, date(2026, 12, 1)), "calendar-next-year")


def test_months_before_clamps_the_day():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_build_with_an_id_number_publishes_nothing(project, tmp_path):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 成文日期="2026-11-20", 发布日期="2026-11-25"),
                 body="经核实，申请人身份证号为349901198603152424。\n")
    out = tmp_path / "out"
    result = mkdocs_build(project.root, out)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "catalogue/items/qtwj/2026/00001.md 第" in result.stderr and "身份证号" in result.stderr
    assert not (out / "index.html").exists() and not list(out.rglob("*.html")) if out.exists() else True
    report = json.loads((project.root / "build/inspection/findings.json").read_text())
    assert "pii-id-number" in {f["code"] for f in report["findings"]}
