"""report_xlsx: the spreadsheet template of tables 二/三/四 and its import."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import TODAY
from gongkai import pipeline
from gongkai.annual import report
from gongkai.commands import report_xlsx
from gongkai.__main__ import main

FIXTURE = Path(__file__).parent / "fixtures" / "report"


@pytest.fixture
def reports_project(project):
    shutil.copytree(FIXTURE / "items", project.root / "catalogue" / "items", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "reports", project.root / "catalogue" / "reports")
    return project


def workbook(project, year: int, path: Path) -> Path:
    cat, reps = pipeline.annual_reports(project.root, TODAY)
    path.write_bytes(report_xlsx.template(report.draft(cat, year, reps)))
    return path


def find(ws, text: str):
    return next(c for row in ws.iter_rows() for c in row if c.value == text)


def set_row(ws, label: str, values: list, first_col: int) -> None:
    cell = find(ws, label)
    for i, v in enumerate(values):
        ws.cell(cell.row, first_col + i, v)


def import_(project, year: int, path: Path):
    cat, _ = pipeline.annual_reports(project.root, TODAY)
    return report_xlsx.import_workbook(cat, year, path, path.name)


def test_template_reads_back_to_the_same_numbers(reports_project, tmp_path):
    for year in (2024, 2025):
        path = workbook(reports_project, year, tmp_path / f"{year}.xlsx")
        data, problems = report_xlsx.read(path, path.name, year)
        assert not problems
        _, reps = pipeline.annual_reports(reports_project.root, TODAY)
        rep = reps.by_year[year]
        assert data.table2 == {k: f.value for k, f in rep.table2.items()}
        assert data.table3 == {k: f.value for k, f in rep.table3.items()}
        assert data.table4 == {k: f.value for k, f in rep.table4.items()}


def test_template_layout_follows_the_format(reports_project, tmp_path):
    wb = load_workbook(workbook(reports_project, 2025, tmp_path / "t.xlsx"))
    assert wb.sheetnames == ["填写说明", "表二", "表三", "表四", "补充信息"]
    t3 = wb["表三"]
    merged = {str(r) for r in t3.merged_cells.ranges}
    note = find(t3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
    assert f"{note.coordinate}:C{note.row + 2}" in merged
    results = find(t3, "三、本年度办理结果")
    assert f"A{results.row}:A{results.row + 21}" in merged
    # table 三 comes from the register: its cells are grey and commented
    assert t3.cell(results.row, 4).comment is not None
    assert wb["表二"].cell(find(wb["表二"], "行政许可").row, 2).comment is None


def test_filled_template_is_imported_into_the_data_file(reports_project, tmp_path):
    path = workbook(reports_project, 2024, tmp_path / "2024.xlsx")
    wb = load_workbook(path)
    top = find(wb["表四"], "行政复议").row
    for i, v in enumerate([1, 1, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 1):
        wb["表四"].cell(top + 3, i, v)
    set_row(wb["表二"], "行政许可", [400], 2)
    set_row(wb["表二"], "行政事业性收费", ["不适用"], 2)
    wb.save(path)
    text, problems = import_(reports_project, 2024, path)
    assert text is not None, [p.format() for p in problems]
    assert main(["report-import", "2024", str(path), "--root", str(reports_project.root)]) == 0
    saved = (reports_project.root / "catalogue/reports/2024.yml").read_text()
    assert "行政许可: 400" in saved and "行政事业性收费: 不适用" in saved and "行政复议: [1, 1, 0, 1, 3]" in saved
    assert "行政规范性文件" not in saved.split("表三")[0].split("表二:")[1]      # counted, not written
    _, reps = pipeline.annual_reports(reports_project.root, TODAY)
    assert reps.by_year[2024].table4["review_total"].amount == 3
    assert not [p for p in reps.problems if p.severity == "error"]


def test_import_refuses_a_broken_identity(reports_project, tmp_path, capsys):
    path = workbook(reports_project, 2024, tmp_path / "2024.xlsx")
    wb = load_workbook(path)
    set_row(wb["表三"], "一、本年新收政府信息公开申请数量", [4], 4)
    wb.save(path)
    before = (reports_project.root / "catalogue/reports/2024.yml").read_bytes()
    assert main(["report-import", "2024", str(path), "--root", str(reports_project.root)]) == 1
    out = capsys.readouterr().out
    assert "表三“自然人”列不平衡" in out and "“一、本年新收政府信息公开申请数量”4" in out and "未写入" in out
    assert (reports_project.root / "catalogue/reports/2024.yml").read_bytes() == before


def test_import_refuses_changed_computed_cells(reports_project, tmp_path):
    path = workbook(reports_project, 2025, tmp_path / "2025.xlsx")
    wb = load_workbook(path)
    set_row(wb["表二"], "行政规范性文件", [1, 1, 7], 2)
    set_row(wb["表三"], "（一）予以公开", [2], 4)
    wb.save(path)
    text, problems = import_(reports_project, 2025, path)
    assert text is None
    computed = [p for p in problems if p.code == "xlsx-computed"]
    assert computed and "由公开目录计算为 2，表格中填的是 7" in computed[0].message and "理由" in computed[0].hint
    register = [p for p in problems if p.code == "xlsx-register"]
    assert register and "“（一）予以公开”行“自然人”列 2（登记表 1）" in register[0].message
    assert register[0].field == f"表三!D{find(wb['表三'], '（一）予以公开').row}"


def test_import_rejects_2019_labels_and_bad_cells(reports_project, tmp_path):
    path = workbook(reports_project, 2024, tmp_path / "2024.xlsx")
    wb = load_workbook(path)
    find(wb["表二"], "本年制发件数").value = "本年新制作数量"
    set_row(wb["表二"], "行政处罚", [-3], 2)
    wb.save(path)
    text, problems = import_(reports_project, 2024, path)
    assert text is None
    assert any(p.code == "report-2019-format" and p.field.startswith("表二!") for p in problems)
    assert any("负数" in p.message and p.line for p in problems)


def test_import_of_something_else(reports_project, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_text("不是表格")
    text, problems = import_(reports_project, 2024, path)
    assert text is None and "另存为" in problems[0].hint
    buf = io.BytesIO()
    from openpyxl import Workbook
    Workbook().save(buf)
    path.write_bytes(buf.getvalue())
    text, problems = import_(reports_project, 2024, path)
    assert text is None and "找不到工作表“表二”" in problems[0].message


def test_template_for_a_year_without_data(reports_project, tmp_path, capsys):
    out = tmp_path / "2026.xlsx"
    assert main(["report-xlsx", "2026", str(out), "--root", str(reports_project.root)]) == 0
    wb = load_workbook(out)
    valid = find(wb["表二"], "行政规范性文件")
    assert [wb["表二"].cell(valid.row, c).value for c in (2, 3, 4)] == [0, 0, 2]
    assert find(wb["表二"], "行政许可").offset(0, 1).value is None
    assert main(["report-xlsx", "20x6", str(out), "--root", str(reports_project.root)]) == 2
