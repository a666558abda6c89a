"""Runs the stages in order. Engines (MkDocs, the CLI) call only this."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from .inspection import checks, inspection_report
from .outputs import decap
from .stages import derive, index, load, model, render, settings, validate
from .annual import report
from .core.cache import open_cache
from .core.problems import ERROR, InputError, Problem, errors


BEIJING = timezone(timedelta(hours=8), "北京时间")


def today() -> date:
    """The build date in Beijing time (a CI runner's clock is often UTC); GONGKAI_TODAY=YYYY-MM-DD fixes it
    for reproducible builds."""
    fixed = os.environ.get("GONGKAI_TODAY")
    return date.fromisoformat(fixed) if fixed else datetime.now(BEIJING).date()


TIMES: dict[str, float] = {}          # seconds per stage of the last run in this process (benchmarks)
STAGE_NAMES = {"load": "读取", "validate": "校验", "model": "建模", "annual reports": "年报", "derive": "分类索引",
               "inspection": "自查", "render": "生成页面", "search index": "检索索引", "write": "写入",
               "link check": "链接检查"}


@contextmanager
def timed(stage: str):
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES[stage] = TIMES.get(stage, 0.0) + time.perf_counter() - start


def _validated(root: Path, on_date: date) -> tuple[load.Inputs, validate.Validated]:
    """load → validate."""
    with timed("load"):
        store = open_cache(root, "load")
        inputs = load.load_project(root, cache=store)
        store.close()
    with timed("validate"):
        store = open_cache(root, "validate")
        valid = validate.validate(inputs, on_date, store)
        store.close()
        return inputs, valid


def _model(root: Path, on_date: date | None = None) -> tuple[model.Catalogue | None, list[Problem]]:
    """load → validate → model. Returns the catalogue only when there is no error."""
    on_date = on_date or today()
    inputs, valid = _validated(root, on_date)
    if any(p.severity == ERROR for p in valid.problems):
        return None, valid.problems
    with timed("model"):
        return model.build(valid, inputs, on_date), valid.problems


def check(root: Path, on_date: date | None = None) -> tuple[model.Catalogue | None, list[Problem]]:
    """load → validate → model → annual reports. Returns the catalogue only when there is no error
    (a 年报 table that breaks its identities is an error)."""
    cat, problems = _model(root, on_date)
    if cat is None:
        return None, problems
    with timed("annual reports"):
        found = report.build(cat).problems
    return (None if errors(found) else cat), problems + found


def annual_reports(root: Path, on_date: date | None = None) -> tuple[model.Catalogue, report.Reports]:
    """The catalogue and its annual reports, also when the reports have errors (spreadsheet commands).
    Raises InputError when the catalogue itself has errors."""
    cat, problems = _model(root, on_date)
    if cat is None:
        raise InputError(problems)
    return cat, report.build(cat)


def catalogue(root: Path, on_date: date | None = None) -> tuple[model.Catalogue, derive.Indexes, list[Problem]]:
    """Everything up to derive; raises InputError when staff input has errors."""
    cat, problems = check(root, on_date)
    if cat is None:
        raise InputError(problems)
    return cat, derive.derive(cat), problems


@dataclass
class Inspected:
    catalogue: model.Catalogue | None
    indexes: derive.Indexes | None
    settings: settings.Settings | None
    inspection: checks.Inspection      # its findings include every validation problem


def inspect(root: Path, on_date: date | None = None) -> Inspected:
    """load → validate → model → annual reports → derive → inspection. Never raises for staff input.
    One run lists everything it can: when some input has errors, the items that validated are still
    inspected one by one and every readable item file is scanned (checks.partial)."""
    root, on_date = Path(root).resolve(), on_date or today()
    inputs, valid = _validated(root, on_date)
    problems = valid.problems
    if valid.site is None or not valid.columns:        # no catalogue can be built: scan the files
        return Inspected(None, None, None, checks.partial(on_date, problems, inputs.sources, inputs.pages))
    with timed("model"):
        cat = model.build(valid, inputs, on_date)
    if not errors(problems):
        with timed("annual reports"):
            problems = problems + report.build(cat).problems
    with timed("derive"):
        idx = derive.derive(cat)
    conf, found = settings.load_settings(inputs, cat)
    problems = problems + found
    if errors(problems):
        ins = checks.partial(on_date, problems, inputs.sources, inputs.pages, cat, idx,
                             None if errors(found) else conf, inputs.entered)
        return Inspected(None, None, None, ins)
    with timed("inspection"):
        ins = checks.inspect(cat, idx, conf, inputs.entered)
    ins.findings[:0] = problems
    return Inspected(cat, idx, conf, ins)


@dataclass
class Result:
    catalogue: model.Catalogue
    indexes: derive.Indexes
    output: render.Output
    problems: list[Problem]
    search: dict[str, bytes]          # search index files, by path under search/
    inspection: checks.Inspection | None = None
    admin: list[render.Asset] = field(default_factory=list)   # intranet build: form editing at admin/
    changes: load.Changes | None = None   # (added, changed, removed) input files since the last successful build


def build(root: Path, on_date: date | None = None, base_url: str = "", report_dir: Path | None = None,
          intranet: bool = False, lazy: bool = False) -> Result:
    """load → validate → model → derive → inspection → render → index.
    Raises InputError on staff errors and inspection errors (nothing is published);
    writes the inspection report to report_dir first, when given. `lazy`: item pages unchanged since an
    earlier build come without their body; the write stage renders those it must write (Output.fill)."""
    root = Path(root).resolve()
    TIMES.clear()
    done = inspect(root, on_date)
    if report_dir is not None:
        inspection_report.write(report_dir, done.inspection)
    if errors(done.inspection.findings):
        raise InputError(done.inspection.findings)
    cat, idx = done.catalogue, done.indexes
    with timed("render"):
        store = open_cache(root, "render")
        out = render.render(cat, idx, cat.inputs.templates, base_url, done.settings,
                            report.build(cat, calendar=done.settings.calendar), store, lazy)
        store.close()                 # Output.fill (lazy) reads it again when it needs to
    admin: list[render.Asset] = []
    if intranet:                                    # never part of the public site
        admin, found = decap.assets(cat, root, base_url)
        if errors(found):
            raise InputError(found)
    with timed("search index"):
        store = open_cache(root, "search")
        search = index.build(out.search_docs, store, cat.site.search_sites,
                             lambda path: cat.inputs.text(path).text)
        store.close()
    changes = load.changed(cat.inputs.previous, cat.inputs.files)
    return Result(cat, idx, out, done.inspection.findings + out.problems, search, done.inspection, admin, changes)


def succeeded(result: Result) -> None:
    """The engine wrote and checked the site: the next build's change set is counted from this one."""
    load.remember(result.catalogue.inputs)
