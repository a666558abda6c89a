"""Issue 15 (年报): what a clerk filling in the annual report still tripped over in the five-report trial."""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ROOT, TODAY
from gongkai import pipeline
from gongkai.annual import report
from gongkai.__main__ import main
from gongkai.core.problems import ERROR, WARNING, InputError, Problem

from test_report import data_file, edit, report_problems, reports_project  # noqa: F401 - a fixture
from test_report_xlsx import find, import_, workbook

REPORT_2025 = "ndbg/2026/00001.md"
REPORT_2024 = "ndbg/2025/00001.md"


def body(project, rel: str) -> Path:
    return project.root / "catalogue" / "items" / rel


# --- 1. report-xlsx with a relative file name -------------------------------------------------

def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), GONGKAI_TODAY=TODAY.isoformat())
    return subprocess.run([sys.executable, "-m", "gongkai", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_report_xlsx_writes_a_relative_file_in_the_current_directory(reports_project):
    root = reports_project.root
    done = run_cli(["report-xlsx", "2025", "年报2025.xlsx"], root)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert load_workbook(root / "年报2025.xlsx").sheetnames[:2] == ["填写说明", "表二"]
    elsewhere = root / "work"
    elsewhere.mkdir()
    done = run_cli(["report-xlsx", "2025", "表.xlsx", "--root", ".."], elsewhere)
    assert done.returncode == 0 and (elsewhere / "表.xlsx").is_file(), done.stdout + done.stderr


def test_report_xlsx_into_a_missing_folder_says_so_in_chinese(reports_project):
    done = run_cli(["report-xlsx", "2025", "没有的文件夹/年报2025.xlsx"], reports_project.root)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "没有的文件夹" in done.stdout and "文件夹" in done.stdout
    assert not (reports_project.root / "没有的文件夹").exists()


# --- 3. the 2019-format row label 规范性文件 ---------------------------------------------------

def test_2019_row_label_is_accepted_with_its_2021_equivalent(reports_project):
    edit(data_file(reports_project, 2025), "表二:\n",
         "表二:\n  规范性文件:\n    现行有效件数: {数值: 2, 理由: 按2019年试行格式的报告重新录入}\n")
    problems = report_problems(reports_project)
    assert not [p for p in problems if p.severity == ERROR], [p.format() for p in problems]
    legacy = [p for p in problems if p.code == "report-2019-format"]
    assert legacy and legacy[0].severity == WARNING
    assert "规范性文件" in legacy[0].message and "行政规范性文件" in legacy[0].message + legacy[0].hint
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    assert reps.by_year[2025].table2[("normative_documents", "currently_valid")].source == report.BY_HAND


def test_a_data_file_with_errors_is_not_reported_missing(reports_project):
    edit(data_file(reports_project, 2025), "行政许可: 298", "行政许可: 二百")
    problems = report_problems(reports_project)
    assert [p for p in problems if p.code == "report-data" and p.file == "catalogue/reports/2025.yml"]
    assert not [p for p in problems if p.code == "report-data-missing"], [p.format() for p in problems]


# --- 4. every problem at its own level ------------------------------------------------------------

class FakeConfig:
    def __init__(self, root: Path):
        self.config_file_path = str(root / "mkdocs.yml")
        self.site_url = ""


def test_mkdocs_hook_logs_warnings_as_warnings_when_the_build_fails(monkeypatch, caplog, tmp_path):
    sys.path.insert(0, str(ROOT / "hooks"))
    import mkdocs_hook
    from mkdocs.exceptions import Abort
    found = [Problem("x-error", "catalogue/items/a.md", "一个错误。"),
             Problem("x-warning", "catalogue/reports/2025.yml", "一个提醒。", severity=WARNING)]

    def fail(*args, **kwargs):
        raise InputError(found)
    monkeypatch.setattr(mkdocs_hook.pipeline, "build", fail)
    with caplog.at_level(logging.DEBUG, logger="mkdocs.gongkai"), pytest.raises(Abort):
        mkdocs_hook.on_config(FakeConfig(tmp_path))
    levels = {r.getMessage(): r.levelno for r in caplog.records}
    assert levels[found[0].format()] == logging.ERROR
    assert levels[found[1].format()] == logging.WARNING


def test_check_command_labels_each_problem_by_its_own_level(reports_project, capsys):
    edit(data_file(reports_project, 2024), "一、本年新收政府信息公开申请数量: [3, 1, 0, 0, 0, 0, 4]",
         "一、本年新收政府信息公开申请数量: [3, 2, 0, 0, 0, 0, 5]")
    edit(data_file(reports_project, 2025), "行政强制: 2", "行政强制:")
    assert main(["check", "--root", str(reports_project.root), "--report", str(reports_project.root / "out")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("[错误]") and "不平衡" in line for line in out)
    assert any(line.startswith("[提醒]") and "未填写" in line for line in out)
    assert not any(line.startswith("[错误]") and "未填写" in line for line in out)


# --- 5. false warnings on real reports ----------------------------------------------------------

def test_title_with_niandu_is_accepted(reports_project):
    edit(body(reports_project, REPORT_2025), "办公室2025年政府信息", "办公室2025年度政府信息")
    assert not [p for p in report_problems(reports_project) if p.code == "report-title"]
    edit(body(reports_project, REPORT_2025), "办公室2025年度政府信息", "办公室2024年度政府信息")
    assert [p for p in report_problems(reports_project) if p.code == "report-title"]


@pytest.mark.parametrize("text", ["本年度未发生收费情况。", "本年度未收取任何费用。", "本机关无收费。",
                                  "依申请提供政府信息，不收取费用。", "全年没有收取信息处理费。"])
def test_fee_statements_in_other_words_are_accepted(reports_project, text):
    edit(body(reports_project, REPORT_2025), "本年度收取信息处理费0元。", text)
    assert not [p for p in report_problems(reports_project) if p.code == "report-fee"]


def test_fee_statement_still_required(reports_project):
    edit(body(reports_project, REPORT_2025), "本年度收取信息处理费0元。", "本年度无其他需要报告的事项。")
    assert [p for p in report_problems(reports_project) if p.code == "report-fee"]


# --- 2. figures restated in the text (the fixture's own report; the trial has the full set) -----------------

@pytest.mark.parametrize("section,sentence,cell", [
    ("## 五、", "全年被申请行政复议2件，其中纠正1件。", ["表四", "“行政复议”组“总计”列", "（1）"]),
    ("## 六、", "本年度未发生因政府信息公开引起的行政复议、行政诉讼。", ["表四", "“行政复议”组“总计”列"]),
    ("## 五、", "依申请公开办结4件，结转下年度1件。", ["表三", "“（七）总计”行“总计”列", "（3）"]),
    ("## 六、", "全年公开行政处罚决定30件，行政事业性收费11.4万元。", ["表二", "“行政处罚”行", "（31）"]),
])
def test_a_figure_restated_in_any_section_is_compared_with_its_cell(reports_project, section, sentence, cell):
    path = body(reports_project, REPORT_2025)
    text = path.read_text()
    head = text.index(section)
    end = text.index("\n", head)
    path.write_text(text[:end + 1] + "\n" + sentence + "\n" + text[end + 1:])
    found = [p for p in report_problems(reports_project) if p.code == "report-text-number"]
    assert len(found) == 1, [p.format() for p in found]
    assert all(c in found[0].message for c in cell), found[0].message
    assert found[0].line and sentence.split("，")[0][:6] in path.read_text().split("\n")[found[0].line - 1]


def test_matching_restatements_in_every_section_pass(reports_project):
    path = body(reports_project, REPORT_2025)
    edit(path, "## 五、存在的主要问题及改进情况\n", "## 五、存在的主要问题及改进情况\n\n全年被申请行政复议1件，其中纠正1件。"
         "依申请公开办结3件，结转下年度1件；予以公开1件，部分公开1件，本机关不掌握相关政府信息的1件。\n")
    edit(path, "本年度收取信息处理费0元。", "本年度收取信息处理费0元。全年公开行政许可决定298件、行政处罚决定31件，"
         "实施行政强制措施2件，行政事业性收费11.4万元。")
    assert not [p for p in report_problems(reports_project) if p.code == "report-text-number"]


# --- 7. a printed heading that differs from the format ----------------------------------------------

@pytest.mark.parametrize("heading", ["五、存在问题及改进情况", "**五、存在问题及改进情况**", "### 五、存在问题及改进情况"])
def test_a_heading_written_otherwise_is_read_as_its_section_and_said_so(reports_project, heading):
    edit(body(reports_project, REPORT_2025), "## 五、存在的主要问题及改进情况", heading)
    problems = [p for p in report_problems(reports_project) if p.code == "report-section"]
    assert not [p for p in problems if "缺少" in p.message]
    said = [p for p in problems if "存在问题及改进情况" in p.message and "存在的主要问题及改进情况" in p.message]
    assert said and said[0].line == 17, [p.format() for p in problems]
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    assert "## 五、存在的主要问题及改进情况" in reps.by_year[2025].markdown


# --- 8. continuity of 现行有效件数 --------------------------------------------------------------

def continuity(project):
    return [p for p in report_problems(project) if p.code == "report-valid-continuity"]


def test_continuity_tells_a_rise_from_a_fall(reports_project):
    path = data_file(reports_project, 2025)
    edit(path, "表二:\n", "表二:\n  行政规范性文件:\n    现行有效件数: {数值: 4, 理由: 测试}\n")
    rise = continuity(reports_project)
    assert rise and "多出 2 件" in rise[0].message and "失效只会减少" in rise[0].message
    edit(path, "{数值: 4, 理由: 测试}", "{数值: 1, 理由: 测试}")
    fall = continuity(reports_project)
    assert fall and "少 1 件" in fall[0].message and "多出" not in fall[0].message


def test_continuity_does_not_count_catalogue_lapses_when_every_cell_is_written_by_hand(reports_project):
    edit(body(reports_project, "gfxwj/2024/00001.md"), "失效日期: 2029-02-28", "失效日期: 2025-09-30")
    # by hand: 2024 valid 2, 2025 issued 1, repealed 1 → 2 expected; the office says 1, the catalogue's lapse
    # (1 in 2025) must not excuse the difference since none of the row's cells comes from the catalogue
    edit(data_file(reports_project, 2025), "表二:\n", "表二:\n  行政规范性文件:\n"
         "    本年制发件数: {数值: 1, 理由: 按发文登记簿}\n    本年废止件数: {数值: 1, 理由: 按发文登记簿}\n"
         "    现行有效件数: {数值: 1, 理由: 按发文登记簿}\n")
    found = continuity(reports_project)
    assert found and "少 1 件" in found[0].message and "本年到期失效" not in found[0].message


# --- 9. opening stock and the publication deadline ---------------------------------------------------

def test_opening_stock_is_stated_once_and_carried_forward(reports_project):
    edit(data_file(reports_project, 2024), "报告年度: 2024\n", "报告年度: 2024\n期初现行有效件数:\n  行政规范性文件: 12\n")
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    valid = lambda y: reps.by_year[y].table2[("normative_documents", "currently_valid")]  # noqa: E731
    assert valid(2024).amount == 14 and valid(2025).amount == 14      # 12 not in the catalogue + 2 in it
    assert valid(2024).source == report.FROM_CATALOGUE and valid(2024).opening == 12
    said = [p for p in report_problems(reports_project) if p.code == "report-text-number"]
    assert [p.line for p in said] == [15] and "（14）" in said[0].message      # the 2025 text still says 2
    edit(body(reports_project, REPORT_2025), "现行有效行政规范性文件2件", "现行有效行政规范性文件14件")
    assert report_problems(reports_project) == []


def test_opening_stock_below_the_catalogue_is_an_error(reports_project):
    # the two 2024 documents are in force on 2024-12-31; an opening of 1 on 2025-01-01 cannot be
    edit(data_file(reports_project, 2025), "报告年度: 2025\n", "报告年度: 2025\n期初现行有效件数:\n  行政规范性文件: 1\n")
    found = [p for p in report_problems(reports_project) if p.code == "report-opening"]
    assert found and found[0].severity == ERROR and found[0].line == 3 and "已有 2 件" in found[0].message


@pytest.mark.parametrize("title,published,late", [
    ("示例县人民政府2025年政府信息公开工作年度报告", "2026-03-20", False),        # a level of government: 3月31日
    ("示例县人民政府办公室2025年政府信息公开工作年度报告", "2026-02-03", True),   # a department: 1月31日
    ("示例县城关镇人民政府2025年政府信息公开工作年度报告", "2026-02-03", True),   # a township (default 1月31日)
])
def test_deadline_follows_the_format(reports_project, title, published, late):
    path = body(reports_project, REPORT_2025)
    edit(path, "标题: 示例县人民政府办公室2025年政府信息公开工作年度报告", f"标题: {title}")
    edit(path, "发布日期: 2026-01-20", f"发布日期: {published}")
    assert bool([p for p in report_problems(reports_project) if p.code == "report-late"]) == late
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    assert str(reps.by_year[2025].deadline) == ("2026-03-31" if not late else "2026-01-31")


def test_opening_stock_is_shown_in_the_basis_and_the_json(reports_project):
    import json
    from gongkai.stages import derive, render
    edit(data_file(reports_project, 2025), "报告年度: 2025\n", "报告年度: 2025\n期初现行有效件数:\n  行政规范性文件: 9\n")
    cat, reps = pipeline.annual_reports(reports_project.root, TODAY)
    out = render.render(cat, derive.derive(cat), None, "", None, reps)
    rep = reps.by_year[2025]
    html = next(p.body for p in out.bulk_pages if p.path == f"gk/{rep.item.slug}/")
    assert "含期初现行有效、未录入公开目录的文件 7 件" in html
    data = json.loads(next(a for a in out.assets if a.path.endswith("report-2025.json")).data)
    assert data["table2"][0]["rows"][1]["cells"]["currently_valid"]["not_in_catalogue"] == 7


# --- 6. the spreadsheet round trip ---------------------------------------------------------------

def test_round_trip_keeps_overrides_deadline_and_opening_stock(reports_project, tmp_path):
    from gongkai.annual import report_data
    edit(data_file(reports_project, 2025), "报告年度: 2025\n表二:\n",
         "报告年度: 2025\n发布期限: 2026-01-25\n期初现行有效件数:\n  行政规范性文件: 4\n"
         "表二:\n  行政规范性文件:\n    本年制发件数: {数值: 2, 理由: 一件文件尚未录入公开目录}\n")
    before, _ = report_data.parse_data_text(data_file(reports_project, 2025).read_text(), "x.yml", 2025)
    path = workbook(reports_project, 2025, tmp_path / "2025.xlsx")
    text, problems = import_(reports_project, 2025, path)
    assert text is not None, [p.format() for p in problems]
    after, _ = report_data.parse_data_text(text, "x.yml", 2025)
    assert after.overrides == before.overrides == {
        ("normative_documents", "issued_this_year"): (report_data.number(2), "一件文件尚未录入公开目录")}
    assert after.deadline == before.deadline and after.opening == before.opening == {"normative_documents": 4}
    assert after.table2 == before.table2 and after.table4 == before.table4


def test_an_override_is_typed_into_the_sheet_with_its_reason(reports_project, tmp_path):
    path = workbook(reports_project, 2025, tmp_path / "2025.xlsx")
    wb = load_workbook(path)
    ws = wb["表二"]
    row = find(ws, "行政规范性文件").row
    reason = find(ws, "改写理由（现行有效件数）")
    ws.cell(row, 4, 7)
    wb.save(path)
    text, problems = import_(reports_project, 2025, path)
    assert text is None
    where = [p for p in problems if p.code == "xlsx-computed"]
    assert where and where[0].file == "2025.xlsx" and where[0].line == row and where[0].field == f"表二!D{row}"
    assert "改写理由（现行有效件数）" in where[0].hint
    ws.cell(row, reason.column, "2019年以前制发的5件尚未录入公开目录")
    wb.save(path)
    text, problems = import_(reports_project, 2025, path)
    assert text is not None and "现行有效件数: {数值: 7, 理由: \"2019年以前制发的5件尚未录入公开目录\"}" in text


def test_deadline_and_opening_stock_are_filled_in_the_workbook(reports_project, tmp_path):
    path = workbook(reports_project, 2025, tmp_path / "2025.xlsx")
    wb = load_workbook(path)
    ws = wb["补充信息"]
    ws.cell(find(ws, "发布期限").row, 2, "2026-03-31")
    ws.cell(find(ws, "期初现行有效件数·行政规范性文件").row, 2, 6)
    wb.save(path)
    text, problems = import_(reports_project, 2025, path)
    assert text is not None, [p.format() for p in problems]
    assert "发布期限: 2026-03-31" in text and "期初现行有效件数:" in text and "  行政规范性文件: 6" in text


def test_import_errors_point_to_the_cells_the_clerk_sees(reports_project, tmp_path):
    path = workbook(reports_project, 2024, tmp_path / "2024.xlsx")
    wb = load_workbook(path)
    ws = wb["表三"]
    row = find(ws, "一、本年新收政府信息公开申请数量").row
    ws.cell(row, 5, 2)          # 商业企业 1 → 2: the column no longer balances
    ws.cell(row, 10, 5)
    wb.save(path)
    text, problems = import_(reports_project, 2024, path)
    assert text is None
    assert not [p for p in problems if p.file.endswith(".yml")], [p.format() for p in problems]
    balance = [p for p in problems if p.code == "report-identity" and "“商业企业”列" in p.message]
    assert balance and balance[0].file == "2024.xlsx" and balance[0].line == row and balance[0].field == f"表三!E{row}"
    path = workbook(reports_project, 2025, tmp_path / "2025.xlsx")
    wb = load_workbook(path)
    ws = wb["补充信息"]
    row = find(ws, "期初现行有效件数·行政规范性文件").row
    ws.cell(row, 2, 1)          # the catalogue alone holds 2 documents in force on 2024-12-31
    wb.save(path)
    text, problems = import_(reports_project, 2025, path)
    assert text is None
    opening = [p for p in problems if p.code == "report-opening"]
    assert opening and (opening[0].file, opening[0].line, opening[0].field) == ("2025.xlsx", row, f"补充信息!B{row}")


def test_a_negated_qualified_review_names_the_cell_it_restates(reports_project):
    # 2024: one 行政复议, 结果维持; “no review was corrected” is true, “no review” is not
    path = body(reports_project, REPORT_2024)
    edit(path, "本年新收政府信息公开申请4件。", "本年新收政府信息公开申请4件，未发生因答复不规范引起的行政复议纠错。")
    assert not [p for p in report_problems(reports_project) if p.code == "report-text-number"]
    edit(path, "未发生因答复不规范引起的行政复议纠错。", "未发生因政府信息公开引起的行政复议。")
    found = [p for p in report_problems(reports_project) if p.code == "report-text-number"]
    assert len(found) == 1 and "表四“行政复议”组“总计”列（1）" in found[0].message


def test_documents_added_to_the_catalogue_later_are_not_counted_twice(reports_project):
    from conftest import good_item
    edit(data_file(reports_project, 2024), "报告年度: 2024\n", "报告年度: 2024\n期初现行有效件数:\n  行政规范性文件: 12\n")
    reports_project.item("gfxwj/2018/00005.md", good_item(
        5, 2018, 栏目="规范性文件", 有效性="现行有效", 标题="示例县人民政府关于印发《示例县殡葬管理办法》的通知"))
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    fig = reps.by_year[2024].table2[("normative_documents", "currently_valid")]
    assert (fig.amount, fig.opening) == (14, 11)


@pytest.mark.parametrize("title,overdue", [("示例县人民政府2024年政府信息公开工作年度报告", False),
                                           ("示例县人民政府办公室2024年政府信息公开工作年度报告", True)])
def test_overdue_uses_the_offices_own_deadline(reports_project, title, overdue):
    from datetime import date
    (reports_project.root / "catalogue/items" / REPORT_2025).unlink()
    data_file(reports_project, 2025).unlink()
    (reports_project.root / "catalogue/reports/依申请登记.csv").unlink()
    edit(body(reports_project, REPORT_2024), "标题: 示例县人民政府办公室2024年政府信息公开工作年度报告", f"标题: {title}")
    _, problems = pipeline.check(reports_project.root, date(2026, 2, 15))
    assert bool([p for p in problems if p.code == "report-overdue"]) == overdue
