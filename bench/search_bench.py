"""Search benchmark (not a test): build N synthetic items, then measure in
Debian's chromium the gongkai index against Pagefind 1.5.2 on the same pages.

    .venv/bin/python bench/search_bench.py 10000 [--pagefind (needs bench/requirements.txt)] [--out bench/results-search-10k.md]

Reports: stage times and peak memory of the build, index size and file
count, the index time with the build cache after one item changed (one year's
bundle rebuilt), the search page's weight before any query, per query the
latency (ms, from submitting the query to the first results on screen, cold
cache), bytes of index data fetched, the count shown against the truth once the
page has checked it (and the ms and bytes until then: a 约 count is checked
in the background when few candidates are left), recall
and precision against the truth (every document whose whole text contains the
query verbatim, 〔〕 as typed); per 文号/索引号 lookup its bytes, time and
whether the document came first; with --pagefind the same queries through
Pagefind's own JS API. Works on a site built by an earlier format too (--measure).
"""
from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import platform
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from generate import generate  # noqa: E402

QUERIES = {
    "common": ["关于", "工作", "示例县", "县人民政府", "安全", "通知"],
    "medium": ["营商环境", "高标准农田", "住房公积金", "最低生活保障", "食品安全监督抽检", "防汛抗旱"],
    "rare": ["城东产业园区", "秸秆综合利用", "托育服务", "梅山乡"],
    "phrase": ["\"河长制\"", "\"进一步加强安全生产\""],
    "mixed": ["2024 财政预算", "2023年 防汛", "青山镇 乡村振兴衔接资金", "2025年 乡村振兴"],
    "bracket": ["〔2024〕", "示政办〔2024〕", "[2023]", "第3号"],
    "fields": ["重大建设项目", "其他文件", "综合政务"],
    "absent": ["qqqzzz", "财政 qqqzzz", "霍政办"],
}
LOOKUPS = 20            # 文号 lookups sampled from the catalogue, and a quarter as many 索引号
from test_search_browser import documents, terms  # noqa: E402  (the truth the browser tests use)


def matching(docs: list[dict], q: str) -> set:
    ts = terms(q)
    return {d["key"] for d in docs if ts and all(t in d["hayb" if b else "hay"] and w <= d["words"]
                                                 for t, w, b in ts)}


def build(project: Path, site: Path, index_only: Path | None = None) -> dict:
    import tempfile
    from gongkai.stages import derive, index, render
    from gongkai import pipeline
    from gongkai.core.cache import Cache
    os.environ["GONGKAI_TODAY"] = "2026-11-28"
    figures = {}
    t = time.perf_counter()
    cat, problems = pipeline.check(project)
    figures["load+validate+model s"] = time.perf_counter() - t
    t = time.perf_counter()
    idx = derive.derive(cat)
    figures["derive s"] = time.perf_counter() - t
    t = time.perf_counter()
    out = render.render(cat, idx, [])
    figures["render s"] = time.perf_counter() - t
    t = time.perf_counter()
    files = index.build(out.search_docs)
    figures["index s"] = time.perf_counter() - t
    figures["peak RSS MB (in-process stages)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with tempfile.TemporaryDirectory() as tmp:
        store = Cache(Path(tmp), "search")
        t = time.perf_counter()
        index.build(out.search_docs, store)
        store.save()
        figures["index s, filling the cache"] = time.perf_counter() - t
        out.search_docs[0].title += "（修订）"
        t = time.perf_counter()
        changed = index.build(out.search_docs, store)
        figures["index s, one item changed (cache)"] = time.perf_counter() - t
        out.search_docs[0].title = out.search_docs[0].title.removesuffix("（修订）")
        figures["files changed by that edit"] = sum(files.get(k) != v for k, v in changed.items())
        store.close()
    top = json.loads(files["manifest.json"])
    figures["index files"] = len(files)
    figures["index MB"] = sum(len(v) for v in files.values()) / 1e6
    figures["bundles"] = len(top["bundles"])
    figures["posting shards"] = sum(b["shards"] for b in top["bundles"])
    if index_only:
        import shutil
        if site.exists():
            shutil.rmtree(site)
        shutil.copytree(index_only, site)
        for target in (site / "search").iterdir():                # the old index; the search page stays
            if target.name != "index.html":
                shutil.rmtree(target) if target.is_dir() else target.unlink()
        for rel, data in files.items():
            (site / "search" / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / "search" / rel).write_bytes(data)
        return figures
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1")
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)], cwd=project, env=env,
                         capture_output=True, text=True)
    figures["full mkdocs build s"] = time.perf_counter() - t
    if run.returncode:
        raise SystemExit(run.stderr[-4000:])
    return figures


def pagefind_index(site: Path) -> dict:
    code = ("import asyncio,resource,sys\nfrom pagefind.index import PagefindIndex, IndexConfig\n"
            "async def main():\n"
            "    async with PagefindIndex(IndexConfig(output_path=sys.argv[2])) as ix:\n"
            "        await ix.add_directory(sys.argv[1], glob='gk/**/*.html')\n"
            "asyncio.run(main())\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", code, str(site), str(site / "pagefind")], capture_output=True,
                         text=True)
    if run.returncode:
        raise SystemExit(run.stderr[-3000:])
    return {"pagefind index s": time.perf_counter() - t,
            "pagefind peak RSS MB": int(run.stdout.split()[-1]) / 1024,
            "pagefind MB": sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()) / 1e6}


PF_PAGE = """<!doctype html><meta charset="utf-8"><title>pf</title><script type="module">
const pf = await import("./pagefind/pagefind.js"); await pf.init();
window.pfSearch = async (q) => { const t0 = performance.now(); const r = await pf.search(q);
  const ms = performance.now() - t0; const data = await Promise.all(r.results.map(x => x.data()));
  return {ms, urls: data.map(d => d.url)}; };
window.pfReady = true;</script>"""


SERVERS = {"python": "Python's http.server", "nginx": "Debian's nginx-light (1 worker, HTTP/1.1, no compression)"}


@contextmanager
def served(site: Path, server: str):
    """The site over HTTP on localhost: Python's http.server, or nginx as a county would deploy it."""
    if server == "nginx":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        conf = Path(tempfile.mkdtemp(prefix="gk-nginx-"))
        (conf / "nginx.conf").write_text(
            "daemon off; worker_processes 1; pid nginx.pid; error_log stderr;\n"
            "events { worker_connections 256; }\n"
            "http { access_log off; include /etc/nginx/mime.types; sendfile on;\n"
            f"  server {{ listen 127.0.0.1:{port}; root {site}; index index.html; }} }}\n")
        proc = subprocess.Popen(["nginx", "-p", str(conf), "-c", str(conf / "nginx.conf")])
        for _ in range(50):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            proc.wait()
        return
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/"
    finally:
        httpd.shutdown()


def measure(site: Path, with_pagefind: bool, by_ids: bool = False,
            server: str = "python") -> tuple[list[dict], dict, list[dict]]:
    with served(site, server) as base:
        return _measure(site, base, with_pagefind, by_ids)


SHOWN = re.compile(r"(找到|约) (\d+) 条")
SHARED = re.compile(r"/assets/(stylesheets/(?!gk-page\.)|javascripts/)|/assets/gongkai/(gongkai|a11y)\.|favicon|dzjg")


def page_weight(browser, base: str, site: Path) -> dict:
    """Bytes and requests of opening the search page until it is ready for a query (a file the page fetches
    after that, like the theme's script on format 4, not counted); "own": without the theme's and the
    site's shared files, which any earlier page of the site has put in the cache; "gzip": the same files
    as a server compressing them would send."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.goto(base + "search/")
    pg.wait_for_function("window.gkSearch !== undefined")
    ready = float(pg.get_attribute("#gk-search", "data-gk-ready") or "Infinity")
    entries = pg.evaluate("r => [performance.getEntriesByType('navigation')[0]].concat(performance.getEntriesBy"
                          "Type('resource').filter(e => e.startTime <= r)).map(e => [e.name, e.transferSize])", ready)
    ctx.close()

    def gzipped(url: str) -> int:
        path = site / url[len(base):].split("?")[0]
        return len(gzip.compress((path / "index.html" if path.is_dir() else path).read_bytes(), 6))
    return {"search page KB": round(sum(n for _, n in entries) / 1024, 1), "search page requests": len(entries),
            "search page own KB": round(sum(n for u, n in entries if not SHARED.search(u)) / 1024, 1),
            "search page KB (gzip)": round(sum(gzipped(u) for u, _ in entries) / 1024, 1)}


def typed(browser, base: str, q: str):
    """A fresh page (cold cache) with q typed into the search page: (context, page, ms to the first
    results, the index files fetched for them: not those the page fetches after, to check a count)."""
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.goto(base + "search/")
    pg.wait_for_function("window.gkSearch !== undefined")
    pg.evaluate("performance.clearResourceTimings()")
    pg.fill("#gk-search-q", q)
    pg.press("#gk-search-q", "Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]", timeout=120000)
    done = float(pg.get_attribute("#gk-search", "data-gk-done"))      # when the results showed ("1": earlier formats)
    fetched = pg.evaluate("t => performance.getEntriesByType('resource').filter(e => e.name.includes('/search/') "
                          "&& e.startTime <= t).map(e => e.transferSize)", done if done > 1 else 1e12)
    return ctx, pg, int(pg.get_attribute("#gk-search", "data-gk-ms")), fetched


def lookups(browser, base: str, docs: list[dict]) -> list[dict]:
    """文号 and 索引号 typed into a fresh page: bytes of index data, time, and whether the document is first."""
    with_no = sorted((d for d in docs if d["doc_no"] and d["kind"] == "信息"), key=lambda d: (d["bundle"], d["id"]))
    step = max(1, len(with_no) // LOOKUPS)
    cases = [(d["doc_no"], d) for d in with_no[::step][:LOOKUPS]]
    cases += [(d["index_no"].split("/")[-1], d) for d in with_no[step // 2::step * 4][:LOOKUPS // 4]]
    rows = []
    for q, doc in cases:
        ctx, pg, ms, fetched = typed(browser, base, q)
        first = pg.get_attribute(".gk-hits h3 a", "href") if pg.query_selector(".gk-hits h3 a") else ""
        rows.append({"lookup": q, "ms": ms, "KB": round(sum(fetched) / 1024, 1), "requests": len(fetched),
                     "first": (first or "").endswith(doc["url"])})
        ctx.close()
    return rows


def _measure(site: Path, base: str, with_pagefind: bool, by_ids: bool) -> tuple[list[dict], dict, list[dict]]:
    from conftest import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright
    offset, at = {}, 0
    for bundle in json.loads((site / "search/manifest.json").read_text())["bundles"]:    # ids as search.js numbers them
        offset[bundle["dir"]], at = at, at + bundle["count"]
    docs = documents(site)
    for d in docs:
        d["key"] = offset[d["bundle"]] + d["id"] if by_ids else d["url"]
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        weight = page_weight(browser, base, site)
        if with_pagefind:
            (site / "pfbench.html").write_text(PF_PAGE)
        for group, queries in QUERIES.items():
            for q in queries:
                want = matching(docs, q)
                ctx, pg, ms, fetched = typed(browser, base, q)
                if pg.evaluate("() => !!gkSearch.index.settle"):      # the count checked in the background, or given up
                    pg.wait_for_selector("#gk-search[data-gk-settled]", timeout=120000)
                settled = pg.evaluate("performance.getEntriesByType('resource').filter(e => e.name.includes('/search/'))"
                                      ".map(e => e.transferSize)")
                shown = SHOWN.search(pg.inner_text("[data-gk-status]"))
                candidates = pg.evaluate("q => gkSearch.candidates(q)", q)
                if by_ids:      # candidate ids before the per-result phrase check: a lower bound on precision
                    got = set(pg.evaluate("q => gkSearch.index.search(q, {}, 'new').then(r => Array.from(r.ids))", q))
                else:
                    got = set(pg.evaluate("q => gkSearch.urls(q)", q))
                row = {"group": group, "query": q, "truth": len(want), "ms": ms, "KB": round(sum(fetched) / 1024, 1),
                       "shown": (("约 " if shown.group(1) == "约" else "") + shown.group(2)) if shown else "0",
                       "count ms": int(pg.get_attribute("#gk-search", "data-gk-settled") or ms),
                       "count KB": round(sum(settled) / 1024, 1),
                       "candidates": candidates, "recall": len(got & want) / len(want) if want else float(not got),
                       "precision": len(got & want) / len(got) if got else float(not want)}
                ctx.close()
                if with_pagefind:
                    ctx = browser.new_context()
                    pg = ctx.new_page()
                    pg.goto(base + "pfbench.html")
                    pg.wait_for_function("window.pfReady === true")
                    res = pg.evaluate("q => pfSearch(q)", q)
                    items = {d["url"] for d in docs if d["kind"] == "信息"}
                    want_items = want & items
                    pf = {re.sub(r"index\.html$", "", u.lstrip("/")) for u in res["urls"]}
                    row.update({"pf ms": int(res["ms"]), "pf results": len(pf),
                                "pf recall": len(pf & want_items) / len(want_items) if want_items else float(not pf),
                                "pf precision": len(pf & want_items) / len(pf) if pf else float(not want_items)})
                    ctx.close()
                rows.append(row)
        looked = lookups(browser, base, docs)
        browser.close()
    return rows, weight, looked


def table(rows: list[dict]) -> list[str]:
    keys = list(rows[0])
    out = ["", "| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[k]:.3f}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")
    return out


def report(n: int, figures: dict, rows: list[dict], server: str = "python", argv: str = "",
           looked: list[dict] | None = None) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    out = [f"# Search benchmark: {n} synthetic items", "",
           f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
           f"chromium headless, files served on localhost by {SERVERS[server]}. "
           f"Generated by `bench/search_bench.py {argv}`."]
    if figures:
        out += ["", "| figure | value |", "|---|---|"]
        out += [f"| {k} | {v:.2f} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in figures.items()]
    out += table(rows)

    rec = [r["recall"] for r in rows]
    prec = [r["precision"] for r in rows]
    out += ["", f"gongkai: mean recall {sum(rec) / len(rec):.3f}, mean precision {sum(prec) / len(prec):.3f}, "
            f"max latency {max(r['ms'] for r in rows)} ms, max first-query index data {max(r['KB'] for r in rows)} KB, "
            f"count shown = truth for {sum(r['shown'].split()[-1] == str(r['truth']) for r in rows)} of {len(rows)} "
            f"queries ({sum(r['shown'] == str(r['truth']) for r in rows)} of them without 约)."]
    if looked:
        out += table(looked)
        out += ["", f"lookups: {sum(r['first'] for r in looked)} of {len(looked)} first, max {max(r['KB'] for r in looked)} KB, "
                f"mean {sum(r['KB'] for r in looked) / len(looked):.1f} KB, max {max(r['ms'] for r in looked)} ms."]
    if "pf ms" in rows[0]:
        prec2 = [r["pf precision"] for r in rows]
        rec2 = [r["pf recall"] for r in rows]
        out.append(f"Pagefind 1.5.2: mean recall {sum(rec2) / len(rec2):.3f}, mean precision "
                   f"{sum(prec2) / len(prec2):.3f}, max search() time {max(r['pf ms'] for r in rows)} ms.")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--work", default="/tmp/gongkai-bench")
    ap.add_argument("--pagefind", action="store_true")
    ap.add_argument("--out")
    ap.add_argument("--index-only", metavar="SITE",
                    help="skip the MkDocs build: put the new index into a copy of this built site (the search page "
                         "does not depend on the items) and measure on candidate ids, not verified URLs")
    ap.add_argument("--server", choices=sorted(SERVERS), default="python", help="the web server the queries go to")
    ap.add_argument("--measure", metavar="SITE", help="only run the queries, on this site built by an earlier run")
    args = ap.parse_args()
    work = Path(args.work)
    project, site = work / f"project-{args.n}", work / f"site-{args.n}"
    figures = {}
    if args.measure:
        site = Path(args.measure)
    else:
        t = time.perf_counter()
        generate(args.n, project)
        figures["generate s"] = time.perf_counter() - t
        figures.update(build(project, site, Path(args.index_only) if args.index_only else None))
        if args.pagefind:
            figures.update(pagefind_index(site))
    rows, weight, looked = measure(site, args.pagefind, by_ids=bool(args.index_only), server=args.server)
    figures.update(weight)
    text = report(args.n, figures, rows, args.server, " ".join(sys.argv[1:]), looked)
    print(text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
