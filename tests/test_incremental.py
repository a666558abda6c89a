"""A rebuild after changes (build cache, kept page folders) writes exactly what a cold build writes.

The helpers here (builds as `mkdocs build` subprocesses, snapshots of a site and its inspection report,
readable differences) are shared by tests/test_incremental_property.py and tests/test_incremental_kill.py.
They drive the build only from the outside, so they hold whatever the package's layout."""
from __future__ import annotations

import difflib
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import CODE, ROOT, TODAY, good_item

BUILD = [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir"]
REPORT = "build/inspection"          # the inspection report, written by every build (also a failing one)
SOURCES = ("mkdocs.yml", "catalogue", "content", "overrides", "hooks")    # what a cold copy of a project holds


def build_env(cold: bool = False) -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat(),
                GONGKAI_JOBS="2", GONGKAI_CACHE="0" if cold else "1")


def run_build(root: Path, out: Path, cold: bool = False, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(BUILD + [str(out)], cwd=root, env=build_env(cold), capture_output=True, text=True,
                          timeout=timeout)


def build(root: Path, out: Path, cold: bool = False) -> None:
    result = run_build(root, out, cold)
    assert result.returncode == 0, result.stderr[-3000:]


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def dirs(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}


@dataclass
class Snapshot:
    """A build's outcome: exit status, the site folder (files and folders) and the inspection report."""
    ok: bool
    files: dict[str, bytes]
    folders: set[str]
    report: dict[str, bytes]
    log: str = ""


def snapshot(root: Path, site: Path, result: subprocess.CompletedProcess) -> Snapshot:
    return Snapshot(result.returncode == 0, tree(site) if site.is_dir() else {}, dirs(site) if site.is_dir() else set(),
                    tree(root / REPORT) if (root / REPORT).is_dir() else {}, result.stderr)


def source_digest(root: Path) -> str:
    """A hash of the project's inputs (what a cold copy holds)."""
    h = hashlib.blake2b(digest_size=20)
    for name in SOURCES:
        top = root / name
        paths = [top] if top.is_file() or top.is_symlink() else sorted(top.rglob("*"))
        for p in paths:
            if p.is_file() and not p.is_symlink():
                h.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
            elif p.is_symlink():
                h.update(p.relative_to(root).as_posix().encode() + b"->" + os.readlink(p).encode() + b"\0")
    return h.hexdigest()


_COLD: dict[str, Snapshot] = {}       # source digest → cold build (a tree seen again is not built again)


def cold_build(root: Path, scratch: Path, stats: dict | None = None) -> Snapshot:
    """A build without cache of a fresh copy of root's inputs (no build/, no site/) in scratch; counted in
    stats["cold builds"]."""
    key = source_digest(root)
    if key not in _COLD:
        if stats is not None:
            stats["cold builds"] = stats.get("cold builds", 0) + 1
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        for name in SOURCES:
            src = root / name
            if src.is_symlink():
                os.symlink(os.readlink(src), scratch / name)
            elif src.is_dir():
                shutil.copytree(src, scratch / name, symlinks=True)
            elif src.exists():
                shutil.copy2(src, scratch / name)
        result = run_build(scratch, scratch / "site", cold=True)
        if len(_COLD) > 64:
            _COLD.clear()
        _COLD[key] = snapshot(scratch, scratch / "site", result)
    return _COLD[key]


def _text_diff(path: str, warm: bytes, cold: bytes, limit: int = 60) -> str:
    try:
        a, b = cold.decode("utf-8").splitlines(), warm.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return f"{path}: binary, {len(warm)} bytes incremental vs {len(cold)} cold"
    if len(a) < 4 and len(b) < 4 and max(map(len, a + b), default=0) > 400:     # one long line (JSON, minified)
        a, b = [x for line in a for x in line.split(",")], [x for line in b for x in line.split(",")]
    diff = list(difflib.unified_diff(a, b, f"cold/{path}", f"incremental/{path}", lineterm="", n=2))
    return "\n".join(diff[:limit] + ([f"… {len(diff) - limit} more diff lines"] if len(diff) > limit else []))


def differences(warm: Snapshot, cold: Snapshot) -> str:
    """What differs between an incremental and a cold build, for a failure message; "" when they are equal."""
    out = []
    if warm.ok != cold.ok:
        out.append(f"the incremental build {'succeeded' if warm.ok else 'failed'}, the cold build "
                   f"{'succeeded' if cold.ok else 'failed'}.\n incremental log: {warm.log[-1500:]}\n"
                   f" cold log: {cold.log[-1500:]}")
    first = None
    both = warm.ok and cold.ok            # a failed build leaves the last good site: only the reports compare
    for label, a, b in (("site", warm.files, cold.files), ("build/inspection", warm.report, cold.report))[not both:]:
        only_warm, only_cold = sorted(set(a) - set(b)), sorted(set(b) - set(a))
        changed = [p for p in sorted(set(a) & set(b)) if a[p] != b[p]]
        if only_warm:
            out.append(f"{label}: only in the incremental build: {only_warm[:20]}")
        if only_cold:
            out.append(f"{label}: missing from the incremental build: {only_cold[:20]}")
        if changed:
            out.append(f"{label}: {len(changed)} files differ: {changed[:20]}")
            first = first or (label + "/" + changed[0], a[changed[0]], b[changed[0]])
    if both and warm.folders != cold.folders:
        out.append(f"site folders only in the incremental build: {sorted(warm.folders - cold.folders)[:20]}; "
                   f"missing: {sorted(cold.folders - warm.folders)[:20]}")
    if first:
        out.append("first differing file (- cold, + incremental):\n" + _text_diff(*first))
    return "\n".join(out)


def test_rebuild_equals_cold_build_byte_for_byte(project, tmp_path):
    for n in range(1, 900):          # enough items for the worker processes to run
        fields = good_item(n, 标题=f"示例县人民政府办公室关于第{n}项重点工作的通知", 成文日期=f"2024-{n % 12 + 1:02d}-01",
                           发布日期=f"2024-{n % 12 + 1:02d}-08")
        if n == 5:
            fields["附件"] = [{"文件": "00005/附件1.txt", "标题": "名单"}]
        if n == 7:
            fields["关联"] = [{"索引号": f"{CODE}/2024-00006", "关系": "相关"}]
        project.item(f"qtwj/2024/{n:05d}.md", fields, body=f"## 一、工作目标\n\n第{n}项工作。\n")
    (project.root / "catalogue/items/qtwj/2024/00005").mkdir()
    (project.root / "catalogue/items/qtwj/2024/00005/附件1.txt").write_text("名单一", encoding="utf-8")
    site = tmp_path / "site"
    build(project.root, site)
    kept = site / f"gk/{CODE}-2024-00010/index.html"
    kept_bundle = site / "search/0000/manifest.json"          # the search bundle of the hand-written pages
    before, bundle_before = kept.stat().st_mtime_ns, kept_bundle.stat().st_mtime_ns

    # one edited item, one new, one removed (with its attachment), one whose related item changed its title
    project.item("qtwj/2024/00006.md", good_item(6, 标题="示例县人民政府办公室关于第6项重点工作的通知（修订）",
                                                 成文日期="2024-07-01", 发布日期="2024-07-08"), body="## 一、工作目标\n\n修订后的第6项工作。\n")
    project.item("qtwj/2024/00999.md", good_item(999, 标题="示例县人民政府办公室关于新增工作的通知", 成文日期="2024-12-01",
                                                   发布日期="2024-12-20"))
    (project.root / "catalogue/items/qtwj/2024/00005.md").unlink()
    build(project.root, site)
    cold = tmp_path / "cold"
    build(project.root, cold, cold=True)

    warm, fresh = tree(site), tree(cold)
    assert sorted(warm) == sorted(fresh)
    assert [p for p in fresh if warm[p] != fresh[p]] == []
    assert dirs(site) == dirs(cold)
    assert f"gk/{CODE}-2024-00005/附件1.txt" not in warm and f"gk/{CODE}-2024-00999/index.html" in warm
    assert "修订后的第6项工作" in warm[f"gk/{CODE}-2024-00006/index.html"].decode()
    assert "（修订）" in warm[f"gk/{CODE}-2024-00007/index.html"].decode()
    assert kept.stat().st_mtime_ns == before            # unchanged pages are not written again
    assert kept_bundle.stat().st_mtime_ns == bundle_before   # nor the search bundles of unchanged years
    assert (project.root / "build/cache/render.sqlite").is_file()
