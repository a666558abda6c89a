"""Both cores: run a function over contiguous slices of a list in forked worker processes.

The workers inherit the caller's data by fork (no pickling of inputs), return their results in
order, and touch no shared state (no cache connections, no files written). Where fork is missing
or GONGKAI_JOBS=1, or the list is short, the slices run in this process: same results.
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable

_task: Callable | None = None


def jobs() -> int:
    fixed = os.environ.get("GONGKAI_JOBS", "")
    if fixed.isdigit() and int(fixed) > 0:
        return int(fixed)
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:                       # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _run(start: int, stop: int):
    return _task(start, stop)


def map_slices(task: Callable[[int, int], object], count: int, min_slice: int = 400) -> list:
    """[task(a, b) for consecutive slices a:b covering range(count)], in order."""
    global _task
    n = jobs()
    if n < 2 or count < 2 * min_slice or "fork" not in multiprocessing.get_all_start_methods():
        return [task(0, count)] if count else []
    parts = min(n * 4, max(2, count // min_slice))
    bounds = [(count * i // parts, count * (i + 1) // parts) for i in range(parts)]
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return pool.starmap(_run, bounds, chunksize=1)
    finally:
        _task = None
