"""decap config|vendor: print the Decap CMS configuration, or fetch Decap's files from the npm registry."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .. import pipeline
from ..core.problems import ERROR, InputError, report
from ..outputs import decap


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai decap", description="表单编辑（Decap CMS）")
    parser.add_argument("action", choices=["config", "vendor"], help="config：打印配置；vendor：下载 Decap CMS 文件")
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        if args.action == "vendor":
            path = decap.vendor(root)
            print(f"Decap CMS {decap.VERSION} 已就绪：{path.relative_to(root).as_posix()}/（校验值已核对）。")
            return 0
        admin, problems = decap.read_admin(root)
        cat, _, _ = pipeline.catalogue(root, today)
        if any(p.severity == ERROR for p in problems):
            raise InputError(problems)
    except InputError as exc:
        print(report(exc.problems))
        return 1
    sys.stdout.write(decap.to_yaml(decap.config(cat, admin)))
    return 0
