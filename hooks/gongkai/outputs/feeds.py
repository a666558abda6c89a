"""Atom feeds and open-data exports of the catalogue (part of render).

"可检索、可核查、可利用": the whole catalogue as catalogue.json and
catalogue.csv (UTF-8 with BOM so WPS and Excel open it), with the schema's
Chinese field names; Atom feeds of the newest items, overall and per column.
"""
from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape

from ..core import schema
from ..stages.model import Item

FEED_SIZE = 30
EXPORT_FIELDS = ("index_no", "title", "publisher", "co_publishers", "doc_no", "registration_no", "date_signed",
                 "date_generated", "date_published", "column", "topic", "genre", "disclosure_mode",
                 "withhold_reason", "disclosure_scope", "time_limit", "validity", "date_effective", "date_expires", "date_repealed",
                 "summary", "keywords", "policy_phone")
# Columns added to the schema's fields in the exports.
EXTRA = {"url": "网址", "column_path": "栏目路径", "attachments": "附件", "relations": "关联"}


def record(item: Item, url: str, column_name: str, column_path: str, validity: str | None) -> dict:
    """One item as an export row: Chinese keys from the schema, values as text or lists."""
    row = {}
    for name in EXPORT_FIELDS:
        value = getattr(item, name)
        if name == "column":
            value = column_name
        elif name == "validity":
            value = validity
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        row[schema.BY_NAME[name].key] = value if value not in (None, []) else ("" if name != "keywords" else [])
    row[EXTRA["column_path"]] = column_path
    row[EXTRA["url"]] = url
    row[EXTRA["attachments"]] = [{"标题": a.title, "网址": url + a.path, "大小": a.size} for a in item.attachments]
    row[EXTRA["relations"]] = [{"索引号": r.index_no, "关系": r.relation} for r in item.relations]
    return row


# What a 依申请公开 or 不予公开 item shows in the catalogue data, when the office lists them (目录列出非主动公开信息).
WITHHELD_FIELDS = ("index_no", "title", "publisher", "co_publishers", "doc_no", "date_signed", "date_generated",
                   "date_published", "column", "genre", "disclosure_mode", "withhold_reason")


def withheld_record(item: Item, column_name: str, column_path: str) -> dict:
    """A row like record()'s with the metadata only: no 内容概述, 网址, 附件 or 关联."""
    row = record(item, "", column_name, column_path, None)
    for name in EXPORT_FIELDS:
        if name not in WITHHELD_FIELDS:
            key = schema.BY_NAME[name].key
            row[key] = [] if isinstance(row[key], list) else ""
    row[EXTRA["attachments"]], row[EXTRA["relations"]] = [], []
    return row


def to_json(rows: list[dict], generated: str, body: str) -> bytes:
    """One item per line: readable, and written by json's C encoder (indent= would use the slow one)."""
    head = json.dumps({"说明": f"{body}政府信息公开目录，共 {len(rows)} 条。字段含义见网站“公开目录”页面。",
                       "生成日期": generated}, ensure_ascii=False)
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return f'{head[:-1]}, "条目": [\n{lines}\n]}}\n'.encode()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A CSV cell that a spreadsheet shows as text: a leading ' before =, +, -, @, tab or CR, so that
    Excel and WPS do not run it as a formula (OWASP, CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: list[dict]) -> bytes:
    if not rows:
        return "\ufeff".encode()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    keys = list(rows[0])
    writer.writerow(keys)
    for row in rows:
        out = []
        for key in keys:
            value = row[key]
            if key == EXTRA["attachments"]:
                value = "；".join(f"{a['标题']} {a['网址']}" for a in value)
            elif key == EXTRA["relations"]:
                value = "；".join(f"{r['关系']} {r['索引号']}" for r in value)
            elif isinstance(value, list):
                value = "、".join(value)
            out.append(cell(value))
        writer.writerow(out)
    return ("\ufeff" + buf.getvalue()).encode()


def atom(title: str, feed_url: str, home_url: str, entries: list[tuple[Item, str]], updated: str,
         author: str) -> bytes:
    """entries: (item, absolute or site-relative URL)."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
             f"<title>{escape(title)}</title>", f'<link rel="self" href="{escape(feed_url)}"/>',
             f'<link href="{escape(home_url)}"/>', f"<id>{escape(feed_url)}</id>",
             f"<updated>{updated}T00:00:00+08:00</updated>", f"<author><name>{escape(author)}</name></author>"]
    for item, url in entries[:FEED_SIZE]:
        parts += ["<entry>", f"<title>{escape(item.title)}</title>", f'<link href="{escape(url)}"/>',
                  f"<id>urn:gongkai:{escape(item.index_no)}</id>",
                  f"<updated>{item.date_published.isoformat()}T00:00:00+08:00</updated>",
                  f"<author><name>{escape(item.publisher)}</name></author>",
                  f"<summary>{escape(item.summary)}</summary>", "</entry>"]
    parts.append("</feed>\n")
    return "\n".join(parts).encode()
