"""A rebuild after changes (build cache, kept page folders) writes exactly what a cold build writes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import CODE, ROOT, TODAY, good_item

BUILD = [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir"]


def build(root: Path, out: Path, cold: bool = False) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat(),
               GONGKAI_JOBS="2", GONGKAI_CACHE="0" if cold else "1")
    result = subprocess.run(BUILD + [str(out)], cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]


def tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def dirs(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()}


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
