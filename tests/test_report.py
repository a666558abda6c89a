"""report: tables 二/三/四 from the catalogue, the register and report data; identities; narrative checks."""
from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import CODE, ROOT, TODAY, good_item

FIXTURE = Path(__file__).parent / "fixtures" / "report"
SPEC = ROOT.parent / "shared" / "spec" / "annual-report-format.yaml"
FORMAT = yaml.safe_load((ROOT / "hooks/gongkai/data/annual_report_2021.yaml").read_text())
REPORT_2025 = "ndbg/2026/00001.md"


@pytest.fixture
def reports_project(project):
    shutil.copytree(FIXTURE / "items", project.root / "catalogue" / "items", dirs_exist_ok=True)
    shutil.copytree(FIXTURE / "reports", project.root / "catalogue" / "reports")
    return project


def build(project):
    from gongkai import pipeline
    return pipeline.annual_reports(project.root, TODAY)


def report_problems(project, prefix=("report-", "register-")):
    _, problems = project.check()
    return [p for p in problems if p.code.startswith(prefix)]


def data_file(project, year: int) -> Path:
    return project.root / "catalogue" / "reports" / f"{year}.yml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def label(table: str, key: str) -> str:
    t = FORMAT["tables"][table]
    if table == "table2":
        found = [x for b in t["blocks"] for x in b["rows"] + b["columns"] if x["key"] == key]
    else:
        found = [x for x in t["rows" if table == "table3" else "columns"] + t["columns"] + t.get("rows", [])
                 if x["key"] == key]
    return found[0]["label"]


# --- the format file ------------------------------------------------------------------

@pytest.mark.skipif(not SPEC.exists(), reason="shared spec not present")
def test_format_file_is_a_verbatim_copy_of_the_spec():
    assert (ROOT / "hooks/gongkai/data/annual_report_2021.yaml").read_bytes() == SPEC.read_bytes()


def test_fixture_passes_every_report_check(reports_project):
    assert report_problems(reports_project) == []


# --- table 二 from the catalogue ----------------------------------------------------------

def t2(rep, row, col):
    return rep.table2[(row, col)].amount


def test_table2_counts_normative_documents_from_the_catalogue(reports_project):
    _, reps = build(reports_project)
    r24, r25 = reps.by_year[2024], reps.by_year[2025]
    assert (t2(r24, "normative_documents", "issued_this_year"), t2(r24, "normative_documents", "repealed_this_year"),
            t2(r24, "normative_documents", "currently_valid")) == (2, 0, 2)
    assert (t2(r25, "normative_documents", "issued_this_year"), t2(r25, "normative_documents", "repealed_this_year"),
            t2(r25, "normative_documents", "currently_valid")) == (1, 1, 2)
    assert [t2(r25, "rules", c) for c in ("issued_this_year", "repealed_this_year", "currently_valid")] == [0, 0, 0]


def test_table2_follows_new_and_repealed_documents_without_touching_the_report(reports_project):
    before = {p.name: p.read_bytes() for p in (reports_project.root / "catalogue/reports").iterdir()}
    reports_project.item("gfxwj/2025/00009.md", good_item(
        9, 2025, 栏目="规范性文件", 有效性="现行有效", 成文日期="2025-08-04", 发布日期="2025-08-08",
        标题="示例县人民政府关于印发《示例县殡葬管理办法》的通知"))
    _, reps = build(reports_project)
    assert t2(reps.by_year[2025], "normative_documents", "issued_this_year") == 2
    assert t2(reps.by_year[2025], "normative_documents", "currently_valid") == 3
    edit(reports_project.root / "catalogue/items/gfxwj/2025/00001.md", "有效性: 现行有效", "有效性: 已废止\n废止日期: 2025-11-30")
    _, reps = build(reports_project)
    assert t2(reps.by_year[2025], "normative_documents", "repealed_this_year") == 2
    assert t2(reps.by_year[2025], "normative_documents", "currently_valid") == 2
    assert {p.name: p.read_bytes() for p in (reports_project.root / "catalogue/reports").iterdir()} == before


def test_interpretations_and_other_columns_are_not_counted(reports_project):
    reports_project.item("gfxwj/2025/00008.md", good_item(8, 2025, 栏目="规范性文件", 有效性="现行有效", 体裁="解读"))
    reports_project.item("qtwj/2025/00007.md", good_item(7, 2025))
    _, reps = build(reports_project)
    assert t2(reps.by_year[2025], "normative_documents", "issued_this_year") == 1


def test_override_needs_a_reason_and_is_reported_with_it(reports_project):
    path = data_file(reports_project, 2025)
    edit(path, "表二:\n", "表二:\n  行政规范性文件:\n    现行有效件数: 5\n")
    assert any("必须写明理由" in p.message or "数值" in p.message for p in report_problems(reports_project))
    edit(path, "现行有效件数: 5\n", "现行有效件数: {数值: 5, 理由: 2019年以前制发的3件文件尚未录入公开目录}\n")
    _, problems = reports_project.check()
    found = [p for p in problems if p.code == "report-override"]
    assert found and found[0].severity == "warning"
    assert "2019年以前制发的3件文件尚未录入公开目录" in found[0].message and "5" in found[0].message
    assert "按公开目录计算为 2" in found[0].message
    _, reps = build(reports_project)
    fig = reps.by_year[2025].table2[("normative_documents", "currently_valid")]
    assert (fig.amount, fig.computed, fig.source) == (5, 2, "人工改写")


def test_rules_non_zero_warns_for_a_county(reports_project):
    edit(data_file(reports_project, 2025), "表二:\n", "表二:\n  规章:\n    本年制发件数: {数值: 1, 理由: 测试}\n")
    assert [p for p in report_problems(reports_project) if p.code == "report-rules"]


# --- identities (blocking) -------------------------------------------------------------

def t3_line(name, values):
    return f"  {name}: [{', '.join(map(str, values))}]\n"


IDENTITY_CASES = [
    # (identity id, old line, new line, expected fragments of the message)
    ("t3_balance", t3_line(label("table3", "new_received"), [3, 1, 0, 0, 0, 0, 4]),
     t3_line(label("table3", "new_received"), [3, 2, 0, 0, 0, 0, 5]),
     ["表三", "“商业企业”列", "“一、本年新收政府信息公开申请数量”2", "= 2", "= 1",
      FORMAT["identities"][0]["text"]]),
    ("t3_results_total", t3_line(label("table3", "disclosed"), [2, 1, 0, 0, 0, 0, 3]),
     t3_line(label("table3", "disclosed"), [3, 1, 0, 0, 0, 0, 4]),
     ["表三", "“自然人”列", "“（七）总计”为 2", "“（一）予以公开”3", "= 3"]),
    ("t3_applicant_total", t3_line(label("table3", "carried_forward"), [1, 0, 0, 0, 0, 0, 1]),
     t3_line(label("table3", "carried_forward"), [1, 0, 0, 0, 0, 0, 2]),
     ["表三", "“四、结转下年度继续办理”行", "“总计”为 2", "“自然人”1", "= 1"]),
    ("t4_review_total", "  行政复议: [1, 0, 0, 0, 1]\n", "  行政复议: [1, 0, 0, 0, 2]\n",
     ["表四", "“行政复议”组", "“总计”为 2", "“结果维持”1", "= 1"]),
    ("t4_direct_suit_total", "  未经复议直接起诉: [0, 0, 0, 0, 0]\n", "  未经复议直接起诉: [1, 0, 0, 0, 0]\n",
     ["表四", "“未经复议直接起诉”组", "“总计”为 0", "“结果维持”1"]),
    ("t4_after_review_suit_total", "  复议后起诉: [0, 0, 0, 0, 0]\n", "  复议后起诉: [0, 0, 0, 2, 1]\n",
     ["表四", "“复议后起诉”组", "“总计”为 1", "“尚未审结”2", "= 2"]),
]


def test_every_blocking_identity_has_a_case():
    blocking = {i["id"] for i in FORMAT["identities"] if i["severity"] == "error"}
    assert blocking == {case[0] for case in IDENTITY_CASES}


@pytest.mark.parametrize("ident,old,new,expected", IDENTITY_CASES, ids=[c[0] for c in IDENTITY_CASES])
def test_broken_identity_stops_check_with_table_row_column_and_numbers(reports_project, ident, old, new, expected):
    edit(data_file(reports_project, 2024), old, new)
    cat, problems = reports_project.check()
    assert cat is None
    errors = [p for p in problems if p.code == "report-identity" and p.severity == "error"]
    assert errors
    hit = [p for p in errors if all(e in p.message for e in expected)]
    assert hit, "\n".join(p.format() for p in errors)
    assert hit[0].file == "catalogue/reports/2024.yml" and hit[0].line


def test_check_command_fails_on_a_broken_identity(reports_project, capsys):
    from gongkai.__main__ import main
    ident, old, new, expected = IDENTITY_CASES[0]
    edit(data_file(reports_project, 2024), old, new)
    assert main(["check", "--root", str(reports_project.root), "--report", str(reports_project.root / "out")]) == 1
    out = capsys.readouterr().out
    assert "[错误] catalogue/reports/2024.yml" in out and all(e in out for e in expected)


@pytest.mark.parametrize("value,message", [("-1", "负数"), ("1.5", "不是整数"), ("三", "不是数字"), ("—", "不是数字")])
def test_cells_must_be_non_negative_integers(reports_project, value, message):
    edit(data_file(reports_project, 2025), "行政许可: 298", f"行政许可: {value}")
    cat, problems = reports_project.check()
    assert cat is None and any(message in p.message and p.line for p in problems if p.code == "report-data")


def test_fee_may_be_decimal_and_zero_blank_not_applicable_stay_distinct(reports_project):
    edit(data_file(reports_project, 2025), "行政强制: 2", "行政强制:")
    _, reps = build(reports_project)
    r24, r25 = reps.by_year[2024], reps.by_year[2025]
    fee = r24.table2[("administrative_fees", "fee_amount")]
    assert fee.value.show() == "12.75"
    assert r24.table2[("administrative_coercion", "decisions_this_year")].value.display() == "不适用"
    blank = r25.table2[("administrative_coercion", "decisions_this_year")].value
    assert (blank.state, blank.display()) == ("not_filled", "0")
    cells = {r["key"]: r["cells"] for b in r24.to_json()["table2"] for r in b["rows"]}
    assert cells["administrative_coercion"]["decisions_this_year"]["state"] == "not_applicable"
    assert cells["administrative_fees"]["fee_amount"]["value"] == 12.75
    warn = [p for p in report_problems(reports_project) if p.code == "report-not-filled"]
    assert warn and "行政强制" in warn[0].message and "按0发布" in warn[0].message


def test_2019_trial_format_is_rejected_with_an_explanation(reports_project):
    edit(data_file(reports_project, 2025), "表二:\n", "表二:\n  政府集中采购: 3\n")   # 第二十条第（九）项, gone in 2021
    problems = [p for p in report_problems(reports_project) if p.code == "report-2019-format"]
    assert problems[0].severity == "error"
    assert problems and "2019" in problems[0].message and "国办公开办函〔2021〕30号" in problems[0].hint
    other = label("table3", "other_other")
    edit(data_file(reports_project, 2024), t3_line(other, [0] * 7), t3_line("（六）其他处理", [0] * 7))
    assert any("分为3行" in p.message for p in report_problems(reports_project) if p.code == "report-2019-format")


def test_group_label_is_not_a_subtotal_row(reports_project):
    edit(data_file(reports_project, 2024), "表三:\n", "表三:\n  （三）不予公开: [0, 0, 0, 0, 0, 0, 0]\n")
    assert any("分组标题" in p.message for p in report_problems(reports_project))


# --- table 三 from the register ------------------------------------------------------------

def test_table3_is_counted_from_the_register(reports_project):
    _, reps = build(reports_project)
    rep = reps.by_year[2025]
    assert rep.table3_source == "依申请登记表"
    assert [rep.t3(k) for k in ("new_received", "carried_in", "disclosed", "partially_disclosed",
                                "unavailable_not_held", "results_total", "carried_forward")] == [3, 1, 1, 1, 1, 3, 1]
    assert rep.t3("carried_forward", "legal_service_org") == 1 and rep.t3("new_received", "natural_person") == 1


def test_carry_over_must_match_last_year(reports_project):
    edit(data_file(reports_project, 2024), t3_line(label("table3", "carried_forward"), [1, 0, 0, 0, 0, 0, 1]),
         t3_line(label("table3", "carried_forward"), [0, 1, 0, 0, 0, 0, 1]))
    edit(data_file(reports_project, 2024), t3_line(label("table3", "results_total"), [2, 1, 0, 0, 0, 0, 3]),
         t3_line(label("table3", "results_total"), [3, 0, 0, 0, 0, 0, 3]))
    edit(data_file(reports_project, 2024), t3_line(label("table3", "disclosed"), [2, 1, 0, 0, 0, 0, 3]),
         t3_line(label("table3", "disclosed"), [3, 0, 0, 0, 0, 0, 3]))
    problems = report_problems(reports_project)
    carry = [p for p in problems if p.code == "report-carry-over"]
    assert carry and "“自然人”列 1 与 0" in carry[0].message and "“商业企业”列 0 与 1" in carry[0].message
    assert all(p.code != "report-identity" for p in problems)


# --- narrative and dates -----------------------------------------------------------------

def test_report_body_sections_are_checked(reports_project):
    path = reports_project.root / "catalogue/items" / REPORT_2025
    edit(path, "## 五、存在的主要问题及改进情况", "## 五、存在问题及改进情况")
    edit(path, "## 六、其他需要报告的事项\n\n本年度收取信息处理费0元。\n", "")
    problems = report_problems(reports_project)
    assert any(p.code == "report-section" and p.severity == "warning" and "存在问题及改进情况" in p.message for p in problems)
    assert any(p.code == "report-section" and p.severity == "error" and "缺少“六、其他需要报告的事项”" in p.message
               for p in problems)
    _, reps = build(reports_project)
    assert "## 五、存在的主要问题及改进情况" in reps.by_year[2025].markdown


def test_tables_typed_into_the_body_are_rejected(reports_project):
    path = reports_project.root / "catalogue/items" / REPORT_2025
    edit(path, "## 五、", "## 三、收到和处理政府信息公开申请情况\n\n| 规范性文件 | 1 |\n\n## 五、")
    problems = report_problems(reports_project)
    assert any("系统根据公开目录和年报数据生成" in p.message for p in problems)
    assert any(p.code == "report-2019-format" for p in problems)


def test_numbers_quoted_in_section_one_must_match_the_tables(reports_project):
    edit(reports_project.root / "catalogue/items" / REPORT_2025, "新收政府信息公开申请3件", "新收政府信息公开申请5件")
    found = [p for p in report_problems(reports_project) if p.code == "report-text-number"]
    assert found and "申请5件" in found[0].message and "（3）" in found[0].message and found[0].line


def test_copied_narrative_warns_as_similar(reports_project):
    items = reports_project.root / "catalogue/items"
    old = (items / "ndbg/2025/00001.md").read_text().split("---\n", 2)[2]
    head = (items / REPORT_2025).read_text().split("---\n", 2)
    (items / REPORT_2025).write_text("---\n".join(head[:2]) + "---\n" + old.replace("2024", "2025"))
    found = [p for p in report_problems(reports_project) if p.code == "report-similar"]
    assert found and "内容雷同" in found[0].message


def test_publication_dates(reports_project):
    path = reports_project.root / "catalogue/items" / REPORT_2025
    edit(path, "发布日期: 2026-01-20", "发布日期: 2026-02-10")
    late = [p for p in report_problems(reports_project) if p.code == "report-late"]
    assert late and "逾期10天" in late[0].message and late[0].severity == "warning"
    edit(data_file(reports_project, 2025), "报告年度: 2025\n", "报告年度: 2025\n发布期限: 2026-03-31\n")
    assert not [p for p in report_problems(reports_project) if p.code == "report-late"]
    edit(path, "发布日期: 2026-02-10", "发布日期: 2025-12-30")
    edit(path, "生成日期: 2026-01-16", "生成日期: 2025-12-29")
    assert [p for p in report_problems(reports_project) if p.code == "report-early" and p.severity == "error"]


def test_section_six_must_mention_the_processing_fee(reports_project):
    edit(reports_project.root / "catalogue/items" / REPORT_2025, "本年度收取信息处理费0元。", "无。")
    assert [p for p in report_problems(reports_project) if p.code == "report-fee"]


def test_report_year_rules(reports_project):
    reports_project.item("qtwj/2025/00003.md", good_item(3, 2025, 报告年度=2024))
    (reports_project.root / "catalogue/reports/2025.yml").unlink()
    problems = report_problems(reports_project)
    assert any(p.code == "report-year-column" for p in problems)
    missing = [p for p in problems if p.code == "report-data-missing"]
    assert missing and "catalogue/reports/2025.yml" in missing[0].message and "report-xlsx" in missing[0].hint


# --- outputs -----------------------------------------------------------------------------

class Cells(HTMLParser):
    """Text of every th/td with its attributes, per table."""
    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.classes = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
            self.classes.append(dict(attrs).get("class", ""))
        elif tag in ("th", "td") and self.tables:
            self.cell = [tag, dict(attrs), ""]
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1][-1].append(tuple(self.cell))
            self.cell = None


def rendered(root: Path):
    from gongkai.stages import derive, render
    from gongkai import pipeline
    cat, reps = pipeline.annual_reports(root, TODAY)
    out = render.render(cat, derive.derive(cat), None, "", None, reps)
    return reps, out


def test_example_reports_render_every_label_of_the_format_exactly():
    reps, out = rendered(ROOT)
    assert len(reps.by_index) >= 3
    pages = {p.path: p.body for p in out.bulk_pages}
    for rep in reps.by_index.values():
        html = pages[f"gk/{rep.item.slug}/"]
        for s in FORMAT["sections"]:
            assert f">{s['label']}</h2>" in html
        assert html.index(FORMAT["sections"][0]["label"]) < html.index(FORMAT["sections"][1]["label"]) \
            < html.index(FORMAT["sections"][3]["label"]) < html.index(FORMAT["sections"][4]["label"])
        parser = Cells()
        parser.feed(html)
        t2_, t3_, t4_ = (next(t for t, c in zip(parser.tables, parser.classes) if f"gk-report-t{n}" in c)
                         for n in (2, 3, 4))
        texts2 = [c[2] for row in t2_ for c in row if c[0] == "th"]
        for b in FORMAT["tables"]["table2"]["blocks"]:
            assert b["caption"] in texts2
            assert all(c["label"] in texts2 for c in b["columns"]) and all(r["label"] in texts2 for r in b["rows"])
        t3 = FORMAT["tables"]["table3"]
        cells3 = [c for row in t3_ for c in row]
        assert ("td", {"class": "gk-report-note", "rowspan": "3", "colspan": "3"}, t3["header_note"]) in cells3
        heads = {c[2]: c[1] for c in cells3 if c[0] == "th"}
        for r in t3["rows"]:
            assert r["label"] in heads and heads[r["label"]]["scope"] == "row"
        for g in t3["row_groups"]:
            assert heads[g["label"]]["rowspan"] == str(g["rowspan"])
        for c in t3["columns"] + t3["column_groups"]:
            assert c["label"] in heads
        body_rows = [row for row in t3_ if any(c[0] == "td" and c[1].get("class") != "gk-report-note" for c in row)]
        assert len(body_rows) == len(t3["rows"]) == 25
        assert all(sum(1 for c in row if c[0] == "td") == 7 for row in body_rows)
        t4 = FORMAT["tables"]["table4"]
        heads4 = [c for row in t4_ for c in row if c[0] == "th"]
        assert [c[2] for c in heads4[:2]] == [g["label"] for g in t4["column_groups"][:2]]
        assert sorted(c[2] for c in heads4) == sorted([c["label"] for c in t4["columns"]] +
                                                      [g["label"] for g in t4["column_groups"]])
        assert sum(1 for c in t4_[-1] if c[0] == "td") == 15
        assert '<svg' in html and 'role="img"' in html and "<title" in html and "<desc" in html


def test_report_json_and_column_listing(reports_project):
    reps, out = rendered(reports_project.root)
    rep = reps.by_year[2025]
    asset = next(a for a in out.assets if a.path == f"gk/{rep.item.slug}/report-2025.json")
    data = json.loads(asset.data)
    assert data["year"] == 2025 and data["table3"]["source"] == "依申请登记表"
    rows = {r["key"]: r for r in data["table3"]["rows"]}
    assert rows["new_received"]["cells"]["total"]["value"] == 3
    valid = data["table2"][0]["rows"][1]["cells"]["currently_valid"]
    assert valid["value"] == 2 and len(valid["items"]) == 2 and valid["source"] == "公开目录"
    assert f'href="report-2025.json"' in next(p.body for p in out.bulk_pages if p.path == f"gk/{rep.item.slug}/")
    listing = next(p.body for p in out.bulk_pages if p.path == "lm/ndbg/")
    assert "历年年度报告" in listing and "2024年" in listing and "2025年" in listing
    assert not any("catalogue/reports" in str(a.src or "") for a in out.assets)


def test_example_register_matches_its_published_numbers():
    from gongkai import pipeline
    _, reps = pipeline.annual_reports(ROOT, TODAY)
    assert {y: r.table3_source for y, r in reps.by_year.items() if y >= 2024} == {2024: "依申请登记表", 2025: "依申请登记表"}
    assert not [p for p in reps.problems if p.severity == "error"]


@pytest.mark.parametrize("row,code,fragment", [
    ("2025-009,2025-03-03,当面提交,自然人,予以公开,2025-04-15,否,否", "register-late-reply", "用时30个工作日，超过条例第三十三条的20个工作日"),
    ("2025-009,2025-10-15,当面提交,自然人,予以公开,2025-11-25,否,否", "register-late-reply", "超过条例第三十三条的20个工作日"),
    ("2025-009,2026-10-12,当面提交,自然人,,,否,否", "register-open", "答复期限 2026-11-09 已过"),
    ("2025-009,2025-03-03,当面提交,自然人,补正后申请内容仍不明确,2025-03-20,否,否", "register-correction", "补正"),
])
def test_register_reply_times_use_working_days(reports_project, row, code, fragment):
    path = reports_project.root / "catalogue/reports/依申请登记.csv"
    path.write_text(path.read_text() + row + "\n")
    found = [p for p in report_problems(reports_project) if p.code == code]
    assert found and fragment in found[0].message and found[0].severity == "warning" and found[0].line == 6


def test_extension_and_correction_restart_the_clock(reports_project):
    path = reports_project.root / "catalogue/reports/依申请登记.csv"
    path.write_text(path.read_text() + "2025-009,2025-03-03,当面提交,自然人,予以公开,2025-04-15,是,否\n"
                    "2025-010,2025-03-03,当面提交,自然人,予以公开,2025-04-15,否,2025-03-25\n")
    assert not [p for p in report_problems(reports_project) if p.code == "register-late-reply"]


def test_numbered_sub_headings_inside_a_section_are_content(reports_project):
    edit(reports_project.root / "catalogue/items" / REPORT_2025, "（二）改进情况。", "#### 一、改进情况\n\n（二）改进情况。")
    assert report_problems(reports_project) == []
    edit(reports_project.root / "catalogue/items" / REPORT_2025, "#### 一、改进情况", "# 一、总体情况")
    assert [p for p in report_problems(reports_project) if "二级标题" in p.message]


def test_valid_count_continuity_allows_for_expired_documents(reports_project):
    edit(reports_project.root / "catalogue/items/gfxwj/2024/00001.md", "失效日期: 2029-02-28", "失效日期: 2025-09-30")
    _, reps = build(reports_project)
    assert t2(reps.by_year[2025], "normative_documents", "currently_valid") == 1
    assert not [p for p in report_problems(reports_project) if p.code == "report-valid-continuity"]
    edit(data_file(reports_project, 2025), "表二:\n", "表二:\n  行政规范性文件:\n    现行有效件数: {数值: 4, 理由: 测试}\n")
    found = [p for p in report_problems(reports_project) if p.code == "report-valid-continuity"]
    assert found and found[0].severity == "warning" and "4 + 本年废止件数 1 = 5" in found[0].message \
        and "本年到期失效 1 件" in found[0].message
