"""Build cache under build/cache/: results that depend only on their inputs, kept between builds.

Each entry is stored under a hash of everything it depends on (a file's path and bytes, a Markdown
text), so a stale entry is never used: a changed input has another key. A change to the gongkai code
itself (its modules, templates and data) empties the cache. Any stage may use it; a build without a
cache directory (None) computes everything, with the same result.
"""
from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import zlib
from pathlib import Path

DIR = "build/cache"
NOTICE = "构建缓存已损坏或版本不同，本次完整重建。"
_PACKAGE = Path(__file__).parent.parent
_code: str | None = None
_noticed = False
log = logging.getLogger("gongkai.cache")


def _notice(path: Path) -> None:
    """One line per build, however many stores are dropped."""
    global _noticed
    if not _noticed:
        _noticed = True
        log.warning(f"{NOTICE}（{DIR}/{path.name}）")


def _corrupt(exc: Exception) -> bool:
    """A damaged or half-written store (not a locked, read-only or full disk, where the build goes on
    without a cache)."""
    return isinstance(exc, zlib.error) or (isinstance(exc, sqlite3.DatabaseError)
                                           and not isinstance(exc, sqlite3.OperationalError))


def digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def code_version() -> str:
    """A hash of the gongkai package: its modules, templates and data files."""
    global _code
    if _code is None:
        files = sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        _code = digest(*(part for p in files for part in (p.relative_to(_PACKAGE).as_posix(), p.read_bytes())))
    return _code


def load_state(path: Path | None, default=None):
    """What save_state kept at path by the last build; `default` when there is none or it is unreadable."""
    try:
        return pickle.loads(path.read_bytes()) if path else default
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, AttributeError):
        return default


def write_whole(path: Path, data: bytes) -> None:
    """Write a file so that it holds either its old or its new bytes, also when the build is killed midway
    (a half-written cache file would be read back as if it were whole)."""
    part = path.with_name(f"{path.name}.part{os.getpid()}")
    part.write_bytes(data)
    os.replace(part, path)


def save_state(path: Path | None, value) -> None:
    """Keep value for the next build (one file, no-op without a path)."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def open_cache(root: Path, name: str) -> "Cache":
    """The project's cache table `name`; GONGKAI_CACHE=0 turns caching off (a cold build)."""
    return Cache(None if os.environ.get("GONGKAI_CACHE") == "0" else Path(root) / DIR, name)


class Cache:
    """A key → value table (values pickled and compressed) in build/cache/<name>.sqlite; get/put are no-ops
    without a directory. A damaged store (found when opened or read) is deleted and started anew with a
    notice: what it held is computed again, so the site is the same."""

    def __init__(self, directory: Path | None, name: str):
        self.db: sqlite3.Connection | None = None
        self.hits = self.misses = 0
        self._new: dict[str, bytes] = {}
        self.used: set[str] = set()                   # keys read or written in this build
        self.closed = False                           # close() was called: a late read opens it again
        if directory is None:
            return
        self.path = Path(directory) / f"{name}.sqlite"
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self._open()
        except (OSError, sqlite3.Error) as exc:    # a read-only checkout: build without a cache
            self._close()
            if _corrupt(exc):
                self._discard()

    def _open(self) -> None:
        self.db = sqlite3.connect(self.path, timeout=60)
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)")
        row = self.db.execute("SELECT v FROM meta WHERE k = 'code'").fetchone()
        if row is None or row[0] != code_version():
            if row is not None:
                _notice(self.path)
            self.db.execute("DELETE FROM kv")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code_version(),))
            self.db.commit()

    def _close(self) -> None:
        if self.db is not None:
            try:
                self.db.close()
            except sqlite3.Error:
                pass
            self.db = None

    def _discard(self) -> None:
        """Delete the damaged store (and its journal) and start an empty one."""
        _notice(self.path)
        self._close()
        try:
            for path in (self.path, self.path.with_name(self.path.name + "-journal")):
                path.unlink(missing_ok=True)
            self._open()
        except (OSError, sqlite3.Error):
            self._close()

    def _reopened(self) -> bool:
        """After close(), reads open the table again (a stage that asks for a value late: Output.fill)."""
        if self.db is None and self.closed:
            self.closed = False
            try:
                self.db = sqlite3.connect(self.path, timeout=60)
            except sqlite3.Error:
                self.db = None
        return self.db is not None

    def has(self, key: str) -> bool:
        """Whether the table holds key (its value is not read); counts as a use."""
        if self.db is None:
            return False
        try:
            found = self.db.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone() is not None
        except sqlite3.Error as exc:
            found = False
            if _corrupt(exc):
                self._discard()
        if found:
            self.used.add(key)
        return found

    def get(self, key: str):
        if self.db is not None or self._reopened():
            try:
                row = self.db.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
                value = None if row is None else pickle.loads(zlib.decompress(row[0]))
            except (sqlite3.Error, zlib.error) as exc:
                row = None
                if _corrupt(exc):
                    self._discard()
            if row is not None:
                self.hits += 1
                self.used.add(key)
                return value
        self.misses += 1
        return None

    def get_many(self, keys: list[str]) -> dict:
        """Values of the keys found, in one pass."""
        out: dict = {}
        if self.db is None and not self._reopened():
            self.misses += len(keys)
            return out
        wanted = list(dict.fromkeys(keys))
        try:
            for n in range(0, len(wanted), 900):          # SQLite's limit on parameters per statement
                chunk = wanted[n:n + 900]
                marks = ",".join("?" * len(chunk))
                out.update((k, pickle.loads(zlib.decompress(v))) for k, v in
                           self.db.execute(f"SELECT k, v FROM kv WHERE k IN ({marks})", chunk))
        except (sqlite3.Error, zlib.error) as exc:
            out = {}
            if _corrupt(exc):
                self._discard()
        self.hits += len(out)
        self.misses += len(wanted) - len(out)
        self.used.update(out)
        return out

    def put(self, key: str, value) -> None:
        if self.db is not None:
            # compressed: HTML and text shrink about fivefold, and writing is most of a cold build's cache cost
            self._new[key] = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
            self.used.add(key)

    def save(self) -> None:
        """Write what was put since the last save, in one transaction."""
        if self.db is None or not self._new:
            return
        for attempt in (1, 2):
            try:
                with self.db:
                    self.db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", self._new.items())
                break
            except sqlite3.Error as exc:               # a full or read-only disk: the next build recomputes
                if attempt == 2 or not _corrupt(exc):
                    break
                self._discard()                        # then once more, into the new store
                if self.db is None:
                    break
        self._new.clear()

    def prune(self) -> None:
        """Forget entries this build did not use (old versions of changed files and pages), once they
        outnumber the ones in use."""
        if self.db is None or not self.used:
            return
        try:
            total = self.db.execute("SELECT count(*) FROM kv").fetchone()[0]
            if total > 2 * len(self.used) + 1000:
                with self.db:
                    self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (k TEXT PRIMARY KEY)")
                    self.db.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((k,) for k in self.used))
                    self.db.execute("DELETE FROM kv WHERE k NOT IN (SELECT k FROM keep)")
                    self.db.execute("DROP TABLE keep")
        except sqlite3.Error as exc:
            if _corrupt(exc):
                self._discard()

    def close(self) -> None:
        self.save()
        self.prune()
        if self.db is not None:
            self._close()
            self.closed = True
