"""report_data: the format, report data files and the 依申请 register."""
from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, TODAY
from gongkai.annual import report_data as rd
from gongkai.stages import load

FIXTURE = Path(__file__).parent / "fixtures" / "report"
FORMAT = yaml.safe_load((ROOT / "hooks/gongkai/data/annual_report_2021.yaml").read_text())
CHANNELS = ["当面提交", "邮政寄送", "传真", "电子邮件"]
HEADER = "编号,收到日期,渠道,申请人类型,办理结果,答复日期,延期,补正\n"


def test_table3_layout_matches_the_format_spans():
    fmt = rd.load_format()
    spans = {c.text: c.rowspan for cells in fmt.t3_labels.values() for c in cells if c.rowspan > 1}
    assert spans == {g["label"]: g["rowspan"] for g in FORMAT["tables"]["table3"]["row_groups"]}
    for row in FORMAT["tables"]["table3"]["rows"]:
        cells = fmt.t3_labels[row["key"]]
        assert cells[-1].text == row["label"]
        assert sum(c.colspan for c in cells if c.rowspan == 1) + sum(1 for c in cells if c.rowspan > 1) <= 3
        if "label_colspan" in row:
            assert cells[-1].colspan == row["label_colspan"]
    corner = fmt.t3_header[0][0]
    assert (corner.text, corner.rowspan, corner.colspan, corner.header) == (
        FORMAT["tables"]["table3"]["header_note"], 3, 3, False)
    assert [c["key"] for c in fmt.applicant_columns] == [c["key"] for c in FORMAT["tables"]["table3"]["columns"][:6]]
    assert len(fmt.outcome_rows) == 21


@pytest.mark.parametrize("raw,decimal,state,number", [
    (None, False, "not_filled", None), ("", False, "not_filled", None), ("不适用", False, "not_applicable", None),
    (0, False, "number", 0), ("１２", False, "number", 12), ("1,234", False, "number", 1234), (3.0, False, "number", 3),
    ("12.50", True, "number", Decimal("12.50")), (0.5, True, "number", Decimal("0.5")),
])
def test_parse_value_keeps_zero_blank_and_not_applicable_apart(raw, decimal, state, number):
    value, reason = rd.parse_value(raw, decimal)
    assert reason is None and value.state == state and value.number == number


@pytest.mark.parametrize("raw,decimal,fragment", [
    (-1, False, "负数"), (1.5, False, "不是整数"), ("—", False, "不是数字"), (True, False, "是/否"), ("-0.1", True, "负数")])
def test_parse_value_rejects(raw, decimal, fragment):
    value, reason = rd.parse_value(raw, decimal)
    assert value is None and fragment in reason


def test_dump_and_parse_round_trip():
    cfg, problems = load.load_yaml_file(FIXTURE / "reports" / "2024.yml", FIXTURE)
    first, problems = rd.parse_data(cfg, 2024)
    assert not problems
    first.overrides[("normative_documents", "currently_valid")] = (rd.number(5), "理由：含“引号”")
    text = rd.dump_data(first)
    again, problems = rd.parse_data_text(text, "x.yml", 2024)
    assert not problems
    assert (again.table2, again.table3, again.table4, again.overrides) == (
        first.table2, first.table3, first.table4, first.overrides)


def test_data_file_problems_name_the_line(tmp_path):
    path = tmp_path / "2025.yml"
    path.write_text("报告年度: 2024\n表二:\n  行政许可: 1\n  行政处理: 2\n表五: 1\n表四:\n  行政诉讼: [0, 0, 0, 0, 0]\n")
    cfg, _ = load.load_yaml_file(path, tmp_path)
    data, problems = rd.parse_data(cfg, 2025)
    assert data is None
    by_line = {p.line: p for p in problems}
    assert "不一致" in by_line[1].message
    assert "行政处罚" in by_line[4].hint
    assert "不是可用的项目" in by_line[5].message
    assert "未经复议直接起诉" in by_line[7].message


# --- the register -----------------------------------------------------------------------

def register(tmp_path: Path, text: str, encoding: str = "utf-8", bom: bool = False):
    folder = tmp_path / "catalogue" / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / rd.REGISTER_NAME
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding))
    file, = (f for f in load.report_files(folder, tmp_path) if f.name == rd.REGISTER_NAME)
    return rd.load_register(file, CHANNELS, TODAY)


def test_register_with_bom_tabs_and_excel_dates(tmp_path):
    reg, problems = register(tmp_path, HEADER.replace(",", "\t") + "1\t2025/3/5\t当面提交\t自然人\t予以公开\t2025年3月12日\t\t\n",
                             bom=True)
    assert not problems
    app, = reg.applications
    assert (app.received, app.replied, app.outcome, app.applicant) == (
        date(2025, 3, 5), date(2025, 3, 12), "disclosed", "natural_person")


def test_register_in_gbk_is_detected(tmp_path):
    reg, problems = register(tmp_path, HEADER + "1,2025-03-05,当面提交,自然人,予以公开,2025-03-12,,\n", "gbk")
    assert reg is None and "GBK" in problems[0].message and "CSV UTF-8" in problems[0].hint


@pytest.mark.parametrize("header", ["姓名", "联系电话", "备注"])
def test_register_refuses_personal_columns(tmp_path, header):
    reg, problems = register(tmp_path, HEADER.strip() + f",{header}\n")
    assert reg is None and problems[0].code == "register-personal" and header in problems[0].message


@pytest.mark.parametrize("cell", ["13912345678", "zhang@example.com", "340101199001011234", "0550-6021234"])
def test_register_refuses_contact_details_in_cells(tmp_path, cell):
    _, problems = register(tmp_path, HEADER + f"{cell},2025-03-05,当面提交,自然人,予以公开,2025-03-12,,\n")
    assert any("个人信息" in p.message for p in problems)


@pytest.mark.parametrize("row,fragment,hint", [
    ("1,2025-03-05,当面提交,自然人,政府信息不存在,2025-03-12,,", "2019年以前", "1.本机关不掌握相关政府信息"),
    ("1,2025-03-05,当面提交,个人,予以公开,2025-03-12,,", "不是表三的申请人类型", "自然人"),
    ("1,2025-03-05,当面提交,自然人,予以公开,,,", "没有答复日期", ""),
    ("1,2025-03-05,当面提交,自然人,,2025-03-12,,", "没有办理结果", "（一）予以公开"),
    ("1,2025-03-05,当面提交,自然人,予以公开,2025-03-01,,", "早于收到日期", ""),
    ("1,2025-02-30,当面提交,自然人,予以公开,2025-03-12,,", "不是真实存在的日期", ""),
    ("1,2025-03-05,当面提交,自然人,予以公开,2025-03-12,可能,", "应填“是”或“否”", ""),
    (",,当面提交,自然人,予以公开,2025-03-12,,", "未填写", ""),
])
def test_register_row_errors(tmp_path, row, fragment, hint):
    reg, problems = register(tmp_path, HEADER + row + "\n")
    assert reg.applications == []
    hit = [p for p in problems if fragment in p.message]
    assert hit and hint in hit[0].hint and hit[0].line == 2


def test_register_unknown_channel_warns(tmp_path):
    reg, problems = register(tmp_path, HEADER + "1,2025-03-05,网上申请,自然人,予以公开,2025-03-12,,\n")
    assert len(reg.applications) == 1 and problems[0].severity == "warning" and "电子邮件" in problems[0].hint


def test_files_with_other_names_are_flagged(tmp_path):
    (tmp_path / "catalogue" / "reports").mkdir(parents=True)
    shutil.copy(FIXTURE / "reports" / "2025.yml", tmp_path / "catalogue" / "reports" / "2025年.yml")
    found = rd.load_reports(load.report_files(tmp_path / "catalogue" / "reports", tmp_path), CHANNELS, TODAY)
    assert found.data == {} and "2025.yml" in found.problems[0].hint
