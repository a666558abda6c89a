"""The article body: the body container without the site's chrome, converted to Markdown with
html-to-markdown. Links are numbered (@@L<n>@@) and resolved once every page is known (attachments in
the mirror, other imported pages); tables with merged cells stay HTML (@@T<n>@@ until inserted)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

import html_to_markdown

from .pages import ATTACHMENT_EXT, IMAGE_EXT, body_node, resolve

# Chrome that sits inside or next to the body on real sites.
DROP = ("script", "style", "iframe", "object", "embed", "form", "button", "input", "select", "textarea", "noscript",
        ".detail_video", ".share", ".share_box", ".article_qrcode_area", ".ewm-img", ".function_icon",
        ".article_btn_group", ".bdsharebuttonbox", "#qrcode", ".print", ".close")
CHROME = re.compile(r"^[\s【\[]*(当前位置|字号|字体|打印|关闭|打印本页|关闭窗口|扫一扫|分享到|收藏|相关链接|【大】|"
                    r"上一篇|下一篇|返回顶部|\[?大\]?\s*\[?中\]?\s*\[?小\]?)")
ATTACHMENT_BOXES = ".article_attachment a[href], #file_ul_fj a[href], .fj a[href], .attachment a[href], .xgfj a[href]"
LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(@@L(\d+)@@\)")
OPTIONS = html_to_markdown.ConversionOptions(escape_asterisks=True, heading_style="atx")


@dataclass
class Link:
    url: str
    text: str
    image: bool = False
    listed: bool = False          # from the page's attachment list, not the body


@dataclass
class Body:
    markdown: str
    links: list[Link] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)     # HTML of tables with merged cells
    html_tables: list[list[list[str]]] = field(default_factory=list)   # every table as rows of cell texts
    text: str = ""                                        # plain text, for duplicates and the truth


def _cells(table) -> list[list[str]]:
    return [[re.sub(r"[\s\u3000\xa0]+", "", c.text()) for c in tr.css("td, th")] for tr in table.css("tr")]


def _span(cell, name: str) -> int:
    try:
        return max(1, int(cell.attributes.get(name) or 1))
    except ValueError:
        return 1


def _table_html(table) -> str:
    rows = []
    for tr in table.css("tr"):
        cells = []
        for c in tr.css("td, th"):
            attrs = "".join(f' {a}="{_span(c, a)}"' for a in ("colspan", "rowspan") if _span(c, a) > 1)
            text = escape(re.sub(r"[\s\u3000\xa0]+", " ", c.text()).strip())
            cells.append(f"<{c.tag}{attrs}>{text}</{c.tag}>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "<table>\n" + "\n".join(rows) + "\n</table>"


def extract(tree, page_url: str) -> Body | None:
    node = body_node(tree)
    if node is None:
        return None
    links: list[Link] = []
    for a in tree.css(ATTACHMENT_BOXES):
        href = a.attributes.get("href") or ""
        if href and not href.startswith(("javascript:", "#")):
            text = re.sub(r"\s+", " ", a.attributes.get("title") or a.text()).strip()
            links.append(Link(resolve(page_url, href), text, listed=True))
    for sel in DROP:
        for n in node.css(sel):
            n.decompose()
    for n in node.css("p, div, span, a, li"):
        t = n.text(strip=True)
        if t and len(t) < 40 and CHROME.match(t) and not n.css_first("img"):
            n.decompose()
    html_tables = []
    tables: list[str] = []
    for t in node.css("table"):
        inner = t.html or ""
        if "<table" in inner[inner.find(">") + 1:].lower():
            continue
        html_tables.append(_cells(t))
        if any(_span(c, "colspan") > 1 or _span(c, "rowspan") > 1 for c in t.css("td, th")):
            tables.append(_table_html(t))
            t.replace_with(f"@@T{len(tables) - 1}@@")
    for img in node.css("img"):              # file-type icons beside attachment links (TRS: icon_pdf.gif)
        if re.search(r"(fileTypeImages|/icon_\w+\.gif)", img.attributes.get("src") or ""):
            img.decompose()
    for tag, attr in (("a", "href"), ("img", "src")):
        for n in node.css(f"{tag}[{attr}]"):
            href = n.attributes.get("oldsrc") or n.attributes.get("OLDSRC") or n.attributes.get(attr) or ""
            if tag == "a" and href.startswith(("javascript:", "#")) or not href.strip():
                n.unwrap() if tag == "a" else n.decompose()
                continue
            text = re.sub(r"\s+", " ", n.text() if tag == "a" else (n.attributes.get("alt") or "")).strip()
            links.append(Link(resolve(page_url, href), text, image=tag == "img"))
            n.attrs[attr] = f"@@L{len(links) - 1}@@"
            for other in ("title", "oldsrc", "OLDSRC", "style"):
                if other in n.attrs:
                    del n.attrs[other]
    md = html_to_markdown.convert(node.html, OPTIONS).content
    md = "\n".join(line.rstrip() for line in md.split("\n"))
    md = re.sub(r"\n(?:[ \t\u3000\xa0]*\n)+", "\n\n", md).strip()
    plain = re.sub(r"\s+", " ", node.text(separator=" ")).strip()
    return Body(md, links, tables, html_tables, plain)


def is_file_link(url: str) -> bool:
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    return any(path.endswith(ext) for ext in ATTACHMENT_EXT | IMAGE_EXT)


def finish(body: Body, resolve_link) -> tuple[str, list[tuple[str, str]]]:
    """The Markdown with every link resolved: resolve_link(link) → new target, or None when the file is
    missing from the mirror (the link becomes text with a visible note). Returns (markdown, missing)."""
    missing: list[tuple[str, str]] = []

    def sub(m):
        link = body.links[int(m.group(3))]
        target = resolve_link(link)
        if target is None:
            missing.append((link.text or link.url.rsplit("/", 1)[-1], link.url))
            return f"{m.group(2) or link.url.rsplit('/', 1)[-1]}（{'图片' if link.image else '附件'}缺失，见文末说明）"
        return f"{m.group(1)}[{m.group(2)}]({target})"

    md = LINK_RE.sub(sub, body.markdown)
    for i, table in enumerate(body.tables):
        md = md.replace(f"@@T{i}@@", "\n\n" + table + "\n\n")
    md = re.sub(r"\n{3,}", "\n\n", md).strip()
    return md, missing
