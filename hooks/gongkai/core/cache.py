"""Build cache under build/cache/: results that depend only on their inputs, kept between builds.

Each entry is stored under a hash of everything it depends on (a file's path and bytes, a Markdown
text), so a stale entry is never used: a changed input has another key. A change to the gongkai code
itself (its modules, templates and data) empties the cache. Any stage may use it; a build without a
cache directory (None) computes everything, with the same result.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import zlib
from pathlib import Path

DIR = "build/cache"
_PACKAGE = Path(__file__).parent.parent
_code: str | None = None


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


def save_state(path: Path | None, value) -> None:
    """Keep value for the next build (one file, no-op without a path)."""
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def open_cache(root: Path, name: str) -> "Cache":
    """The project's cache table `name`; GONGKAI_CACHE=0 turns caching off (a cold build)."""
    return Cache(None if os.environ.get("GONGKAI_CACHE") == "0" else Path(root) / DIR, name)


class Cache:
    """A key → value table (values pickled and compressed) in build/cache/<name>.sqlite; get/put are no-ops
    without a directory."""

    def __init__(self, directory: Path | None, name: str):
        self.db: sqlite3.Connection | None = None
        self.hits = self.misses = 0
        self._new: dict[str, bytes] = {}
        self.used: set[str] = set()                   # keys read or written in this build
        self.path = Path(directory) / f"{name}.sqlite" if directory is not None else None
        self.closed = False
        if directory is None:
            return
        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60)
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB)")
            row = self.db.execute("SELECT v FROM meta WHERE k = 'code'").fetchone()
            if row is None or row[0] != code_version():
                self.db.execute("DELETE FROM kv")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (code_version(),))
                self.db.commit()
        except (OSError, sqlite3.Error):          # a read-only checkout: build without a cache
            self.db = None

    def _reopened(self) -> bool:
        """After close(), reads open the table again (a stage that asks for a value late: Output.fill)."""
        if self.db is None and self.closed:
            try:
                self.db = sqlite3.connect(self.path, timeout=60)
            except sqlite3.Error:
                self.closed = False
        return self.db is not None

    def has(self, key: str) -> bool:
        """Whether the table holds key (its value is not read); counts as a use."""
        if self.db is not None and self.db.execute("SELECT 1 FROM kv WHERE k = ?", (key,)).fetchone():
            self.used.add(key)
            return True
        return False

    def get(self, key: str):
        if self.db is not None or self._reopened():
            row = self.db.execute("SELECT v FROM kv WHERE k = ?", (key,)).fetchone()
            if row is not None:
                self.hits += 1
                self.used.add(key)
                return pickle.loads(zlib.decompress(row[0]))
        self.misses += 1
        return None

    def get_many(self, keys: list[str]) -> dict:
        """Values of the keys found, in one pass."""
        out: dict = {}
        if self.db is None and not self._reopened():
            self.misses += len(keys)
            return out
        wanted = list(dict.fromkeys(keys))
        for n in range(0, len(wanted), 900):          # SQLite's limit on parameters per statement
            chunk = wanted[n:n + 900]
            marks = ",".join("?" * len(chunk))
            out.update((k, pickle.loads(zlib.decompress(v))) for k, v in
                       self.db.execute(f"SELECT k, v FROM kv WHERE k IN ({marks})", chunk))
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
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO kv VALUES (?, ?)", self._new.items())
        except sqlite3.Error:
            pass                                       # a full or read-only disk: the next build recomputes
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
        except sqlite3.Error:
            pass

    def close(self) -> None:
        self.save()
        self.prune()
        if self.db is not None:
            self.db.close()
            self.db = None
            self.closed = True
