"""What a body may contain once it is HTML: one allowlist, used by render and by the inspection.

Markdown passes raw HTML and attr_list attributes through, so the unsafe parts of a body are
judged on the HTML it becomes, never on the text typed. nh3 (the Python binding of the Rust
sanitiser Ammonia, which parses like a browser with html5ever) removes everything outside the
allowlist; `removals` lists what it removed, so that `make check` reports each removal as an error
with its line instead of the page changing silently. Render and check call the same `clean`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown as md
import nh3

MD_EXTENSIONS = ["tables", "attr_list", "md_in_html", "sane_lists", "admonition", "footnotes"]

# 公文 content: text, headings, lists, tables, figures, links and pictures. No script, style, frames,
# objects, forms, <base>, <meta>, <link>, SVG or MathML.
TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins",
        "sub", "sup", "mark", "small", "abbr", "q", "cite", "blockquote", "pre", "code", "kbd", "samp", "var",
        "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr",
        "th", "td", "a", "img", "figure", "figcaption", "span", "div", "details", "summary", "time"}
ATTRIBUTES = {
    "*": {"id", "class"},                       # the only attributes attr_list may set
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
}
STYLE = {"text-align"}                          # Markdown tables align columns with style="text-align: …"
SCHEMES = {"http", "https", "mailto", "tel"}
REMOVED_WITH_CONTENT = {"script", "style"}


def _attribute(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src" and not local(value):
        return None                             # pictures come from the item's folder or the site
    return value


def local(url: str) -> bool:
    """A site-relative or folder-relative address (no scheme, no host)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return not parts.scheme and not parts.netloc and not url.strip().startswith("//")


def clean(html: str) -> str:
    """The HTML with everything outside the allowlist removed."""
    return nh3.clean(html, tags=TAGS, clean_content_tags=REMOVED_WITH_CONTENT, attributes=ATTRIBUTES,
                     attribute_filter=_attribute, strip_comments=False, link_rel=None, url_schemes=SCHEMES,
                     filter_style_properties=STYLE)


@dataclass(frozen=True)
class Removal:
    what: str                 # in Chinese, for the message
    needle: str               # text to look for in the source to find the line


class _Tags(HTMLParser):
    """Start tags with their attributes, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def _tags(html: str) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.tags


NAMES = {"script": "脚本 <script>", "style": "样式表 <style>", "iframe": "嵌入网页 <iframe>", "object": "嵌入对象 <object>",
         "embed": "嵌入对象 <embed>", "base": "改变网址基准的 <base>", "meta": "<meta>（可跳转到其他网站）",
         "link": "引用外部文件的 <link>", "form": "表单 <form>", "input": "输入框 <input>", "svg": "矢量图代码 <svg>",
         "math": "公式代码 <math>", "frame": "框架 <frame>", "frameset": "框架 <frameset>", "button": "按钮 <button>"}


def removals(html: str, cleaned: str | None = None) -> list[Removal]:
    """What `clean` removes from html: elements outside the allowlist, and attributes it drops. Whether an
    attribute survives depends only on its element, name and value, so an attribute is reported when no
    element of that kind keeps it with that value (the HTML parser may move elements, e.g. out of tables)."""
    cleaned = clean(html) if cleaned is None else cleaned
    kept = {(tag, name, value) for tag, attrs in _tags(cleaned) for name, value in attrs.items()}
    styled = {tag for tag, name, _ in kept if name == "style"}
    out: list[Removal] = []
    for tag, attrs in _tags(html):
        if tag not in TAGS:
            out.append(Removal(f"不允许的元素{NAMES.get(tag, f'<{tag}>')}", f"<{tag}"))
            continue
        for name, value in attrs.items():
            if (tag, name, value) in kept or (name == "style" and tag in styled and _style_only(value)):
                continue
            if name.startswith("on"):
                what = f"事件处理属性 {name}=（可执行脚本）"
            elif name in ("href", "src", "action", "formaction", "xlink:href", "data"):
                shown = _squeeze(value)[:40]
                what = f"不允许的地址 {name}=“{shown}”（只能链接 http、https、mailto、tel 和站内地址，图片只能用站内图片）"
                out.append(Removal(what, shown[:30] or name))
                continue
            elif name == "style":
                what = "样式属性 style=（表格单元格只能设置 text-align）"
            else:
                what = f"<{tag}> 上不允许的属性 {name}="
            out.append(Removal(what, name))
    return out


def _squeeze(text: str) -> str:
    """Text as a parser reads it, for finding it in the source: entities decoded, no whitespace or controls."""
    return re.sub(r"[\s\x00-\x1f]+", "", unescape(text))


def _style_only(style: str) -> bool:
    return all(part.split(":")[0].strip().lower() in STYLE for part in style.split(";") if part.strip())


_converter = md.Markdown(extensions=MD_EXTENSIONS)


def to_html(text: str) -> str:
    """Markdown → HTML exactly as render converts a body (before clean)."""
    _converter.reset()
    return _converter.convert(text)


def body_html(text: str) -> str:
    """A body as published: Markdown → HTML → clean."""
    return clean(to_html(text))


# Markdown that contains none of these becomes only elements and attributes of the allowlist
# (tests/test_fuzz.py checks this): the inspection converts the others only.
_MAYBE = re.compile(r"[<{]|\]\s*[(:\[]")


def markdown_findings(text: str) -> list[tuple[int, str]]:
    """(line within text, 1-based; what) for every part of a Markdown text that clean would remove."""
    if not _MAYBE.search(text):
        return []
    found = removals(to_html(text))
    if not found:
        return []
    lines = text.split("\n")
    lower = [_squeeze(line).lower() for line in lines]
    out, start = [], 0
    for r in found:
        needle = _squeeze(r.needle).lower()
        hit = next((n for n in list(range(start, len(lines))) + list(range(0, start)) if needle in lower[n]), None)
        if hit is None:
            hit = next((n for n, line in enumerate(lower) if "<" in line or "{" in line or "](" in line), 0)
        start = hit
        out.append((hit + 1, r.what))
    return out


# What every published page may load (a <meta http-equiv="Content-Security-Policy"> in each page;
# the README's nginx snippet sends the same as a header): the site's own files only, no inline
# script (Material's inline scripts are moved to files by overrides/partials/javascripts/), no
# plugins, no <base>, forms only to the site. Inline style stays allowed: the sanitiser keeps only
# text-align in bodies, and style cannot run script.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; frame-src 'self'; worker-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'")


def site_policy(search_sites: list[dict]) -> str:
    """CSP, with the other hosts of 联合检索 (whose search index the search page fetches) in connect-src."""
    hosts = []
    for entry in search_sites:
        parts = urlsplit(str(entry.get("地址") or ""))
        if parts.scheme in ("http", "https") and parts.netloc:
            hosts.append(f"{parts.scheme}://{parts.netloc}")
    extra = "".join(" " + h for h in dict.fromkeys(hosts))
    return CSP.replace("connect-src 'self'", "connect-src 'self'" + extra)


def csp_meta(policy: str = CSP) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
