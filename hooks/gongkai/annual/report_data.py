"""Annual-report inputs (load + validate stage for reports).

  * the 2021 format: data/annual_report_2021.yaml, a verbatim copy of the spec;
    every label shown or accepted comes from it, none is typed here;
  * report data per year: catalogue/reports/<年份>.yml (the numbers the catalogue
    cannot give: table 二 rows 行政许可 … 行政事业性收费, and tables 三/四 when
    there is no register), with Chinese keys taken from the format's labels;
  * the 依申请公开 register: catalogue/reports/依申请登记.csv, one row per
    application, no names or contact details (the file is never published).

The load stage reads these files (load.Inputs.reports, .configs); this module checks them.
Output: plain records (Value, ReportData, Application) and Problems.
"""
from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path, PurePosixPath

from ..stages.load import (DATA_KEY, FORMAT_NAME, ConfigFile, Inputs, ReportFile, package_yaml, parse_config,
                           parse_yaml, scan_nested_key_lines)
from ..core.problems import ERROR, WARNING, Problem
from ..stages.validate import nearest, parse_date

REPORTS_DIR = "catalogue/reports"
REGISTER_NAME = "依申请登记.csv"
COMPUTED_BLOCK = "art20_item1"      # table 二 block counted from the catalogue (规章, 行政规范性文件)
NUMBER, NOT_FILLED, NOT_APPLICABLE = "number", "not_filled", "not_applicable"
NA_TEXT = "不适用"
OVERRIDE_KEYS = ("数值", "理由")
OPENING = "期初现行有效件数"          # 1月1日 in force, incl. documents not in the catalogue; carried to later years
DATA_KEYS = ("报告年度", "发布期限", OPENING)   # besides the table names 表二/表三/表四
CSV_HINT = ("在 WPS 或 Excel 中打开，选择“另存为”，文件类型选“CSV UTF-8（逗号分隔）(*.csv)”后保存；"
            "或用记事本“另存为”，编码选“UTF-8”。")


# --- the format ---------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """A header or label cell of a generated table."""
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = True

    @property
    def scope(self) -> str:
        return "colgroup" if self.colspan > 1 else "col"


class Format:
    """The 2021 annual-report format, read from its YAML description."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.key = raw["format"]["key"]
        self.basis = raw["format"]["basis"]
        self.title = raw["format"]["title"]
        self.sections = raw["sections"]
        self.section_label = {s["key"]: s["label"] for s in self.sections}
        tables = raw["tables"]
        self.t2, self.t3, self.t4 = tables["table2"], tables["table3"], tables["table4"]
        # “表二” etc.: the section numeral of the section that holds the table
        self.table_name = {s["table"]: "表" + s["label"][0] for s in self.sections if s.get("table")}
        self.table_by_name = {v: k for k, v in self.table_name.items()}
        self.table_section = {s["table"]: s["label"] for s in self.sections if s.get("table")}
        # table 二
        self.t2_blocks = self.t2["blocks"]
        self.t2_rows = {r["key"]: (b, r) for b in self.t2_blocks for r in b["rows"]}
        # table 三
        self.t3_columns = self.t3["columns"]
        self.t3_rows = self.t3["rows"]
        self.t3_groups = {g["key"]: g for g in self.t3["row_groups"]}
        self.t3_col_groups = {g["key"]: g for g in self.t3["column_groups"]}
        self.applicant_columns = [c for c in self.t3_columns if c["key"] not in self._identity("t3_applicant_total")["lhs"]]
        self.total_column = self._identity("t3_applicant_total")["lhs"][0]
        self.outcome_rows = [r for r in self.t3_rows if r["key"] in self._identity("t3_results_total")["rhs"]]
        self.t3_header = self._header(self.t3["header_rows"], self.t3_columns, self.t3["column_groups"])
        self.t3_labels = self._row_labels()
        # table 四
        self.t4_columns = self.t4["columns"]
        self.t4_header = self._header(self.t4["header_rows"], self.t4_columns, self.t4["column_groups"])
        self.t4_groups = [dict(g, members=[c for c in self.t4_columns if c["group"] == g["key"]])
                          for g in self.t4["column_groups"] if any(c["group"] == g["key"] for c in self.t4_columns)]
        self.identities = raw["identities"]
        self.expectations = raw.get("expectations", [])
        legacy = raw["legacy_2019_markers"]
        self.legacy_t2 = set(legacy["table2_labels"])
        self.legacy_t3_rowspan = legacy["table3_structure"]["results_rowspan"]

    def _identity(self, ident: str) -> dict:
        return next(i for i in self.raw["identities"] if i["id"] == ident)

    @staticmethod
    def _header(rows, columns, groups) -> list[list[Cell]]:
        labels = {c["key"]: c["label"] for c in [*columns, *groups]}
        return [[Cell(labels[c["ref"]] if "ref" in c else c["text"], c.get("rowspan", 1), c.get("colspan", 1),
                      "ref" in c) for c in row] for row in rows]

    def _chain(self, group: str | None) -> list[dict]:
        """Row groups from the outermost to `group`."""
        out = []
        while group:
            g = self.t3_groups[group]
            out.insert(0, g)
            group = g.get("parent")
        return out

    def _row_labels(self) -> dict[str, list[Cell]]:
        """Label cells per table 三 data row, with the spans of the official layout."""
        width = self.t3["label_columns"]
        members: dict[str, list[str]] = {}
        for row in self.t3_rows:
            for g in self._chain(row.get("group")):
                members.setdefault(g["key"], []).append(row["key"])
        out = {}
        for row in self.t3_rows:
            chain = self._chain(row.get("group"))
            cells = [Cell(g["label"], rowspan=len(members[g["key"]])) for g in chain
                     if members[g["key"]][0] == row["key"]]
            out[row["key"]] = cells + [Cell(row["label"], colspan=row.get("label_colspan", width - len(chain)))]
        return out

    def group_members(self, group: str) -> list[str]:
        return [r["key"] for r in self.t3_rows if group in [g["key"] for g in self._chain(r.get("group"))]]

    def value_columns(self, block: dict) -> list[dict]:
        return [c for c in block["columns"] if c["kind"] == "value"]

    def label(self, table: str, key: str) -> str:
        if table == "table2":
            if key in self.t2_rows:
                return self.t2_rows[key][1]["label"]
            return next(c["label"] for b in self.t2_blocks for c in b["columns"] if c["key"] == key)
        if table == "table3":
            return next(x["label"] for x in [*self.t3_rows, *self.t3_columns] if x["key"] == key)
        if table == "table4":
            return next(x["label"] for x in [*self.t4_columns, *self.t4["column_groups"]] if x["key"] == key)
        raise KeyError(table)

    def legacy_row(self, label: str) -> tuple[dict, dict] | None:
        """The 2021 table 二 row that replaced a 2019 row label (“规范性文件” → “行政规范性文件”), if any."""
        if label not in self.legacy_t2:
            return None
        return next(((b, r) for b in self.t2_blocks for r in b["rows"] if r["label"].endswith(label)), None)

    def t4_label(self, key: str) -> str:
        """A table 四 column with its group, e.g. “复议后起诉·结果维持”."""
        col = next(c for c in self.t4_columns if c["key"] == key)
        return f"{self.label('table4', col['group'])}·{col['label']}"


@lru_cache(maxsize=1)
def load_format() -> Format:
    """The format, for the commands (the build takes it from the load stage: format_of)."""
    return Format(package_yaml(FORMAT_NAME).data)


def format_of(inputs: Inputs) -> Format:
    """The format as the load stage read it."""
    cfg, problems = inputs.configs[DATA_KEY + FORMAT_NAME]
    if problems or cfg is None:   # a broken package, not staff input
        raise RuntimeError(problems[0].format() if problems else FORMAT_NAME)
    return Format(cfg.data)


# --- values -------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """One table cell as staff gave it: a number, not filled in, or 不适用."""
    number: int | Decimal | None = None
    state: str = NOT_FILLED

    @property
    def amount(self) -> int | Decimal:
        """The number used in sums and published: 0 unless a number was given."""
        return self.number if self.state == NUMBER else 0

    def show(self) -> str:
        n = self.amount
        return format(n.normalize(), "f") if isinstance(n, Decimal) else str(n)

    def display(self) -> str:
        """As published: the number, 0 when not filled in, or 不适用."""
        return NA_TEXT if self.state == NOT_APPLICABLE else self.show()

    def raw(self):
        """Back to the form staff write (for writing files)."""
        if self.state == NOT_APPLICABLE:
            return NA_TEXT
        if self.state == NOT_FILLED:
            return None
        return float(self.number) if isinstance(self.number, Decimal) else self.number


def number(n: int | Decimal) -> Value:
    return Value(n, NUMBER)


def parse_value(raw, decimal: bool = False) -> tuple[Value | None, str | None]:
    """A cell as written (YAML, CSV or spreadsheet) → (Value, None) or (None, what is wrong)."""
    if raw is None:
        return Value(), None
    if isinstance(raw, bool):
        return None, "应是数字，不能写“是/否”"
    if isinstance(raw, str):
        text = unicodedata.normalize("NFKC", raw).strip().replace(",", "")
        if not text:
            return Value(), None
        if text == NA_TEXT:
            return Value(None, NOT_APPLICABLE), None
        try:
            num = Decimal(text)
        except InvalidOperation:
            return None, f"“{raw}”不是数字（数量为零请填0，不适用请填“{NA_TEXT}”）"
    elif isinstance(raw, (int, float, Decimal)):
        num = Decimal(str(raw))
    else:
        return None, "应是一个数字"
    if not num.is_finite():
        return None, f"“{raw}”不是数字"
    if num < 0:
        return None, f"{raw} 是负数，数量和金额不能为负"
    if decimal:
        return number(num), None
    if num != num.to_integral_value():
        return None, f"{raw} 不是整数（件数只能是整数）"
    return number(int(num)), None


# --- report data (catalogue/reports/<年份>.yml) ---------------------------------

@dataclass
class ReportData:
    year: int
    rel: str
    lines: dict[str, int] = field(default_factory=dict)     # dotted key path → line
    deadline: date | None = None                             # 发布期限
    table2: dict[tuple[str, str], Value] = field(default_factory=dict)
    overrides: dict[tuple[str, str], tuple[Value, str]] = field(default_factory=dict)   # value, 理由
    opening: dict[str, int] = field(default_factory=dict)   # table 二 row key → 期初现行有效件数
    table3: dict[tuple[str, str], Value] | None = None
    table4: dict[str, Value] | None = None

    def line(self, *path: str) -> int | None:
        for n in range(len(path), 0, -1):
            found = self.lines.get(".".join(path[:n]))
            if found:
                return found
        return None


def legacy_message(label: str, fmt: Format) -> tuple[str, str]:
    """(what is wrong, how to fix it) for a label of the 2019 trial format."""
    block = fmt.t2_blocks[[b["key"] for b in fmt.t2_blocks].index(COMPUTED_BLOCK)]
    rows = "”“".join(r["label"] for r in block["rows"])
    cols = "、".join(c["label"] for c in fmt.value_columns(block))
    return (f"“{label}”是2019年试行格式（{fmt.raw['format']['supersedes']['basis']}）的项目，已停用。",
            f"年度报告须使用{fmt.basis}印发的格式（{block['caption']}为“{rows}”，栏目为{cols}）；"
            "删除这一项，按 README“年报”一节的模板填写。")


def parse_data(cfg: ConfigFile, year: int, fmt: Format | None = None) -> tuple[ReportData | None, list[Problem]]:
    """Validate one year's report data file."""
    fmt = fmt or load_format()
    rel, data = cfg.rel, cfg.data
    problems: list[Problem] = []
    rd = ReportData(year, rel, cfg.key_lines)

    def add(message, hint, *path, severity=ERROR, code="report-data"):
        problems.append(Problem(code, rel, message, hint, rd.line(*path) or 1, ".".join(path) or None, severity))

    if data is None:
        data = {}
    if not isinstance(data, dict):
        add("应由“项目: 值”组成。", "参照 README“年报”一节的模板填写。")
        return None, problems
    tables = set(fmt.table_by_name)
    for key in data:
        if key not in tables and key not in DATA_KEYS:
            near = nearest(str(key), [*DATA_KEYS, *sorted(tables)])
            add("不是可用的项目。", f"是否想写“{near}”？" if near else "删除这一项。", str(key))
    if data.get("报告年度") is not None and str(data["报告年度"]).strip() != str(year):
        add(f"报告年度 {data['报告年度']} 与文件名 {year}.yml 不一致。",
            f"把文件改名为 {data['报告年度']}.yml，或把报告年度改为 {year}。", "报告年度")
    if data.get("发布期限") is not None:
        when, reason = parse_date(data["发布期限"])
        if reason:
            add(f"“{data['发布期限']}”无法识别：{reason}。", "写成 2026-01-31 的形式。", "发布期限")
        rd.deadline = when
    if data.get(OPENING) is not None:
        _opening(data[OPENING], rd, fmt, add)
    for name, table in fmt.table_by_name.items():
        section = data.get(name)
        if section is None:
            continue
        if not isinstance(section, dict):
            add("应是“项目: 数字”的列表，每项一行。", "参照 README“年报”一节的模板填写。", name)
            continue
        {"table2": _table2, "table3": _table3, "table4": _table4}[table](section, name, rd, fmt, add)
    if any(p.severity == ERROR for p in problems):
        return None, problems
    return rd, problems


def _opening(raw, rd: ReportData, fmt: Format, add) -> None:
    """期初现行有效件数: row label → the number in force on 1 January of this year."""
    block = next(b for b in fmt.t2_blocks if b["key"] == COMPUTED_BLOCK)
    rows = {r["label"]: r for r in block["rows"]}
    example = f"{OPENING}:”下一行“  {block['rows'][-1]['label']}: 37"
    if not isinstance(raw, dict):
        add("应按行写明1月1日现行有效的件数。", f"写成“{example}”。", OPENING)
        return
    for label, n in raw.items():
        label = str(label)
        renamed = fmt.legacy_row(label)
        if renamed:
            add(f"“{label}”是2019年试行格式的行名，{fmt.basis}格式中为“{renamed[1]['label']}”，按“{renamed[1]['label']}”读取。",
                f"把“{label}”改为“{renamed[1]['label']}”。", OPENING, label, severity=WARNING, code="report-2019-format")
            label = renamed[1]["label"]
        if label not in rows:
            add(f"“{label}”不是{block['caption']}的行。", "可用的行：" + "、".join(rows) + "。", OPENING, label)
            continue
        value = _cell(n, add, False, OPENING, label)
        if value is not None and value.state != NUMBER:
            add("应是一个件数。", f"写成“{example}”。", OPENING, label)
        elif value is not None:
            rd.opening[rows[label]["key"]] = value.amount


def _cell(raw, add, decimal, *path) -> Value | None:
    value, reason = parse_value(raw, decimal)
    if reason:
        add(f"{reason}。", f"填写非负{'数' if decimal else '整数'}；确实为0的填0，不适用的填“{NA_TEXT}”。", *path)
    return value


def _table2(section: dict, name: str, rd: ReportData, fmt: Format, add) -> None:
    rows = {r["label"]: (b, r) for b in fmt.t2_blocks for r in b["rows"]}
    for label, raw in section.items():
        label = str(label)
        renamed = fmt.legacy_row(label)
        if renamed:
            add(f"“{label}”是2019年试行格式（{fmt.raw['format']['supersedes']['basis']}）的行名，"
                f"{fmt.basis}格式中为“{renamed[1]['label']}”，按“{renamed[1]['label']}”读取。",
                f"把“{label}”改为“{renamed[1]['label']}”。", name, label, severity=WARNING, code="report-2019-format")
            label = renamed[1]["label"]
        elif label in fmt.legacy_t2:
            add(*legacy_message(label, fmt), name, label, code="report-2019-format")
            continue
        if label not in rows:
            near = nearest(label, rows)
            add("不是表二中的项目。", (f"是否想写“{near}”？" if near else "") + "可用的项目：" + "、".join(rows) + "。",
                name, label)
            continue
        block, row = rows[label]
        cols = fmt.value_columns(block)
        if block["key"] != COMPUTED_BLOCK:
            col = cols[0]
            value = _cell(raw, add, col.get("type") == "decimal", name, label)
            if value is not None:
                rd.table2[(row["key"], col["key"])] = value
            continue
        # counted from the catalogue; a figure given here replaces the count and needs a reason
        by_label = {c["label"]: c for c in cols}
        example = f"{cols[0]['label']}: {{数值: 5, 理由: 写明为什么不用公开目录计算的数字}}"
        if not isinstance(raw, dict):
            add(f"“{label}”的数字由公开目录自动计算，不需要填写。",
                f"删除这一项；确需改写某一格时写成“{label}:”下一行“  {example}”。", name, label)
            continue
        for col_label, entry in raw.items():
            col_label = str(col_label)
            if col_label in fmt.legacy_t2:
                add(*legacy_message(col_label, fmt), name, label, col_label, code="report-2019-format")
                continue
            col = by_label.get(col_label)
            if col is None:
                near = nearest(col_label, by_label)
                add(f"“{col_label}”不是“{label}”的栏目。",
                    (f"是否想写“{near}”？" if near else "") + "可用的栏目：" + "、".join(by_label) + "。",
                    name, label, col_label)
                continue
            if not isinstance(entry, dict) or "数值" not in entry or set(entry) - set(OVERRIDE_KEYS):
                add("人工改写须同时写“数值”和“理由”。", f"写成“{example}”。", name, label, col_label)
                continue
            reason = str(entry.get("理由") or "").strip()
            if not reason:
                add("人工改写公开目录计算的数字，必须写明理由。", f"写成“{example}”。", name, label, col_label)
                continue
            value = _cell(entry["数值"], add, False, name, label, col_label)
            if value is not None:
                rd.overrides[(row["key"], col["key"])] = (value, reason)


def _table3(section: dict, name: str, rd: ReportData, fmt: Format, add) -> None:
    rows = {r["label"]: r for r in fmt.t3_rows}
    cols = fmt.t3_columns
    order = "、".join(c["label"] for c in cols)
    groups = {g["label"]: g for g in fmt.t3_groups.values()}
    table = {(r["key"], c["key"]): Value() for r in fmt.t3_rows for c in cols}
    for label, raw in section.items():
        label = str(label)
        if label in groups:
            g = groups[label]
            parts = "、".join(fmt.label("table3", k) for k in fmt.group_members(g["key"]))
            if g["key"] == "other_handling" and not isinstance(raw, dict):
                add(f"“{label}”在2021年格式中分为3行，不再是一行（2019年试行格式的写法）。",
                    f"分别填写：{parts}。", name, label, code="report-2019-format")
            else:
                add(f"“{label}”是分组标题，正式表格没有这一行的数字（不设小计行）。",
                    f"删除这一项，分别填写：{parts}。", name, label)
            continue
        row = rows.get(label)
        if row is None:
            near = nearest(label, rows)
            add("不是表三中的项目。", f"是否想写“{near}”？" if near else "行名须与正式表格一字不差。", name, label)
            continue
        if isinstance(raw, list):
            if len(raw) != len(cols):
                add(f"应有{len(cols)}个数，现在是{len(raw)}个。", f"依次为：{order}。", name, label)
                continue
            pairs = list(zip(cols, raw))
        elif isinstance(raw, dict):
            by_label = {c["label"]: c for c in cols}
            pairs = []
            for col_label, v in raw.items():
                col = by_label.get(str(col_label))
                if col is None:
                    add(f"“{col_label}”不是表三的栏目。", f"可用的栏目：{order}。", name, label)
                    continue
                pairs.append((col, v))
        else:
            add(f"应是{len(cols)}个数组成的列表。", f"写成 [0, 0, 0, 0, 0, 0, 0]，依次为：{order}。", name, label)
            continue
        for col, v in pairs:
            value = _cell(v, add, False, name, label)
            if value is not None:
                table[(row["key"], col["key"])] = value
    rd.table3 = table


def _table4(section: dict, name: str, rd: ReportData, fmt: Format, add) -> None:
    groups = {g["label"]: g for g in fmt.t4_groups}
    parents = {g["label"]: g for g in fmt.t4["column_groups"] if g["label"] not in groups}
    table = {c["key"]: Value() for c in fmt.t4_columns}
    for label, raw in section.items():
        label = str(label)
        g = groups.get(label)
        if g is None:
            if label in parents:
                kids = "、".join(x["label"] for x in fmt.t4_groups if x.get("parent") == parents[label]["key"])
                add(f"“{label}”分为{kids}两组，分别填写。", f"改为分别填写：{kids}。", name, label)
            else:
                near = nearest(label, groups)
                add("不是表四中的项目。", (f"是否想写“{near}”？" if near else "") + "可用的项目：" + "、".join(groups) + "。",
                    name, label)
            continue
        members = g["members"]
        order = "、".join(c["label"] for c in members)
        if isinstance(raw, list):
            if len(raw) != len(members):
                add(f"应有{len(members)}个数，现在是{len(raw)}个。", f"依次为：{order}。", name, label)
                continue
            pairs = list(zip(members, raw))
        elif isinstance(raw, dict):
            by_label = {c["label"]: c for c in members}
            pairs = []
            for col_label, v in raw.items():
                if str(col_label) not in by_label:
                    add(f"“{col_label}”不是“{label}”的栏目。", f"可用的栏目：{order}。", name, label)
                    continue
                pairs.append((by_label[str(col_label)], v))
        else:
            add(f"应是{len(members)}个数组成的列表。", f"依次为：{order}。", name, label)
            continue
        for col, v in pairs:
            value = _cell(v, add, False, name, label)
            if value is not None:
                table[col["key"]] = value
    rd.table4 = table


def dump_data(rd: ReportData, fmt: Format | None = None) -> str:
    """A report data file in the canonical layout (labels from the format)."""
    fmt = fmt or load_format()

    def scalar(v):
        raw = v.raw() if isinstance(v, Value) else v
        if raw is None:
            return ""
        if isinstance(raw, float):
            return format(Decimal(str(raw)).normalize(), "f")
        if isinstance(raw, str):
            return raw if raw == NA_TEXT else json.dumps(raw, ensure_ascii=False)
        return str(raw)

    def row(values):
        return "[" + ", ".join(scalar(v) or '""' for v in values) + "]"

    t2n, t3n, t4n = fmt.table_name["table2"], fmt.table_name["table3"], fmt.table_name["table4"]
    computed = fmt.t2_blocks[[b["key"] for b in fmt.t2_blocks].index(COMPUTED_BLOCK)]
    lines = [f"# {rd.year}年政府信息公开工作年度报告：表格数据（{fmt.basis}格式）。",
             "# 数字填阿拉伯数字；确实为0的填0，不适用的填“不适用”，不要留空。",
             f"# {t2n}中“" + "”“".join(r["label"] for r in computed["rows"]) + "”由公开目录自动计算，"
             "确需改写某一格时写成 {数值: 5, 理由: ……}。",
             f"报告年度: {rd.year}"]
    if rd.deadline:
        lines.append(f"发布期限: {rd.deadline.isoformat()}")
    if rd.opening:
        lines.append(f"{OPENING}:   # 1月1日现行有效的件数（含未录入公开目录的文件），以后各年自动接续")
        lines += [f"  {r['label']}: {rd.opening[r['key']]}" for r in computed["rows"] if r["key"] in rd.opening]
    lines.append(f"{t2n}:")
    for block in fmt.t2_blocks:
        cols = fmt.value_columns(block)
        for r in block["rows"]:
            if block["key"] == COMPUTED_BLOCK:
                given = [(c, rd.overrides[(r["key"], c["key"])]) for c in cols if (r["key"], c["key"]) in rd.overrides]
                if given:
                    lines.append(f"  {r['label']}:")
                    lines += [f"    {c['label']}: {{数值: {scalar(v)}, 理由: {scalar(why)}}}" for c, (v, why) in given]
                continue
            value = rd.table2.get((r["key"], cols[0]["key"]), Value())
            lines.append(f"  {r['label']}: {scalar(value)}".rstrip() + f"   # {block['caption']} {cols[0]['label']}")
    if rd.table3 is not None:
        lines.append(f"{t3n}:   # 每行{len(fmt.t3_columns)}个数，依次为："
                     + "、".join(c["label"] for c in fmt.t3_columns))
        for r in fmt.t3_rows:
            lines.append(f"  {r['label']}: " + row(rd.table3.get((r["key"], c["key"]), Value()) for c in fmt.t3_columns))
    if rd.table4 is not None:
        first = fmt.t4_groups[0]["members"]
        lines.append(f"{t4n}:   # 每项{len(first)}个数，依次为：" + "、".join(c["label"] for c in first))
        for g in fmt.t4_groups:
            lines.append(f"  {g['label']}: " + row(rd.table4.get(c["key"], Value()) for c in g["members"]))
    return "\n".join(lines) + "\n"


def parse_data_text(text: str, rel: str, year: int, fmt: Format | None = None) -> tuple[ReportData | None, list[Problem]]:
    """Validate report data given as text (used by the spreadsheet import before writing)."""
    cfg = ConfigFile(rel, Path(rel), parse_yaml(text), scan_nested_key_lines(text.split("\n")))
    return parse_data(cfg, year, fmt)


# --- the register (catalogue/reports/依申请登记.csv) ------------------------------

REGISTER_COLUMNS = {"编号": "ref", "收到日期": "received", "渠道": "channel", "申请人类型": "applicant",
                    "办理结果": "outcome", "答复日期": "replied", "延期": "extended", "补正": "correction"}
REGISTER_REQUIRED = ("收到日期", "渠道", "申请人类型")
PERSONAL_COLUMNS = ("姓名", "名称", "申请人", "申请人姓名", "申请人名称", "单位", "单位名称", "联系人", "电话",
                    "联系电话", "手机", "手机号", "地址", "联系地址", "通讯地址", "身份证", "身份证号", "身份证号码",
                    "证件号", "证件号码", "邮箱", "电子邮箱", "电子邮件", "申请内容", "所需信息", "备注")
PERSONAL_VALUE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<!\d)\d{17}[\dXx](?!\d)|[\w.+-]+@[\w-]+\.\w+"
                            r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
# 2019-era outcome wording → table 三 rows it usually maps to (shown as a hint, never applied silently)
LEGACY_OUTCOMES = {
    "政府信息不存在": ("unavailable_not_held",), "信息不存在": ("unavailable_not_held",),
    "非本机关政府信息": ("unavailable_not_held",), "非本机关信息": ("unavailable_not_held",),
    "非政府信息": ("not_processed_petition", "not_processed_confirm_reissue", "withheld_administrative_inquiry"),
    "不予受理": ("not_processed_petition", "not_processed_repeat", "not_processed_publication",
             "not_processed_excessive", "not_processed_confirm_reissue"),
}
YES, NO = ("是", "有", "Y", "y"), ("否", "无", "N", "n", "")


@dataclass(frozen=True)
class Application:
    line: int
    ref: str
    received: date
    channel: str
    applicant: str                 # table 三 column key
    outcome: str | None            # table 三 row key; None while pending
    replied: date | None
    extended: bool = False
    corrected: bool = False
    corrected_on: date | None = None   # 补正后收到日期, when written as a date


@dataclass
class Register:
    rel: str
    applications: list[Application]


def outcome_aliases(fmt: Format) -> dict[str, str]:
    """Accepted 办理结果 texts → row key: the exact label, without its number, without a trailing （…）."""
    found: dict[str, set[str]] = {}
    for row in fmt.outcome_rows:
        label = row["label"]
        bare = re.sub(r"^(（[一二三四五六七八九十]+）|\d+\.)", "", label)
        for alias in {label, bare, re.sub(r"（[^（）]*）$", "", bare)}:
            found.setdefault(alias, set()).add(row["key"])
    return {alias: keys.pop() for alias, keys in found.items() if len(keys) == 1}


def register_date(text: str) -> tuple[date | None, str | None]:
    """Dates as WPS/Excel save them: 2025-03-05, 2025/3/5, 2025.3.5, 2025年3月5日."""
    m = re.match(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$", text.strip())
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return parse_date(f"{y:04d}-{mo:02d}-{d:02d}")
    return parse_date(text)


def load_register(file: ReportFile, channels: list[str], today: date,
                  fmt: Format | None = None) -> tuple[Register | None, list[Problem]]:
    """The register as the load stage read it (catalogue/reports/依申请登记.csv)."""
    fmt = fmt or load_format()
    rel, text, problem = file.rel, file.text, file.problem
    if problem:
        return None, [replace(problem, hint=CSV_HINT) if problem.code == "encoding" else problem]
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter="\t" if first.count("\t") > first.count(",") else ",")
    problems: list[Problem] = []
    header: list[str] | None = None
    apps: list[Application] = []
    applicants = {c["label"]: c["key"] for c in fmt.applicant_columns}
    aliases = outcome_aliases(fmt)
    outcome_list = "、".join(r["label"] for r in fmt.outcome_rows)
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            bad = False
            for name in header:
                if name in PERSONAL_COLUMNS:
                    problems.append(Problem(
                        "register-personal", rel, f"登记表中不得有“{name}”这一列：本文件保存在代码库中，"
                        "不能含姓名、名称、联系方式、证件号码或申请内容。", line=line, field=name,
                        hint="删除这一列；需要时按“编号”对照纸质或内部办理台账。"))
                    bad = True
                elif name not in REGISTER_COLUMNS:
                    near = nearest(name, REGISTER_COLUMNS)
                    problems.append(Problem("register-column", rel, f"“{name}”不是登记表的列。", line=line, field=name,
                                            hint=(f"是否想写“{near}”？" if near else "删除这一列。")
                                            + "可用的列：" + "、".join(REGISTER_COLUMNS) + "。"))
                    bad = True
            for need in REGISTER_REQUIRED + ("办理结果", "答复日期"):
                if need not in header:
                    problems.append(Problem("register-column", rel, f"缺少“{need}”列。", line=line,
                                            hint="第一行依次写列名：" + "、".join(REGISTER_COLUMNS) + "（编号、延期、补正可省略）。"))
                    bad = True
            if bad:
                return None, problems
            continue
        row_problems: list[Problem] = []

        def add(field_, message, hint, severity=ERROR):
            row_problems.append(Problem("register-row", rel, message, hint, line, field_, severity))

        if len(cells) > len(header):
            add(None, f"这一行有{len(cells)}格，比列名多。", "检查是否多了逗号；含逗号的内容请去掉逗号。")
            problems += row_problems
            continue
        rec = {REGISTER_COLUMNS[h]: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        for name, value in zip(header, cells):
            if PERSONAL_VALUE.search(value):
                add(name, "这一格像是电话号码、身份证号码或电子邮箱；登记表不得含个人信息。", "删除这些内容。")
        for need in REGISTER_REQUIRED:
            if not rec.get(REGISTER_COLUMNS[need]):
                add(need, "未填写。", f"填写{need}。")
        received = replied = corrected_on = None
        if rec.get("received"):
            received, reason = register_date(rec["received"])
            if reason:
                add("收到日期", f"“{rec['received']}”无法识别：{reason}。", "写成 2025-03-05。")
        if rec.get("replied"):
            replied, reason = register_date(rec["replied"])
            if reason:
                add("答复日期", f"“{rec['replied']}”无法识别：{reason}。", "写成 2025-03-05。")
        channel = rec.get("channel", "")
        if channel and channel not in channels:
            near = nearest(channel, channels)
            add("渠道", f"“{channel}”不是 catalogue/site.yml 中的申请接收渠道。",
                (f"是否想写“{near}”？" if near else "") + "可用的渠道：" + "、".join(channels) + "。", WARNING)
        applicant = applicants.get(rec.get("applicant", ""))
        if rec.get("applicant") and applicant is None:
            near = nearest(rec["applicant"], applicants)
            add("申请人类型", f"“{rec['applicant']}”不是表三的申请人类型。",
                (f"是否想写“{near}”？" if near else "") + "可用的值：" + "、".join(applicants) + "。")
        outcome = None
        if rec.get("outcome"):
            outcome = aliases.get(rec["outcome"])
            if outcome is None:
                legacy = LEGACY_OUTCOMES.get(rec["outcome"])
                if legacy:
                    add("办理结果", f"“{rec['outcome']}”是2019年以前的答复类型，2021年格式没有这一项。",
                        "按实际情况改为：" + "或".join(f"“{fmt.label('table3', k)}”" for k in legacy) + "。")
                else:
                    near = nearest(rec["outcome"], aliases)
                    add("办理结果", f"“{rec['outcome']}”不是表三的办理结果。",
                        (f"是否想写“{near}”？" if near else "") + f"可用的值：{outcome_list}。")
        if rec.get("outcome") and not rec.get("replied"):
            add("答复日期", "已填办理结果，但没有答复日期。", "填写答复日期；尚未答复的申请，办理结果留空。")
        if rec.get("replied") and not rec.get("outcome"):
            add("办理结果", "已填答复日期，但没有办理结果。", f"填写办理结果，可用的值：{outcome_list}。")
        extended = rec.get("extended", "")
        if extended not in YES + NO:
            add("延期", f"“{extended}”应填“是”或“否”。", "延长答复期限的填“是”，否则填“否”或留空。")
        corrected = rec.get("correction", "")
        if corrected and corrected not in YES + NO:
            corrected_on, reason = register_date(corrected)
            if reason:
                add("补正", f"“{corrected}”应填“是”“否”，或补正后收到申请的日期。", "如“是”或 2025-03-12。")
        if received and received > today:
            add("收到日期", f"{received} 晚于今天（{today}）。", "核对日期。")
        if replied and replied > today:
            add("答复日期", f"{replied} 晚于今天（{today}）。", "核对日期；尚未答复的留空。")
        if received and replied and replied < received:
            add("答复日期", f"答复日期 {replied} 早于收到日期 {received}。", "核对两个日期。")
        if corrected_on and received and (corrected_on < received or (replied and corrected_on > replied)):
            add("补正", f"补正后收到日期 {corrected_on} 应在收到日期和答复日期之间。", "核对日期。")
        problems += row_problems
        if any(p.severity == ERROR for p in row_problems) or received is None or applicant is None:
            continue
        apps.append(Application(line, rec.get("ref", ""), received, channel, applicant, outcome, replied,
                                extended in YES, bool(corrected_on) or corrected in YES, corrected_on))
    if header is None:
        return Register(rel, []), [Problem("register-empty", rel, "登记表是空的。", line=1, severity=WARNING,
                                           hint="第一行写列名：" + "、".join(REGISTER_COLUMNS) + "；没有申请时可删除本文件。")]
    return Register(rel, apps), problems


# --- everything in catalogue/reports/ -------------------------------------------

@dataclass
class ReportInputs:
    data: dict[int, ReportData]
    register: Register | None
    problems: list[Problem]
    broken: set[int] = field(default_factory=set)       # years whose data file exists but has errors


def load_reports(files: list[ReportFile], channels: list[str], today: date,
                 fmt: Format | None = None) -> ReportInputs:
    """The files of catalogue/reports/ as the load stage read them (load.Inputs.reports)."""
    out = ReportInputs({}, None, [])
    if not files:
        return out
    fmt = fmt or load_format()
    for file in files:
        rel, name = file.rel, file.name
        if name == REGISTER_NAME:
            out.register, found = load_register(file, channels, today, fmt)
            out.problems += found
        elif re.fullmatch(r"\d{4}\.ya?ml", name):
            cfg, found = (None, [file.problem]) if file.problem else parse_config(file.text, rel, Path(rel))
            out.problems += found
            if cfg is not None:
                rd, found = parse_data(cfg, int(name[:4]), fmt)
                out.problems += found
                if rd is not None:
                    out.data[rd.year] = rd
            if int(name[:4]) not in out.data:
                out.broken.add(int(name[:4]))
        elif PurePosixPath(name).suffix.lower() in (".yml", ".yaml", ".csv", ".xlsx", ".xls"):
            m = re.search(r"\d{4}", name)
            out.problems.append(Problem(
                "report-file-name", rel, "这个文件不会被读取。", line=1, severity=WARNING,
                hint=(f"年报数据文件应命名为 {m.group(0)}.yml；" if m else "年报数据文件应命名为“年份.yml”；")
                + f"依申请登记表应命名为 {REGISTER_NAME}；表格文件请用 python -m gongkai report-import 导入。"))
    return out
