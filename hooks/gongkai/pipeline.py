"""Runs the stages in order. Engines (MkDocs, the CLI) call only this."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import derive, index, load, model, render, validate
from .problems import ERROR, InputError, Problem


def today() -> date:
    """The build date; GONGKAI_TODAY=YYYY-MM-DD fixes it for reproducible builds."""
    fixed = os.environ.get("GONGKAI_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def check(root: Path, on_date: date | None = None) -> tuple[model.Catalogue | None, list[Problem]]:
    """load → validate → model. Returns the catalogue only when there is no error."""
    on_date = on_date or today()
    inputs = load.load_project(root)
    valid = validate.validate(inputs, on_date)
    if any(p.severity == ERROR for p in valid.problems):
        return None, valid.problems
    return model.build(valid, inputs.root, on_date), valid.problems


def catalogue(root: Path, on_date: date | None = None) -> tuple[model.Catalogue, derive.Indexes, list[Problem]]:
    """Everything up to derive; raises InputError when staff input has errors."""
    cat, problems = check(root, on_date)
    if cat is None:
        raise InputError(problems)
    return cat, derive.derive(cat), problems


@dataclass
class Result:
    catalogue: model.Catalogue
    indexes: derive.Indexes
    output: render.Output
    problems: list[Problem]
    search: dict[str, bytes]          # search index files, by path under search/


def build(root: Path, on_date: date | None = None) -> Result:
    """load → validate → model → derive → render → index. Raises InputError on staff errors."""
    root = Path(root).resolve()
    cat, idx, problems = catalogue(root, on_date)
    out = render.render(cat, idx, [root / "overrides" / "gongkai"])
    return Result(cat, idx, out, problems + out.problems, index.build(out.search_docs))
