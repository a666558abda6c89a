"""A long campaign of the incremental property test (tests/test_incremental_property.py): random change
sequences, each step an incremental build compared byte for byte with a cold build, until the time is up.

    .venv/bin/python bench/incremental_fuzz.py --minutes 15 [--steps 12] [--out bench/results-incremental-fuzz.md]

Runs of a few sequences, each run with a fresh random seed, until the time is up; a failing sequence is
shrunk by hypothesis and printed (the steps, the files that differ, a diff), and the campaign stops there.
Prints the counts: sequences, steps (the start of each sequence included), builds.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from hypothesis.stateful import run_state_machine_as_test  # noqa: E402

import test_incremental_property as prop  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15.0, help="time budget (a run under way is finished)")
    parser.add_argument("--steps", type=int, default=12, help="most steps in one sequence")
    parser.add_argument("--batch", type=int, default=4, help="sequences per hypothesis run (time is checked between)")
    parser.add_argument("--no-shrink", action="store_true", help="report a failing sequence as found")
    parser.add_argument("--out", type=Path, help="also append the result (Markdown) to this file")
    args = parser.parse_args(argv)
    phases = [Phase.generate] + ([] if args.no_shrink else [Phase.shrink])
    # a few sequences per run: hypothesis starts each run with its simplest sequence, then draws at random
    config = settings(max_examples=args.batch, stateful_step_count=args.steps, deadline=None, database=None,
                      derandomize=False, phases=phases, suppress_health_check=list(HealthCheck), print_blob=True)
    start = time.monotonic()
    end, failure = start + args.minutes * 60, ""
    while time.monotonic() < end and not failure:
        try:
            run_state_machine_as_test(prop.Catalogue, settings=config)
        except Exception:                                  # noqa: BLE001 - the failure is the result
            failure = traceback.format_exc()
    s, took = prop.STATS, (time.monotonic() - start) / 60
    line = (f"{time.strftime('%Y-%m-%d %H:%M')}: {took:.1f} min, {s['sequences']} sequences, {s['steps']} steps, "
            f"{s['builds']} incremental builds, {s['cold builds']} cold builds (≤ {args.steps} steps each); "
            + ("FAILED" if failure else "no difference found"))
    print(failure + line)
    if args.out:
        with args.out.open("a", encoding="utf-8") as f:
            f.write(f"- {line}\n" + (f"\n```\n{failure[-6000:]}\n```\n" if failure else ""))
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
