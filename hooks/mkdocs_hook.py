"""MkDocs adapter: the only module that imports mkdocs.

The gongkai pipeline (hooks/gongkai) works on plain data. This adapter
  * runs it when MkDocs loads its config and stops the build on input errors;
  * hands the engine pages (home, guide, …) to MkDocs as Markdown;
  * has MkDocs render one empty "shell" page per directory depth, then pours
    every item and listing page into the shell of its depth after the build.
Porting to another engine means rewriting this file only.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mkdocs.exceptions import Abort  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from gongkai import pipeline  # noqa: E402
from gongkai.core import cache, sanitize  # noqa: E402
from gongkai.core.problems import ERROR, InputError  # noqa: E402
from gongkai.inspection import inspection_report, linkcheck  # noqa: E402
from gongkai.stages import render, styles, write  # noqa: E402

log = logging.getLogger("mkdocs.gongkai")
SHELL_DIR = "_gkshell"
REPORT_DIR = "build/inspection"          # the inspection report for reviewers, outside the site
_state: dict = {}


def _shell_src(depth: int) -> str:
    """A page whose URL has `depth` directories: _gkshell/, _gkshell/x/, _gkshell/x/x/ …"""
    return SHELL_DIR + "/x" * (depth - 1) + ".md"


def _is_shell(src: str) -> bool:
    return src == SHELL_DIR + ".md" or src.startswith(SHELL_DIR + "/")


def _nav(entries) -> list:
    out = []
    for e in entries:
        if e.children:
            out.append({e.title: [e.target] + _nav(e.children)})
        else:
            out.append({e.title: e.target})
    return out


SERVE_JS = Path(__file__).resolve().parent / "gongkai" / "data" / "serve" / "serve-status.js"
SERVE_STATUS = "gk-serve-status.json"          # make serve only: the last rebuild's errors, read by SERVE_JS


def on_startup(command, dirty):
    _state["serving"] = command == "serve"


def on_serve(server, config, builder):
    """make serve: items and settings live in catalogue/, which MkDocs does not watch by itself."""
    server.watch(str(Path(config.config_file_path).resolve().parent / "catalogue"))
    return server


def on_config(config):
    root = Path(config.config_file_path).resolve().parent
    serving = _state.get("serving", False)
    errors: list[str] = []
    try:
        result = pipeline.build(root, base_url=config.site_url or "", report_dir=root / REPORT_DIR,
                                intranet=os.environ.get("GONGKAI_INTRANET") == "1", lazy=True)
    except InputError as exc:
        for problem in sorted(exc.problems, key=lambda p: p.severity != ERROR):
            (log.error if problem.severity == ERROR else log.warning)(problem.format())
        count = sum(p.severity == ERROR for p in exc.problems)
        if not (serving and "result" in _state):
            raise Abort(f"公开目录有 {count} 个错误，未生成网站。自查报告：{REPORT_DIR}/index.html")
        # make serve: keep serving the last good build, and show the errors above its pages
        log.error(f"公开目录有 {count} 个错误，预览仍是上次成功生成的网站；改正并保存后自动更新。")
        errors = [p.format() for p in exc.problems if p.severity == ERROR]
        result = _state["result"]
    else:
        for problem in result.problems:
            (log.error if problem.severity == ERROR else log.warning)(problem.format())
        if any(p.severity == ERROR for p in result.problems):
            raise Abort("有错误，未生成网站。")
    _state.clear()
    _state.update(result=result, shells={}, root=root, serving=serving, errors=errors)
    config.nav = _nav(result.output.nav)
    config.extra["gongkai_footer"] = result.output.footer
    policy = sanitize.site_policy(result.catalogue.site.search_sites)
    if serving:          # MkDocs' live-reload script is inline; a preview on this computer only
        policy = policy.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    config.extra["gongkai_csp"] = policy
    config.extra["gongkai_serve"] = serving
    config.extra["gongkai_meta"] = result.output.site_meta
    config.extra["gongkai_mark"] = render.gov_mark_url(result.catalogue.site)     # shown in the header
    return config


def on_pre_build(config):
    """MkDocs empties site_dir next: keep the last build's item and listing folders aside, so that
    write_site rewrites only the files that change."""
    if os.environ.get("GONGKAI_CACHE") != "0":
        site_dir = Path(config.site_dir).resolve()
        _state["stash"] = _state["root"] / cache.DIR / "site" / cache.digest(str(site_dir))[:16]
        write.stash(site_dir, _state["stash"])


def on_files(files, config):
    out = _state["result"].output
    for page in out.engine_pages:
        if files.get_file_from_path(page.source) is None:
            files.append(File.generated(config, page.source, content=page.body))
    for depth in sorted({p.depth for p in out.bulk_pages}):
        files.append(File.generated(config, _shell_src(depth), content="# shell\n"))
    return files


def on_page_markdown(markdown, page, config, files):
    src = page.file.src_uri
    if _is_shell(src):
        page.title = write.TITLE_MARK
        page.meta["gk_meta"] = write.META_MARK
        return write.BODY_MARK
    page.meta["gk_meta"] = _state["result"].output.page_meta.get(src, "")
    for p in _state["result"].output.engine_pages:
        if p.source == src:
            if not re.search(r"^# ", p.body, re.M):     # an HTML <h1> only: MkDocs would title it from the file name
                page.title = p.title
            return p.body
    return markdown


def on_page_content(html, page, config, files):
    return render.wrap_tables(render.scope_headers(html))   # handwritten pages' tables too: scope, keyboard scrolling


def _valid_toggles(html: str) -> str:
    """Material's base.html gives its hidden checkbox toggles autocomplete="off", which HTML allows on text
    inputs only; base.html has no block to override them by."""
    return re.sub(r'(<input class="md-toggle"[^>]*?) autocomplete="off"', r"\1", html)


def on_post_template(output_content, template_name, config):
    return _valid_toggles(output_content) if template_name.endswith(".html") else output_content


def _site_text(config, rel: str) -> str | None:
    """A stylesheet or script of the site, from the folder MkDocs copies it from (docs, then theme)."""
    for folder in [config.docs_dir, *config.theme.dirs]:
        if (Path(folder) / rel).is_file():
            return (Path(folder) / rel).read_text(encoding="utf-8")
    return None


def on_post_page(html, page, config):
    html = _valid_toggles(html)
    src = page.file.src_uri
    if src == render.SOURCES[render.SEARCH]:      # the search page links only the theme's rules it can use
        html, sheets = styles.page_styles(html, page.url, lambda rel: _site_text(config, rel))
        for rel, data in sheets.items():
            write.write_bytes(Path(config.site_dir) / rel, data)
    if _is_shell(src):
        _state["shells"][page.url.count("/")] = write.Shell(html, page.url)
    return html


def on_post_build(config):
    site_dir = Path(config.site_dir)
    shutil.rmtree(site_dir / SHELL_DIR, ignore_errors=True)
    result = _state["result"]
    stash = _state.get("stash")
    with pipeline.timed("write"):
        written = write.write_site(result.output, _state["shells"], site_dir, config.site_url or "", result.search,
                                   stash)
    if _state["serving"]:
        write.write_bytes(site_dir / "assets/gongkai/serve-status.js", SERVE_JS.read_bytes())
        write.write_bytes(site_dir / SERVE_STATUS, json.dumps({"errors": _state["errors"]}, ensure_ascii=False).encode())
    log.info(f"gongkai：{len(result.catalogue.items)} 条信息，{len(result.output.bulk_pages)} 个页面、"
             f"{len(result.output.assets)} 个文件；本次写入有变化的文件 {len(written.changed)} 个。")
    site = result.catalogue.site
    with pipeline.timed("link check"):
        links = linkcheck.check_site(site_dir, linkcheck.page_sources(result.catalogue.items,
                                                                      result.output.engine_pages),
                                     config.site_url or "", linkcheck.footer_texts(site), written.files,
                                     stash.with_name(stash.name + ".links") if stash else None, written.bodies)
    ins = result.inspection
    ins.findings += links.findings
    ins.external_links, ins.links_checked = links.external, True
    if not _state["errors"]:                # (make serve after a failed rebuild: pipeline wrote the report)
        inspection_report.write(_state["root"] / REPORT_DIR, ins)
    for finding in links.findings:
        (log.error if finding.severity == ERROR else log.warning)(finding.format())
    broken = [f for f in links.findings if f.severity == ERROR]
    if broken:
        raise Abort(f"网站中有 {len(broken)} 个失效链接或缺少页脚标识的页面。自查报告：{REPORT_DIR}/index.html")
    if not _state["errors"]:
        pipeline.succeeded(result)
    if result.changes is not None:
        added, changed, removed = (len(part) for part in result.changes)
        log.info(f"gongkai：与上次成功生成相比，输入文件新增 {added} 个、修改 {changed} 个、删除 {removed} 个。")
    log.info(f"gongkai：检查了 {links.pages} 个页面的 {links.links} 个链接，外部链接 {len(links.external)} 个"
             f"（列在 {REPORT_DIR}/index.html，需定期检查）。")
    for asset in result.admin:              # intranet build: form editing, added after the public site's checks
        write.write_bytes(site_dir / asset.path, asset.data if asset.data is not None else asset.src.read_bytes())
    if result.admin:
        log.info("gongkai：内网版，表单编辑在 admin/。")
    times = "、".join(f"{pipeline.STAGE_NAMES.get(k, k)} {v:.1f}" for k, v in pipeline.TIMES.items())
    log.info(f"gongkai：各阶段用时（秒）：{times}。")
    try:                                    # for bench/run.py
        (_state["root"] / cache.DIR).mkdir(parents=True, exist_ok=True)
        (_state["root"] / cache.DIR / "times.json").write_text(json.dumps(pipeline.TIMES))
    except OSError:
        pass
