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
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .. import pipeline
from ..annual import report
from ..stages.load import scan_nested_key_lines
from ..stages.model import Catalogue
from ..core.problems import ERROR, WARNING, InputError, Problem
from ..core.problems import report as problem_report
from ..stages.write import write_bytes
from ..annual.report_data import (COMPUTED_BLOCK, NOT_APPLICABLE, NUMBER, OPENING, REPORTS_DIR, Format, ReportData, Value,
                          dump_data, legacy_message, load_format, load_reports, parse_data_text, parse_value,
                          register_date)

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEAD = PatternFill("solid", fgColor="E6EAF2")
LOCKED = PatternFill("solid", fgColor="D9D9D9")
T3_VALUES = 4            # table 三: labels in columns A–C, values from D
EXTRA = "补充信息"        # sheet: 发布期限 and 期初现行有效件数
DEADLINE_LABEL = "发布期限"
REASON = "改写理由（{}）"  # table 二: header of the reason column of a computed column


def reason_header(col_label: str) -> str:
    return REASON.format(col_label)


def opening_label(row_label: str) -> str:
    return f"{OPENING}·{row_label}"


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
             + "按公开目录计算；" + (f"{t3}按依申请登记表计算。" if rep.table3_source == report.FROM_REGISTER else "。")
             + f"确需改写{t2}的灰色格子时，填写数字并在右侧“改写理由”一列写明理由。",
             f"2a. “{EXTRA}”工作表：{DEADLINE_LABEL}一般不填（按条例第四十九条计算）；公开目录没有收录全部现行有效文件的，"
             f"填写1月1日的{OPENING}（只需填写一次，以后各年自动接续）。",
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
    for col in "EFG":
        ws.column_dimensions[col].width = 30
    _put(ws, 1, 1, f"{t2} {fmt.section_label['proactive']}", colspan=4, align=LEFT, bold=True)
    row = 2
    for b in fmt.t2_blocks:
        _put(ws, row, 1, b["caption"], colspan=b["caption_colspan"], fill=HEAD, bold=True)
        col = 1
        for c in b["columns"]:
            _put(ws, row + 1, col, c["label"], colspan=c.get("colspan", 1), fill=HEAD, bold=True)
            col += c.get("colspan", 1)
        if b["key"] == COMPUTED_BLOCK:
            for c in fmt.value_columns(b):
                _put(ws, row + 1, col, reason_header(c["label"]), fill=HEAD, bold=True)
                col += 1
        row += 2
        for r in b["rows"]:
            _put(ws, row, 1, r["label"], align=LEFT)
            col = 2
            for c in fmt.value_columns(b):
                fig = rep.table2.get((r["key"], c["key"]))
                lock = ("由公开目录计算，不需要填写。确需改写时填写数字，并在右侧“" + reason_header(c["label"])
                        + "”中写明理由。") if b["key"] == COMPUTED_BLOCK else ""
                _value(ws, row, col, fig, c.get("colspan", 1), lock)
                col += c.get("colspan", 1)
            if b["key"] == COMPUTED_BLOCK:
                for c in fmt.value_columns(b):
                    fig = rep.table2.get((r["key"], c["key"]))
                    _put(ws, row, col, fig.reason if fig and fig.source == report.BY_HAND else None, align=LEFT)
                    col += 1
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
    _extra_sheet(wb.create_sheet(EXTRA), rep, computed)
    wb.properties.created = wb.properties.modified = datetime(rep.year + 1, 1, 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _extra_sheet(ws, rep: report.Report, computed: dict) -> None:
    """发布期限 (only when it differs from Art. 49) and 期初现行有效件数 (once, carried to later years)."""
    data = rep.data
    for col, width in zip("ABC", (34, 14, 90)):
        ws.column_dimensions[col].width = width
    _put(ws, 1, 1, f"{rep.year}年度报告 {EXTRA}（一般不需要填写）", colspan=3, align=LEFT, bold=True)
    for col, text in enumerate(("项目", "填写", "说明"), 1):
        _put(ws, 2, col, text, fill=HEAD, bold=True)
    due = report.deadline(rep.item, rep.year).isoformat() if rep.item else ""
    rule = "本级人民政府年度报告为3月31日，部门和乡镇、街道为1月31日"
    rows = [(DEADLINE_LABEL, data.deadline.isoformat() if data and data.deadline else None,
             f"不填时按条例第四十九条（{rule}）" + (f"计算为 {due}" if due else "按年报标题计算") + "；本地另有规定时才填写，如 "
             f"{rep.year + 1}-03-31。")]
    for r in computed["rows"]:
        stated = report.opening_stock(rep.all_data, rep.year, r["key"])
        note = (f"{rep.year}年1月1日现行有效的{r['label']}件数，包括未录入公开目录的文件；填写一次，以后各年自动接续。"
                + (f"现按{stated.year}年年报数据的 {stated.opening[r['key']]} 件接续。" if stated and stated.year != rep.year else ""))
        rows.append((opening_label(r["label"]), data.opening.get(r["key"]) if data else None, note))
    for n, (label, value, note) in enumerate(rows, 3):
        _put(ws, n, 1, label, align=LEFT)
        _put(ws, n, 2, value)
        _put(ws, n, 3, note, align=LEFT)


# --- reading a filled workbook ------------------------------------------------------

def _text(v) -> str:
    return str(v).strip() if v is not None else ""


Where = dict[str, tuple[str, int, list[tuple[str, str]]]]   # data path → (sheet, row, [(column letter, header)])


def read(path: Path, shown: str, year: int, fmt: Format | None = None) -> tuple[ReportData | None, list[Problem]]:
    """A filled workbook → ReportData (table2 incl. the computed rows, table3, table4), with problems."""
    rd, problems, _ = read_cells(path, shown, year, fmt)
    return rd, problems


def read_cells(path: Path, shown: str, year: int,
               fmt: Format | None = None) -> tuple[ReportData | None, list[Problem], Where]:
    """read(), and where each figure sits in the workbook, keyed like the data file's lines (“表三.（七）总计”);
    “改写理由” and the “补充信息” sheet when the workbook has them (keys "reasons", EXTRA)."""
    fmt = fmt or load_format()
    problems: list[Problem] = []
    where: Where = {}
    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return None, [Problem("xlsx-read", shown, f"无法作为 .xlsx 工作簿打开（{type(exc).__name__}）。",
                              "在 WPS 或 Excel 中“另存为”，文件类型选“Excel 工作簿(*.xlsx)”。")], where
    rd = ReportData(year, shown)

    def add(ws, cell, message, hint, code="xlsx-cell", severity=ERROR):
        problems.append(Problem(code, shown, message, hint, cell.row if cell is not None else None,
                                f"{ws.title}!{cell.coordinate}" if cell is not None else ws.title, severity))

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
        return None, problems, where

    ws = sheets["table2"]
    rows = {r["label"]: (b, r) for b in fmt.t2_blocks for r in b["rows"]}
    computed = next(b for b in fmt.t2_blocks if b["key"] == COMPUTED_BLOCK)
    heads = {_text(c.value): c.column for line in ws.iter_rows() for c in line if _text(c.value).startswith(REASON[:4])}
    reasons = {c["key"]: heads.get(reason_header(c["label"])) for c in fmt.value_columns(computed)}
    if all(reasons.values()):
        where["reasons"] = (ws.title, 0, [])
    seen = set()
    t2n = fmt.table_name["table2"]
    for line in ws.iter_rows():
        label = _text(line[0].value)
        renamed = fmt.legacy_row(label)
        if renamed:
            add(ws, line[0], f"“{label}”是2019年试行格式的行名，{fmt.basis}格式中为“{renamed[1]['label']}”，"
                             f"按“{renamed[1]['label']}”读取。", f"把“{label}”改为“{renamed[1]['label']}”。",
                code="report-2019-format", severity=WARNING)
            label = renamed[1]["label"]
        for cell in line:
            if _text(cell.value) in fmt.legacy_t2 and not (renamed and cell is line[0]):
                add(ws, cell, *legacy_message(_text(cell.value), fmt), code="report-2019-format")
        if label not in rows:
            continue
        block, r = rows[label]
        seen.add(label)
        col = 1
        cells = []
        for c in fmt.value_columns(block):
            cell = line[col]
            cells.append((cell.column_letter, c["label"]))
            where[f"{t2n}.{label}.{c['label']}"] = (ws.title, cell.row, cells[-1:])
            value = number(ws, cell, c.get("type") == "decimal")
            if value is not None:
                rd.table2[(r["key"], c["key"])] = value
                why = _text(ws.cell(cell.row, reasons[c["key"]]).value) if reasons.get(c["key"]) else ""
                if why and block["key"] == COMPUTED_BLOCK:
                    rd.overrides[(r["key"], c["key"])] = (value, why)
            col += c.get("colspan", 1)
        where[f"{t2n}.{label}"] = (ws.title, line[0].row, cells)
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
        return None, problems, where
    table3 = {}
    t3n = fmt.table_name["table3"]
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
        where[f"{t3n}.{label}"] = (ws.title, line[0].row, [(cell.column_letter, c["label"]) for c, cell in zip(cols, cells)])
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
        return None, problems, where
    data_row = top + len(fmt.t4_header)
    rd.table4 = {}
    letters = {}
    for j, c in enumerate(fmt.t4_columns, 1):
        cell = ws.cell(data_row, j)
        letters[c["key"]] = (cell.column_letter, c["label"])
        value = number(ws, cell)
        if value is not None:
            rd.table4[c["key"]] = value
    for g in groups4:
        where[f"{fmt.table_name['table4']}.{g['label']}"] = (ws.title, data_row, [letters[c["key"]] for c in g["members"]])
    if EXTRA in wb.sheetnames:
        _read_extra(wb[EXTRA], rd, fmt, where, add)
    return (None if any(p.severity == ERROR for p in problems) else rd), problems, where


def _read_extra(ws, rd: ReportData, fmt: Format, where: Where, add) -> None:
    """发布期限 and 期初现行有效件数 from the “补充信息” sheet (column A names the row, B holds the value)."""
    where[EXTRA] = (ws.title, 0, [])
    computed = next(b for b in fmt.t2_blocks if b["key"] == COMPUTED_BLOCK)
    openings = {opening_label(r["label"]): r for r in computed["rows"]}
    for line in ws.iter_rows(min_col=1, max_col=2):
        label, cell = _text(line[0].value), line[1]
        if label == DEADLINE_LABEL:
            where[DEADLINE_LABEL] = (ws.title, cell.row, [(cell.column_letter, "填写")])
            raw = cell.value.date().isoformat() if isinstance(cell.value, datetime) else _text(cell.value)
            if raw:
                when, reason = register_date(raw)
                if reason:
                    add(ws, cell, f"“{raw}”无法识别为日期：{reason}。", "写成 2026-03-31，或留空（按条例第四十九条计算）。")
                rd.deadline = when
        elif label in openings:
            r = openings[label]
            where[f"{OPENING}.{r['label']}"] = (ws.title, cell.row, [(cell.column_letter, "填写")])
            value, reason = parse_value(cell.value.isoformat() if isinstance(cell.value, datetime) else cell.value)
            if reason or (value and value.state == NOT_APPLICABLE):
                add(ws, cell, f"{reason or '应是一个件数'}。", "填写1月1日现行有效的件数，或留空。")
            elif value.state == NUMBER:
                rd.opening[r["key"]] = value.amount


def merge(imported: ReportData, rep: report.Report, existing: ReportData | None,
          where: Where | None = None) -> tuple[ReportData | None, list[Problem]]:
    """The new report data: imported numbers where staff type them; computed cells must agree with the
    catalogue or register, unless the workbook gives a reason (“改写理由”; an older workbook without that
    column keeps an existing override with its reason). 发布期限 and 期初现行有效件数 come from the
    “补充信息” sheet, or stay as they are when the workbook has none."""
    fmt, problems, where = rep.fmt, [], where or {}
    rel = f"{REPORTS_DIR}/{rep.year}.yml"
    extra = EXTRA in where
    out = ReportData(rep.year, rel, deadline=imported.deadline if extra else (existing.deadline if existing else None),
                     opening=dict(imported.opening if extra else (existing.opening if existing else {})))
    t2n = fmt.table_name["table2"]
    for (row, col), value in imported.table2.items():
        block, r = fmt.t2_rows[row]
        if block["key"] != COMPUTED_BLOCK:
            out.table2[(row, col)] = value
            continue
        fig = rep.table2[(row, col)]
        computed = fig.computed if fig.computed is not None else fig.amount
        given = imported.overrides.get((row, col))
        kept = existing.overrides.get((row, col)) if existing and "reasons" not in where else None
        if given:
            out.overrides[(row, col)] = given
        elif kept and kept[0].amount == value.amount:
            out.overrides[(row, col)] = kept
        elif value.amount != computed:
            label = fmt.label("table2", col)
            sheet, line, cells = where.get(f"{t2n}.{r['label']}.{label}", (t2n, None, []))
            problems.append(Problem(
                "xlsx-computed", imported.rel,
                f"{t2n}“{r['label']}”行“{label}”列由公开目录计算为 {computed}，表格中填的是 {value.show()}。",
                (f"如公开目录有遗漏，补录相应文件；确需改写时在同一行的“{reason_header(label)}”一列写明理由。"
                 if "reasons" in where else
                 f"如公开目录有遗漏，补录相应文件；确需改写时用 python -m gongkai report-xlsx {rep.year} 重新生成模板，"
                 f"在“{reason_header(label)}”一列写明理由。"),
                line, f"{sheet}!{cells[0][0]}{line}" if cells else f"{t2n}.{r['label']}"))
    if rep.table3_source == report.FROM_REGISTER and not (existing and existing.table3 is not None):
        bad = [(fmt.label("table3", r), fmt.label("table3", c), v.amount, rep.table3[(r, c)].amount)
               for (r, c), v in imported.table3.items() if v.amount != rep.table3[(r, c)].amount]
        if bad:
            t3n = fmt.table_name["table3"]
            sheet, line, cells = where.get(f"{t3n}.{bad[0][0]}", (t3n, None, []))
            letter = next((x for x, header in cells if header == bad[0][1]), "")
            problems.append(Problem(
                "xlsx-register", imported.rel,
                f"{t3n}由依申请登记表计算，表格中有{len(bad)}格与登记表不一致：" + "；".join(
                    f"“{r}”行“{c}”列 {a}（登记表 {b}）" for r, c, a, b in bad[:5]) + ("……" if len(bad) > 5 else "") + "。",
                f"改正 {rep.register_rel} 中的登记，不要在表格中改表三。", line,
                f"{sheet}!{letter}{line}" if letter else t3n))
    else:
        out.table3 = imported.table3
    out.table4 = imported.table4
    return (None if problems else out), problems


def to_cells(problems: list[Problem], rel: str, text: str, where: Where, shown: str) -> list[Problem]:
    """Problems found in the data file made from a workbook, pointed at the workbook's cells: sheet, row,
    and the column (its letter) when the message names a column header of that row."""
    paths = {line: path for path, line in scan_nested_key_lines(text.split("\n")).items()}
    out = []
    for p in problems:
        if p.file != rel:
            out.append(p)
            continue
        path = paths.get(p.line) or p.field or ""
        while path and path not in where:
            path = path.rpartition(".")[0]
        if not path:
            out.append(replace(p, file=shown, line=None))
            continue
        sheet, row, cells = where[path]
        named = [letter for letter, header in cells if f"“{header}”列" in p.message]
        ref = named[0] if named else (f"{cells[0][0]}{row}:{cells[-1][0]}" if len(cells) > 1 else
                                      cells[0][0] if cells else "")
        out.append(replace(p, file=shown, line=row or None, field=f"{sheet}!{ref}{row}" if ref else sheet))
    return out


def import_workbook(cat: Catalogue, year: int, path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a filled workbook; returns the new report data file text (None on errors) and the problems."""
    fmt = load_format()
    imported, problems, where = read_cells(path, shown, year, fmt)
    if imported is None:
        return None, problems
    inputs = load_reports(cat.inputs.reports, [c.name for c in cat.site.channels], cat.today)
    rel = f"{REPORTS_DIR}/{year}.yml"
    if (cat.root / rel).exists() and year not in inputs.data:
        return None, problems + [p for p in inputs.problems if p.file == rel] + [Problem(
            "xlsx-existing", rel, "现有的年报数据文件有错误，未导入。", f"先改正 {rel} 中的错误，再导入表格。")]
    rep = report.draft(cat, year, report.build(cat))
    merged, found = merge(imported, rep, inputs.data.get(year), where)
    problems += found
    if merged is None:
        return None, problems
    text = dump_data(merged, fmt)
    parsed, found = parse_data_text(text, rel, year, fmt)
    problems += to_cells(found, rel, text, where, shown)
    if parsed is None:
        return None, problems
    checked = report.build(cat, {year: parsed})
    problems += to_cells([p for p in checked.problems if p.file == rel], rel, text, where, shown)
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
