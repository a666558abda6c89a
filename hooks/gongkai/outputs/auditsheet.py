"""发布审核单: one printable page per item, for the paper file the office keeps (three years), in the
intranet build only (admin/shenhe/). It shows what is (or is not) published, the 审核记录 with a column
for handwritten signatures, and a 撤回 record. Nothing here is part of the public site."""
from __future__ import annotations

from html import escape

from ..stages.model import Catalogue, Item
from ..stages.render import Asset
from ..stages.validate import slug_of

FOLDER = "admin/shenhe/"
STYLE = """body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:48em;
color:#111;line-height:1.6}h1{font-size:1.5em;text-align:center}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #333;padding:.4em .6em;text-align:left;vertical-align:top}th{background:#eee;width:8em}
.sign{width:7em}@media print{a{color:inherit;text-decoration:none}.noprint{display:none}}"""


def _page(title: str, body: str) -> bytes:
    return (f'<!doctype html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="robots" content="noindex">\n'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            "</body>\n</html>\n").encode()


def published_as(item: Item, today) -> str:
    if item.withdrawal is not None:
        return f"已撤回（{item.withdrawal.date}，{item.withdrawal.reason}）：原网址只显示撤回公告"
    if item.disclosure_mode != "主动公开":
        why = f"，理由：{item.withhold_reason}" if item.withhold_reason else ""
        return f"{item.disclosure_mode}{why}：不在网站上发布正文和附件"
    if item.date_published > today:
        return f"主动公开，定时发布：{item.date_published}"
    return "主动公开：正文和附件在网站上发布"


def sheet(cat: Catalogue, item: Item, unit: str) -> bytes:
    rows = [("标题", item.title), ("索引号", item.index_no), ("发布机构", item.publisher), ("文号", item.doc_no or ""),
            ("栏目", cat_column(cat, item)), ("成文日期", str(item.date_signed or item.date_generated or "")),
            ("发布日期", str(item.date_published)), ("公开方式", published_as(item, cat.today)),
            ("内容概述", item.summary), ("附件", "；".join(f"{a.title}（{a.path}）" for a in item.attachments) or "无"),
            ("文件", item.source)]
    head = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    reviews = "".join(
        f"<tr><td>{escape(r.stage)}</td><td>{escape(r.reviewer)}</td><td>{escape(r.role)}</td><td>{r.date}</td>"
        f"<td>{escape(r.opinion)}</td><td>{escape(r.note)}"
        + (f"（放行：{escape('、'.join(r.cleared))}）" if r.cleared else "") + '</td><td class="sign"></td></tr>'
        for r in item.reviews) or '<tr><td colspan="7">尚无审核记录。</td></tr>'
    body = (f"<h1>{escape(unit)}信息发布审核单</h1>\n<table>{head}</table>\n<h2>审核记录</h2>\n"
            "<table><tr><th>环节</th><th>审核人</th><th>职务</th><th>日期</th><th>意见</th><th>说明</th>"
            f'<th class="sign">签字</th></tr>{reviews}</table>\n')
    if item.withdrawal is not None:
        w = item.withdrawal
        body += (f"<h2>撤回记录</h2>\n<table><tr><th>撤回日期</th><td>{w.date}</td></tr><tr><th>原因</th>"
                 f"<td>{escape(w.reason)}</td></tr><tr><th>决定人</th><td>{escape(w.decided_by)}</td></tr>"
                 f"<tr><th>说明</th><td>{escape(w.note)}</td></tr></table>\n")
    body += '<p class="noprint"><a href="../">全部发布审核单</a></p>'
    return _page(f"发布审核单 · {item.title}", body)


def cat_column(cat: Catalogue, item: Item) -> str:
    col = next((c for c in cat.column_list() if c.slug == item.column), None)
    return col.path if col else item.column


def assets(cat: Catalogue) -> list[Asset]:
    """Every item's 发布审核单 and an index of them, newest first."""
    unit = cat.site.body_name
    items = sorted(cat.every_item(), key=lambda i: (i.date_published, i.index_no), reverse=True)
    out = [Asset(f"{FOLDER}{slug_of(i.index_no)}/index.html", data=sheet(cat, i, unit)) for i in items]
    rows = "".join(f'<tr><td>{i.date_published}</td><td><a href="{slug_of(i.index_no)}/">{escape(i.title)}</a></td>'
                   f"<td>{escape(i.index_no)}</td><td>{len(i.reviews)}</td></tr>" for i in items)
    out.append(Asset(FOLDER + "index.html", data=_page(f"发布审核单 · {unit}", (
        f"<h1>{escape(unit)}信息发布审核单</h1>\n<p>每条信息一页，可打印存档（保存期限不少于三年）。本页只在内网版中。</p>\n"
        "<table><tr><th>发布日期</th><th>标题</th><th>索引号</th><th>审核记录项数</th></tr>" + rows + "</table>"))))
    return out
