"""Benchmark of make import-site (not part of the tests): a generated mirror of N item pages built from
the real page shells in ../shared/migration/pingtan (read at run time, never stored in the project),
with generated bodies and metadata, listing pages, duplicates, pages without a grid, GBK pages and
broken files; imported into a fresh project; time, peak memory and the import report's figures.

  .venv/bin/python bench/import_bench.py --pages 2000 [--keep DIR]

Targets (issue #13): 20,000 pages in ≤ 5 minutes on 2 cores, ≤ 2 GB peak memory.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "migration" / "pingtan" / "www.pingtan.gov.cn"
sys.path.insert(0, str(ROOT / "hooks"))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

GRID_SHELL = "zwgk/zfxxgk/gwhwj/hzgfxwj/201307/t20130702_79839.htm"      # template A with the grid
PLAIN_SHELL = "zwgk/ghxx/gzjzqk/202403/t20240329_88515.htm"               # template B, no grid
LISTING_SHELL = "zwgk/zfxxgk/zfxxgknb/index.html"
COLUMNS = [("行政规范性文件", "zwgk/zfxxgk/gfxwj"), ("公示公告", "zwgk/gsgg"), ("人事任免", "zwgk/rsxx/rsrm"),
           ("政府决算公开", "zwgk/czzj/zfjsgk"), ("工作动态", "zwgk/gzdt"), ("部门文件", "zwgk/zxwj/bmwj"),
           ("乡镇专栏", "zwgk/xzzl")]
WORDS = ("为进一步做好政务公开工作，现将有关事项通知如下。各单位要高度重视，认真组织实施，确保各项任务落到实处。"
         "根据工作安排，本年度将重点推进基层政务公开标准化规范化建设，完善信息发布、政策解读和回应关切机制。")


def shell(rel: str) -> tuple[str, list[str]]:
    """A real page with markers in place of its metadata, grid values, title and body."""
    tree = LexborHTMLParser((SHARED / rel).read_text(encoding="utf-8"))
    for name in ("Desctiption", "Description"):
        node = tree.css_first(f'meta[name="{name}"]')
        if node is not None:
            node.attrs["content"] = "@@ArticleTitle@@"
    for node in tree.css("#file_ul_fj li"):         # the shell's own attachment (not in the generated mirror)
        node.decompose()
    crumb = tree.css_first("div.breadcrumb ul")
    if crumb is not None:
        crumb.inner_html = '<li><a href="../../">首页</a></li><li><a href="../">@@ColumnName@@</a></li>'
    for name in ("ArticleTitle", "PubDate", "ContentSource", "Url", "DocId", "ColumnName"):
        node = tree.css_first(f'meta[name="{name}"]')
        if node is not None:
            node.attrs["content"] = f"@@{name}@@"
    for i, font in enumerate(tree.css("div.index_box li font")):
        font.inner_html = f"@@G{i}@@"
    title = tree.css_first("div.article_title")
    if title is not None:
        title.inner_html = "@@ArticleTitle@@"
    tree.css_first("div.article_content").inner_html = "@@BODY@@"
    return tree.html, [f"@@G{i}@@" for i in range(len(tree.css("div.index_box li font")))]


def generate(out: Path, n: int, seed: int = 1) -> dict:
    rnd = random.Random(seed)
    grid, grid_marks = shell(GRID_SHELL)
    plain, _ = shell(PLAIN_SHELL)
    listing = (SHARED / LISTING_SHELL).read_text(encoding="utf-8")
    host = out / "www.bench.gov.cn"
    made = {"grid": 0, "plain": 0, "gbk": 0, "duplicate": 0, "listing": 0, "broken": 0, "attachment": 0}
    for i in range(n):
        col, path = COLUMNS[i % len(COLUMNS)]
        year, month, day = 2010 + i % 16, 1 + i % 12, 1 + i % 28
        rel = f"{path}/{year}{month:02d}/t{year}{month:02d}{day:02d}_{100000 + i}.htm"
        title = f"示例县关于第{i}项重点工作推进情况的通知"
        paras = "".join(f"<p style=\"text-indent:2em\">{WORDS[: 40 + (i * 7 + k * 13) % 80]}（{i}-{k}）</p>"
                        for k in range(3 + i % 8))
        if i % 50 == 0:
            paras += ('<table border="1"><tr><td rowspan="2">项目</td><td colspan="2">金额</td></tr>'
                      f"<tr><td>预算</td><td>决算</td></tr><tr><td>第{i}项</td><td>10</td><td>9</td></tr></table>")
        if i % 20 == 0:
            att = f"/attachFiles/{year}/{i}.pdf"
            paras += f'<p><a href="{att}">附件{i}.pdf</a></p>'
            target = host / att.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"%PDF-1.4\n%%EOF\n")
            made["attachment"] += 1
        values = {"@@ArticleTitle@@": title, "@@PubDate@@": f"{year}-{month:02d}-{day:02d} 09:00",
                  "@@ContentSource@@": "示例县人民政府办公室", "@@Url@@": f"https://www.bench.gov.cn/{rel}",
                  "@@DocId@@": str(100000 + i), "@@ColumnName@@": col, "@@BODY@@": paras}
        kind = "plain" if i % 7 == 3 else "grid"
        text = grid if kind == "grid" else plain
        if kind == "grid":
            grid_values = [f"BM{i:06d}-{year}", "综合政务\\政务公开", "示例县人民政府办公室", f"{year}-{month:02d}-{day:02d}",
                           title, f"示政办〔{year}〕{i}号", f"{year}-{month:02d}-{day:02d}", ""]
            for mark, value in zip(grid_marks, grid_values):
                values[mark] = value
        for mark, value in values.items():
            text = text.replace(mark, value)
        target = host / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if i % 20 == 7:                                  # a GBK page
            gbk = text.replace('charset="utf-8"', 'charset="gbk"').replace("\u2002", "&ensp;").replace("\xa0", "&nbsp;")
            target.write_bytes(gbk.encode("gbk", errors="xmlcharrefreplace"))
            made["gbk"] += 1
        else:
            target.write_text(text, encoding="utf-8")
        made[kind] += 1
        if i % 25 == 5:                                  # the same document under a second column
            dup = host / f"zwgk/zdly/{year}{month:02d}/t{year}{month:02d}{day:02d}_{100000 + i}.htm"
            dup.parent.mkdir(parents=True, exist_ok=True)
            dup.write_text(text.replace(f"https://www.bench.gov.cn/{rel}", f"https://www.bench.gov.cn/{dup.relative_to(host)}"),
                           encoding="utf-8")
            made["duplicate"] += 1
        if i % 100 == 0:
            page = host / path / (f"index_{i // 100}.html" if i else "index.html")
            page.write_text(listing, encoding="utf-8")
            made["listing"] += 1
        if i % 500 == 499:
            (host / path / f"broken_{i}.htm").write_bytes(b"" if i % 1000 == 499 else b"\x00\x01binary")
            made["broken"] += 1
    return made


def project(root: Path) -> None:
    for name in ("mkdocs.yml", "content", "overrides", "catalogue/site.yml", "catalogue/columns.yml", "catalogue/assets"):
        src, dst = ROOT / name, root / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    (root / "catalogue" / "items").mkdir()
    (root / "hooks").symlink_to(ROOT / "hooks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=20000)
    parser.add_argument("--keep", help="keep the mirror and the project in this folder")
    args = parser.parse_args()
    if not SHARED.is_dir():
        print(f"需要真实页面样本：{SHARED}")
        return 1
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="import-bench-"))
    mirror, proj = work / "mirror", work / "project"
    shutil.rmtree(work, ignore_errors=True)
    t0 = time.time()
    made = generate(mirror, args.pages)
    gen = time.time() - t0
    project(proj)
    t1 = time.time()
    out = subprocess.run([sys.executable, "-m", "gongkai", "import-site", str(mirror), "--root", str(proj)],
                         cwd=proj, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})
    took = time.time() - t1
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    t2 = time.time()
    again = subprocess.run([sys.executable, "-m", "gongkai", "import-site", str(mirror), "--root", str(proj)],
                           cwd=proj, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "hooks"), "PATH": "/usr/bin:/bin"})
    rerun = time.time() - t2
    unchanged = next((line for line in again.stdout.splitlines() if line.startswith("本次写入")), "")
    print(out.stdout[-3000:], out.stderr[-2000:] if out.returncode else "")
    report = (proj / "build/import-site/report.md").read_text(encoding="utf-8") if out.returncode == 0 else ""
    summary = (f"# make import-site benchmark\n\n{args.pages} generated item pages (from the real TRS shells): "
               + ", ".join(f"{k} {v}" for k, v in made.items()) + f"; generated in {gen:.0f} s.\n\n"
               f"Import: {took:.1f} s wall, peak memory {peak:.0f} MB (RSS of the import process).\n\n"
               f"Re-run on the same mirror: {rerun:.1f} s, {unchanged or again.stdout[-300:]}\n\n"
               f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end (other jobs running).\n\n")
    print(summary)
    (ROOT / "bench" / f"results-import-{args.pages}.md").write_text(summary + report, encoding="utf-8")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return out.returncode


if __name__ == "__main__":
    sys.exit(main())
