"""Build benchmark (not a test): cold and incremental builds of N synthetic items, and Hugo on the same content.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--out bench/results.md]    (make bench)

For each N: a cold `mkdocs build` (empty build cache and output folder) with wall time, peak memory and
the time of every stage; output size and file count; the largest item page; the search index's size
and, in chromium, the bytes a first query for the commonest words fetches and its time; the rebuild
after nothing changed, editing, adding and deleting one item and after a template change (with the
stages of the edit that took 0.5 s or more); `make serve`'s save-to-page time at up to 10,000 items;
Debian's Hugo on the same items and listings.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from generate import generate  # noqa: E402

TODAY = "2026-11-28"
STAGES = ("load", "validate", "model", "annual reports", "derive", "inspection", "render", "search index", "write",
          "link check")


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and its descendants (shared pages split between them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, pending = 0, [pid]
    while pending:
        p = pending.pop()
        pending += children.get(p, [])
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+) kB", rollup, re.M).group(1))
        except (OSError, AttributeError):
            continue
    return total / 1024


def run_build(project: Path, site: Path, cold: bool) -> dict:
    """One `mkdocs build`: wall seconds, peak memory (sampled), stage times written by the hook."""
    if cold:
        shutil.rmtree(project / "build", ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "--clean", "-q", "-d", str(site)], cwd=project,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0.0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], tree_pss_mb(proc.pid))
            time.sleep(0.5)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    sampler.join()
    if proc.returncode:
        raise SystemExit(err[-4000:])
    times = json.loads((project / "build/cache/times.json").read_text())
    return {"wall": wall, "cpu": cpu, "peak_mb": peak[0], "times": times}


def site_figures(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    items = sorted(p.stat().st_size for p in (site / "gk").glob("*/index.html"))
    search = [p for p in (site / "search").rglob("*") if p.is_file() and p.name != "index.html"]
    return {"files": len(files), "MB": sum(p.stat().st_size for p in files) / 1e6,
            "item KB max": items[-1] / 1024, "item KB median": statistics.median(items) / 1024,
            "search files": len(search), "search MB": sum(p.stat().st_size for p in search) / 1e6}


def first_query(site: Path) -> dict:
    """Chromium, cold cache, each of the commonest words (bench/search_bench.py has the recall figures):
    bytes of index data fetched and ms from submitting the query to the first page of results."""
    import functools
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from conftest import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    from search_bench import QUERIES

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    kb, ms = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
        for q in QUERIES["common"]:
            ctx = browser.new_context()
            page = ctx.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/search/")
            page.wait_for_function("window.gkSearch !== undefined")
            page.evaluate("performance.clearResourceTimings()")
            page.fill("#gk-search-q", q)
            page.press("#gk-search-q", "Enter")
            page.wait_for_selector("#gk-search[data-gk-done]", timeout=120000)
            ms.append(int(page.get_attribute("#gk-search", "data-gk-ms")))
            kb.append(page.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/search/'))"
                                    ".reduce((s, e) => s + e.transferSize, 0)") / 1024)
            ctx.close()
        browser.close()
    server.shutdown()
    return {"first query KB max": max(kb), "first query ms max": max(ms)}


def edit_one(project: Path) -> None:
    files = sorted((project / "catalogue/items").rglob("*.md"))
    with files[len(files) // 2].open("a", encoding="utf-8") as f:
        f.write("\n本通知由县人民政府办公室负责解释。\n")


def add_one(project: Path) -> None:
    new = project / "catalogue/items/new/2026-99999.md"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("---\n标题: 示例县人民政府办公室关于做好2026年冬季森林防火工作的通知\n"
                   "索引号: 11349901MB1C2D3E3D/2026-99999\n发布机构: 示例县人民政府办公室\n文号: 示政办〔2026〕999号\n"
                   "成文日期: 2026-11-20\n发布日期: 2026-11-27\n栏目: 其他文件\n主题分类: 综合政务\\应急管理\n体裁: 通知\n"
                   "内容概述: 部署冬季森林防火工作。\n---\n\n各乡镇人民政府，县政府各部门：\n\n切实做好森林防火工作。\n",
                   encoding="utf-8")


def change_template(project: Path) -> None:
    """A change to the theme's main template: every page's shell changes (a rebuild that must equal cold)."""
    main = project / "overrides/main.html"
    main.write_text(main.read_text(encoding="utf-8") + "\n{# bench: template changed #}\n", encoding="utf-8")


def serve_reload(project: Path) -> dict:
    """`make serve` (mkdocs serve): seconds from saving one item to its new text being served, and from
    saving an item with a YAML error to the error being logged while the last good page stays served."""
    import socket
    import urllib.request
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY)
    log = project / "build/serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                            cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w"))
    files = sorted((project / "catalogue/items").rglob("*.md"))
    target = files[len(files) // 3]
    slug = re.sub(r"[^A-Za-z0-9_.-]", "-", re.search(r"^索引号: *(\S+)", target.read_text(encoding="utf-8"),
                                                      re.M).group(1))
    mount = re.search(r"^site_url: *\S+?://[^/]+(/\S*)", (project / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    url = f"http://127.0.0.1:{port}{mount.group(1) if mount else '/'}gk/{slug}/"     # served at site_url's path

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                return r.read().decode()
        except OSError:
            return ""

    def wait(done, limit: float = 3600) -> float:
        start = time.perf_counter()
        while not done():
            if proc.poll() is not None or time.perf_counter() - start > limit:
                raise SystemExit("mkdocs serve stopped: " + log.read_text()[-2000:])
            time.sleep(0.05)
        return time.perf_counter() - start

    try:
        wait(lambda: "<html" in page())
        text = target.read_text(encoding="utf-8")
        target.write_text(text + "\n本页由基准测试于保存后检查。\n", encoding="utf-8")
        saved = wait(lambda: "本页由基准测试于保存后检查" in page())
        size = log.stat().st_size
        target.write_text(text.replace("---\n", "---\n标题: [未闭合\n", 1), encoding="utf-8")
        failed = wait(lambda: b"ERROR" in log.read_bytes()[size:])
        kept = "本页由基准测试于保存后检查" in page()
        target.write_text(text, encoding="utf-8")
        return {"serve: save to new page s": saved, "serve: save to error shown s": failed,
                "serve: last good page kept": "yes" if kept else "no"}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def hugo(project: Path, work: Path) -> dict:
    """The same items (Markdown bodies, metadata grid) and listings (by column, year, publisher, topic;
    20 per page) through Debian's Hugo with bench/hugo's minimal layouts."""
    if not shutil.which("hugo"):
        return {}
    from gongkai import pipeline
    os.environ["GONGKAI_TODAY"] = TODAY
    cat, _ = pipeline.check(project)
    site = work / "hugo-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(ROOT / "bench/hugo", site)
    cols = {c.slug: c.name for c in cat.column_list()}
    for item in cat.items:
        meta = {"title": item.title, "date": item.date_published.isoformat(), "slug": item.slug,
                "index_no": item.index_no, "publisher": item.publisher, "doc_no": item.doc_no or "",
                "signed": str(item.date_signed or ""), "topic": item.topic or "", "genre": item.genre,
                "validity": item.validity or "", "summary": item.summary,
                "lm": [cols[item.column]], "nf": [str(item.year)], "jg": [item.publisher],
                "zt": [item.topic_top] if item.topic_top else []}
        path = site / "content/gk" / f"{item.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(meta, ensure_ascii=False) + "\n\n" + item.body, encoding="utf-8")
    shutil.rmtree(work / "hugo-public", ignore_errors=True)     # pages are counted there afterwards
    start = time.perf_counter()
    run = subprocess.run(["hugo", "--quiet", "--source", str(site), "--destination", str(work / "hugo-public"),
                          "--cacheDir", str(work / "hugo-cache")], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode:
        raise SystemExit(run.stderr[-3000:])
    pages = len(list((work / "hugo-public").rglob("index.html")))
    shutil.rmtree(site)
    return {"hugo s": wall, "hugo pages": pages}


def bench(n: int, work: Path, browser: bool, serve_limit: int = 10000, quick: bool = False) -> dict:
    project, site = work / f"project-{n}", work / f"site-{n}"
    t = time.perf_counter()
    generate(n, project)
    fig: dict = {"generate s": time.perf_counter() - t}
    cold = run_build(project, site, cold=True)
    fig["cold build s"], fig["peak memory MB"] = cold["wall"], cold["peak_mb"]
    fig["  CPU s (all processes)"] = cold["cpu"]
    fig.update({f"  {k} s": cold["times"].get(k, 0.0) for k in STAGES})
    fig["  MkDocs and the rest s"] = cold["wall"] - sum(cold["times"].get(k, 0.0) for k in STAGES)
    fig.update(site_figures(site))
    if browser and shutil.which("chromium"):
        fig.update(first_query(site))
    warm = run_build(project, site, cold=False)
    fig["rebuild, nothing changed s"] = warm["wall"]
    fig.update({f"  unchanged: {k} s": warm["times"].get(k, 0.0) for k in STAGES if warm["times"].get(k, 0.0) >= 0.5})
    edit_one(project)
    edited = run_build(project, site, cold=False)
    fig["rebuild after editing one item s"] = edited["wall"]
    fig["  peak memory MB (edit)"] = edited["peak_mb"]
    if quick:
        return fig
    fig.update({f"  edit: {k} s": edited["times"].get(k, 0.0) for k in STAGES if edited["times"].get(k, 0.0) >= 0.5})
    add_one(project)
    added = run_build(project, site, cold=False)
    fig["rebuild after adding one item s"] = added["wall"]
    fig["  its search index s"] = added["times"]["search index"]
    (project / "catalogue/items/new/2026-99999.md").unlink()
    fig["rebuild after deleting one item s"] = run_build(project, site, cold=False)["wall"]
    change_template(project)
    fig["rebuild after a template change s"] = run_build(project, site, cold=False)["wall"]
    if n <= serve_limit:
        fig.update(serve_reload(project))
    fig.update(hugo(project, work))
    if fig.get("hugo s"):
        ours = cold["times"]["render"] + cold["times"]["write"]
        fig["render+write / Hugo"] = ours / fig["hugo s"]
    return fig


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1048576
    hugo_v = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1] \
        if shutil.which("hugo") else "not installed"
    return (f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, Hugo {hugo_v}, load average before the run "
            f"{os.getloadavg()[0]:.1f}")


def report(results: dict[int, dict], argv: str) -> str:
    sizes = list(results)
    keys = list(dict.fromkeys(k for r in results.values() for k in r))
    out = ["# Build benchmark", "", f"Machine: {machine()}.", f"Produced by `python bench/run.py {argv}`; "
           "synthetic items from bench/generate.py; memory is the peak proportional set size of the build's "
           "processes (main and workers).", "",
           "| figure | " + " | ".join(f"{n:,}" for n in sizes) + " |", "|---|" + "---|" * len(sizes)]
    for k in keys:
        cells = []
        for n in sizes:
            v = results[n].get(k, "")
            cells.append(f"{v:.1f}" if isinstance(v, float) else f"{v:,}" if isinstance(v, int) else str(v))
        out.append(f"| {k} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--work", default="/tmp/gongkai-bench-build")
    ap.add_argument("--out", default=str(ROOT / "bench/results.md"))
    ap.add_argument("--no-browser", action="store_true", help="skip the first-query measurement in chromium")
    ap.add_argument("--quick", action="store_true", help="cold build, nothing changed and one edit only")
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for n in (int(s) for s in args.sizes.split(",")):
        results[n] = bench(n, work, not args.no_browser, quick=args.quick)
        text = report(results, " ".join(sys.argv[1:]))
        Path(args.out).write_text(text)
        print(text, flush=True)


if __name__ == "__main__":
    main()
