"""Spreadsheet round trip for annual-report tables 二/三/四 (staff fill numbers in WPS or Excel).

  python -m gongkai report-xlsx 2025 年报2025.xlsx     a workbook laid out like the official tables,
                                                       pre-filled with what is known;
  python -m gongkai report-import 2025 年报2025.xlsx   reads it back into catalogue/reports/2025.yml
                                                       with the same validation and identities.
Rows are found by their labels (taken from the format); the import checks them and the header.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import pipeline, report
from .model import Catalogue
from .problems import ERROR, InputError, Problem
from .problems import report as problem_report
from .write import write_bytes
from .report_data import (COMPUTED_BLOCK, REPORTS_DIR, Format, ReportData, Value, dump_data, legacy_message,
                          load_format, load_reports, parse_data_text, parse_value)

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEAD = PatternFill("solid", fgColor="E6EAF2")
LOCKED = PatternFill("solid", fgColor="D9D9D9")
T3_VALUES = 4            # table 三: labels in columns A–C, values from D


def _style(ws, rng: str, fill=None, align=CENTER, bold=False) -> None:
    for row in ws[rng]:
        for cell in row:
            cell.border, cell.alignment = BORDER, align
            if fill:
                cell.fill = fill
            if bold:
                cell.font = Font(bold=True)


def _put(ws, row: int, col: int, text, rowspan: int = 1, colspan: int = 1, fill=None, align=CENTER, bold=False):
    ws.cell(row, col, text)
    end = f"{get_column_letter(col + colspan - 1)}{row + rowspan - 1}"
    if rowspan > 1 or colspan > 1:
        ws.merge_cells(f"{get_column_letter(col)}{row}:{end}")
    _style(ws, f"{get_column_letter(col)}{row}:{end}", fill, align, bold)


def _value(ws, row: int, col: int, fig: report.Figure | None, colspan: int = 1, locked: str = "") -> None:
    v = fig.value.raw() if fig else None
    _put(ws, row, col, v, colspan=colspan, fill=LOCKED if locked else None)
    if locked:
        ws.cell(row, col).comment = Comment(locked, "gongkai")


def _header(ws, rows, top: int, left: int) -> None:
    """Header rows with spans, placed like the HTML table (cells skip positions covered by spans)."""
    taken: set[tuple[int, int]] = set()
    for r, cells in enumerate(rows):
        col = left
        for c in cells:
            while (top + r, col) in taken:
                col += 1
            _put(ws, top + r, col, c.text, c.rowspan, c.colspan, None if not c.header else HEAD,
                 CENTER if c.header else LEFT, c.header)
            taken.update((top + r + i, col + j) for i in range(c.rowspan) for j in range(c.colspan))
            col += c.colspan


def template(rep: report.Report) -> bytes:
    """The workbook for one year, pre-filled from `rep` (grey cells are computed, not typed)."""
    fmt = rep.fmt
    wb = Workbook()
    guide = wb.active
    guide.title = "填写说明"
    t2, t3, t4 = (fmt.table_name[k] for k in ("table2", "table3", "table4"))
    computed = next(b for b in fmt.t2_blocks if b["key"] == COMPUTED_BLOCK)
    lines = [f"{rep.year}年政府信息公开工作年度报告 表格填写模板（{fmt.basis}格式）",
             "",
             f"1. 在“{t2}”“{t3}”“{t4}”三个工作表的白色格子中填写数字：确实为0的填0，不适用的填“不适用”，不要留空。",
             "2. 灰色格子由系统计算，不需要填写：" + f"{t2}{computed['caption']}的" + "、".join(r["label"] for r in computed["rows"])
             + "按公开目录计算；" + (f"{t3}按依申请登记表计算。" if rep.table3_source == report.FROM_REGISTER else "。"),
             "3. 不要修改行名、列名和工作表名，不要插入或删除行，不要合并或拆分单元格。",
             f"4. 填好后保存为 .xlsx，运行 python -m gongkai report-import {rep.year} 文件名.xlsx 导入，"
             "系统按同样的规则校验（包括表三、表四的勾稽关系），有错误时不会写入。",
             f"5. 导入结果保存在 {REPORTS_DIR}/{rep.year}.yml，与年报正文一起提交合并请求。"]
    for n, text in enumerate(lines, 1):
        guide.cell(n, 1, text).alignment = Alignment(wrap_text=True, vertical="top")
    guide.cell(1, 1).font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 110

    ws = wb.create_sheet(t2)
    ws.column_dimensions["A"].width = 22
    for col in "BCD":
        ws.column_dimensions[col].width = 16
    _put(ws, 1, 1, f"{t2} {fmt.section_label['proactive']}", colspan=4, align=LEFT, bold=True)
    row = 2
    for b in fmt.t2_blocks:
        _put(ws, row, 1, b["caption"], colspan=b["caption_colspan"], fill=HEAD, bold=True)
        col = 1
        for c in b["columns"]:
            _put(ws, row + 1, col, c["label"], colspan=c.get("colspan", 1), fill=HEAD, bold=True)
            col += c.get("colspan", 1)
        row += 2
        for r in b["rows"]:
            _put(ws, row, 1, r["label"], align=LEFT)
            col = 2
            for c in fmt.value_columns(b):
                fig = rep.table2.get((r["key"], c["key"]))
                lock = "由公开目录计算，不需要填写。确需改写时在年报数据文件中写明数值和理由。" \
                    if b["key"] == COMPUTED_BLOCK else ""
                _value(ws, row, col, fig, c.get("colspan", 1), lock)
                col += c.get("colspan", 1)
            row += 1

    ws = wb.create_sheet(t3)
    width = fmt.t3["label_columns"]
    for i, w in enumerate([14, 10, 40] + [10] * len(fmt.t3_columns), 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _put(ws, 1, 1, f"{t3} {fmt.section_label['applications']}", colspan=width + len(fmt.t3_columns), align=LEFT, bold=True)
    _header(ws, fmt.t3_header, 2, 1)
    top = 2 + len(fmt.t3_header)
    lock = "由依申请登记表计算，不需要填写。" if rep.table3_source == report.FROM_REGISTER else ""
    taken: set[tuple[int, int]] = set()
    for i, r in enumerate(fmt.t3_rows):
        col = 1
        for c in fmt.t3_labels[r["key"]]:
            while (top + i, col) in taken:
                col += 1
            _put(ws, top + i, col, c.text, c.rowspan, c.colspan, align=LEFT)
            taken.update((top + i + a, col + b) for a in range(c.rowspan) for b in range(c.colspan))
            col += c.colspan
        for j, c in enumerate(fmt.t3_columns):
            _value(ws, top + i, T3_VALUES + j, rep.table3.get((r["key"], c["key"])), locked=lock)

    ws = wb.create_sheet(t4)
    for i in range(1, len(fmt.t4_columns) + 1):
        ws.column_dimensions[get_column_letter(i)].width = 10
    _put(ws, 1, 1, f"{t4} {fmt.section_label['review_litigation']}", colspan=len(fmt.t4_columns), align=LEFT, bold=True)
    _header(ws, fmt.t4_header, 2, 1)
    for j, c in enumerate(fmt.t4_columns, 1):
        _value(ws, 2 + len(fmt.t4_header), j, rep.table4.get(c["key"]))
    wb.properties.created = wb.properties.modified = datetime(rep.year + 1, 1, 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading a filled workbook ------------------------------------------------------

def _text(v) -> str:
    return str(v).strip() if v is not None else ""


def read(path: Path, shown: str, year: int, fmt: Format | None = None) -> tuple[ReportData | None, list[Problem]]:
    """A filled workbook → ReportData (table2 incl. the computed rows, table3, table4), with problems."""
    fmt = fmt or load_format()
    problems: list[Problem] = []
    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, [Problem("xlsx-read", shown, f"无法作为 .xlsx 工作簿打开（{type(exc).__name__}）。",
                              "在 WPS 或 Excel 中“另存为”，文件类型选“Excel 工作簿(*.xlsx)”。")]
    rd = ReportData(year, shown)

    def add(ws, cell, message, hint, code="xlsx-cell"):
        problems.append(Problem(code, shown, message, hint, cell.row if cell is not None else None,
                                f"{ws.title}!{cell.coordinate}" if cell is not None else ws.title))

    def number(ws, cell, decimal=False) -> Value | None:
        raw = cell.value
        if isinstance(raw, datetime):
            raw = raw.isoformat()
        value, reason = parse_value(raw, decimal)
        if reason:
            add(ws, cell, f"{reason}。", "填写非负数字；确实为0的填0，不适用的填“不适用”。")
        return value

    sheets = {}
    for table in ("table2", "table3", "table4"):
        name = fmt.table_name[table]
        if name not in wb.sheetnames:
            problems.append(Problem("xlsx-sheet", shown, f"找不到工作表“{name}”。",
                                    f"用 python -m gongkai report-xlsx {year} 重新生成模板后填写，不要改工作表名。"))
        else:
            sheets[table] = wb[name]
    if len(sheets) < 3:
        return None, problems

    ws = sheets["table2"]
    rows = {r["label"]: (b, r) for b in fmt.t2_blocks for r in b["rows"]}
    seen = set()
    for line in ws.iter_rows():
        for cell in line:
            if _text(cell.value) in fmt.legacy_t2:
                add(ws, cell, *legacy_message(_text(cell.value), fmt), code="report-2019-format")
        label = _text(line[0].value)
        if label not in rows:
            continue
        block, r = rows[label]
        seen.add(label)
        col = 1
        for c in fmt.value_columns(block):
            value = number(ws, line[col], c.get("type") == "decimal")
            if value is not None:
                rd.table2[(r["key"], c["key"])] = value
            col += c.get("colspan", 1)
    for label in rows:
        if label not in seen:
            add(ws, None, f"找不到“{label}”一行。", f"用 python -m gongkai report-xlsx {year} 重新生成模板，不要修改行名。")

    ws = sheets["table3"]
    width = fmt.t3["label_columns"]
    cols = fmt.t3_columns
    labels = {r["label"]: r for r in fmt.t3_rows}
    groups = {g["label"]: g for g in fmt.t3_groups.values()}
    head = next((line for line in ws.iter_rows() if _text(line[T3_VALUES - 1].value) == cols[0]["label"]), None)
    if head is None or _text(head[T3_VALUES + len(cols) - 2].value) != cols[-1]["label"]:
        add(ws, None, "表头被改动，找不到“" + cols[0]["label"] + "”等列。",
            f"用 python -m gongkai report-xlsx {year} 重新生成模板后填写。")
        return None, problems
    table3 = {}
    depth = next(i for i, row in enumerate(fmt.t3_header) if any(c.text == cols[0]["label"] for c in row))
    for line in ws.iter_rows(min_row=head[0].row - depth + len(fmt.t3_header)):
        texts = [_text(c.value) for c in line[:width]]
        label = next((t for t in reversed(texts) if t), "")
        cells = line[T3_VALUES - 1:T3_VALUES - 1 + len(cols)]
        filled = any(_text(c.value) for c in cells)
        if label in groups and filled:
            g = groups[label]
            if g["key"] == "other_handling":
                add(ws, line[0], f"“{label}”在2021年格式中分为3行，这里只有一行：这是2019年试行格式的表格"
                                 f"（“{next(x for x in fmt.t3_groups.values() if not x.get('parent'))['label']}”"
                                 f"占{fmt.legacy_t3_rowspan}行）。", f"用 python -m gongkai report-xlsx {year} 生成的模板重新填写。",
                    code="report-2019-format")
            else:
                add(ws, line[0], f"“{label}”是分组标题，正式表格没有这一行的数字。", "删除这一行的数字，分别填写其下各项。")
            continue
        if label not in labels:
            if filled:
                add(ws, line[0], f"“{label or '（空行名）'}”不是表三的行。", "行名须与模板一字不差；不要改动行名。")
            continue
        r = labels[label]
        for c, cell in zip(cols, cells):
            value = number(ws, cell)
            if value is not None:
                table3[(r["key"], c["key"])] = value
    for label, r in labels.items():
        if not any(k[0] == r["key"] for k in table3):
            add(ws, None, f"找不到“{label}”一行。", f"用 python -m gongkai report-xlsx {year} 重新生成模板后填写。")
    rd.table3 = {(r["key"], c["key"]): table3.get((r["key"], c["key"]), Value()) for r in fmt.t3_rows for c in cols}

    ws = sheets["table4"]
    groups4 = fmt.t4_groups
    top = next((line[0].row for line in ws.iter_rows() if _text(line[0].value) == groups4[0]["label"]), None)
    if top is None:
        add(ws, None, f"找不到“{groups4[0]['label']}”表头。", f"用 python -m gongkai report-xlsx {year} 重新生成模板后填写。")
        return None, problems
    data_row = top + len(fmt.t4_header)
    rd.table4 = {}
    for j, c in enumerate(fmt.t4_columns, 1):
        value = number(ws, ws.cell(data_row, j))
        if value is not None:
            rd.table4[c["key"]] = value
    return (None if any(p.severity == ERROR for p in problems) else rd), problems


def merge(imported: ReportData, rep: report.Report, existing: ReportData | None) -> tuple[ReportData | None, list[Problem]]:
    """The new report data: imported numbers where staff type them; computed cells must agree with the
    catalogue or register (or an existing override with its reason)."""
    fmt, problems = rep.fmt, []
    rel = f"{REPORTS_DIR}/{rep.year}.yml"
    out = ReportData(rep.year, rel, deadline=existing.deadline if existing else None)
    for (row, col), value in imported.table2.items():
        block, r = fmt.t2_rows[row]
        if block["key"] != COMPUTED_BLOCK:
            out.table2[(row, col)] = value
            continue
        fig = rep.table2[(row, col)]
        kept = existing.overrides.get((row, col)) if existing else None
        if kept and kept[0].amount == value.amount:
            out.overrides[(row, col)] = kept
        elif value.amount != (fig.computed if fig.computed is not None else fig.amount):
            problems.append(Problem(
                "xlsx-computed", imported.rel,
                f"{fmt.table_name['table2']}“{r['label']}”行“{fmt.label('table2', col)}”列由公开目录计算为 "
                f"{fig.computed if fig.computed is not None else fig.amount}，表格中填的是 {value.show()}。",
                f"如公开目录有遗漏，补录相应文件；确需改写时在 {rel} 中写“{r['label']}:”下一行"
                f"“  {fmt.label('table2', col)}: {{数值: {value.show()}, 理由: ……}}”。", None,
                f"{fmt.table_name['table2']}.{r['label']}"))
    if rep.table3_source == report.FROM_REGISTER and not (existing and existing.table3 is not None):
        bad = [(fmt.label("table3", r), fmt.label("table3", c), v.amount, rep.table3[(r, c)].amount)
               for (r, c), v in imported.table3.items() if v.amount != rep.table3[(r, c)].amount]
        if bad:
            problems.append(Problem(
                "xlsx-register", imported.rel,
                f"{fmt.table_name['table3']}由依申请登记表计算，表格中有{len(bad)}格与登记表不一致：" + "；".join(
                    f"“{r}”行“{c}”列 {a}（登记表 {b}）" for r, c, a, b in bad[:5]) + ("……" if len(bad) > 5 else "") + "。",
                f"改正 {rep.register_rel} 中的登记，不要在表格中改表三。", None, fmt.table_name["table3"]))
    else:
        out.table3 = imported.table3
    out.table4 = imported.table4
    return (None if problems else out), problems


def import_workbook(cat: Catalogue, year: int, path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a filled workbook; returns the new report data file text (None on errors) and the problems."""
    fmt = load_format()
    imported, problems = read(path, shown, year, fmt)
    if imported is None:
        return None, problems
    inputs = load_reports(cat.root, [c.name for c in cat.site.channels], cat.today)
    rel = f"{REPORTS_DIR}/{year}.yml"
    if (cat.root / rel).exists() and year not in inputs.data:
        return None, problems + [p for p in inputs.problems if p.file == rel] + [Problem(
            "xlsx-existing", rel, "现有的年报数据文件有错误，未导入。", f"先改正 {rel} 中的错误，再导入表格。")]
    rep = report.draft(cat, year, report.build(cat))
    merged, found = merge(imported, rep, inputs.data.get(year))
    problems += found
    if merged is None:
        return None, problems
    text = dump_data(merged, fmt)
    parsed, found = parse_data_text(text, rel, year, fmt)
    problems += found
    if parsed is None:
        return None, problems
    checked = report.build(cat, {year: parsed})
    problems += [p for p in checked.problems if p.file == rel]
    if any(p.severity == ERROR for p in problems):
        return None, problems
    return text, problems


def command(name: str, root: Path, args: list[str]) -> int:
    """The report-xlsx and report-import commands; returns the exit status."""
    if len(args) != 2 or not re.fullmatch(r"\d{4}", args[0]):
        print(f"用法：python -m gongkai {name} 年度 文件.xlsx（如 python -m gongkai {name} 2025 年报2025.xlsx）")
        return 2
    year, path = int(args[0]), Path(args[1])
    try:
        cat, reports = pipeline.annual_reports(root)
    except InputError as exc:
        print(problem_report(exc.problems))
        print("公开目录有错误，请先改正。")
        return 1
    if name == "report-xlsx":
        if not path.parent.is_dir():      # relative names are relative to the current folder
            print(f"找不到文件夹 {path.parent}，未生成 {path}。先建立这个文件夹，或换一个已有的文件夹"
                  f"（如 python -m gongkai report-xlsx {year} 年报{year}.xlsx 写在当前文件夹）。")
            return 1
        write_bytes(path, template(report.draft(cat, year, reports)))
        print(f"已生成 {path}：{year}年度报告表二、表三、表四的填写模板（灰色格子由系统计算）。"
              f"在 WPS 或 Excel 中填好后运行 python -m gongkai report-import {year} {path}。")
        return 0
    if not path.is_file():
        print(f"找不到文件 {path}。")
        return 1
    text, problems = import_workbook(cat, year, path, str(path))
    if problems:
        print(problem_report(problems))
    if text is None:
        print(f"未写入 {REPORTS_DIR}/{year}.yml。请按提示改正表格后重新导入。")
        return 1
    write_bytes(cat.root / REPORTS_DIR / f"{year}.yml", text.encode())
    print(f"已写入 {REPORTS_DIR}/{year}.yml。运行 make check 检查后，与年报正文一起提交。")
    return 0
