"""Command line: python -m gongkai <command>.

  check        validate the catalogue (no rendering); exit 1 on errors
  schema-doc   print the front-matter field table (Markdown) for staff docs;
               with --update FILE, rewrite the table between the schema markers in FILE
  json-schema  print the item schema as JSON Schema
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import pipeline, schema
from .problems import ERROR, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai", description="gongkai 政府信息公开网站生成器")
    parser.add_argument("command", choices=["check", "schema-doc", "json-schema"])
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    parser.add_argument("--update", metavar="FILE", help="schema-doc：更新文件中标记之间的字段表")
    args = parser.parse_args(argv)
    if args.command == "schema-doc":
        if args.update:
            path = Path(args.update)
            path.write_text(schema.update_doc(path.read_text()))
            print(f"已更新 {path} 中的字段表。")
        else:
            sys.stdout.write(schema.markdown_doc() + "\n" + schema.site_markdown_doc())
        return 0
    if args.command == "json-schema":
        json.dump(schema.json_schema(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    cat, problems = pipeline.check(Path(args.root))
    if problems:
        print(report(problems))
    if any(p.severity == ERROR for p in problems):
        return 1
    print(f"检查通过：{len(cat.items)} 条信息，{sum(1 for _ in cat.column_list())} 个栏目。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
