"""Stage 4b — annual reports (derive): tables 二/三/四 per report year.

  * table 二: 规章 and 行政规范性文件 counted from the catalogue (columns with
    文件类别 规章 / 规范性文件), a hand-written figure only with a reason; the
    other rows from the report data;
  * table 三: counted from the 依申请 register, or taken from the report data;
  * table 四: from the report data.
Then the format's identities (blocking), cross-year continuity, and checks of
the narrative (sections, every figure restated from a table, 内容雷同, 信息处理费,
the Art. 49 deadline).
Every label comes from the format (report_data.load_format).
"""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from ..core import workdays
from ..stages.model import Catalogue, Column, Item
from ..core.problems import ERROR, WARNING, Problem
from .report_data import (COMPUTED_BLOCK, NA_TEXT, NOT_FILLED, OPENING, REPORTS_DIR, Format, Register, ReportData, Value,
                          legacy_message, load_format, load_reports, number, format_of)

TABLES_MARK = "<!--gk:report-tables-->"
HEADING_LIKE = 0.8            # a line this close to a section label is taken for its heading
SIMILAR = 0.8                 # 内容雷同 threshold (UNCONFIRMED: a default, warns only)
DEADLINE = (1, 31)            # Art. 49: departments (townships and streets: UNCONFIRMED, the same by default)
GOVERNMENT_DEADLINE = (3, 31)  # Art. 49: the report for a level of government; a data file's 发布期限 overrides both
# a report for a level of government: its title names a 人民政府 above a township (“示例县人民政府2025年…”)
GOVERNMENT = re.compile(r"(?<![乡镇])人民政府$")
KIND_OF_ROW = {"rules": "规章", "normative_documents": "规范性文件"}   # table 二 row → 文件类别
ISSUED, REPEALED, VALID = "issued_this_year", "repealed_this_year", "currently_valid"   # its columns
NOT_DOCUMENTS = ("解读", "图解")                                       # 体裁 that are not documents
REPLY_DAYS, EXTENSION_DAYS = 20, 20                                    # Art. 33
FROM_CATALOGUE, FROM_REGISTER, FROM_DATA, BY_HAND = "公开目录", "依申请登记表", "年报数据", "人工改写"
HEADING = re.compile(r"^(#{1,6})[ \t]*(.+?)[ \t]*#*[ \t]*$")
NUMERAL = re.compile(r"^([一二三四五六七八九十]+)、")
FEE_WORD = "信息处理费"
# a statement about fees: the word itself, or “未发生收费情况”“未收取任何费用”“无收费”“不收取费用”…
FEE_STATEMENT = re.compile(FEE_WORD + r"|(未|无|不|没有)(发生|产生)?(收取|收费)|收费情况|收取[^。；]{0,6}费用")


@dataclass
class Figure:
    """A published cell: its value, where it comes from, and for counts the documents behind it."""
    value: Value
    source: str
    reason: str = ""
    computed: int | None = None          # the catalogue count a hand-written figure replaces
    items: list[Item] = field(default_factory=list)
    opening: int = 0                     # in force but not in the catalogue (from 期初现行有效件数)

    @property
    def amount(self) -> int | Decimal:
        return self.value.amount


@dataclass
class Report:
    year: int
    fmt: Format
    item: Item | None                     # the 年报 item (None while the data is prepared)
    data: ReportData | None
    table2: dict[tuple[str, str], Figure] = field(default_factory=dict)
    table3: dict[tuple[str, str], Figure] = field(default_factory=dict)
    table4: dict[str, Figure] = field(default_factory=dict)
    table3_source: str = ""
    register_rel: str = ""
    narrative: dict[str, str] = field(default_factory=dict)      # text section key → Markdown
    markdown: str = ""                    # the body to render: sections with TABLES_MARK after 一
    proactive: dict[int, dict[str, int]] = field(default_factory=dict)   # year → top column → 主动公开 items
    deadline: date | None = None
    lines: list[tuple[int, str, str]] = field(default_factory=list)    # narrative: (file line, section key, text)
    all_data: dict[int, ReportData] = field(default_factory=dict)       # every year's data (期初现行有效件数)

    def t3(self, row: str, col: str | None = None) -> int:
        return self.table3[(row, col or self.fmt.total_column)].amount

    @property
    def json_name(self) -> str:
        return f"report-{self.year}.json"

    def source_file(self, table: str) -> str:
        if table == "table3" and self.table3_source == FROM_REGISTER:
            return self.register_rel
        return self.data.rel if self.data else (self.item.source if self.item else "")

    def outcome_groups(self) -> list[tuple[str, int]]:
        """Table 三 results by the format's top-level outcome (（一）…（六）), 总计 column (for charts)."""
        fmt, out = self.fmt, []
        outcomes = {r["key"] for r in fmt.outcome_rows}
        results = next(g for g in fmt.t3_groups.values() if not g.get("parent"))
        for key in results["members"]:
            if key in fmt.t3_groups:
                out.append((fmt.t3_groups[key]["label"], sum(self.t3(k) for k in fmt.group_members(key))))
            elif key in outcomes:
                out.append((fmt.label("table3", key), self.t3(key)))
        return out

    def to_json(self) -> dict:
        fmt = self.fmt

        def cell(fig: Figure) -> dict:
            v = fig.value
            out = {"value": float(v.amount) if isinstance(v.amount, Decimal) else v.amount, "state": v.state,
                   "source": fig.source}
            if fig.reason:
                out.update(reason=fig.reason, computed=fig.computed)
            if fig.source == FROM_CATALOGUE:
                out["items"] = [i.index_no for i in fig.items]
                if fig.opening:
                    out["not_in_catalogue"] = fig.opening
            return out

        item = self.item
        return {
            "format": fmt.key, "basis": fmt.basis, "year": self.year,
            "title": item.title if item else None, "index_no": item.index_no if item else None,
            "publisher": item.publisher if item else None,
            "date_published": item.date_published.isoformat() if item else None,
            "sections": [s["label"] for s in fmt.sections],
            "table2": [{"caption": b["caption"], "rows": [
                {"key": r["key"], "label": r["label"], "cells": {
                    c["key"]: dict(label=c["label"], **cell(self.table2[(r["key"], c["key"])]))
                    for c in fmt.value_columns(b)}} for r in b["rows"]]} for b in fmt.t2_blocks],
            "table3": {"source": self.table3_source,
                       "columns": [{"key": c["key"], "label": c["label"]} for c in fmt.t3_columns],
                       "rows": [{"key": r["key"], "label": r["label"],
                                 "cells": {c["key"]: cell(self.table3[(r["key"], c["key"])]) for c in fmt.t3_columns}}
                                for r in fmt.t3_rows]},
            "table4": {"columns": [{"key": c["key"], "label": c["label"],
                                    "group": fmt.label("table4", c["group"]), **cell(self.table4[c["key"]])}
                                   for c in fmt.t4_columns]},
        }

    def json_bytes(self) -> bytes:
        return (json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n").encode()


@dataclass
class Reports:
    by_year: dict[int, Report]
    by_index: dict[str, Report]
    problems: list[Problem]
    register: Register | None = None
    data: dict[int, ReportData] = field(default_factory=dict)


# --- table 二 from the catalogue ------------------------------------------------

def issued_on(item: Item) -> date:
    return item.date_signed or item.date_generated or item.date_published


def in_force(item: Item, day: date) -> bool:
    """Issued by `day` and neither repealed nor expired by then."""
    if issued_on(item) > day:
        return False
    if item.date_repealed and item.date_repealed <= day:
        return False
    if item.date_expires and item.date_expires < day:
        return False
    # 已废止 / 已失效 without a date: the day is unknown, so never counted as in force (warned)
    return not (item.validity in ("已废止", "已失效") and not item.date_repealed and not item.date_expires)


def documents(cat: Catalogue, kind: str) -> list[Item]:
    """Items in columns of 文件类别 `kind` that are documents (not 解读 or 图解)."""
    slugs = {c.slug for c in cat.column_list() if c.doc_class == kind}
    return [i for i in cat.items + cat.withdrawn if i.column in slugs and i.genre not in NOT_DOCUMENTS]


def count_documents(docs: list[Item], year: int) -> dict[str, list[Item]]:
    """The three counts of 第二十条第（一）项, keyed by the format's column keys."""
    end = date(year, 12, 31)
    return {"issued_this_year": [d for d in docs if issued_on(d).year == year],
            "repealed_this_year": [d for d in docs if d.date_repealed and d.date_repealed.year == year],
            "currently_valid": [d for d in docs if in_force(d, end)]}


def lapsed_in(docs: list[Item], year: int) -> int:
    """Documents whose 有效期 ended during `year` without being repealed."""
    return sum(1 for d in docs if d.date_expires and date(year - 1, 12, 31) <= d.date_expires < date(year, 12, 31)
               and not (d.date_repealed and d.date_repealed <= date(year, 12, 31)) and issued_on(d).year <= year)


# --- table 三 from the register -------------------------------------------------

def count_register(reg: Register, year: int, fmt: Format) -> dict[tuple[str, str], Figure]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    identity = next(i for i in fmt.identities if i["id"] == "t3_balance")
    new, carried_in = identity["lhs"]
    total, carried_out = identity["rhs"]
    counts = {(r["key"], c["key"]): 0 for r in fmt.t3_rows for c in fmt.t3_columns}
    for app in reg.applications:
        rows = []
        if app.received.year == year:
            rows.append(new)
        if app.received < start and (app.replied is None or app.replied >= start):
            rows.append(carried_in)
        if app.replied and app.replied.year == year:
            rows += [app.outcome, total]
        if app.received <= end and (app.replied is None or app.replied > end):
            rows.append(carried_out)
        for row in rows:
            counts[(row, app.applicant)] += 1
            counts[(row, fmt.total_column)] += 1
    return {k: Figure(number(n), FROM_REGISTER) for k, n in counts.items()}


def register_checks(reg: Register, fmt: Format, cal: workdays.Calendar, today: date) -> list[Problem]:
    """Warnings from the register: replies later than Art. 33 allows (or overdue and still open),
    outcomes that need a 补正."""
    out = []
    needs_correction = {"unavailable_still_unclear", "other_no_correction"}
    for app in reg.applications:
        if app.outcome in needs_correction and not app.corrected:
            out.append(Problem("register-correction", reg.rel,
                               f"办理结果“{fmt.label('table3', app.outcome)}”以告知补正为前提，但“补正”未填“是”。",
                               "核对是否发出过补正通知；发出过的在“补正”列填“是”或补正后收到申请的日期。",
                               app.line, "补正", WARNING))
        if app.corrected and not app.corrected_on:
            continue
        start = app.corrected_on or app.received
        limit = REPLY_DAYS + (EXTENSION_DAYS if app.extended else 0)
        if not app.replied:
            due = cal.add(start, limit)
            if due < today:
                out.append(Problem("register-open", reg.rel,
                                   f"{start} 收到的申请尚未登记答复，答复期限 {due} 已过（条例第三十三条）。",
                                   "已答复的填写办理结果和答复日期；尚未答复的请尽快办理。", app.line, "答复日期", WARNING))
            continue
        used = cal.count(start, app.replied)
        if used > limit:
            note = "（所涉年份缺少节假日数据，按周一至周五计算）" if cal.approximate(start, app.replied) else ""
            out.append(Problem("register-late-reply", reg.rel,
                               f"{start} 收到{'补正后的' if app.corrected_on else ''}申请，{app.replied} 答复，"
                               f"用时{used}个工作日，超过条例第三十三条的{limit}个工作日{note}。",
                               "核对日期；延长答复期限的在“延期”列填“是”。征求第三方意见的时间不计入期限，如属此情形可忽略本提醒。",
                               app.line, "答复日期", WARNING))
    return out


# --- the narrative --------------------------------------------------------------

def _heading(line: str, by_numeral: dict) -> tuple[int, str, dict | None] | None:
    """(level, title, section) when `line` may open a section: a Markdown heading “## 五、……”, or a line
    that is only “五、……” (optionally bold), as pasted from a printed report (level 0)."""
    m = HEADING.match(line)
    if m:
        level, title = len(m.group(1)), m.group(2)
    else:
        level, title = 0, re.sub(r"^(\*\*|__)(.+)\1$", r"\2", line.strip()).strip()
        if len(title) > 30 or "。" in title:
            return None
    num = NUMERAL.match(title)
    if not num:
        return None
    return level, title, by_numeral.get(num.group(1))


def _like(title: str, label: str) -> bool:
    """A heading close enough to a section's label to be taken for it (“五、存在问题及改进情况”)."""
    return difflib.SequenceMatcher(None, title, label, autojunk=False).ratio() >= HEADING_LIKE


def split_sections(item: Item, fmt: Format) -> tuple[str, dict[str, str], list[Problem], list[tuple[int, str, str]]]:
    """(text before section 一, text section key → Markdown, problems, lines) from a 年报 item's body;
    lines: (file line, section key or "" before 一, text) of every narrative line."""
    problems: list[Problem] = []
    text_sections = [s for s in fmt.sections if s["kind"] == "text"]
    by_numeral = {s["label"].split("、")[0]: s for s in fmt.sections}

    def add(line, message, hint, severity=ERROR, code="report-section"):
        problems.append(Problem(code, item.source, message, hint, item.body_line + line, None, severity))

    preamble: list[str] = []
    found: dict[str, list[str]] = {}
    order: list[str] = []
    owned: list[tuple[int, str, str]] = []
    current, key = preamble, ""
    for n, line in enumerate(item.body.split("\n")):
        head = _heading(line, by_numeral)
        if head is None:
            current.append(line)
            if key is not None:
                owned.append((item.body_line + n, key, line))
            continue
        level, title, section = head
        exact = section is not None and title == section["label"]
        like = section is not None and (exact or _like(title, section["label"]))
        if (level > 2 or level == 0) and not like:   # a sub-heading such as “#### 一、……”, or a numbered line
            current.append(line)
            if key is not None:
                owned.append((item.body_line + n, key, line))
            continue
        if section is None:
            add(n, f"标题“{title}”不是年度报告格式中的一节。",
                "年度报告只有六节：" + "、".join(s["label"] for s in fmt.sections) + "。", WARNING)
            current.append(line)
            continue
        if section["kind"] != "text":
            add(n, f"“{title}”一节的表格由系统根据公开目录和年报数据生成，正文中不要再写。",
                "删除正文中的这一节；数字填在 catalogue/reports/ 中（见 README“年报”一节）。")
            current, key = [], None
            continue
        if level == 0:
            add(n, f"“{line.strip()}”一行不是标题格式，按“{section['label']}”一节的标题读取，"
                   f"网站上显示为“{section['label']}”" + ("" if exact else f"（原文为“{title}”）") + "。",
                f"改为“## {section['label']}”。", WARNING)
        elif not exact:
            add(n, f"标题“{title}”与格式规定的“{section['label']}”不一致，网站上不显示“{title}”，"
                   f"改为显示“{section['label']}”。", f"改为“## {section['label']}”。", WARNING)
        if level not in (0, 2):
            add(n, f"“{title}”应是二级标题（行首两个 #）。", f"改为“## {section['label']}”。")
        if section["key"] in found:
            add(n, f"“{section['label']}”出现了两次。", "合并为一节。")
        order.append(section["key"])
        current, key = found.setdefault(section["key"], []), section["key"]
    for s in text_sections:
        if s["key"] not in found:
            add(0, f"缺少“{s['label']}”一节。", f"在正文中加一行“## {s['label']}”并写明内容（条例第五十条）。")
    wanted = [s["key"] for s in text_sections]
    if [k for k in order if k in wanted] != [k for k in wanted if k in order]:
        add(0, "各节顺序与格式规定不一致。", "按“" + "”“".join(s["label"] for s in text_sections) + "”的顺序排列。")
    for line in item.body.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.lstrip().startswith("|") else []
        cells += re.findall(r"<t[dh][^>]*>\s*([^<]*?)\s*</t[dh]>", line)
        for c in cells:
            if c in fmt.legacy_t2:
                msg, hint = legacy_message(c, fmt)
                add(0, "正文中的表格用了2019年试行格式：" + msg, "删除正文中的表格：" + hint, code="report-2019-format")
    return "\n".join(preamble).strip(), {k: "\n".join(v).strip() for k, v in found.items()}, problems, owned


def compose(preamble: str, narrative: dict[str, str], fmt: Format) -> str:
    """The body to render: the text sections under their exact headings, the tables after section 一."""
    parts = [preamble] if preamble else []
    for s in fmt.sections:
        if s["kind"] == "text":
            parts += [f"## {s['label']}", narrative.get(s["key"], "")]
        if s["kind"] == "text" and s is fmt.sections[0]:
            parts.append(TABLES_MARK)
    return "\n\n".join(p for p in parts if p) + "\n"


# --- figures in the narrative that restate a table cell --------------------------------

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"(?P<n>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百]+)"
UNIT = r"\s*(?:件|起|宗|份|项|个(?!工作日|月))"
NO = r"(?<!尚)(?:未(?!经)|无(?!法|论)|没有)"


def gap(k: int, *forbid: str, digits: bool = False) -> str:
    """Up to k characters within one clause: without `digits`, none of them a digit or a punctuation mark
    (“不予公开1件（属于行政执法案卷），无法提供3件”: 3 is not the 执法案卷 figure); never a `forbid` word."""
    chars = r"[^。；;\n]" if digits else r"[^\d。；;\n，,、（）()：:]"
    guard = "(?!" + "|".join(forbid) + ")" if forbid else ""
    return f"(?:{guard}{chars}){{0,{k}}}?"


def chinese_number(text: str) -> int | None:
    """一 … 九百九十九 (as in “被申请行政复议一件”)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in CN_DIGITS:
            digit = CN_DIGITS[ch]
        elif ch in "十百":
            total += (1 if digit is None else digit) * (10 if ch == "十" else 100)
            digit = None
        else:
            return None
    return total + (digit or 0)


@dataclass(frozen=True)
class Cells:
    """Table cells a figure in the text restates: their sum, and how to name them."""
    table: str
    rows: tuple[str, ...]           # table 二/三 row keys (table 四: empty)
    cols: tuple[str, ...]           # column keys
    group: str = ""                 # a table 三 row group summed (named by its label)

    def amount(self, rep: Report):
        if self.table == "table2":
            return sum(rep.table2[(r, c)].amount for r in self.rows for c in self.cols)
        if self.table == "table3":
            return sum(rep.t3(r, c) for r in self.rows for c in self.cols)
        return sum(rep.table4[c].amount for c in self.cols)

    def name(self, fmt: Format) -> str:
        table = fmt.table_name[self.table]
        if self.table == "table4":
            return table + "、".join(f"“{fmt.t4_label(c).replace('·', '”组“')}”列" for c in self.cols)
        if self.group:
            rows = f"“{fmt.t3_groups[self.group]['label']}”各行之和"
        else:
            rows = "与".join(f"“{fmt.label(self.table, r)}”" for r in self.rows) + ("两行之和" if len(self.rows) > 1 else "行")
        groups = [g for g in fmt.t3_col_groups.values() if self.table == "table3" and g["members"] == list(self.cols)]
        cols = f"“{groups[0]['label']}”各列之和" if groups else "、".join(f"“{fmt.label(self.table, c)}”" for c in self.cols) + "列"
        return f"{table}{rows}{cols}"


@lru_cache(maxsize=2)
def restatements(fmt: Format) -> list[tuple[re.Pattern, list[Cells]]]:
    """(pattern, the cells its figure may restate) for every figure a report's text commonly restates,
    most specific first. A pattern without a number (“未发生行政复议”) restates 0."""
    total = (fmt.total_column,)
    orgs = tuple(fmt.t3_col_groups["legal_person_or_other_org"]["members"])
    new, carried_in, done, carried_out = "new_received", "carried_in", "results_total", "carried_forward"
    received = [Cells("table3", (new,), total), Cells("table3", (new, carried_in), total)]
    g, t3 = gap, ("复议", "诉讼")
    out: list[tuple[str, list[Cells]]] = []
    # table 三, the numbered rows of each group, anchored on their label (“1.属于国家秘密” → “国家秘密”)
    for row in fmt.outcome_rows:
        if not row.get("group") or row["group"] == "results":
            continue
        core = re.sub(r"^\d+\.", "", row["label"]).split("、")[0]
        core = re.sub(r"^(申请人)?(无正当理由)?(属于)?([三四]类)?", "", re.sub("[“”\"]", "", core))
        if len(core) >= 3:
            out.append((re.escape(core) + g(6, *t3) + NUM + UNIT, [Cells("table3", (row["key"],), total)]))
    # the groups (（三）…（六）) and the rows of 三 that stand alone
    for key, group in fmt.t3_groups.items():
        if group.get("parent"):
            word = re.sub(r"^（[一二三四五六七八九十]+）", "", group["label"])
            out.append((f"(?<!予){word}" + g(4, *t3) + NUM + UNIT,
                        [Cells("table3", tuple(fmt.group_members(key)), total, key)]))
    for key in ("disclosed", "partially_disclosed"):
        word = re.sub(r"^（[一二三四五六七八九十]+）|（.*$", "", fmt.label("table3", key))
        out.append(((r"(?<!不)" if key == "disclosed" else "") + word + g(4, *t3) + NUM + UNIT,
                    [Cells("table3", (key,), total)]))
    # applicants (of the applications received)
    for col in fmt.applicant_columns:
        if len(col["label"]) >= 3 and col["key"] in orgs:
            out.append((re.escape(col["label"]) + g(8, *t3) + NUM + UNIT,
                        [Cells("table3", (new,), (col["key"],)), Cells("table3", (new, carried_in), (col["key"],))]))
    out += [
        ("自然人" + g(8, *t3) + NUM + UNIT,
         [Cells("table3", (new,), ("natural_person",)), Cells("table3", (new, carried_in), ("natural_person",))]),
        ("法人(?:或|和|及)?其他组织" + g(8, *t3) + NUM + UNIT,
         [Cells("table3", (new,), orgs), Cells("table3", (new, carried_in), orgs)]),
        # the trunk of table 三
        ("新收" + g(20, *t3) + "申请" + g(6, *t3) + NUM + UNIT, received[:1]),
        (r"(?<!新)(?:收到|受理|接收|接到)" + g(20, *t3) + "申请" + g(6, *t3) + NUM + UNIT, received),
        ("上(?:一)?年度?结转" + g(10, *t3) + NUM + UNIT, [Cells("table3", (carried_in,), total)]),
        ("结转(?:至|到)?下(?:一)?年度?" + g(10, *t3) + NUM + UNIT, [Cells("table3", (carried_out,), total)]),
        ("(?:办结|办理完毕|答复完毕|已答复)" + g(6, *t3) + NUM + UNIT, [Cells("table3", (done,), total)]),
        (NO + "上(?:一)?年度?结转", [Cells("table3", (carried_in,), total)]),
        (NO + "(?:需要|需)?结转(?:至|到)?下(?:一)?年度?", [Cells("table3", (carried_out,), total)]),
        (NO + "(?:收到|受理|接到)" + g(12, *t3) + "申请", received),
    ]
    # table 四
    review, direct, after = (tuple(c["key"] for c in grp["members"]) for grp in fmt.t4_groups)
    suits = (direct[-1], after[-1])
    result = {"维持": 0, "纠正": 1, "尚未审结": 3}
    for word, i in result.items():
        out.append(("行政复议" + g(30, "诉讼", "起诉", digits=True) + "(?:结果)?" + word + g(4) + NUM + UNIT,
                    [Cells("table4", (), (review[i],))]))
    out += [
        ("行政复议(?:[、和及与])行政诉讼(?:案件)?各" + NUM + UNIT, [Cells("table4", (), (review[-1],))]),
        ("未经复议直接起诉" + g(4) + NUM + UNIT, [Cells("table4", (), (direct[-1],))]),
        ("复议后起诉" + g(4) + NUM + UNIT, [Cells("table4", (), (after[-1],))]),
        ("(?:行政复议|申请复议)(?!后)" + g(8, "诉讼", "起诉") + NUM + UNIT, [Cells("table4", (), (review[-1],))]),
        ("(?:行政诉讼|提起诉讼)" + g(8, "复议") + NUM + UNIT, [Cells("table4", (), suits)]),
        (NO + g(24, "诉讼", "起诉") + "行政复议(?:被)?(?:纠错|纠正)", [Cells("table4", (), (review[1],))]),
        (NO + g(24, "诉讼", "起诉") + "行政复议(?!被|纠错|纠正|维持|后)", [Cells("table4", (), (review[-1],))]),
        (NO + r"[^\d。；;\n，,]{0,24}?行政诉讼", [Cells("table4", (), suits)]),
    ]
    # table 二
    issued, repealed, valid = (c["key"] for c in fmt.value_columns(fmt.t2_blocks[0]))
    doc, rules = "(?:行政)?规范性文件", "规章"
    verbs = "(?:制发|制定|出台|印发|发布)"
    for row, word in (("normative_documents", doc), ("rules", rules)):
        other = "规章" if row == "normative_documents" else "规范性文件"
        out += [
            (verbs + g(20, other) + word + g(4) + NUM + UNIT, [Cells("table2", (row,), (issued,))]),
            ("(?:废止|宣布失效)" + g(10, other) + word + g(4) + NUM + UNIT, [Cells("table2", (row,), (repealed,))]),
            ("现行有效" + g(10, other) + word + g(4) + NUM + UNIT, [Cells("table2", (row,), (valid,))]),
            (word + g(40, other, digits=True) + "废止" + g(4, other) + NUM + UNIT, [Cells("table2", (row,), (repealed,))]),
            (word + g(40, other, digits=True) + "现行有效" + g(4, other) + NUM + UNIT,
             [Cells("table2", (row,), (valid,))]),
            ("(?:未|没有)" + verbs + "(?:任何)?" + word, [Cells("table2", (row,), (issued,))]),
        ]
    decided = "(?:决定|案件)"
    for row, word, verb in (("administrative_licensing", "行政许可", "(?:作出|办理|办结|审批)"),
                            ("administrative_penalty", "行政处罚", "(?:作出|办理|实施|办结|查处)"),
                            ("administrative_coercion", "行政强制", "(?:作出|实施|采取|办理)")):
        col = fmt.value_columns(fmt.t2_rows[row][0])[0]["key"]
        out += [(word + decided + g(4) + NUM + UNIT, [Cells("table2", (row,), (col,))]),
                (verb + r"[^\d。；;\n]{0,4}?" + word + "(?:措施|事项)?" + g(4) + NUM + UNIT,
                 [Cells("table2", (row,), (col,))])]
    fee_col = fmt.value_columns(fmt.t2_rows["administrative_fees"][0])[0]["key"]
    out.append(("行政事业性收费" + g(8) + r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>万元|元)",
                [Cells("table2", ("administrative_fees",), (fee_col,))]))
    return [(re.compile(p), cells) for p, cells in out]


def quoted_numbers(rep: Report) -> list[Problem]:
    """Every figure in the narrative that restates a table cell and differs from it, with the cell named."""
    fmt, out = rep.fmt, []
    names = {s["key"]: s["label"] for s in fmt.sections}
    for line_no, key, raw in rep.lines:
        text = re.sub(r"[“”\"*]", "", raw)
        taken: set[int] = set()
        for pattern, options in restatements(fmt):
            for m in pattern.finditer(text):
                at = m.start("n") if "n" in pattern.groupindex else m.end()     # a zero: where its anchor ends
                if at in taken:
                    continue
                taken.add(at)
                if "n" not in pattern.groupindex:
                    said = 0
                elif "unit" in pattern.groupindex:
                    said = Decimal(m.group("n")) / (10000 if m.group("unit") == "元" else 1)
                else:
                    said = chinese_number(m.group("n"))
                    if said is None:
                        continue
                values = [(c, c.amount(rep)) for c in options]
                if any(v == said for _, v in values):
                    continue
                where = "或".join(f"{c.name(fmt)}（{Value(v, 'number').show()}）" for c, v in values)
                section = names.get(key, "正文开头")
                out.append(Problem("report-text-number", rep.item.source,
                                   f"“{section}”中“{m.group(0)}”与{where}不一致。",
                                   "核对正文和表格，改正其中错误的一处。", line_no, None, WARNING))
    return out


def similarity(a: str, b: str) -> float:
    """How alike two narratives are (0–1), digits ignored: a copy with new numbers is still a copy."""
    def norm(t: str) -> str:
        return re.sub(r"\d+(\.\d+)?", "#", re.sub(r"\s+", "", t))
    return difflib.SequenceMatcher(None, norm(a), norm(b), autojunk=False).ratio()


# --- one report -------------------------------------------------------------------

def _figures_t2(rep: Report, cat: Catalogue, problems: list[Problem]) -> None:
    fmt, data = rep.fmt, rep.data
    for block in fmt.t2_blocks:
        cols = fmt.value_columns(block)
        for r in block["rows"]:
            if block["key"] == COMPUTED_BLOCK:
                docs_all = documents(cat, KIND_OF_ROW[r["key"]])
                counts = count_documents(docs_all, rep.year)
                uncatalogued = _uncatalogued(rep, r, docs_all, problems)
                for c in cols:
                    docs = counts[c["key"]]
                    fig = Figure(number(len(docs)), FROM_CATALOGUE, items=docs)
                    if c["key"] == VALID and uncatalogued:
                        fig = Figure(number(len(docs) + uncatalogued), FROM_CATALOGUE, items=docs, opening=uncatalogued)
                    given = data.overrides.get((r["key"], c["key"])) if data else None
                    if given:
                        value, reason = given
                        computed = fig.amount
                        fig = Figure(value, BY_HAND, reason, computed, docs)
                        same = "，与计算结果相同，可删除这项改写" if value.amount == computed else ""
                        problems.append(Problem(
                            "report-override", data.rel,
                            f"{fmt.table_name['table2']}“{r['label']}”行“{c['label']}”列使用人工填写的 {value.show()}"
                            f"（按公开目录计算为 {computed}{same}）。理由：{reason}",
                            "如公开目录有遗漏，补录相应文件后删除这项改写。", data.line(fmt.table_name["table2"], r["label"]),
                            None, WARNING))
                    rep.table2[(r["key"], c["key"])] = fig
            else:
                value = data.table2.get((r["key"], cols[0]["key"]), Value()) if data else Value()
                rep.table2[(r["key"], cols[0]["key"])] = Figure(value, FROM_DATA)


def opening_stock(data: dict[int, ReportData], year: int, row: str) -> ReportData | None:
    """The data file that last stated 期初现行有效件数 for `row`, in `year` or before."""
    return next((data[y] for y in sorted(data, reverse=True) if y <= year and row in data[y].opening), None)


def _uncatalogued(rep: Report, row: dict, docs: list[Item], problems: list[Problem]) -> int:
    """Documents in force that the catalogue does not hold: the stated opening stock less the catalogue's
    documents in force on the day before it (0 without a statement)."""
    stated = opening_stock(rep.all_data, rep.year, row["key"])
    if stated is None:
        return 0
    held = sum(1 for d in docs if in_force(d, date(stated.year - 1, 12, 31)))
    opening = stated.opening[row["key"]]
    if opening < held:
        if stated.year == rep.year:
            problems.append(Problem(
                "report-opening", stated.rel,
                f"{OPENING}“{row['label']}”为 {opening}，但公开目录中{stated.year - 1}年12月31日现行有效的"
                f"{row['label']}已有 {held} 件。", f"核对期初件数：应包括公开目录中的 {held} 件和未录入公开目录的文件。",
                stated.line(OPENING, row["label"]), f"{OPENING}.{row['label']}"))
        return 0
    return opening - held


def _unfilled(rep: Report, problems: list[Problem]) -> None:
    fmt, data = rep.fmt, rep.data
    groups = [("table2", r["label"], [fig for (rk, _), fig in rep.table2.items() if rk == r["key"]], [])
              for b in fmt.t2_blocks for r in b["rows"]]
    if rep.table3_source == FROM_DATA and data.table3 is not None:
        groups += [("table3", r["label"], [rep.table3[(r["key"], c["key"])] for c in fmt.t3_columns],
                    [c["label"] for c in fmt.t3_columns]) for r in fmt.t3_rows]
    groups += [("table4", g["label"], [rep.table4[c["key"]] for c in g["members"]], [c["label"] for c in g["members"]])
               for g in fmt.t4_groups if data.table4 is not None]
    for table, label, figs, col_labels in groups:
        empty = [i for i, f in enumerate(figs) if f.value.state == NOT_FILLED]
        if not empty:
            continue
        cols = "、".join(col_labels[i] for i in empty) + "列" if col_labels and len(empty) < len(figs) else ""
        problems.append(Problem("report-not-filled", data.rel, f"{fmt.table_name[table]}“{label}”{cols}未填写，按0发布。",
                                f"确实为0的填0，不适用的填“{NA_TEXT}”。",
                                data.line(fmt.table_name[table], label), None, WARNING))


def check_identities(rep: Report) -> list[Problem]:
    """The format's identities for one report; a message names the table, row, column and numbers."""
    fmt, out = rep.fmt, []
    for ident in fmt.identities:
        if ident.get("cross_year"):
            continue
        table = ident["table"]
        name = fmt.table_name[table]
        severity = ERROR if ident["severity"] == "error" else WARNING
        checks = []      # (row label for the line, where, lhs terms, rhs terms)
        if table == "table3" and ident["apply"] == "per_column":
            for c in fmt.t3_columns:
                terms = lambda keys, c=c: [(fmt.label("table3", k), rep.t3(k, c["key"])) for k in keys]  # noqa: E731
                checks.append((fmt.label("table3", ident["lhs"][0]), f"“{c['label']}”列",
                               terms(ident["lhs"]), terms(ident["rhs"])))
        elif table == "table3" and ident["apply"] == "per_row":
            for r in fmt.t3_rows:
                terms = lambda keys, r=r: [(fmt.label("table3", k), rep.t3(r["key"], k)) for k in keys]  # noqa: E731
                checks.append((r["label"], f"“{r['label']}”行", terms(ident["lhs"]), terms(ident["rhs"])))
        elif table == "table4":
            group = fmt.label("table4", next(c["group"] for c in fmt.t4_columns if c["key"] == ident["lhs"][0]))
            terms = lambda keys: [(next(c["label"] for c in fmt.t4_columns if c["key"] == k),  # noqa: E731
                                   rep.table4[k].amount) for k in keys]
            checks.append((group, f"“{group}”组", terms(ident["lhs"]), terms(ident["rhs"])))
        for row_label, where, lhs, rhs in checks:
            left, right = sum(v for _, v in lhs), sum(v for _, v in rhs)
            if left == right:
                continue
            out.append(Problem(
                "report-identity", rep.source_file(table),
                f"{name}{where}不平衡：{_terms(lhs, left)}，而 {_terms(rhs, right)}。"
                + (f"表头注明：{ident['text']}" if ident.get("text") else ""),
                f"核对{name}中这几格的数字（{'依申请登记表' if rep.table3_source == FROM_REGISTER and table == 'table3' else '年报数据文件或导入的表格'}），"
                "使两边相等；正式表格不设小计行，各项须逐项填写。",
                rep.data.line(name, row_label) if rep.data else None, f"{name}.{row_label}", severity))
    return out


def _terms(terms: list[tuple[str, int]], total: int) -> str:
    """“a”1 + “b”2 = 3; long sums list only their non-zero terms."""
    if len(terms) == 1:
        return f"“{terms[0][0]}”为 {total}"
    shown = terms if len(terms) <= 6 else [t for t in terms if t[1]]
    text = " + ".join(f"“{label}”{v}" for label, v in shown)
    if len(shown) < len(terms):
        text = f"{len(terms)}项之和（其中不为0的：{text or '无'}）"
    return f"{text} = {total}"


def _key_line(cat: Catalogue, item: Item, key: str) -> int | None:
    src = cat.inputs.source(item.source) if cat.inputs else None
    return src.key_lines.get(key) if src else None


def deadline(item: Item, year: int) -> date:
    """Art. 49: 3月31日 for a level of government's report, 1月31日 for departments (and, by default, townships)."""
    body = re.sub(r"\s+", "", item.title).split(str(year))[0]
    return date(year + 1, *(GOVERNMENT_DEADLINE if GOVERNMENT.search(body) else DEADLINE))


def _publication(rep: Report, cat: Catalogue) -> list[Problem]:
    item, out = rep.item, []
    end = date(rep.year, 12, 31)
    rep.deadline = (rep.data.deadline if rep.data and rep.data.deadline else None) or deadline(item, rep.year)
    if item.date_published <= end:
        out.append(Problem("report-early", item.source, f"{rep.year}年度报告的发布日期 {item.date_published} 在该年度结束之前。",
                           f"核对“报告年度”和“发布日期”：报告统计到{rep.year}年12月31日，只能在其后发布。",
                           _key_line(cat, item, "发布日期"), "发布日期"))
    elif item.date_published > rep.deadline:
        out.append(Problem("report-late", item.source,
                           f"发布日期 {item.date_published} 晚于发布期限 {rep.deadline}，逾期"
                           f"{(item.date_published - rep.deadline).days}天（条例第四十九条）。",
                           "按时发布年度报告。期限按标题判断：标题以“……人民政府”开头的本级人民政府年度报告为3月31日，"
                           "部门和乡镇、街道为1月31日；本地另有规定的，在年报数据文件中写“发布期限: "
                           f"{rep.year + 1}-03-31”。", _key_line(cat, item, "发布日期"), "发布日期", WARNING))
    want = f"{rep.year}年政府信息公开工作年度报告"
    if not re.search(f"{rep.year}年度?政府信息公开工作年度报告", re.sub(r"\s+", "", item.title)):
        out.append(Problem("report-title", item.source, f"标题中没有“{want}”。",
                           f"标题写作“{cat.site.body_name}{want}”。", _key_line(cat, item, "标题"), "标题", WARNING))
    other = rep.narrative.get(rep.fmt.sections[-1]["key"], "")
    if rep.fmt.sections[-1]["kind"] == "text" and not FEE_STATEMENT.search(other):
        out.append(Problem("report-fee", item.source,
                           f"“{rep.fmt.sections[-1]['label']}”没有说明{FEE_WORD}的收取情况。",
                           f"写明本年度收取{FEE_WORD}的金额，或“本年度未收取{FEE_WORD}”。", item.body_line, None, WARNING))
    return out


def _report(year: int, item: Item | None, data: ReportData | None, register: Register | None,
            cat: Catalogue, fmt: Format, problems: list[Problem], all_data: dict[int, ReportData]) -> Report | None:
    rep = Report(year, fmt, item, data, all_data=all_data)
    if data is None:
        problems.append(Problem("report-data-missing", item.source,
                                f"找不到{year}年度报告的表格数据文件 {REPORTS_DIR}/{year}.yml。",
                                f"复制上一年的文件改名为 {year}.yml 后修改，或运行 python -m gongkai report-xlsx {year} "
                                f"表格.xlsx，在 WPS 中填好后用 report-import 导入。", _key_line(cat, item, "报告年度"), "报告年度"))
        return None
    _figures_t2(rep, cat, problems)
    t3n, t4n = fmt.table_name["table3"], fmt.table_name["table4"]
    if data.table3 is not None:
        rep.table3 = {k: Figure(v, FROM_DATA) for k, v in data.table3.items()}
        rep.table3_source = FROM_DATA
    elif register is not None:
        rep.table3 = count_register(register, year, fmt)
        rep.table3_source, rep.register_rel = FROM_REGISTER, register.rel
    else:
        problems.append(Problem("report-data-missing", data.rel, f"缺少{t3n}的数据，也没有依申请登记表。",
                                f"在 catalogue/reports/依申请登记.csv 中逐件登记申请，或在本文件中填写“{t3n}:”。", 1, t3n))
        rep.table3 = {(r["key"], c["key"]): Figure(Value(), FROM_DATA) for r in fmt.t3_rows for c in fmt.t3_columns}
    if data.table4 is None:
        problems.append(Problem("report-data-missing", data.rel, f"缺少{t4n}的数据。",
                                f"在本文件中填写“{t4n}:”，没有行政复议和诉讼的各项填0。", 1, t4n))
    rep.table4 = {c["key"]: Figure((data.table4 or {}).get(c["key"], Value()), FROM_DATA) for c in fmt.t4_columns}
    _unfilled(rep, problems)
    problems += check_identities(rep)
    if not any(c.doc_class == "规章" for c in cat.column_list()):
        for exp in fmt.expectations:
            figs = [f for (r, _), f in rep.table2.items() if r == exp["row"]]
            if any(f.amount for f in figs):
                problems.append(Problem("report-rules", data.rel,
                                        f"{fmt.table_name['table2']}“{fmt.label('table2', exp['row'])}”不为0，"
                                        "但县级及以下人民政府和部门没有规章制定权。",
                                        "核对数字；本机关确有规章制定权的，在栏目体系中设“文件类别: 规章”的栏目。",
                                        data.line(fmt.table_name["table2"], fmt.label("table2", exp["row"])),
                                        None, WARNING))
    if item is not None:
        preamble, rep.narrative, found, rep.lines = split_sections(item, fmt)
        problems += found
        rep.markdown = compose(preamble, rep.narrative, fmt)
        problems += quoted_numbers(rep)
        problems += _publication(rep, cat)
    return rep


def _cross_year(rep: Report, prev: Report | None, cat: Catalogue) -> list[Problem]:
    """Year-to-year identities (previous report, or for 现行有效件数 an opening stock stated this year)
    and 内容雷同."""
    fmt, out = rep.fmt, []
    for ident in fmt.identities:
        if not ident.get("cross_year"):
            continue
        severity = ERROR if ident["severity"] == "error" else WARNING
        name = fmt.table_name[ident["table"]]
        if ident["table"] == "table3" and prev is not None:
            (cur,), (old,) = ident["lhs"], ident["rhs"]
            bad = [(c["label"], rep.t3(cur["row"], c["key"]), prev.t3(old["row"], c["key"])) for c in fmt.t3_columns
                   if rep.t3(cur["row"], c["key"]) != prev.t3(old["row"], c["key"])]
            if bad:
                out.append(Problem(
                    "report-carry-over", rep.source_file("table3"),
                    f"{rep.year}年{name}“{fmt.label('table3', cur['row'])}”与{prev.year}年“{fmt.label('table3', old['row'])}”不一致："
                    + "；".join(f"“{c}”列 {a} 与 {b}" for c, a, b in bad) + "。",
                    "上年结转的申请应等于上一年度报告的结转下年度继续办理数，核对两年的数字。",
                    rep.data.line(name, fmt.label("table3", cur["row"])) if rep.table3_source == FROM_DATA else None,
                    None, severity))
        elif ident["table"] == "table2":
            for r in next(b for b in fmt.t2_blocks if b["key"] == ident["block"])["rows"]:
                found = _valid_continuity(rep, prev, r, cat, name, severity)
                out += [found] if found else []
    if prev and rep.item and prev.item and rep.narrative and prev.narrative:
        ratio = similarity("\n".join(rep.narrative.values()), "\n".join(prev.narrative.values()))
        if ratio > SIMILAR:
            out.append(Problem("report-similar", rep.item.source,
                               f"正文与{prev.year}年度报告的相似度为{ratio:.0%}，超过{SIMILAR:.0%}（内容雷同）。",
                               "按本年度实际工作情况撰写总体情况、存在的主要问题及改进情况，不要沿用上年文字。",
                               rep.item.body_line, None, WARNING))
    return out


def _valid_continuity(rep: Report, prev: Report | None, row: dict, cat: Catalogue, name: str,
                      severity: str) -> Problem | None:
    """现行有效件数 = last year's (or the opening stock stated this year) + 本年制发 − 本年废止, less the
    catalogue's documents that lapsed this year. A rise can never be explained by lapsing; a fall only by
    the lapses the catalogue records, and not at all when the office wrote every cell of the row by hand."""
    fmt, key = rep.fmt, row["key"]
    fig = {c: rep.table2[(key, c)] for c in (ISSUED, REPEALED, VALID)}
    col = {c: fmt.label("table2", c) for c in fig}
    if rep.data and key in rep.data.opening:
        before, before_text = rep.data.opening[key], f"{OPENING} {rep.data.opening[key]}"
    elif prev is not None:
        before = prev.table2[(key, VALID)].amount
        before_text = f"{prev.year}年{col[VALID]} {before}"
    else:
        return None
    expected = before + fig[ISSUED].amount - fig[REPEALED].amount
    diff = fig[VALID].amount - expected
    by_hand = all(f.source == BY_HAND for f in fig.values())
    lapsed = 0 if by_hand else lapsed_in(documents(cat, KIND_OF_ROW[key]), rep.year)
    if diff == 0 or -diff == lapsed:
        return None
    said = (f"{name}“{row['label']}”：{rep.year}年{col[VALID]} {fig[VALID].amount} + {col[REPEALED]} "
            f"{fig[REPEALED].amount} = {fig[VALID].amount + fig[REPEALED].amount}，而{before_text} + {rep.year}年"
            f"{col[ISSUED]} {fig[ISSUED].amount} = {before + fig[ISSUED].amount}")
    if diff > 0:
        message = (f"{said}：现行有效件数比推算的多出 {diff} 件。文件到期失效只会减少件数"
                   + (f"（本年到期失效 {lapsed} 件）" if lapsed else "") + "，不能解释增加。")
        hint = (f"核对人工改写的数字和公开目录中的成文日期、废止日期；上年漏报的文件，在年报数据中写明“{OPENING}”。")
    else:
        message = f"{said}：现行有效件数比推算的少 {-diff} 件"
        if by_hand:
            message += "（本行各格都是人工填写，不按公开目录计算到期失效的文件）。"
        else:
            message += f"，本年到期失效的只有 {lapsed} 件。" if lapsed else "，公开目录中本年没有到期失效的文件。"
        hint = "核对是否有文件废止或失效后没有写“废止日期”“失效日期”，以及人工改写的数字。"
    return Problem("report-valid-continuity", rep.data.rel, message, hint,
                   rep.data.line(OPENING, row["label"]) or rep.data.line(name, row["label"]), None, severity)


def proactive_counts(cat: Catalogue) -> dict[int, dict[str, int]]:
    """主动公开 items per year and top-level column."""
    top: dict[str, Column] = {}
    for root in cat.columns:
        for c in root.walk():
            top[c.slug] = root
    out: dict[int, dict[str, int]] = {}
    for item in cat.items + cat.withdrawn:         # a withdrawn item was published that year
        if item.disclosure_mode == "主动公开":
            row = out.setdefault(item.year, {})
            name = top[item.column].name
            row[name] = row.get(name, 0) + 1
    return dict(sorted(out.items()))


def draft(cat: Catalogue, year: int, reports: Reports) -> Report:
    """The report for `year` as far as it is known (for the spreadsheet template): the built report,
    or one computed from the catalogue and the register alone."""
    if year in reports.by_year:
        return reports.by_year[year]
    rep = _report(year, None, ReportData(year, f"{REPORTS_DIR}/{year}.yml"), reports.register, cat,
                  load_format(), [], reports.data)
    rep.proactive = {y: n for y, n in proactive_counts(cat).items() if y <= year}
    return rep


def build(cat: Catalogue, data: dict[int, ReportData] | None = None,
          calendar: workdays.Calendar | None = None) -> Reports:
    """Every report year (a 年报 item with 报告年度, or a data file). `data` replaces files (for imports);
    `calendar` counts 工作日 for the register's reply times (the site's calendar when known)."""
    fmt = format_of(cat.inputs)
    inputs = load_reports(cat.inputs.reports, [c.name for c in cat.site.channels], cat.today, fmt)
    inputs.data.update(data or {})
    problems = list(inputs.problems)
    report_columns = {c.slug for c in cat.column_list() if c.doc_class == "年报"}
    items: dict[int, Item] = {}
    for item in sorted(cat.items, key=lambda i: i.date_published):
        line = lambda: _key_line(cat, item, "报告年度")  # noqa: E731 - only for a problem
        if item.report_year is not None and item.column not in report_columns:
            problems.append(Problem("report-year-column", item.source, "只有“年报”类栏目中的信息才能填写报告年度。",
                                    "删除“报告年度”，或把本信息移到政府信息公开年报栏目。", line(), "报告年度"))
        elif item.report_year is None and item.column in report_columns and item.genre == "年报":
            problems.append(Problem("report-year-missing", item.source, "年度报告没有填写“报告年度”，不会生成表格和检查。",
                                    "增加一行“报告年度: 2025”（所报告的年份）。", 2, "报告年度", WARNING))
        elif item.report_year in items:
            problems.append(Problem("report-year-duplicate", item.source,
                                    f"与 {items[item.report_year].source} 的报告年度都是 {item.report_year}。",
                                    "每个年度只能有一份年度报告；更正报告请修改原文件。", line(), "报告年度"))
        elif item.report_year is not None:
            items[item.report_year] = item
    if inputs.register:
        problems += register_checks(inputs.register, fmt, calendar or workdays.Calendar(), cat.today)
    proactive = proactive_counts(cat)
    reports: dict[int, Report] = {}
    for year in sorted(set(inputs.data) | set(items)):
        if year in inputs.broken:         # its file's errors are reported; it is not missing
            continue
        rep = _report(year, items.get(year), inputs.data.get(year), inputs.register, cat, fmt, problems, inputs.data)
        if rep is not None:
            rep.proactive = {y: n for y, n in proactive.items() if y <= year}
            reports[year] = rep
    for year, rep in reports.items():
        problems += _cross_year(rep, reports.get(year - 1), cat)
    if items:
        years = sorted(items)
        for gap in sorted(set(range(years[0], years[-1])) - set(years)):
            problems.append(Problem("report-gap", items[years[-1]].source, f"年报栏目中缺少{gap}年度报告。",
                                    "把历年年度报告都放在年报栏目中，便于查阅。", None, None, WARNING))
        last = deadline(items[years[-1]], years[-1])       # the office's next report is due on the same day
        due = date(cat.today.year, last.month, last.day)
        if years[-1] < cat.today.year - 1 and cat.today > due:
            problems.append(Problem("report-overdue", items[years[-1]].source,
                                    f"{cat.today.year - 1}年度报告尚未发布，发布期限为 {due}（条例第四十九条）。",
                                    "编写并发布年度报告。", None, None, WARNING))
    return Reports(reports, {r.item.index_no: r for r in reports.values() if r.item}, problems, inputs.register,
                   inputs.data)
