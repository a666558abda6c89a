"""Issue 15 (年报): what a clerk filling in the annual report still tripped over in the five-report trial."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import ROOT, TODAY
from gongkai import pipeline, report, report_xlsx
from gongkai.__main__ import main
from gongkai.problems import ERROR, WARNING, InputError, Problem

FIXTURE = Path(__file__).parent / "fixtures" / "report"
REPORT_2025 = "ndbg/2026/00001.md"
REPORT_2024 = "ndbg/2025/00001.md"


@pytest.fixture
def reports_project(project):
    shutil.copytree(FIXTURE / "items", project.root / "catalogue" / "items", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "reports", project.root / "catalogue" / "reports")
    return project


def report_problems(project, prefix=("report-", "register-")):
    _, problems = project.check()
    return [p for p in problems if p.code.startswith(prefix)]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def data_file(project, year: int) -> Path:
    return project.root / "catalogue" / "reports" / f"{year}.yml"


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
