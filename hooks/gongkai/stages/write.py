"""Stage 5b — write: put rendered pages and files into the output folder.

Bulk pages are poured into a page shell: the engine's rendering of an empty
page at the same directory depth, so relative links to theme assets hold.
Files are written only when their bytes change, so a rebuild touches little; a manifest of what
the last build wrote (size, modification time and hash of each file) spares reading the files back.
"""
from __future__ import annotations

import html
import os
import posixpath
import shutil
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from ..core.cache import digest, load_state, save_state
from .render import Output, Page

TITLE_MARK = "@@GK_TITLE@@"
# Contains "<h1" so that themes which add an <h1> to pages without one do not.
BODY_MARK = "<!--gk:body <h1 -->"
META_MARK = "<!--gk:meta-->"      # where a page's <meta> tags go in the shell's head


def compact(markup: str) -> str:
    """Drop blank lines and indentation (a theme's templates leave kilobytes of both). Every line break
    stays, so text renders the same; markup with preformatted text is left as it is."""
    if "<pre" in markup or "<textarea" in markup:
        return markup
    return "".join(line.strip() + "\n" for line in markup.split("\n") if line.strip())


@dataclass
class Shell:
    html: str
    url: str          # the shell page's own URL, e.g. "_gkshell/d2/"

    def __post_init__(self):
        head, sep, tail = self.html.partition(BODY_MARK)
        if not sep:
            raise ValueError("page shell has no body marker")
        self.head, self.tail = compact(head), compact(tail)
        self.digest = digest(self.head, self.tail, self.url)

    def identity(self, page: Page) -> str:
        """What the file of a page with a key (render's item pages) is made from: shell, title, metadata, body."""
        return digest(self.digest, page.path, page.title, page.meta, page.key)

    def frame(self, page: Page) -> tuple[str, str]:
        """The page's head and tail around its body."""
        title = html.escape(page.title, quote=True)
        return (self.head.replace(TITLE_MARK, title).replace(self.url, page.path).replace(META_MARK, page.meta),
                self.tail.replace(TITLE_MARK, title).replace(self.url, page.path))


# Folders only write_site writes into (glob patterns). An engine that empties the output folder before each
# build (MkDocs does) would make every build write them anew: they are moved aside first and back after.
STASHED = ("gk", "lm", "nf", "jg", "zt", "search/k", "search/[0-9][0-9][0-9][0-9]")


def _stashed(top: Path) -> list[str]:
    """The folders under top that STASHED names, as paths relative to top."""
    return sorted({p.relative_to(top).as_posix() for pattern in STASHED for p in top.glob(pattern) if p.is_dir()})


def stash(site_dir: Path, store: Path) -> None:
    """Move the bulk folders of the last build out of site_dir (before the engine empties it)."""
    for rel in _stashed(site_dir):      # nothing built yet, or the last build stopped: the old stash stays
        src, dst = site_dir / rel, store / rel
        shutil.rmtree(dst, ignore_errors=True)
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(src, dst)
        except OSError:                   # another file system: this build writes everything
            pass


def unstash(site_dir: Path, store: Path) -> list[str]:
    """Move the stashed folders back; returns those restored."""
    back = []
    for rel in _stashed(store) if store.is_dir() else []:
        src, dst = store / rel, site_dir / rel
        if not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(src, dst)
                back.append(rel)
            except OSError:
                shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)         # what is left over is stale
    return back


def prune(site_dir: Path, written: set[str], folders: list[str]) -> int:
    """Delete files in these folders that this build did not write (removed items, pages, index files),
    and the folders left empty. Plain strings, not Path objects: a large site has 100,000 folders."""
    removed, root = 0, str(site_dir)
    for rel in folders:
        for dirpath, _, filenames in os.walk(os.path.join(root, rel), topdown=False):
            prefix = os.path.relpath(dirpath, root).replace(os.sep, "/") + "/"
            gone = 0
            for name in filenames:
                if prefix + name not in written:
                    os.unlink(os.path.join(dirpath, name))
                    gone += 1
            removed += gone
            if gone == len(filenames):
                try:
                    os.rmdir(dirpath)             # fails while a subfolder is left: then it stays
                except OSError:
                    pass
    return removed


def write_bytes(path: Path | str, data: bytes) -> bool:
    """Write unless the file already holds exactly these bytes."""
    try:
        if os.stat(path).st_size == len(data):
            with open(path, "rb") as f:
                if f.read() == data:
                    return False
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return True


class Writer:
    """Writes files under site_dir unless they hold these bytes already. `known`: the manifest of the
    last build, rel → (size, mtime_ns, hash); a file whose size and time are as recorded there is taken
    to hold what was recorded. `files` is this build's manifest, `changed` what it wrote, `bodies` where
    the page shell ends and begins again in each bulk page (the link check reads a shell once)."""

    def __init__(self, site_dir: Path, known: dict | None = None):
        self.root, self.known = str(site_dir) + "/", known or {}
        self.files: dict[str, tuple[int, int, str]] = {}
        self.changed: set[str] = set()
        self.removed = 0
        self.bodies: dict[str, tuple[int, int]] = {}    # bulk page → where its body is in its text

    def intact(self, rel: str) -> tuple | None:
        """The manifest entry of a file that is on disk as the last build recorded it."""
        old = self.known.get(rel)
        if old is not None:
            try:
                st = os.stat(self.root + rel)
                if (st.st_size, st.st_mtime_ns) == old[:2]:
                    return old
            except FileNotFoundError:
                pass
        return None

    def keep(self, rel: str, identity: str) -> bool:
        """True (and the file stays as it is) when the last build wrote this file from the same identity."""
        old = self.intact(rel)
        if old is not None and len(old) > 4 and old[3] == identity:
            self.files[rel] = old
            if old[4]:
                self.bodies[rel] = old[4]
            return True
        return False

    def put(self, rel: str, data: bytes, identity: str = "", body: tuple[int, int] | None = None) -> None:
        """Write unless the file holds these bytes; `body`: where a bulk page's body is in its text."""
        h = digest(data)
        old = self.intact(rel)
        if body:
            self.bodies[rel] = body
        if old is not None and old[2] == h:
            self.files[rel] = old[:3] + (identity, body)
            return
        if write_bytes(self.root + rel, data):
            self.changed.add(rel)
        st = os.stat(self.root + rel)
        self.files[rel] = (st.st_size, st.st_mtime_ns, h, identity, body)


def sitemap(paths: list[str], site_url: str) -> bytes:
    base = site_url.rstrip("/") + "/"
    rows = "".join(f"<url><loc>{xml_escape(base + p)}</loc></url>\n" for p in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + rows + "</urlset>\n").encode()


def write_site(out: Output, shells: dict[int, Shell], site_dir: Path, site_url: str,
               search: dict[str, bytes], store: Path | None = None) -> Writer:
    """Write bulk pages, files and the search index; only files whose bytes changed are rewritten.
    With `store` (where stash() put the last build's bulk folders), the result equals a build into an
    empty folder: files that are no longer part of the site are deleted; the manifest is kept beside
    the store. Returns the writer: its manifest, what it wrote and removed."""
    restored = unstash(site_dir, store) if store is not None else []
    manifest = store.with_name(store.name + ".files") if store is not None else None
    writer = Writer(site_dir, load_state(manifest, {}) if restored else {})
    for rel, data in search.items():
        writer.put("search/" + rel, data)
    pages = [p for p in out.bulk_pages if not (p.key and writer.keep(p.path + "index.html",
                                                                       shells[p.depth].identity(p)))]
    missing = [p for p in pages if p.body is None]
    if missing:
        out.fill(missing)
    for page in pages:
        shell = shells[page.depth]
        head, tail = shell.frame(page)
        rel = page.path + "index.html"
        writer.put(rel, (head + page.body + tail).encode(), shell.identity(page) if page.key else "",
                   (len(head), len(head) + len(page.body)))
    for asset in out.assets:
        rel = posixpath.normpath(asset.path)
        if asset.data is not None:
            writer.put(rel, asset.data)
            continue
        st = os.stat(asset.src)               # a copied file (attachment, picture) is read only when it changed
        identity = digest("copy", str(asset.src), str(st.st_size), str(st.st_mtime_ns))
        if not writer.keep(rel, identity):
            writer.put(rel, asset.src.read_bytes(), identity)
    writer.removed = prune(site_dir, set(writer.files), restored)
    if site_url:
        paths = [p.path for p in out.engine_pages] + [p.path for p in out.bulk_pages]
        write_bytes(site_dir / "sitemap.xml", sitemap(paths, site_url))
        (site_dir / "sitemap.xml.gz").unlink(missing_ok=True)
    save_state(manifest, writer.files)
    return writer
