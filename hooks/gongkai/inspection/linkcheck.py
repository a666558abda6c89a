"""Checks on the BUILT site: every internal link, anchor and attachment resolves,
no link assumes the domain root (the site must work under a sub-path), and the
identity footer is on every page. External links are listed for a scheduled
check, never fetched: the build makes no network request.

A rebuild scans only the pages whose bytes changed (and those that had findings): what a page links to
is kept from the last check, and its links into changed pages' anchors are checked again. When a file
was removed since, every page is scanned.
"""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..core import workers
from ..core.cache import code_version, digest, load_state, save_state
from .checks import Finding
from ..core.problems import ERROR, WARNING

R_LINKS = "检查指标“链接可用性”；条例第二十四条：信息检索、查阅、下载"
R_SUBPATH = "《政府网站发展指引》：网站可嵌入上级门户的子路径，站内链接须为相对链接"
R_FOOTER = "《政府网站发展指引》（国办发〔2017〕47号）：全站页面底部列明网站标识码、ICP备案号等"
_TAG = re.compile(r"<(a|link|img|script|iframe|source|object|embed|area|video|audio|track|form)\b([^>]*)>", re.I)
_ATTR = re.compile(r"\b(href|src|data|poster|action)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_ID = re.compile(r"\b(?:id|name)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.I)
_SKIP = ("mailto:", "tel:", "data:", "javascript:", "about:", "blob:")


@dataclass
class LinkReport:
    findings: list[Finding] = field(default_factory=list)
    external: list[tuple[str, str]] = field(default_factory=list)     # (first page [and count], URL), one per URL
    pages: int = 0
    links: int = 0


def page_sources(items, engine_pages) -> dict[str, str]:
    """Built directory URL → the file staff edit to change that page."""
    out = {f"gk/{i.slug}/": i.source for i in items}
    out.update({p.path: f"content/{p.source}" for p in engine_pages if p.source})
    return out


def footer_texts(site) -> tuple[str, ...]:
    """What every page's footer must show: the identity items, or only sponsor and phone when the
    host portal shows the rest."""
    if site.footer_by_portal:
        return tuple(filter(None, (site.sponsor, site.office_phone)))
    return tuple(filter(None, (site.site_code, site.icp, site.psb, site.sponsor, site.office_phone)))


def _tree(site_dir: Path) -> tuple[set[str], set[str]]:
    """Every file and directory under site_dir, as site-relative paths: one walk instead of a stat per link."""
    files, dirs = set(), set()
    for dirpath, dirnames, filenames in os.walk(site_dir, followlinks=True):
        rel = os.path.relpath(dirpath, site_dir).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        dirs.update(prefix + d for d in dirnames)
        files.update(prefix + f for f in filenames)
    return files, dirs


@dataclass
class PageLinks:
    """What the check found on one page: its findings, external URLs and links to anchors of other pages."""
    key: str
    findings: list[Finding]
    external: list[str]
    anchors: list[tuple[str, str, str]]       # (target file, anchor, URL as written)
    links: int


def _no_anchor(url: str, frag: str) -> str:
    return f"链接“{url}”中的锚点“#{frag}”在目标页面上不存在。"


def _finding(code: str, message: str, rel: str, page_url: str, source: str | None) -> Finding:
    return Finding(code, source or f"site/{rel}", message + f"（页面 {rel}）",
                   "改正链接地址或补上目标文件；站内链接请写相对路径。", None, None,
                   WARNING if rel == "404.html" and code == "link-anchor" else ERROR, page_url or rel,
                   R_SUBPATH if code == "link-absolute" else R_LINKS)


def check_site(site_dir: Path, sources: dict[str, str] | None = None, site_url: str = "",
               footer: tuple[str, ...] = (), known: dict[str, tuple] | None = None,
               state_file: Path | None = None, bodies: dict[str, tuple[int, int]] | None = None) -> LinkReport:
    """Scan every HTML file under site_dir. `footer`: texts every page must contain. `known`: the write
    manifest (rel → (size, time, hash)), spares hashing those pages; `state_file`: where this check is
    kept for the next one (None: scan everything); `bodies`: where the body of a page poured into a shell
    is in its text (Writer.bodies) — the shell is read once per directory depth."""
    site_dir = Path(site_dir)
    sources, known, bodies = sources or {}, known or {}, bodies or {}
    report = LinkReport()
    ids: dict = {}                                # page → its ids; (page, anchor) → found
    base = site_url.rstrip("/") + "/" if site_url else None
    base_path = urlsplit(base).path if base else ""
    files, dirs = _tree(site_dir)
    outcome: dict[tuple, tuple[str, str, str]] = {}   # (page dir, or depth for URLs from the root, URL) → classify()

    def has_anchor(rel: str, frag: str, text: str | None = None) -> bool:
        if text is None:                                   # another page: remember the answer
            if (rel, frag) not in ids:
                ids[rel, frag] = has_anchor(rel, frag, (site_dir / rel).read_text(encoding="utf-8", errors="replace"))
            return ids[rel, frag]
        if rel not in ids:
            for needle in (f'id="{frag}"', f'name="{frag}"'):   # the common case without scanning every id
                at = text.find(needle)
                while at >= 0:
                    if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
                        return True
                    at = text.find(needle, at + 1)
            ids[rel] = {a or b for a, b in _ID.findall(text)}
        return frag in ids[rel]

    def resolve(page_dir: str, path: str) -> tuple[str, str]:
        """The file a relative URL path points to, or the problem."""
        target_rel = posixpath.normpath(posixpath.join(page_dir, unquote(path)))
        if target_rel.startswith(".."):
            return "", "指向网站目录之外。"
        target = "index.html" if target_rel == "." else target_rel + "/index.html" if target_rel in dirs \
            else target_rel
        return (target, "") if target in files else ("", "指向的页面或文件不存在。")

    def classify(url: str, page_dir: str, is404: bool) -> tuple[str, str, str]:
        """("ok", file or "" for this page, anchor), ("external", "", ""), ("", "", "") for the site's own
        address, or (code, message, "")."""
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            return ("", "", "") if base and url.startswith(base) else ("external", "", "")   # canonical, feeds
        if url.startswith("/"):
            if not (is404 and base_path and url.startswith(base_path)):
                return "link-absolute", f"链接“{url}”以 / 开头，网站放在子路径下（如 /zwgk/）时会失效。", ""
            target, wrong = resolve("", parts.path[len(base_path):] or ".")
        elif not parts.path:
            return "ok", "", unquote(parts.fragment)         # this page
        else:
            target, wrong = resolve(page_dir, parts.path)
        if wrong:
            return "link-broken", f"链接“{url}”{wrong}", ""
        return "ok", target, unquote(parts.fragment)

    def page_url(rel: str) -> str:
        page_dir = posixpath.dirname(rel)
        return (page_dir + "/") if rel.endswith("index.html") and page_dir else ("" if rel == "index.html" else rel)

    pages = sorted((f for f in files if f.endswith(".html")), key=lambda f: f.split("/"))
    setting = digest(code_version(), site_url, repr(footer))
    previous = load_state(state_file)
    if not isinstance(previous, dict) or previous.get("setting") != setting or not previous["files"] <= files:
        previous = None                                    # another setting, or a file was removed since
    before: dict[str, PageLinks] = previous["pages"] if previous else {}
    owners: dict[int, str] = {}         # the one bulk page per depth whose shell is checked: the same in every build
    for rel in pages:
        if rel in bodies:
            owners.setdefault(posixpath.dirname(rel).count("/") + 1, rel)
    owned = set(owners.values())
    keys = {}
    for rel in pages:
        h = known[rel][2] if rel in known else digest((site_dir / rel).read_bytes())
        keys[rel] = digest(h, sources.get(page_url(rel)) or "", "shell" if rel in owned else "")
    to_scan = [rel for rel in pages if rel not in before or before[rel].key != keys[rel] or before[rel].findings]

    def scan(first: int, last: int) -> list[PageLinks]:
        done = []
        for rel in to_scan[first:last]:
            page_dir = posixpath.dirname(rel)
            depth = page_dir.count("/") + 1 if page_dir else 0
            climb = "../" * depth
            here = page_url(rel)
            source = sources.get(here)
            text = whole = (site_dir / rel).read_text(encoding="utf-8", errors="replace")
            if rel in bodies and rel not in owned:    # the shell around a bulk page is the same at each depth
                text = whole[slice(*bodies[rel])]
            problems: dict[tuple[str, str], str] = {}
            external, anchors, count = [], [], 0
            is404 = rel == "404.html"           # served at any URL: the engine writes root-relative links on purpose
            for tag in _TAG.finditer(text):
                for name, dq, sq in _ATTR.findall(tag.group(2)):
                    url = (dq if dq or not sq else sq).strip()
                    if not url or url.lower().startswith(_SKIP):
                        continue
                    count += 1
                    if url[0] == "#":
                        kind, target, frag = "ok", rel, unquote(url[1:])
                    else:
                        # a URL that climbs to the site root resolves the same from every page of this depth
                        key = (depth, is404, url) if url.startswith(climb) or url[0] == "/" else (page_dir, url)
                        if key not in outcome:
                            outcome[key] = classify(url, page_dir, is404)
                        kind, target, frag = outcome[key]
                        target = target or rel
                    if kind == "ok":
                        if frag and target.endswith(".html"):
                            if target != rel:
                                anchors.append((target, frag, url))
                            if not has_anchor(target, frag, whole if target == rel else None):
                                problems[("link-anchor", url)] = _no_anchor(url, frag)
                    elif kind == "external":
                        external.append(url)
                    elif kind:
                        problems[(kind, url)] = target
            found = [_finding(code, message, rel, here, source) for (code, _), message in problems.items()]
            missing = [t for t in footer if t not in text]
            if missing and "<html" in text[:500].lower():          # not a body alone, nor a page fragment
                found.append(Finding(
                    "footer-missing", f"site/{rel}", f"页面底部缺少“{'”“'.join(missing)}”。",
                    "检查主题覆盖（overrides/）中的页脚模板；嵌入上级门户且由门户显示页脚的，在 catalogue/site.yml 中设"
                    "“页脚由门户提供: true”。", None, None, ERROR, rel, R_FOOTER))
            done.append(PageLinks(keys[rel], found, external, anchors, count))
        return done

    scanned = [links for part in workers.map_slices(scan, len(to_scan), min_slice=2000) for links in part]
    now = {rel: before[rel] for rel in pages if rel in before}
    now.update(zip(to_scan, scanned))
    fresh, external = set(to_scan), {}
    for rel in pages:
        links = now[rel]
        if rel not in fresh:                  # kept from the last check: anchors in pages that changed may be gone
            gone = [(frag, url) for target, frag, url in links.anchors if target in fresh and not has_anchor(target, frag)]
            if gone:
                here = page_url(rel)
                links = now[rel] = PageLinks(links.key, [_finding("link-anchor", _no_anchor(url, frag), rel, here,
                                                                  sources.get(here)) for frag, url in gone],
                                             links.external, links.anchors, links.links)
        report.findings += links.findings
        report.links += links.links
        for url in links.external:
            external.setdefault(url, []).append(rel)
    report.pages = len(pages)
    report.external = [(where[0] + (f" 等{len(where)}个页面" if len(where) > 1 else ""), url)
                       for url, where in external.items()]
    save_state(state_file, {"setting": setting, "files": files, "pages": now})
    return report
