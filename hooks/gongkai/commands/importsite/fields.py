"""Item fields from the page: the 信息公开 metadata grid by its labels, then the page meta tags and the
article header, then an optional catalogue export (.xlsx/.csv) matched by URL or title."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from ...core.problems import InputError, Problem
from .pages import url_key

SPACE = re.compile(r"[\s\u2002\u2003\u3000\xa0]+")
# Grid label variants real sites use → the field they fill.
LABELS = {
    "索引号": "索引号", "编号": "索引号",
    "发布机构": "发布机构", "发文机关": "发布机构", "发布单位": "发布机构", "信息来源": "发布机构",
    "发文单位": "发布机构", "公开责任部门": "发布机构", "来源": "来源",
    "生成日期": "生成日期", "成文日期": "成文日期", "发文日期": "成文日期", "印发日期": "成文日期",
    "发布日期": "发布日期", "公开日期": "发布日期", "发布时间": "发布日期",
    "文号": "文号", "发文字号": "文号", "文件编号": "文号",
    "主题分类": "主题分类", "分类": "主题分类", "主题词": "关键词", "关键词": "关键词",
    "有效性": "有效性", "时效性": "有效性", "是否有效": "有效性", "效力状况": "有效性",
    "公开方式": "公开方式", "公开形式": "公开方式", "公开范围": "公开范围", "体裁": "体裁", "文种": "体裁",
    "标题": "标题", "名称": "标题", "信息名称": "标题", "内容概述": "内容概述", "摘要": "内容概述",
}
NONE_VALUES = {"", "无", "-", "—", "/", "暂无", "null", "None"}
VALIDITY = {"有效": "现行有效", "现行有效": "现行有效", "是": "现行有效", "废止": "已废止", "已废止": "已废止",
            "失效": "已失效", "已失效": "已失效", "否": "已失效", "无效": "已失效", "已修改": "已修改", "修改": "已修改",
            "部分失效": "部分失效"}
MODES = {"主动公开": "主动公开", "依申请公开": "依申请公开"}
SCOPES = {"面向社会": "面向社会", "面向全社会": "面向社会", "社会": "面向社会", "面向特定群体": "面向特定群体"}
DATE_RE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
DOC_NO_RE = re.compile(r"^(.+?)\s*[\[［(（【﹝〔〈]\s*(\d{4})\s*[\]］)）】﹞〕〉]\s*(.+号)$")
CODE_RE = re.compile(r"""["']([\w.-]{1,20})["']""")


def norm(text: str) -> str:
    return SPACE.sub("", text or "")


def label_of(text: str) -> str | None:
    key = norm(text).rstrip("：:")
    return LABELS.get(key)


def parse_day(text: str | None) -> date | None:
    m = DATE_RE.search(text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def doc_no(text: str) -> tuple[str, bool]:
    """(文号, changed): the year brackets made 〔〕; anything else kept as written (make check warns)."""
    text = norm(text)
    m = DOC_NO_RE.match(text)
    if not m:
        return text, False
    fixed = f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}"
    return fixed, fixed != text


def _nests(node) -> bool:
    """Whether the cell holds other cells or lists (a menu or a layout table, not a grid cell)."""
    inner = node.html or ""
    return bool(re.search(r"<(li|td|table|ul)\b", inner[inner.find(">") + 1:], re.I))


def grid(tree) -> tuple[dict[str, str], dict[str, str]]:
    """(label field → raw value, notes) from li/td/th/dt cells outside the body. A value written by a
    page script (主题分类 from a code) is noted, not guessed."""
    found: dict[str, str] = {}
    notes: dict[str, str] = {}
    for node in tree.css("li, td, th, dt"):
        if _nests(node):
            continue
        text = node.text(deep=True, separator="")
        if len(text) > 400:
            continue
        label, sep, value = re.sub(r"[:：]", "：", text, count=1).partition("：")
        key = label_of(label)
        if key is None or key in found:
            continue
        script = node.css_first("script")
        if script is not None:
            code = CODE_RE.search(script.text() or "")
            notes[key] = code.group(1) if code else ""
            value = value.replace(script.text() or "", "")
        if not sep or not norm(value):
            nxt = node.next
            while nxt is not None and nxt.tag in ("-text", "-comment"):
                nxt = nxt.next
            if nxt is not None and nxt.tag in ("td", "dd", "th") and label_of(nxt.text()) is None:
                sib_script = nxt.css_first("script")
                if sib_script is not None:
                    code = CODE_RE.search(sib_script.text() or "")
                    notes[key] = code.group(1) if code else ""
                    value = nxt.text(deep=True).replace(sib_script.text() or "", "")
                else:
                    value = nxt.text(deep=True)
        value = SPACE.sub(" ", value).strip()
        if key in notes and not value:
            found.setdefault(key, "")
            continue
        if value not in NONE_VALUES:
            found[key] = value
    return found, notes


def header(tree) -> dict[str, str]:
    """What the article header shows: title, 文号 line, 来源, 时间."""
    out = {}
    node = tree.css_first(".article_title, .xxgk_title, h1.title, div.title h1")
    if node is not None and norm(node.text()):
        out["标题"] = SPACE.sub(" ", node.text()).strip()
    node = tree.css_first(".article_title_sec")
    if node is not None and norm(node.text()):
        out["文号"] = norm(node.text())
    for sel, key in ((".article_source", "来源"), (".article_time", "时间")):
        node = tree.css_first(sel)
        if node is not None:
            _, _, value = re.sub(r"[:：]", "：", node.text(), count=1).partition("：")
            if norm(value):
                out[key] = value.strip()
    return out


class Export:
    """A catalogue export from the old CMS: rows by URL and by title. Columns are matched by the same
    labels as the grid (索引号, 发布机构, 成文日期 …) plus 网址/链接/URL."""
    URL_LABELS = ("网址", "链接", "url", "URL", "地址", "原网址", "页面地址")

    def __init__(self, rows: list[dict[str, str]]):
        self.by_url, self.by_title = {}, {}
        for row in rows:
            rec = {}
            for k, v in row.items():
                key = "网址" if str(k).strip() in self.URL_LABELS else label_of(str(k))
                if key and v not in (None, "") and str(v).strip() not in NONE_VALUES:
                    rec[key] = v if isinstance(v, date) else str(v).strip()
            if rec.get("网址"):
                self.by_url[url_key(rec["网址"])] = rec
            if rec.get("标题"):
                self.by_title.setdefault(norm(rec["标题"]), rec)
        self.rows = len(rows)

    def match(self, urls: list[str], title: str | None) -> dict:
        for u in urls:
            if url_key(u) in self.by_url:
                return self.by_url[url_key(u)]
        return self.by_title.get(norm(title or ""), {})

    @classmethod
    def read(cls, path: Path) -> "Export":
        rel = str(path)
        if not path.is_file():
            raise InputError([Problem("missing-file", rel, "找不到目录导出文件。", "核对 LIST= 后的路径。")])
        try:
            if path.suffix.lower() == ".xlsx":
                from openpyxl import load_workbook
                ws = load_workbook(path, read_only=True, data_only=True).worksheets[0]
                rows = [["" if c is None else c for c in r] for r in ws.iter_rows(values_only=True)]
            elif path.suffix.lower() == ".csv":
                data = path.read_bytes()
                for enc in ("utf-8-sig", "gb18030"):
                    try:
                        text = data.decode(enc)
                        break
                    except UnicodeDecodeError:
                        continue
                else:
                    raise ValueError("encoding")
                rows = list(csv.reader(io.StringIO(text)))
            else:
                raise InputError([Problem("bad-value", rel, "目录导出文件只能是 .xlsx 或 .csv。",
                                          "在 WPS/Excel 中另存为 .xlsx 或“CSV UTF-8”。")])
        except InputError:
            raise
        except Exception as exc:
            raise InputError([Problem("unreadable-file", rel, f"无法读取目录导出文件（{type(exc).__name__}）。",
                                      "确认文件没有损坏，可在 WPS/Excel 中打开后另存为 .xlsx。")]) from None
        head = next((i for i, r in enumerate(rows[:10]) if sum(1 for c in r if label_of(str(c))) >= 2), None)
        if head is None:
            raise InputError([Problem("bad-value", rel, "目录导出文件的前10行中找不到列名（如 标题、索引号、发布日期）。",
                                      "第一行写列名：标题、索引号、发布机构、成文日期、发布日期、文号、网址。")])
        names = [str(c).strip() for c in rows[head]]
        return cls([dict(zip(names, r)) for r in rows[head + 1:] if any(str(c).strip() for c in r)])
