"""A build killed at any point (SIGKILL, to its whole process group) and a damaged build cache never lead to a
wrong site: the next build equals a cold build of the same tree byte for byte, with no traceback; a store it
cannot use is dropped with a one-line notice in Chinese and the build runs as a cold build.

Kill points: random delays spread over a measured build, and exact points found by wrapping standard-library
calls in the killed process only (the n-th file opened for writing in the site or under build/cache — the
file is left half written —, the n-th SQLite write, os.replace, file deletion); no test hook in the package.
CI kills once per kind of point and after 3 delays (seed 17); GONGKAI_KILL_ROUNDS=N: N points per kind (the
first, the last and random ones) and 3N delays; GONGKAI_FUZZ=long: 4 and 12, a random seed (GONGKAI_KILL_SEED
repeats one), and each store damaged on its own."""
from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CODE, good_item, new_project
from test_incremental import BUILD, build_env, cold_build, differences, run_build, snapshot

CACHE = "build/cache"
NOTICE = "构建缓存已损坏或版本不同，本次完整重建。"
LONG = os.environ.get("GONGKAI_FUZZ") == "long"
POINTS = int(os.environ.get("GONGKAI_KILL_ROUNDS") or (4 if LONG else 1))      # kill points per kind
DELAYS = 3 * POINTS
SEED = int(os.environ.get("GONGKAI_KILL_SEED") or (random.randrange(10 ** 6) if LONG else 17))

# Runs `mkdocs build` in this process with GK_KILL="kind n": at the n-th event of that kind the whole process
# group is killed. GK_KILL_COUNTS=file: count the events of each kind and write them there at the end.
DRIVER = r'''
import builtins, io, json, os, random, signal, sqlite3, sys, threading
site, cache = os.path.realpath(sys.argv[1]) + os.sep, os.path.realpath("build/cache") + os.sep
kind, _, nth = (os.environ.get("GK_KILL") or " 0").partition(" ")
nth, counts = int(nth), {}

def die():
    os.killpg(os.getpgrp(), signal.SIGKILL)

def event(name):
    counts[name] = counts.get(name, 0) + 1
    return name == kind and counts[name] == nth

def where(path):
    try:
        p = os.path.realpath(os.fspath(path))
    except TypeError:
        return None
    return "site" if p.startswith(site) else "cache" if p.startswith(cache) else None

class Torn:
    """A file that is killed half way through its first write (or, written by sendfile, cut to half at close)."""
    def __init__(self, f):
        self.f = f
    def write(self, data):
        self.f.write(data[:len(data) // 2]); self.f.flush(); os.fsync(self.f.fileno()); die()
    def close(self):
        self.f.flush(); self.f.truncate(os.fstat(self.f.fileno()).st_size // 2); os.fsync(self.f.fileno()); die()
    def __getattr__(self, name):
        return getattr(self.f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.close()

real_open = io.open
def open_(file, mode="r", *args, **kwargs):
    f = real_open(file, mode, *args, **kwargs)
    place = where(file) if any(c in mode for c in "wax+") else None
    if place and not os.fspath(file).endswith(("-journal", "-wal")) and event(place + "-write"):
        return Torn(f)
    return f
builtins.open = io.open = open_

for name in ("replace", "rename", "unlink", "rmdir"):
    def wrap(real, name=name):
        def call(*args, **kwargs):
            if any(where(a) for a in args[:2] if isinstance(a, (str, bytes, os.PathLike))) and event(name):
                if name == "replace":
                    real(*args, **kwargs)             # killed just after the move
                die()
            return real(*args, **kwargs)
        return call
    setattr(os, name, wrap(getattr(os, name)))

class Connection(sqlite3.Connection):
    def executemany(self, *args):
        out = super().executemany(*args)
        if event("sqlite"):                           # killed during the commit that follows
            threading.Timer(random.uniform(0, 0.004), die).start()
        return out
    def execute(self, sql, *args):
        if sql.lstrip().upper().startswith(("DELETE", "INSERT")) and event("sqlite"):
            threading.Timer(random.uniform(0, 0.004), die).start()
        return super().execute(sql, *args)
real_connect = sqlite3.connect
sqlite3.connect = lambda *a, **k: real_connect(*a, factory=Connection, **k)

code = 0
try:
    from mkdocs.__main__ import cli
    sys.argv = ["mkdocs", "build", "--clean", "--site-dir", sys.argv[1]]
    cli()
except SystemExit as exc:
    code = exc.code or 0
finally:
    if os.environ.get("GK_KILL_COUNTS"):
        with real_open(os.environ["GK_KILL_COUNTS"], "w") as f:
            json.dump(counts, f)
sys.exit(code)
'''
KINDS = ("site-write", "cache-write", "sqlite", "replace", "unlink")


def make_catalogue(root: Path):
    project = new_project(root)
    for n in range(1, 13):
        fields = good_item(n, 标题=f"示例县人民政府办公室关于第{n}项工作的通知", 成文日期=f"{2023 + n % 3}-0{n % 9 + 1}-01",
                           发布日期=f"{2023 + n % 3}-0{n % 9 + 1}-08", 栏目="工作动态" if n % 4 == 0 else "其他文件")
        if n % 5 == 0:
            fields["关联"] = [{"索引号": f"{CODE}/2024-{n - 1:05d}", "关系": "相关"}]
        if n % 3 == 0:
            fields["附件"] = [{"文件": f"a{n}/附件.txt", "标题": "名单"}]
            (root / "catalogue/items/qtwj" / f"a{n}").mkdir(parents=True, exist_ok=True)
            (root / "catalogue/items/qtwj" / f"a{n}/附件.txt").write_text(f"第{n}项名单", encoding="utf-8")
        project.item(f"qtwj/{n:05d}.md", fields, body=f"## 一、工作目标\n\n第{n}项工作。\n")
    return project


def change(project):
    """Edits that touch many files: a theme partial on every page, an item edited, added and deleted, an
    attachment whose text is new."""
    root = project.root
    footer = root / "overrides/partials/footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "<!-- 改版 -->\n", encoding="utf-8")
    project.item("qtwj/00002.md", good_item(2, 标题="示例县人民政府办公室关于第2项工作的通知（修订）"), body="修订。\n")
    fields = good_item(20, 标题="示例县人民政府办公室关于新增工作的通知", 发布日期="2026-11-20", 成文日期="2026-11-18",
                       附件=[{"文件": "a20/附件.txt", "标题": "新名单"}])
    (root / "catalogue/items/qtwj/a20").mkdir()
    (root / "catalogue/items/qtwj/a20/附件.txt").write_text("新增名单甲乙丙", encoding="utf-8")
    project.item("qtwj/00020.md", fields)
    (root / "catalogue/items/qtwj/00007.md").unlink()


def save(root: Path, keep: Path):
    shutil.rmtree(keep, ignore_errors=True)
    keep.mkdir()
    for name in ("site", "build"):
        shutil.copytree(root / name, keep / name, symlinks=True)


def restore(root: Path, keep: Path):
    for name in ("site", "build"):
        shutil.rmtree(root / name, ignore_errors=True)
        shutil.copytree(keep / name, root / name, symlinks=True)


def driver(root: Path, kill: str = "", counts: Path | None = None, timeout: int = 300) -> int:
    env = build_env() | {"GK_KILL": kill}
    if counts:
        env["GK_KILL_COUNTS"] = str(counts)
    proc = subprocess.run([sys.executable, "-c", DRIVER, str(root / "site")], cwd=root, env=env, timeout=timeout,
                          capture_output=True, start_new_session=True)
    return proc.returncode


def killed_after(root: Path, delay: float) -> int:
    proc = subprocess.Popen(BUILD + [str(root / "site")], cwd=root, env=build_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.wait()


def left_over(root: Path) -> str:
    """What the killed build left: a stash of site folders, SQLite journals (for the failure message)."""
    cache = root / CACHE
    return ", ".join(sorted(p.relative_to(cache).as_posix() for p in cache.glob("*") if p.suffix != ".sqlite"
                            and not p.name.endswith(".json"))) or "-"


def recovered(root: Path, scratch: Path, what: str):
    """The next normal build equals a cold build of the same tree."""
    result = run_build(root, root / "site")
    assert "Traceback" not in result.stderr, f"{what}: the next build gave a traceback\n{result.stderr[-3000:]}"
    assert result.returncode == 0, f"{what}: the next build failed\n{result.stderr[-3000:]}"
    problem = differences(snapshot(root, root / "site", result), cold_build(root, scratch))
    assert not problem, f"{what}: the next build ≠ a cold build\n{problem}"
    return result


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A catalogue built once (kept in `base`), then changed: each round starts from `base`'s site and cache."""
    tmp = tmp_path_factory.mktemp("kill")
    project = make_catalogue(tmp / "p")
    result = run_build(project.root, project.root / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    save(project.root, tmp / "base")
    change(project)
    return project, tmp


def test_killed_build_at_exact_points_then_next_build_equals_cold(prepared):
    project, tmp = prepared
    root, counts = project.root, tmp / "counts.json"
    assert driver(root, counts=counts) == 0           # the build with every wrapper in place, killed nowhere
    found = json.loads(counts.read_text())
    assert all(found.get(k) for k in KINDS), f"the changed build has no event of some kind: {found}"
    rng = random.Random(SEED)
    rounds = []
    for kind in KINDS:              # one point inside each kind; more runs add the first and the last
        total = found[kind]
        picks = [rng.randint(1, total)] + ([1, total] + [rng.randint(1, total) for _ in range(POINTS - 3)]
                                           if POINTS > 1 else [])
        rounds += [(kind, n) for n in sorted(set(picks))]
    for kind, n in rounds:
        restore(root, tmp / "base")
        code = driver(root, f"{kind} {n}")
        what = f"killed at {kind} #{n} of {found[kind]} (seed {SEED}; left: {left_over(root)})"
        assert code == -signal.SIGKILL, f"{what}: the build was not killed (exit {code})"
        recovered(root, tmp / "cold", what)


def test_killed_build_after_random_delays_then_next_build_equals_cold(prepared):
    project, tmp = prepared
    root = project.root
    restore(root, tmp / "base")
    start = time.perf_counter()
    assert run_build(root, root / "site").returncode == 0
    took = time.perf_counter() - start
    rng = random.Random(SEED)
    for k in range(DELAYS):                     # one delay in each of DELAYS equal parts of the build's time
        delay = took * (k + rng.random()) / DELAYS
        restore(root, tmp / "base")
        code = killed_after(root, delay)
        what = (f"killed after {delay:.2f} s of a {took:.2f} s build (seed {SEED}; exit {code}, "
                f"left: {left_over(root)})")
        if code == -signal.SIGKILL and rng.random() < 0.5:     # killed again, on the way back
            killed_after(root, rng.uniform(0, took))
        recovered(root, tmp / "cold", what)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "truncated":
        path.write_bytes(data[:len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "garbage":
        path.write_bytes(b"\x00\xffnot a store\n" * 64)
    elif how == "scribbled":                          # the header is intact, pages in the middle are not
        at = max(len(data) // 3, 100)
        path.write_bytes(data[:at] + bytes(rng ^ 0x5A for rng in data[at:at + 4096]) + data[at + 4096:])


STORES = ("load.sqlite", "render.sqlite", "search.sqlite", "site/*.files", "site/*.links")
DAMAGE = ("truncated", "garbage", "scribbled", "empty")
# CI damages every store at once, once per kind of damage (but "empty"); a long run (GONGKAI_FUZZ=long) one
# store at a time
CASES = [(store, how) for how in DAMAGE for store in STORES] if LONG else [(STORES, how) for how in DAMAGE[:3]]


@pytest.mark.parametrize("stores, how", CASES)
def test_damaged_cache_is_used_correctly_or_dropped_with_a_notice(prepared, stores, how):
    project, tmp = prepared
    root = project.root
    restore(root, tmp / "base")
    stores = [stores] if isinstance(stores, str) else stores
    paths = [p for store in stores for p in sorted((root / CACHE).glob(store))]
    assert len(paths) >= len(stores), f"not every one of {stores} is under {CACHE}"
    for path in paths:
        _damage(path, how)
    unusable = [p.name for p in paths if p.suffix == ".sqlite" and not _readable(p)]
    result = recovered(root, tmp / "cold", f"{', '.join(stores)} {how}")
    lines = [line for line in result.stderr.splitlines() if NOTICE in line]
    assert len(lines) == (1 if unusable else 0), f"{unusable} {how}: not one notice\n{result.stderr[-2000:]}"
    assert all(_readable(p) for p in paths if p.suffix == ".sqlite"), f"{how}: a damaged store was kept"
    if unusable:
        second = run_build(root, root / "site")        # the stores written anew are used as usual
        assert second.returncode == 0 and NOTICE not in second.stderr, second.stderr[-2000:]


def _readable(path: Path) -> bool:
    """Whether SQLite itself finds the file sound (then using it is correct)."""
    try:
        with sqlite3.connect(path) as db:
            return db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.Error:
        return False
