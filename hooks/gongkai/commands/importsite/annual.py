"""Old 年报 pages: their tables 二, 三 and 四 (2021 format) read into report data for that year."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from ...annual.report_data import NA_TEXT, ReportData, Value, dump_data, load_format, number, parse_data_text
from ...core.problems import ERROR

NUM = re.compile(r"^-?\d+(\.\d+)?$")
YEAR = re.compile(r"(\d{4})\s*年度?\s*政府信息公开(工作)?年度?报告")


def _key(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0（）()、.．,，:：“”\"]+", "", text)


def _value(text: str, decimal: bool = False) -> Value | None:
    if text in (NA_TEXT, "/", "—", "-"):
        return Value(None, "not_applicable") if text == NA_TEXT else None
    if not NUM.match(text):
        return None
    try:
        return number(Decimal(text) if decimal or "." in text else int(text))
    except InvalidOperation:
        return None


def report_year(title: str) -> int | None:
    m = YEAR.search(re.sub(r"\s+", "", title or ""))
    return int(m.group(1)) if m else None


def parse(tables: list[list[list[str]]], year: int, source_url: str) -> tuple[ReportData | None, str]:
    """Report data from the page's tables (rows of cell texts), or (None, why not)."""
    fmt = load_format()
    rows = [r for t in tables for r in t]
    rd = ReportData(year, f"catalogue/reports/{year}.yml")
    t2 = {_key(r["label"]): (b, r) for b in fmt.t2_blocks for r in b["rows"]}
    t3 = {_key(r["label"]): r for r in fmt.t3_rows}
    t3_cols = fmt.t3_columns
    table3 = {}
    t4_numbers: list[str] = []
    reason = f"迁移自原网站年报（{source_url}）"
    for cells in rows:
        cells = [c for c in cells if c != ""]
        if not cells:
            continue
        nums = []
        while cells and (NUM.match(cells[-1]) or cells[-1] == NA_TEXT):
            nums.insert(0, cells.pop())
        label = _key(cells[-1]) if cells else ""
        if label in t2 and nums:
            block, row = t2[label]
            cols = fmt.value_columns(block)
            if block["key"] == "art20_item1":
                for col, n in zip(cols, nums):
                    v = _value(n)
                    if v is not None:
                        rd.overrides[(row["key"], col["key"])] = (v, reason)
            else:
                v = _value(nums[0], cols[0].get("type") == "decimal")
                if v is not None:
                    rd.table2[(row["key"], cols[0]["key"])] = v
        elif label in t3 and len(nums) == len(t3_cols):
            for col, n in zip(t3_cols, nums):
                table3[(t3[label]["key"], col["key"])] = _value(n) or Value()
        elif not cells and len(nums) == sum(len(g["members"]) for g in fmt.t4_groups):
            t4_numbers = nums
    if len({k[0] for k in table3}) < len(fmt.t3_rows) - 2:
        return None, f"表三只识别出 {len({k[0] for k in table3})} 行（共 {len(fmt.t3_rows)} 行）"
    if not t4_numbers:
        return None, "没有找到表四的数字行（应为15个数）"
    if len(rd.table2) < 4:
        return None, f"表二只识别出 {len(rd.table2)} 项（应有4项）"
    rd.table3 = {(r["key"], c["key"]): table3.get((r["key"], c["key"]), Value()) for r in fmt.t3_rows for c in t3_cols}
    cols4 = [c for g in fmt.t4_groups for c in g["members"]]
    rd.table4 = {c["key"]: _value(n) or Value() for c, n in zip(cols4, t4_numbers)}
    text = dump_data(rd, fmt)
    _, problems = parse_data_text(text, rd.rel, year, fmt)
    bad = [p for p in problems if p.severity == ERROR]
    if bad:
        return None, "表格数据不通过校验：" + bad[0].message
    return rd, ""
