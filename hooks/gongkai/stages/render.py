"""Stage 5 — render: pages as plain data.

Two kinds of page come out:
  * engine pages — Markdown (with raw HTML blocks) that the site engine puts
    in its theme and navigation: home, guide, column overview, 依申请公开 …;
  * bulk pages — finished HTML bodies for every item and every listing page,
    poured into a page shell the engine renders once per directory depth.
All links are relative, so the site works under any sub-path.
"""
from __future__ import annotations

import math
import posixpath
import re
from dataclasses import dataclass, field
from typing import Callable
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from . import appform, flowchart
from ..annual import charts, report
from ..outputs import feeds
from ..core import sanitize, schema, workers
from ..core.cache import Cache, code_version, digest
from .derive import Indexes, pages_of
from .model import Catalogue, Column, Item, Site
from ..core.problems import Problem
from .settings import Settings
from .validate import slug_of

TEMPLATES = Path(__file__).parent.parent / "templates"
DIRECTIVE = re.compile(r"^\{\{\s*([^\s}]+)\s*\}\}\s*$", re.M)
GUIDE_REQUIRED = ("工作机构", "分类编排体系", "获取方式", "申请渠道")
FILE_TYPES = {"pdf": "PDF文档", "ofd": "OFD文档", "doc": "Word文档", "docx": "Word文档", "wps": "WPS文档",
              "xls": "Excel表格", "xlsx": "Excel表格", "et": "WPS表格", "csv": "CSV数据", "zip": "压缩包",
              "rar": "压缩包", "jpg": "图片", "jpeg": "图片", "png": "图片", "txt": "文本"}

# Where things live in the built site (directory URLs).
HOME, GUIDE, RULES, STATUTORY, CATALOGUE, APPLY, APPLY_FORM, SEARCH = (
    "", "zhinan/", "zhidu/", "fdzdgknr/", "ml/", "ysqgk/", "ysqgk/sqb/", "search/")
FORM_DOCX = "ysqgk/政府信息公开申请表.docx"
OPEN_JSON, OPEN_CSV, FEED = "catalogue.json", "catalogue.csv", "feed.xml"
FLOW_SVG = "ysqgk/办理流程图.svg"
STANDARD = "bzml/"                     # 基层政务公开标准目录, when catalogue/standard.yml exists
BODY_SLOT = "\x00gk-body\x00"          # stands for an item's body in its cached page frame
# First path segments the site writes itself: an old address there gets no redirect page (nginx map only).
OWN_FOLDERS = {"gk", "lm", "nf", "jg", "zt", "search", "assets", "admin", "bzml", "ysqgk", "_gkshell"}
SOURCES = {HOME: "index.md", GUIDE: "zhinan.md", STATUTORY: "fdzdgknr.md", CATALOGUE: "ml.md",
           APPLY: "ysqgk.md", APPLY_FORM: "ysqgk/sqb.md", SEARCH: "search.md"}


@dataclass
class Page:
    path: str                 # output directory, "" for the home page
    title: str
    body: str | None          # Markdown for engine pages, HTML for bulk pages; None: unchanged (Output.fill)
    source: str | None = None  # engine pages: file name inside content/
    meta: str = ""            # <meta> tags for monitoring crawlers (page_meta)
    key: str = ""             # item pages: a hash of everything the body is made from

    @property
    def depth(self) -> int:
        return self.path.count("/")


@dataclass
class Asset:
    path: str                 # output file path
    src: Path | None = None
    data: bytes | None = None


@dataclass
class SearchDoc:
    """One searchable document handed to the index stage."""
    url: str                     # site-relative URL
    title: str
    text: str                    # plain text ("" for attachments: the index stage extracts src)
    date: str                    # 发布日期, YYYY-MM-DD ("" for pages)
    doc_no: str = ""
    index_no: str = ""
    publisher: str = ""
    column: str = ""
    kind: str = "信息"            # 信息 | 附件 | 页面
    parent_title: str = ""
    parent_url: str = ""
    src: Path | None = None      # attachment file
    filters: dict[str, list[str]] = field(default_factory=dict)  # filter key → values
    summary: str = ""            # 内容概述 and 关键词 (ranked above the text)
    meta: str = ""               # the other fields the item page shows: 主题分类, 体裁, 栏目, dates


@dataclass
class NavEntry:
    title: str
    target: str               # a content file (engine page) or a directory URL
    children: list["NavEntry"] = field(default_factory=list)


@dataclass
class Output:
    engine_pages: list[Page]
    bulk_pages: list[Page]
    assets: list[Asset]
    nav: list[NavEntry]
    footer: str               # HTML; "@@BASE@@" stands for the relative path to the site root
    problems: list[Problem]
    search_docs: list[SearchDoc] = field(default_factory=list)   # newest first
    page_meta: dict[str, str] = field(default_factory=dict)      # content file → <meta> tags (pages the engine renders)
    site_meta: str = ""                                          # the site's <meta> tags alone (e.g. for 404.html)
    fill: Callable[[list[Page]], None] | None = None             # renders the bodies of pages left None

    def complete(self) -> None:
        """Every bulk page with its body (for callers that read them all)."""
        missing = [p for p in self.bulk_pages if p.body is None]
        if missing and self.fill:
            self.fill(missing)


def relurl(target: str, here: str) -> str:
    """Relative URL from directory `here` to `target` (both site-relative)."""
    if "://" in target or target.startswith(("#", "mailto:", "tel:")):
        return target
    if "/." in "/" + target or "/." in "/" + here or "//" in target or "//" in here:   # dot segments: normalize
        rel = posixpath.relpath("/" + target, "/" + here) if target.strip("/") else posixpath.relpath("/", "/" + here)
    else:                                   # the common case, without posixpath's abspath calls
        t, h = [p for p in target.split("/") if p], [p for p in here.split("/") if p]
        i, n = 0, min(len(t), len(h))
        while i < n and t[i] == h[i]:
            i += 1
        rel = "/".join([".."] * (len(h) - i) + t[i:]) or "."
    if target.endswith("/") or not target:
        rel = rel.rstrip("/") + "/"
        if rel == "./":
            return "./"
    return rel


def scope_headers(html: str) -> str:
    """Give Markdown tables' header cells a scope: columns in <thead>, a row's leading <th> in the body."""
    no_scope = r"<th(?![^>]*\bscope=)(?=[\s>])"
    html = re.sub(r"<thead>.*?</thead>", lambda m: re.sub(no_scope, '<th scope="col"', m.group(0)), html, flags=re.S)
    return re.sub(r"(<tr>\s*)" + no_scope, r'\1<th scope="row"', html)


def wrap_tables(html: str) -> str:
    """Put each Markdown table (a bare <table>) that is not yet in one into a scrolling box that the keyboard
    can reach (WCAG 2.1.1): tabindex, role=region and a unique label from its caption or the heading before it."""
    out, pos, used = [], 0, {}
    for m in re.finditer(r"<table>", html):
        before = html[pos:m.start()]
        if re.search(r'<div class="gk-table-wrap[^>]*>\s*$', html[max(0, m.start() - 300):m.start()]):
            continue
        end = html.find("</table>", m.end())
        if end < 0:
            break
        caption = re.match(r"\s*<caption>(.*?)</caption>", html[m.end():end], re.S)
        heads = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", html[:m.start()], re.S)
        label = plain_text(caption.group(1) if caption else heads[-1] if heads else "") or "表格"
        used[label] = used.get(label, 0) + 1
        label += "（表格）" if used[label] == 1 else f"（表格{used[label]}）"
        end += len("</table>")
        out += [before, f'<div class="gk-table-wrap" tabindex="0" role="region" aria-label="{escape(label)}">',
                html[m.start():end], "</div>"]
        pos = end
    return "".join(out) + html[pos:]


def plain_text(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def pager_window(key: str, page: int, last: int, spread: int = 2) -> list[tuple[int | None, str]]:
    """Links for the first, the last and the pages near `page`; (None, "") marks a gap. Listing every
    page would make a listing of n pages O(n²) bytes."""
    shown = sorted({1, last, *range(max(1, page - spread), min(last, page + spread) + 1)})
    out: list[tuple[int | None, str]] = []
    for n in shown:
        if out and n - out[-1][0] > 1:
            out.append((None, ""))
        out.append((n, key + (f"{n}/" if n > 1 else "")))
    return out


def size_label(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, math.ceil(n / 1024))} KB"


# What engine pages say about themselves in their ColumnDescription (政府网站网页设计规范 page metadata).
PAGE_DESCRIPTIONS = {HOME: "政府信息公开：公开指南、公开制度、法定主动公开内容、公开年报和依申请公开",
                     GUIDE: "政府信息公开的范围、方式、时限和申请办法", RULES: "本机关政府信息公开工作制度",
                     STATUTORY: "《中华人民共和国政府信息公开条例》第二十条规定主动公开的政府信息",
                     CATALOGUE: "按栏目、年份、发布机构、主题分类编排的政府信息公开目录",
                     APPLY: "依申请公开的申请渠道、申请表、办理流程、时限和收费标准",
                     APPLY_FORM: "政府信息公开申请表", SEARCH: "检索本网站公开的政府信息", STANDARD: "基层政务公开标准目录"}


def gov_mark_url(site: Site) -> str:
    """Where the 党政机关网站标识 is in the built site ("" without one)."""
    return "assets/gongkai/" + Path(site.gov_mark).name if site.gov_mark else ""


def meta_tags(pairs: list[tuple[str, str]]) -> str:
    """<meta name=… content=…> lines, in the given order."""
    return "".join(f'<meta name="{name}" content="{escape(value)}">\n' for name, value in pairs)


class Renderer:
    def __init__(self, cat: Catalogue, idx: Indexes, templates: dict[str, str] | None = None, base_url: str = "",
                 settings: Settings | None = None, reports: report.Reports | None = None, cache: Cache | None = None):
        self.cat, self.idx, self.site = cat, idx, cat.site
        self.cache = cache                  # Markdown → HTML by text hash, kept between builds
        self.md_done: dict[str, str] = {}   # this build's conversions (and those found in the cache)
        self.settings = settings            # inspection settings: “本期无此类信息” records
        self.reports = reports or report.Reports({}, {}, [])   # annual reports by year and by 索引号
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""   # public address; "" keeps URLs relative
        # the site's templates (overrides/gongkai/, read by load) before the package's
        self.env = Environment(loader=ChoiceLoader([DictLoader(templates or {}), FileSystemLoader(TEMPLATES)]),
                               autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                               trim_blocks=True, lstrip_blocks=True)
        self.env.filters.update(size=size_label, filetype=lambda ext: FILE_TYPES.get(ext, ext.upper() + "文件"),
                                breakable=lambda t: Markup('<span class="gk-nobr">' + str(escape(t)).replace(
                                    "/", '/</span><wbr><span class="gk-nobr">') + "</span>"),
                                cn_date=lambda d: f"{d.year}-{d.month:02d}-{d.day:02d}" if d else "")
        self.env.globals["csp_meta"] = Markup(sanitize.csp_meta())
        # A rendered page depends on its context, the templates and the site settings: its cache key.
        self.fingerprint = digest(code_version(), repr(self.site), self.base_url,
                                  *(part for name in sorted(templates or {}) for part in (name, templates[name])))
        self.frames: dict[str, str] = {}    # item page frames (pages with BODY_SLOT), by key
        self.problems: list[Problem] = []
        self.search_docs: list[SearchDoc] = []
        self.sources = {i.source: i for i in cat.items}
        self.deps: list[tuple] = []         # what the item page being rendered looked up (item_body)
        self.later: tuple = ()              # what fill needs of item_pages: contexts and keys, position by page key
        self.lazy = False                   # pages may come without body (Output.fill)
        self.meta_done: dict[tuple, str] = {}            # a column's page metadata
        self.crumbs_done: dict[str, list[tuple[str, str]]] = {}   # a column's breadcrumbs
        self.listings: dict[str, Callable[[], str]] = {}   # listing page key → renders it

    # --- helpers --------------------------------------------------------

    def render(self, template: str, here: str, **ctx) -> str:
        return self.env.get_template(template).render(
            site=self.site, idx=self.idx, cat=self.cat, schema=schema, here=here,
            url=lambda target: relurl(target, here), item_url=self.item_url, col_url=self.column_url,
            validity=lambda i: self.idx.validity.get(i.index_no), **ctx)

    def site_meta(self) -> list[tuple[str, str]]:
        """SiteName, SiteDomain, SiteIDCode: the same on every page."""
        domain = re.sub(r"^[a-z]+://([^/]+).*$", r"\1", self.base_url) if self.base_url else ""
        return [("SiteName", self.site.body_name), ("SiteDomain", domain), ("SiteIDCode", self.site.site_code or "")]

    def page_meta(self, name: str, description: str = "", keywords: list[str] | None = None, kind: str = "其他",
                  item: Item | None = None) -> str:
        """The page metadata that national and provincial monitoring crawlers read (政府网站网页设计规范,
        GB/T 42147-2022): the site's, the column's (栏目 name, description, keywords, 栏目类型) and, on an
        item page, the item's. PubDate is the 发布日期 alone: items carry no time of day."""
        shared = (name, description, tuple(keywords or []), kind)
        head = self.meta_done.get(shared)
        if head is None:                         # the same for every page of a column
            head = self.meta_done[shared] = meta_tags(self.site_meta() + [
                ("ColumnName", name), ("ColumnDescription", description),
                ("ColumnKeywords", ",".join(keywords or [name])), ("ColumnType", kind)])
        if item is None:
            return head
        source = "、".join([item.publisher, *item.co_publishers])
        return head + meta_tags([("ArticleTitle", item.title), ("PubDate", item.date_published.isoformat()),
                                 ("ContentSource", source), ("Keywords", ",".join(item.keywords)),
                                 ("Author", source), ("Description", item.summary),
                                 ("Url", self.base_url + self.item_url(item) if self.base_url else "")])

    def column_meta(self, col: Column, item: Item | None = None) -> str:
        names, node = [], col
        while node is not None:
            names.insert(0, node.name)
            node = node.parent
        return self.page_meta(col.name, col.description, names, col.kind, item)

    @staticmethod
    def item_url(item: Item) -> str:
        return f"gk/{item.slug}/"

    def column_url(self, col: Column | str, page: int = 1) -> str:
        slug = col if isinstance(col, str) else col.slug
        return f"lm/{slug}/" + (f"{page}/" if page > 1 else "")

    def crumbs_for(self, col: Column) -> list[tuple[str, str]]:
        if col.slug not in self.crumbs_done:
            self.crumbs_done[col.slug] = self._crumbs(col)
        return list(self.crumbs_done[col.slug])

    def _crumbs(self, col: Column) -> list[tuple[str, str]]:
        chain, root = [], col
        while col is not None:
            chain.append((col.name, self.column_url(col)))
            root, col = col, col.parent
        top = [("首页", HOME)]
        if root.doc_class != "年报":
            top.append((self.site.label_statutory, STATUTORY))
        return top + chain[::-1]

    def markdown(self, text: str) -> str:
        """Markdown → HTML, cleaned by the allowlist (what it removes, the inspection reports)."""
        key = digest(text)
        html = self.md_done.get(key)
        if html is None:
            html = self.md_done[key] = sanitize.body_html(text)
        return html

    def item_pages(self) -> tuple[list[Page], list[Asset]]:
        """Every item's page. An item whose page key (its template context and body) and recorded file
        checks are as in an earlier build is not rendered: its page comes with body None and what the
        page gave the other stages (assets, search documents, problems) is taken from the cache; the
        write stage asks for the body (Output.fill) only when the file on disk is not already that page.
        The others are rendered on all cores; Markdown found in the cache is not converted again."""
        items = self.cat.items
        keys = [digest(r.markdown if (r := self.reports.by_index.get(i.index_no)) else i.body) for i in items]
        contexts = [self.item_context(i) for i in items]
        page_keys = [digest("page", ctx_key, md_key) for (_, ctx_key), md_key in zip(contexts, keys)]
        kept = self.cache.get_many(page_keys) if self.cache else {}
        out: list[tuple | None] = [None] * len(items)          # (page, assets, problems, search documents)
        todo = []
        for n, item in enumerate(items):
            memo = kept.get(page_keys[n])
            if memo is not None and item.index_no not in self.reports.by_index and self.deps_hold(memo["deps"]):
                here = self.item_url(item)
                out[n] = (Page(here, item.title, None, meta=self.column_meta(contexts[n][0]["column"], item),
                               key=digest(page_keys[n], repr(memo["deps"]))),
                          [Asset(path, src=src) for path, src in memo["assets"]], memo["problems"], memo["docs"])
            else:
                todo.append(n)
        for n, memo, page, assets, problems, docs in self.render_items(todo, contexts, keys, page_keys):
            out[n] = (page, assets, problems, docs)
            if self.cache and memo is not None:
                self.cache.put(page_keys[n], memo)
        for _, _, problems, docs in out:                        # in the catalogue's order, as a cold build
            self.problems += problems
            self.search_docs += docs
        self.later = (contexts, keys, page_keys, {page.key: n for n, (page, *_) in enumerate(out)})
        pages, assets = [], []
        for page, found, _, _ in out:
            pages.append(page)
            assets += found
        return pages, assets

    def render_items(self, todo: list[int], contexts, keys, page_keys):
        """Render the items at these positions on all cores: (position, memo or None, page, assets,
        problems, search documents)."""
        items = self.cat.items
        wanted = [keys[n] for n in todo]
        frame_keys = [contexts[n][1] for n in todo]
        if self.cache:
            self.md_done.update(self.cache.get_many(wanted))
            self.frames.update(self.cache.get_many(frame_keys))
        known, old_frames = set(self.md_done), set(self.frames)

        def task(start: int, stop: int):      # in a worker process, or here: returns what it added
            done = []
            for n in todo[start:stop]:
                p0, d0 = len(self.problems), len(self.search_docs)
                self.deps = []
                page, assets = self.item_page(items[n], *contexts[n])
                problems, docs = self.problems[p0:], self.search_docs[d0:]
                del self.problems[p0:], self.search_docs[d0:]
                memo = None if items[n].index_no in self.reports.by_index else {
                    "deps": self.deps, "problems": problems, "docs": docs,
                    "assets": [(a.path, a.src) for a in assets if a.data is None]}
                done.append((n, memo, page, assets, problems, docs))
            frames = {k: self.frames[k] for k in frame_keys[start:stop] if k in self.frames and k not in old_frames}
            return done, {k: self.md_done[k] for k in wanted[start:stop] if k not in known}, frames

        results = []
        for done, new, frames in workers.map_slices(task, len(todo)):
            for n, memo, page, assets, problems, docs in done:
                page.key = digest(page_keys[n], repr(memo["deps"] if memo else None))
                results.append((n, memo, page, assets, problems, docs))
            self.md_done.update(new)
            self.frames.update(frames)
        if self.cache:
            for key in set(self.md_done) - known:
                self.cache.put(key, self.md_done[key])
            for key in set(self.frames) - old_frames:
                self.cache.put(key, self.frames[key])
        return results

    def fill(self, pages: list[Page]) -> None:
        """Bodies of pages left None (their file must be written again): listing pages from the cache (or
        rendered again), item pages rendered again on all cores."""
        for page in pages:
            if page.key in self.listings:
                page.body = (self.cache.get(page.key) if self.cache else None) or self.listings[page.key]()
        contexts, keys, page_keys, position = self.later
        by_position = {position[p.key]: p for p in pages if p.body is None}
        for n, _, page, *_ in self.render_items(sorted(by_position), contexts, keys, page_keys):
            by_position[n].body = page.body

    def has_file(self, path: Path) -> bool:
        """Whether load found this file (a picture or file an item's body links to)."""
        return bool(self.cat.inputs and self.cat.inputs.file(path) is not None)

    def deps_hold(self, deps: list[tuple]) -> bool:
        """Whether the files and items an item page looked up when it was rendered are as they were."""
        for kind, target, seen in deps:
            if kind == "file" and self.has_file(Path(target)) != seen:
                return False
            if kind == "item" and ((i := self.sources.get(target)) and i.slug) != seen:
                return False
        return True

    # --- bulk pages -----------------------------------------------------

    def item_context(self, item: Item) -> tuple[dict, str]:
        """The item template's context (but the body) and its cache key."""
        here = self.item_url(item)
        col = self.idx.columns[item.column]
        groups_out: dict[str, list[Item]] = {}
        for link in self.idx.outgoing.get(item.index_no, []):
            groups_out.setdefault(schema.RELATION_FORWARD[link.relation], []).append(link.item)
        groups_in: dict[str, list[Item]] = {}
        for link in self.idx.incoming.get(item.index_no, []):
            groups_in.setdefault(schema.RELATION_REVERSE[link.relation], []).append(link.item)
        ctx = dict(item=item, column=col, crumbs=self.crumbs_for(col), related={**groups_out, **groups_in},
                   replacements=self.idx.replacements(item), public_url=self.base_url + here if self.base_url else "")
        shown = lambda items: [(i.slug, i.title, i.doc_no, i.date_published) for i in items]  # noqa: E731
        key = digest(self.fingerprint, "item", repr(item), col.name, repr(ctx["crumbs"]),
                     repr([(label, shown(items)) for label, items in ctx["related"].items()]),
                     repr(shown(ctx["replacements"])), str(self.idx.validity.get(item.index_no)), ctx["public_url"])
        return ctx, key

    def item_page(self, item: Item, ctx: dict, key: str) -> tuple[Page, list[Asset]]:
        """The page from the item's template context and its cache key (item_context)."""
        here = self.item_url(item)
        body_html, assets = self.item_body(item, here)
        frame = self.frames.get(key)
        if frame is None:
            frame = self.render("item.html", here, body=Markup(BODY_SLOT), **ctx)
            if frame.count(BODY_SLOT) == 1:
                self.frames[key] = frame
        if frame.count(BODY_SLOT) == 1:
            html = frame.replace(BODY_SLOT, body_html)
        else:                                   # a template that does more with the body than show it
            html = self.render("item.html", here, body=Markup(body_html), **ctx)
        for att in item.attachments:
            assets.append(Asset(here + att.path, src=att.src))
        self.search_docs += self.item_docs(item, here, body_html, ctx["column"])
        return Page(here, item.title, html, meta=self.column_meta(ctx["column"], item)), assets

    def item_docs(self, item: Item, here: str, body_html: str, col: Column) -> list[SearchDoc]:
        """The item and each of its attachments as search documents."""
        path, node = [], col
        while node is not None:
            path.append(node.name)
            node = node.parent
        status = self.idx.validity.get(item.index_no)
        filters = {"lm": path, "nf": [str(item.year)], "jg": [item.publisher], "tc": [item.genre]}
        if item.topic_top:
            filters["zt"] = [item.topic_top]
        if status:
            filters["yx"] = [status]
        common = dict(date=str(item.date_published), publisher=item.publisher, column=col.name, filters=filters)
        shown = [item.topic, item.genre, *path, *item.co_publishers, item.date_signed or item.date_generated]
        docs = [SearchDoc(here, item.title, plain_text(body_html), doc_no=item.doc_no or "", index_no=item.index_no,
                          summary=" ".join(filter(None, [item.summary, " ".join(item.keywords)])),
                          meta=" ".join(str(v) for v in shown if v),
                          **{**common, "filters": {**filters, "lx": ["信息"]}})]
        for att in item.attachments:
            docs.append(SearchDoc(here + att.path, att.title, "", kind="附件", parent_title=item.title,
                                  parent_url=here, src=att.src, **{**common, "filters": {**filters, "lx": ["附件"]}}))
        return docs

    def item_body(self, item: Item, here: str) -> tuple[str, list[Asset]]:
        """Markdown → HTML; images kept beside the item are copied, links to other item files resolved.
        An annual report gets its tables (sections 二–四) between sections 一 and 五."""
        rep = self.reports.by_index.get(item.index_no)
        html = wrap_tables(scope_headers(self.markdown(rep.markdown if rep else item.body)))
        assets: list[Asset] = []

        def fix(m: re.Match) -> str:
            attr, target = m.group(1), m.group(2)
            if re.match(r"^([a-z]+:|#|/)", target):
                return m.group(0)
            base = (self.cat.root / item.source).parent
            path, _, frag = target.partition("#")
            file = (base / path).resolve()
            rel_src = file.relative_to(self.cat.root).as_posix() if self.cat.root in file.parents else None
            if path.endswith(".md"):
                self.deps.append(("item", rel_src, (i := self.sources.get(rel_src)) and i.slug))
            if path.endswith(".md") and rel_src in self.sources:
                new = relurl(self.item_url(self.sources[rel_src]), here) + (f"#{frag}" if frag else "")
                return f'{attr}="{new}"'
            exists = self.has_file(file)
            self.deps.append(("file", str(file), exists))
            if base in file.parents and exists:
                assets.append(Asset(here + file.relative_to(base).as_posix(), src=file))
                return m.group(0)
            outside = not path.endswith(".md") and base not in file.parents
            self.problems.append(Problem(
                "body-link", item.source, f"正文中的链接或图片“{target}”" +
                ("指向本信息文件夹之外（“..”或符号链接），不予发布。" if outside else "找不到对应文件。"),
                "链接其他信息请写它的 .md 文件的相对路径；图片和文件请放在本信息文件夹中。" if outside else
                "改正路径（相对于本文件所在文件夹），或删除该链接。", item.body_line, None))
            return m.group(0)

        html = re.sub(r'\b(href|src)="([^"]+)"', fix, html)
        if rep:
            html = html.replace(report.TABLES_MARK, self.render(
                "report/sections.html", here, report=rep, fmt=rep.fmt, charts=charts,
                computed_block=report.COMPUTED_BLOCK))
            assets.append(Asset(here + rep.json_name, data=rep.json_bytes()))
        return html, assets

    def listing_pages(self, key: str, title: str, items: list[Item], crumbs: list[tuple[str, str]],
                      description: str = "", children: list[Column] | None = None,
                      show_validity: bool = False, empty_text: str = "", nil=None, extra: str = "") -> list[Page]:
        chunks = pages_of(items, self.site.page_size)
        out = []
        last = len(chunks)
        kids = repr([(c.name, c.slug, len(self.idx.by_column[c.slug])) for c in children or []])
        for n, chunk in enumerate(chunks, 1):
            here = key + (f"{n}/" if n > 1 else "")
            rows = [(i.index_no, i.slug, i.title, i.doc_no, i.date_published, self.idx.validity.get(i.index_no))
                    for i in chunk]
            cache_key = digest(self.fingerprint, "listing", here, title, repr(rows), repr(crumbs), description, kids,
                               f"{n}/{last}/{len(items)}/{show_validity}", empty_text, repr(nil), extra if n == 1 else "")
            make = lambda here=here, chunk=chunk, n=n: self.render(   # noqa: E731
                "listing.html", here, title=title, items=chunk, crumbs=crumbs, description=description,
                children=children or [], page=n, pager=pager_window(key, n, last), pages=last,
                page_url=lambda i: key + (f"{i}/" if i > 1 else ""), total=len(items), show_validity=show_validity,
                empty_text=empty_text, nil=nil, extra=Markup(extra) if n == 1 else "")
            name = title if n == 1 else f"{title}（第{n}页）"
            if self.lazy and self.cache.has(cache_key):          # made by an earlier build: the body only if asked
                self.listings[cache_key] = make
                out.append(Page(here, name, None, key=cache_key))
                continue
            html = self.cache.get(cache_key) if self.cache else None
            if html is None:
                html = make()
                if self.cache:
                    self.cache.put(cache_key, html)
            out.append(Page(here, name, html, key=cache_key))
        return out

    def column_pages(self, col: Column) -> list[Page]:
        items = self.idx.by_column[col.slug]
        normative = col.doc_class in ("规范性文件", "规章") or any(
            c.doc_class in ("规范性文件", "规章") for c in col.walk())
        nil = self.settings.nil_for(col.slug, self.cat.today) if self.settings else None
        reports = [r for r in reversed(self.reports.by_year.values()) if r.item and r.item.column == col.slug]
        extra = self.render("report/column.html", self.column_url(col), reports=reports,
                            fmt=reports[0].fmt) if reports else ""
        pages = self.listing_pages(self.column_url(col), col.name, items, self.crumbs_for(col)[:-1],
                                   col.description, col.children, normative,
                                   "本栏目暂无公开信息。", nil, extra)
        for page in pages:
            page.meta = self.column_meta(col)
        return pages

    def standard_pages(self) -> list[Page]:
        """基层政务公开标准目录: an overview (an engine page, bzml.md) and one table per 领域 (bulk pages),
        rows linked to the items that fulfil them."""
        std = self.settings.standard if self.settings else None
        if std is None:
            return []
        by_row: dict[str, list[Item]] = {}
        for item in self.cat.items:
            for key in item.standard_rows:
                by_row.setdefault(key, []).append(item)
        title = "基层政务公开标准目录"
        crumbs = [("首页", HOME), (self.site.label_statutory, STATUTORY)]
        counts = {a.slug: len({i.index_no for r in a.rows for i in by_row.get(r.key, [])}) for a in std.areas}
        nil_for = lambda key: self.settings.nil_for_row(key, self.cat.today)  # noqa: E731
        pages = [Page(STANDARD, title, self.render("standard.html", STANDARD, std=std, area=None, by_row=by_row,
                                                   crumbs=crumbs, title=title, counts=counts, nil_for=nil_for),
                      "bzml.md")]
        for area in std.areas:
            here = f"{STANDARD}{area.slug}/"
            name = f"{area.name}领域基层政务公开标准目录"
            pages.append(Page(here, name, self.render("standard.html", here, std=std, area=area, by_row=by_row,
                                                      crumbs=crumbs + [(title, STANDARD)], title=name, counts=counts,
                                                      nil_for=nil_for),
                              meta=self.page_meta(name, f"{area.name}领域的公开事项、依据、时限、主体、渠道和方式",
                                                  [area.name, title])))
        return pages

    def browse_pages(self) -> list[Page]:
        out = []
        crumbs = [("首页", HOME), ("公开目录", CATALOGUE)]
        for year, items in self.idx.by_year.items():
            out += self.with_meta(self.listing_pages(f"nf/{year}/", f"{year}年公开信息", items, crumbs),
                                  f"{year}年发布的政府信息", [str(year), "公开目录"])
        for pub in self.site.publishers:
            out += self.with_meta(self.listing_pages(f"jg/{pub.slug}/", pub.name, self.idx.by_publisher[pub.slug],
                                                     crumbs, empty_text="该机构暂无公开信息。"),
                                  f"{pub.name}发布的政府信息", [pub.name, "公开目录"])
        for topic in self.cat.topics:
            items = self.idx.by_topic[topic.slug]
            if items:
                out += self.with_meta(self.listing_pages(f"zt/{topic.slug}/", topic.name, items, crumbs),
                                      f"主题分类为“{topic.name}”的政府信息", [topic.name, "公开目录"])
        return out

    def with_meta(self, pages: list[Page], description: str, keywords: list[str]) -> list[Page]:
        """Listing pages of the 公开目录 (by year, publisher, topic) with their page metadata."""
        for page in pages:
            page.meta = self.page_meta(pages[0].title, description, keywords)
        return pages

    # --- engine pages ---------------------------------------------------

    def engine_page(self, path: str, title: str, template: str, **ctx) -> Page:
        return Page(path, title, self.render(template, path, **ctx), SOURCES[path])

    def directive(self, name: str, here: str, source: str) -> str:
        known = {
            "工作机构": "blocks/office.html", "申请渠道": "blocks/channels.html",
            "分类编排体系": "blocks/classification.html", "获取方式": "blocks/obtain.html",
            "办理流程图": "blocks/flowchart.html", "答复时限": "blocks/time_limits.html",
            "收费标准": "blocks/fees.html", "申请表": "blocks/form_links.html",
            "栏目统计": "blocks/column_counts.html",
        }
        if name not in known:
            self.problems.append(Problem("unknown-directive", source, f"无法识别的自动内容“{{{{ {name} }}}}”。",
                                         "可用的自动内容：" + "、".join(f"{{{{ {k} }}}}" for k in known)))
            return ""
        return "\n" + self.render(known[name], here, flow_svg=Markup(flowchart.svg()),
                                  top=self.cat.columns).strip() + "\n"

    def expand(self, text: str, here: str, source: str) -> str:
        return DIRECTIVE.sub(lambda m: self.directive(m.group(1), here, source), text)

    def handwritten(self, name: str, path: str, title: str, required: tuple[str, ...] = ()) -> Page:
        rel = f"content/{name}"
        text = self.cat.pages.get(name)
        if text is None:
            self.problems.append(Problem("missing-page", rel, f"缺少手写页面“{title}”。",
                                         "从示例仓库复制该文件，再按本机关情况修改。"))
            text = f"# {title}\n"
        found = set(DIRECTIVE.findall(text))
        for need in required:
            if need not in found:
                self.problems.append(Problem("missing-directive", rel, f"缺少自动内容“{{{{ {need} }}}}”。",
                                             f"在适当位置单独一行写“{{{{ {need} }}}}”：这部分内容由 catalogue/site.yml "
                                             "和栏目体系自动生成，保证指南与实际一致（条例第十二条）。"))
        body = self.expand(text, path, rel)
        if name == "zhinan.md":
            body = self.stamp_updated(body, [rel, "catalogue/site.yml", "catalogue/columns.yml"])
        return Page(path, title, body, name)

    def stamp_updated(self, text: str, sources: list[str]) -> str:
        """Put the last-updated date under the first heading (条例第十二条：及时更新)."""
        dates = [self.cat.updated[s] for s in sources if s in self.cat.updated]
        if not dates:
            return text
        line = f'\n<p class="gk-updated">更新日期：<time datetime="{max(dates)}">{max(dates)}</time></p>\n'
        head, sep, rest = text.partition("\n")
        return head + sep + line + rest if head.startswith("# ") else line + text

    def nav(self) -> list[NavEntry]:
        rules = [NavEntry(self._h1(text, name), name) for name, text in sorted(self.cat.pages.items())
                 if name.startswith("zhidu/") and name != "zhidu/index.md"]
        reports = next((c for c in self.cat.column_list() if c.doc_class == "年报"), None)
        entries = [NavEntry("首页", "index.md"), NavEntry(self.site.label_guide, "zhinan.md"),
                   NavEntry(self.site.label_rules, "zhidu/index.md", rules),
                   NavEntry(self.site.label_statutory, "fdzdgknr.md")]
        if reports:
            entries.append(NavEntry(self.site.label_reports, self.column_url(reports)))
        entries += [NavEntry(self.site.label_apply, "ysqgk.md"), NavEntry("公开目录", "ml.md")]
        return entries

    @staticmethod
    def _h1(text: str, fallback: str) -> str:
        m = re.search(r"^#\s+(.+)$", text, re.M)
        return m.group(1).strip() if m else fallback

    # --- everything -----------------------------------------------------

    def run(self) -> Output:
        site = self.site
        engine = [
            self.engine_page(HOME, "政府信息公开", "home.html"),
            self.handwritten("zhinan.md", GUIDE, site.label_guide, GUIDE_REQUIRED),
            self.engine_page(STATUTORY, site.label_statutory, "statutory.html",
                             standard=self.settings.standard if self.settings else None),
            self.engine_page(CATALOGUE, "公开目录", "catalogue.html", export_fields=feeds.EXPORT_FIELDS),
            self.handwritten("ysqgk.md", APPLY, site.label_apply),
            self.engine_page(APPLY_FORM, "政府信息公开申请表", "apply_form.html",
                             appform_rows=appform.ROWS, appform_note=appform.NOTE),
            self.engine_page(SEARCH, "搜索", "search.html"),
        ]
        bulk, assets = self.item_pages()
        bulk += self.withdrawn_pages()
        for col in self.cat.column_list():
            bulk += self.column_pages(col)
        bulk += self.browse_pages()
        standard = self.standard_pages()
        engine += [p for p in standard if p.source]
        bulk += [p for p in standard if not p.source]
        assets.append(Asset(FORM_DOCX, data=appform.docx(site)))
        assets.append(Asset(FLOW_SVG, data=flowchart.svg(standalone=True).encode()))
        if site.gov_mark:
            assets.append(Asset(gov_mark_url(site), src=self.cat.root / "catalogue" / site.gov_mark))
        assets += self.exports()
        footer = self.render("footer.html", "@@BASE@@")
        assets += self.redirects(footer, {p.path for p in engine} | {p.path for p in bulk})
        pages = [(p.path, p.title, p.body) for p in engine if p.path in (GUIDE, APPLY)]
        pages += [(re.sub(r"(index)?\.md$", "", name).rstrip("/") + "/", self._h1(text, name), text)
                  for name, text in sorted(self.cat.pages.items()) if name.startswith("zhidu/")]
        for path, title, text in pages:
            self.search_docs.append(SearchDoc(path, title, self.page_text(text), "", kind="页面",
                                              filters={"lx": ["页面"]}))
        meta = {p.source: self.page_meta("首页" if p.path == HOME else p.title, PAGE_DESCRIPTIONS.get(p.path, ""))
                for p in engine}
        for name, text in self.cat.pages.items():        # the handwritten 制度 pages
            if name not in meta:
                meta[name] = self.page_meta(self._h1(text, name), PAGE_DESCRIPTIONS[RULES], [self.site.label_rules])
        return Output(engine, bulk, assets, self.nav(), footer, self.problems, self.search_docs, meta,
                      meta_tags(self.site_meta()), self.fill)

    def withdrawn_pages(self) -> list[Page]:
        """A withdrawn item's address keeps answering, with a notice: no body, no attachments."""
        pages = []
        for item in self.cat.withdrawn:
            here, col = self.item_url(item), self.idx.columns[item.column]
            html = self.render("withdrawn.html", here, item=item, column=col, crumbs=self.crumbs_for(col))
            pages.append(Page(here, f"已撤回：{item.title}", html, meta=self.column_meta(col)))
        return pages

    def redirects(self, footer: str, taken: set[str] = frozenset()) -> list[Asset]:
        """A small page at each 曾用索引号's old address, and at the path of each 原网址 (an imported
        page's address on the old site), that sends the reader to the item's address; the 原网址 also
        as an nginx map (gk/old-urls.nginx.map) for servers that can redirect themselves. An old path
        under the site's own path (site_url …/zwgk/, old …/zwgk/gsgg/t1.htm) is placed relative to it."""
        out, rows = [], []
        prefix = urlsplit(self.base_url).path if self.base_url else "/"
        own = prefix.lstrip("/")
        for item in self.cat.items + self.cat.withdrawn:
            target = self.item_url(item)
            pages = [(f"gk/{slug_of(old)}/", "index.html", old, "") for old in item.former_index_nos]
            for url in item.old_urls:
                full = unquote(urlsplit(url).path).lstrip("/")
                path = full[len(own):] if own and full.startswith(own) else full
                if not path or ".." in path.split("/") or path.split("/")[0] in OWN_FOLDERS:
                    continue
                here, _, name = path.rpartition("/")
                here, name = (here + "/" if here else ""), (name or "index.html")
                if here + name in taken or (name == "index.html" and here in taken):
                    continue
                taken = taken | {here + name}
                pages.append((here, name, "", url))
                if not re.search(r'["\\\s;{}]', full):        # nginx map keys are quoted strings
                    rows.append(f'"/{full}" "{prefix}{target}";')
            for here, name, old, old_url in pages:
                html = self.render("redirect.html", here, item=item, old=old, old_url=old_url,
                                   target=relurl(target, here),
                                   canonical=self.base_url + target if self.base_url else "",
                                   footer=Markup(footer.replace("@@BASE@@", (relurl("", here).rstrip("/") or "."))))
                out.append(Asset(here + name, data=html.encode()))
        if rows:
            head = "# nginx: map $uri $gongkai_new { include old-urls.nginx.map; }  if ($gongkai_new) { return 301 $gongkai_new; }\n"
            out.append(Asset("gk/old-urls.nginx.map", data=(head + "\n".join(sorted(rows)) + "\n").encode()))
        return out

    def exports(self) -> list[Asset]:
        """catalogue.json / catalogue.csv and the Atom feeds."""
        base = self.base_url
        rows, entries = [], []
        for item in self.cat.items:
            col = self.idx.columns[item.column]
            url = base + self.item_url(item)
            rows.append(feeds.record(item, url, col.name, col.path, self.idx.validity.get(item.index_no)))
            entries.append((item, url))
        if self.site.list_withheld:                 # 依申请公开, 不予公开: catalogue metadata only
            for item in self.cat.withheld:
                col = self.idx.columns[item.column]
                rows.append(feeds.withheld_record(item, col.name, col.path))
        today = self.cat.today.isoformat()
        body = self.site.body_name
        out = [Asset(OPEN_JSON, data=feeds.to_json(rows, today, body)), Asset(OPEN_CSV, data=feeds.to_csv(rows)),
               Asset(FEED, data=feeds.atom(f"{body} 政府信息公开", base + FEED, base, entries, today, body))]
        for col in self.cat.column_list():
            items = self.idx.by_column[col.slug]
            path = self.column_url(col) + "feed.xml"
            out.append(Asset(path, data=feeds.atom(f"{body} {col.name}", base + path, base + self.column_url(col),
                                                   [(i, base + self.item_url(i)) for i in items],
                                                   items[0].date_published.isoformat() if items else today, body)))
        return out

    def page_text(self, markdown_text: str) -> str:
        return plain_text(self.markdown(re.sub(r"(?s)<svg.*?</svg>", " ", markdown_text)))


def render(cat: Catalogue, idx: Indexes, templates: dict[str, str] | None = None, base_url: str = "",
           settings: Settings | None = None, reports: report.Reports | None = None,
           cache: Cache | None = None, lazy: bool = False) -> Output:
    """All pages. `templates`: the site's own templates by name (load.Inputs.templates), before the
    package's. `lazy`: pages unchanged since an earlier build (their key is in the cache) come with body
    None; Output.fill gives them their body."""
    renderer = Renderer(cat, idx, templates, base_url, settings, reports, cache)
    renderer.lazy = lazy and cache is not None
    out = renderer.run()
    if not lazy:
        out.complete()
    return out
