"""Every file of a wget mirror, decoded and classified by its content."""
from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

ITEM, LISTING, ATTACHMENT, ASSET, UNREADABLE = "item", "listing", "attachment", "asset", "unreadable"
PAGE_EXT = {".htm", ".html", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx", ""}
ATTACHMENT_EXT = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".et", ".wps", ".ppt", ".pptx", ".ofd", ".zip", ".rar",
                  ".7z", ".txt", ".csv", ".rtf", ".tif", ".tiff"}
IMAGE_EXT = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".svg"}
# Where the article body is, across vendors (TRS WCM, TRS UEditor, 大汉/Hanweb, generic).
BODY_SELECTORS = ("div.gk-marked-body", "div.article_content", "#zoom", "#Zoom", "div.TRS_UEDITOR", "div.TRS_Editor", "div.trs_editor",
                  "#content", "div.content_text", "div.bt_content", "div.zw")
# 大汉/Hanweb pages mark the body with <meta name="ContentStart"> … <meta name="ContentEnd"> (sometimes
# inside a comment); the marked stretch becomes div.gk-marked-body before parsing.
MARK_START = re.compile(r"""(<!--\s*)?<meta\s+name=["']?ContentStart["']?[^>]*>(\s*-->)?""", re.I)
MARK_END = re.compile(r"""(<!--\s*)?<meta\s+name=["']?ContentEnd["']?[^>]*>(\s*-->)?""", re.I)
META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                   "utf8": "utf-8", "utf-8": "utf-8"}


@dataclass
class Page:
    rel: str                       # path inside the mirror, e.g. www.example.gov.cn/zwgk/t1.htm
    kind: str
    url: str = ""                  # the old address (from the mirror path)
    reason: str = ""               # why unreadable
    encoding: str = ""
    tree: LexborHTMLParser | None = None
    text: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    links: int = 0


def url_of(rel: str) -> str:
    """The old address of a mirror file: wget keeps host/path (index.html stands for a trailing /)."""
    host, _, path = rel.partition("/")
    if path.endswith("index.html") and (path == "index.html" or path.endswith("/index.html")):
        path = path[: -len("index.html")]
    return f"https://{host}/{path}"


def url_key(url: str) -> str:
    """An address without scheme, query, fragment, or a trailing index file: what two links share."""
    parts = urlsplit(url)
    path = unquote(parts.path or "/")
    path = re.sub(r"/index\.s?html?$", "/", path)
    return parts.netloc.lower().removeprefix("www.") + path


def resolve(base: str, href: str) -> str:
    return urljoin(base, href.strip())


def decode(data: bytes) -> tuple[str | None, str]:
    """(text, encoding) from the BOM, the meta charset, strict UTF-8, or detection; (None, reason) if none fits."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    m = META_RE.search(data[:4096])
    declared = CHARSET_ALIASES.get(m.group(1).decode("ascii", "ignore").lower()) if m else None
    tried = [declared] if declared else []
    tried += [e for e in ("utf-8", "gb18030") if e not in tried]
    for enc in tried[:2] if declared else tried[:1]:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    best = from_bytes(data[:200_000]).best()
    if best is None:
        return None, "无法识别文字编码"
    enc = CHARSET_ALIASES.get(best.encoding.replace("_", "").lower(), best.encoding)
    if enc in ("gb2312", "gbk"):
        enc = "gb18030"
    return data.decode(enc, errors="replace"), enc


def read_meta(tree: LexborHTMLParser) -> dict[str, str]:
    out = {}
    for node in tree.css("meta[name]"):
        name, content = node.attributes.get("name") or "", node.attributes.get("content")
        if content is not None and name and name not in out:
            out[name] = content.strip()
    return out


def body_node(tree: LexborHTMLParser):
    for sel in BODY_SELECTORS:
        node = tree.css_first(sel)
        if node is not None:
            return node
    return None


def classify(root: str, rel: str) -> Page:
    ext = os.path.splitext(rel)[1].lower()
    if ext in ATTACHMENT_EXT:
        return Page(rel, ATTACHMENT, url_of(rel))
    if ext not in PAGE_EXT:
        return Page(rel, ASSET, url_of(rel))
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    page = Page(rel, UNREADABLE, url_of(rel))
    if not data.strip():
        page.reason = "文件为空"
        return page
    if b"\x00" in data[:2048] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        page.reason = "不是网页（二进制内容，可能是改了扩展名的附件）"
        return page
    text, enc = decode(data)
    if text is None:
        page.reason = enc
        return page
    if not re.search(r"<(html|body|div|p|table|head)\b", text[:200_000], re.I):
        page.reason = "不是 HTML 网页（没有网页标记）"
        return page
    if MARK_START.search(text) and MARK_END.search(text):
        text = MARK_END.sub("</div>", MARK_START.sub('<div class="gk-marked-body">', text, count=1), count=1)
    page.text, page.encoding = text, enc
    tree = LexborHTMLParser(text)
    page.tree, page.meta = tree, read_meta(tree)
    if page.meta.get("Url"):
        page.url = page.meta["Url"]
    body = body_node(tree)
    titled = bool(page.meta.get("ArticleTitle") or page.meta.get("PubDate")
                  or tree.css_first(".article_title, .xxgk_table, div.index_box, table.xxgk, .xxgk_title"))
    if body is not None and titled:
        page.kind = ITEM
        return page
    page.links = len(tree.css("a[href]"))
    if page.links:
        page.kind = LISTING
        return page
    page.reason = "网页中没有正文，也没有链接（可能是保存不完整的页面）"
    page.tree = None
    return page


def walk(root: str) -> list[str]:
    """Files under root, as sorted relative paths."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        for name in sorted(filenames):
            if name.startswith(".") or name.lower() == "readme.md" and rel_dir == ".":
                continue
            out.append(name if rel_dir == "." else f"{rel_dir}/{name}")
    return out
