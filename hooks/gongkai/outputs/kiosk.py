"""Kiosk build (离线查询机): a built site turned into a folder for a service-hall touch terminal.

A post-build transform: it reads only the built site and never calls an earlier stage.
  * Every page gets the kiosk look (html.gk-kiosk: 长辈版 type and 60 px targets, a11y.css),
    a bar at the bottom (首页 · 返回 · 搜索 · 打印 · 数据截至 YYYY-MM-DD) and a return to the
    home page after N idle seconds (kiosk.js).
  * The terminal is offline: links that leave the site become QR codes made here with segno,
    and each item page gets a QR code of its public address so a visitor can go on on a phone.
    PDF files and pictures open in an on-screen viewer; other files (Word, Excel, data) cannot
    be shown or handed out, so they get a QR code of their public address.
  * A launcher: serve.py serves the site on 127.0.0.1 (the search reads its index with fetch(),
    which browsers refuse on file://) and opens Chromium with --kiosk; start-kiosk.sh/.bat call it.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import segno

from ..core import sanitize
from ..core.problems import ERROR, WARNING, Problem
from ..stages.render import relurl
from ..stages.write import write_bytes

DATA = Path(__file__).parent.parent / "data" / "kiosk"
LAUNCHER = ("serve.py", "start-kiosk.sh", "start-kiosk.bat", "使用说明.txt")
ASSETS = ("kiosk.css", "kiosk.js")          # copied to site/assets/gongkai/
QR_DIR = "assets/gongkai/qr/"
VIEWER = "view/"                             # on-screen viewer for PDF files and pictures
VIEWABLE = {".pdf", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".txt"}
DEFAULT_IDLE = 120

_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"')
_A = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S | re.I)
_HREF = re.compile(r'\shref="([^"]*)"')
_HTML_TAG = re.compile(r"<html\b([^>]*)>")


@dataclass
class Kiosk:
    out: Path                                 # the kiosk folder; the site is in out/site/
    pages: int = 0
    qr_codes: int = 0
    external: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def qr_svg(text: str) -> bytes:
    """A QR code as SVG (error correction M, the standard 4-module quiet zone)."""
    buf = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buf, kind="svg", scale=4, border=4, xmldecl=False,
                                                  dark="#000", light="#fff", title=text)
    return buf.getvalue()


def data_date(site: Path) -> str | None:
    """The catalogue's date (生成日期 of catalogue.json), i.e. the day the data was built."""
    try:
        return json.loads((site / "catalogue.json").read_text(encoding="utf-8"))["生成日期"]
    except (OSError, ValueError, KeyError):
        return None


class _Pages:
    def __init__(self, site: Path, public: str, stamp: str, idle: int, kiosk: Kiosk):
        self.site, self.public, self.stamp, self.idle, self.kiosk = site, public, stamp, idle, kiosk
        self.qr_files: dict[str, str] = {}

    def qr(self, url: str, root: str) -> str:
        """URL of the QR code for `url` (made once per URL); `root` leads from the page to the site root."""
        if url not in self.qr_files:
            path = QR_DIR + hashlib.sha1(url.encode()).hexdigest()[:16] + ".svg"
            write_bytes(self.site / path, qr_svg(url))
            self.qr_files[url] = path
            self.kiosk.qr_codes += 1
        return root + self.qr_files[url]

    def qr_block(self, url: str, root: str, label: str, tag: str = "span", cls: str = "gk-qr") -> str:
        return (f'<{tag} class="{cls}"><img src="{self.qr(url, root)}" alt="二维码：{html.escape(url)}" '
                f'width="132" height="132"><span class="gk-qr-label">{label}<br>'
                f'<span class="gk-qr-url">{html.escape(url)}</span></span></{tag}>')

    def link(self, m: re.Match, here: str, root: str, footer: bool = False) -> str:
        attrs, inner = m.group(1), m.group(2)
        href = _HREF.search(attrs)
        if not href:
            return m.group(0)
        url = html.unescape(href.group(1))
        attrs = re.sub(r'\s(download|target)(="[^"]*")?', "", attrs)
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel"):
            return f'<span class="gk-kiosk-contact">{inner}</span>'
        if parts.scheme or url.startswith("//"):
            if self.public and url.startswith(self.public):
                return f"<a{attrs}>{inner}</a>"
            if footer:                # the ICP record lookup and the like: no use to a visitor
                return f'<span class="gk-kiosk-contact">{inner}</span>'
            self.kiosk.external.append(url)
            return (f'<span class="gk-qr-ext">{inner}'
                    f'{self.qr_block(url, root, "本机不能访问外部网站，请用手机扫码：")}</span>')
        if not parts.path or url.startswith("/"):
            return f"<a{attrs}>{inner}</a>"
        target = posixpath.normpath(posixpath.join(here, unquote(parts.path)))
        suffix = posixpath.splitext(target)[1].lower()
        if not suffix or suffix == ".html" or not (self.site / target).is_file():
            return f"<a{attrs}>{inner}</a>"
        if suffix in VIEWABLE:
            title = re.sub(r"<[^>]+>", "", inner).strip()
            view = html.escape(root + VIEWER + "?f=" + quote(target) + "&t=" + quote(html.unescape(title)))
            attrs = _HREF.sub(lambda _: ' href="' + view + '"', attrs, 1)
            return f"<a{attrs}>{inner}</a>"
        if not self.public:
            return f"<a{attrs}>{inner}</a>"
        return (f'<span class="gk-qr-file">{inner}'
                f'{self.qr_block(self.public + quote(target), root, "本机不能打开此类文件，请用手机扫码下载：")}</span>')

    def bar(self, root: str) -> str:
        return (f'<nav class="gk-kiosk-bar" aria-label="查询机操作" data-gk-kiosk data-gk-home="{root}" '
                f'data-gk-idle="{self.idle}">\n'
                f'  <a class="gk-kiosk-btn" href="{root}">首页</a>\n'
                '  <button type="button" class="gk-kiosk-btn" data-gk-back>返回</button>\n'
                f'  <a class="gk-kiosk-btn" href="{root}search/">搜索</a>\n'
                '  <button type="button" class="gk-kiosk-btn" data-gk-kiosk-print>打印本页</button>\n'
                f'  <p class="gk-kiosk-stamp">数据截至 <time datetime="{self.stamp}">{self.stamp}</time></p>\n'
                '  <p class="gk-kiosk-idle" data-gk-idle-status role="status" aria-live="polite"></p>\n'
                '</nav>\n'
                f'<script src="{root}assets/gongkai/kiosk.js"></script>\n')

    def page(self, text: str, rel: str, root: str | None = None) -> str:
        """One page for the kiosk; `root` (default: relative) leads from the page to the site root."""
        here = posixpath.dirname(rel) + "/" if "/" in rel else ""
        root = root or relurl("", here)
        text = _HTML_TAG.sub(lambda m: "<html" + (re.sub(r'class="', 'class="gk-kiosk ', m.group(1), 1)
                                                   if 'class="' in m.group(1) else m.group(1) + ' class="gk-kiosk"')
                             + ">", text, 1)
        text = text.replace("</head>", f'<link rel="stylesheet" href="{root}assets/gongkai/kiosk.css">\n'
                                       "</head>", 1)
        head, sep, body = text.partition("<body")
        body, foot, tail = body.partition('<footer class="md-footer"')
        body = _A.sub(lambda m: self.link(m, here, root), body) + foot + \
            _A.sub(lambda m: self.link(m, here, root, footer=True), tail)
        notice = "gk-withdrawn" in body or 'http-equiv="refresh"' in head     # 撤回 notices, old-number redirects
        if rel.startswith("gk/") and rel.count("/") == 2 and not notice:
            body = self.item_qr(body, head, rel, root)
        if rel == "search/index.html":
            body = body.replace('<p class="gk-search-status"', self.browse() + '<p class="gk-search-status"', 1)
        body = body.replace("</body>", self.bar(root) + "</body>", 1)
        return head + sep + body

    def item_qr(self, body: str, head: str, rel: str, root: str) -> str:
        canonical = _CANONICAL.search(head)
        if not canonical:
            return body
        block = self.qr_block(html.unescape(canonical.group(1)), root, "用手机扫码，继续查看本页：", "div",
                              "gk-qr gk-qr-page")
        if '<p class="gk-actions">' in body:
            return body.replace('<p class="gk-actions">', block + '\n<p class="gk-actions">', 1)
        self.kiosk.problems.append(Problem("kiosk-item-qr", f"site/{rel}", "信息页面中找不到放置二维码的位置。",
                                           "检查 overrides/gongkai/item.html 是否保留了“打印本页”按钮段落。",
                                           severity=WARNING))
        return body

    def browse(self) -> str:
        """Buttons that list a column or a year without typing (typing Chinese on a touch screen is slow)."""
        try:
            filters = json.loads((self.site / "search" / "manifest.json").read_text(encoding="utf-8"))["filters"]
        except (OSError, ValueError, KeyError):
            return ""
        rows = []
        for key, heading, limit in (("lm", "按栏目浏览", 12), ("nf", "按年份浏览", 10)):
            values = [v for v, _count in filters.get(key, {}).get("values", [])][:limit]
            if values:
                links = "".join(f'<li><a href="?{key}={quote(v)}">{html.escape(v)}</a></li>' for v in values)
                rows.append(f'<h2>{heading}</h2>\n<ul class="gk-kiosk-browse">{links}</ul>\n')
        return "".join(rows)


def _viewer(pages: _Pages) -> str:
    return ('<!doctype html>\n<html lang="zh-CN" class="gk-kiosk gk-kiosk-viewer">\n<head>\n<meta charset="utf-8">\n'
            + sanitize.csp_meta() + "\n"
            '<meta name="viewport" content="width=device-width,initial-scale=1">\n<title>查看文件</title>\n'
            '<link rel="icon" href="../assets/gongkai/favicon.svg" type="image/svg+xml">\n'
            '<link rel="stylesheet" href="../assets/gongkai/kiosk.css">\n</head>\n<body>\n'
            '<main class="gk-viewer">\n<h1 data-gk-view-title>查看文件</h1>\n'
            '<p data-gk-view-error hidden>找不到要查看的文件。请返回上一页重新选择。</p>\n'
            '<iframe data-gk-view-frame title="文件内容"></iframe>\n</main>\n' + pages.bar("../") + "</body>\n</html>\n")


def build(site: Path, out: Path, idle: int = DEFAULT_IDLE, stamp: str | None = None) -> Kiosk:
    """Copy the built site to out/site/, transform it for the kiosk and add the launcher.
    `stamp`: the 数据截至 date (default: the catalogue's date in catalogue.json)."""
    site, out = Path(site), Path(out)
    kiosk = Kiosk(out)
    if not (site / "index.html").is_file():
        kiosk.problems.append(Problem("kiosk-no-site", str(site), "这里没有生成好的网站（缺少 index.html）。",
                                      "先运行 make site 生成网站，再运行 make kiosk。"))
        return kiosk
    if idle < 10:
        kiosk.problems.append(Problem("kiosk-idle", "命令行参数 --idle", f"空闲返回时间 {idle} 秒太短，访客来不及阅读。",
                                      "改为 10 秒以上，常用 60～180 秒。"))
        return kiosk
    stamp = stamp or data_date(site)
    if not stamp:
        kiosk.problems.append(Problem("kiosk-date", f"{site}/catalogue.json", "读不到公开目录的生成日期，无法标注“数据截至”日期。",
                                      "重新运行 make site；或用 --date YYYY-MM-DD 指定。"))
        return kiosk
    target = out / "site"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(site, target)
    home = target / "index.html"
    canonical = _CANONICAL.search(home.read_text(encoding="utf-8"))
    public = html.unescape(canonical.group(1)) if canonical else ""
    if not public:
        kiosk.problems.append(Problem(
            "kiosk-no-url", "mkdocs.yml", "没有设置网站的公开网址（site_url），查询机上的信息页面无法显示本页二维码。",
            "在 mkdocs.yml 中填写 site_url（如 https://www.example.gov.cn/zwgk/），重新生成网站。", severity=WARNING))
    pages = _Pages(target, public, stamp, idle, kiosk)
    for name in ASSETS:
        write_bytes(target / "assets" / "gongkai" / name, (DATA / name).read_bytes())
    for path in sorted(target.rglob("*.html")):
        rel = path.relative_to(target).as_posix()
        if rel == "404.html":
            continue
        path.write_text(pages.page(path.read_text(encoding="utf-8"), rel), encoding="utf-8")
        kiosk.pages += 1
    write_bytes(target / VIEWER / "index.html", _viewer(pages).encode())
    sites = target / "search" / "sites.json"
    if sites.is_file():                 # 联合检索: the other sites are out of reach offline, so not searched
        write_bytes(sites, json.dumps(json.loads(sites.read_bytes())[:1], ensure_ascii=False,
                                      separators=(",", ":")).encode())
    not_found = target / "404.html"
    if not_found.is_file() and public:
        # The 404 page links with absolute paths under the public prefix; the launcher serves at "/".
        text = re.sub(r'(href|src|action)="' + re.escape(urlsplit(public).path), r'\1="/', not_found.read_text(encoding="utf-8"))
        not_found.write_text(pages.page(text, "404.html", "/"), encoding="utf-8")
    for name in LAUNCHER:
        shutil.copy(DATA / name, out / name)
    (out / "start-kiosk.sh").chmod(0o755)
    (out / "serve.py").chmod(0o755)
    return kiosk


def command(site: Path, out: Path, idle: int, stamp: str | None) -> int:
    """`python -m gongkai kiosk`: print what was made, or the problems."""
    done = build(site, out, idle, stamp)
    for p in done.problems:
        print(p.format())
    if any(p.severity == ERROR for p in done.problems):
        return 1
    external = f"，{len(set(done.external))} 个外部链接已换成二维码" if done.external else ""
    print(f"查询机文件夹：{out}（{done.pages} 个页面，{done.qr_codes} 个二维码{external}）。"
          f"把整个文件夹复制到查询机，运行 start-kiosk.sh（Windows 为 start-kiosk.bat）。空闲 {idle} 秒返回首页。")
    return 0
