"""Stage 5b — write: put rendered pages and files into the output folder.

Bulk pages are poured into a page shell: the engine's rendering of an empty
page at the same directory depth, so relative links to theme assets hold.
Files are written only when their bytes change, so a rebuild touches little.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from .render import Output, Page

TITLE_MARK = "@@GK_TITLE@@"
# Contains "<h1" so that themes which add an <h1> to pages without one do not.
BODY_MARK = "<!--gk:body <h1 -->"


@dataclass
class Shell:
    html: str
    url: str          # the shell page's own URL, e.g. "_gkshell/d2/"

    def fill(self, page: Page) -> str:
        head, sep, tail = self.html.partition(BODY_MARK)
        if not sep:
            raise ValueError("page shell has no body marker")
        title = html.escape(page.title, quote=True)
        head = head.replace(TITLE_MARK, title).replace(self.url, page.path)
        return head + page.body + tail.replace(TITLE_MARK, title).replace(self.url, page.path)


def write_bytes(path: Path, data: bytes) -> bool:
    """Write unless the file already holds exactly these bytes."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def sitemap(paths: list[str], site_url: str) -> bytes:
    base = site_url.rstrip("/") + "/"
    rows = "".join(f"<url><loc>{xml_escape(base + p)}</loc></url>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n").encode()


def write_site(out: Output, shells: dict[int, Shell], site_dir: Path, site_url: str,
               search: dict[str, bytes]) -> dict[str, int]:
    written = 0
    for rel, data in search.items():
        written += write_bytes(site_dir / "search" / rel, data)
    for page in out.bulk_pages:
        written += write_bytes(site_dir / page.path / "index.html", shells[page.depth].fill(page).encode())
    for asset in out.assets:
        data = asset.data if asset.data is not None else asset.src.read_bytes()
        written += write_bytes(site_dir / asset.path, data)
    if site_url:
        paths = [p.path for p in out.engine_pages] + [p.path for p in out.bulk_pages]
        write_bytes(site_dir / "sitemap.xml", sitemap(paths, site_url))
        (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    return {"pages": len(out.bulk_pages), "assets": len(out.assets), "written": written}
