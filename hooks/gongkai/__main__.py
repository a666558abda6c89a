"""Command line: python -m gongkai <command>.

  check        validate and inspect the catalogue (no rendering), write the inspection
               report (--report DIR, default build/inspection/); exit 1 on errors
  schema-doc   print the front-matter field table (Markdown) for staff docs;
               with --update FILE, rewrite the table between the schema markers in FILE
  json-schema  print the item schema as JSON Schema
  report-xlsx YEAR FILE     write the annual report's tables 二/三/四 for YEAR as an .xlsx template
  report-import YEAR FILE   read a filled template into catalogue/reports/YEAR.yml (validated)
  kiosk        turn the built site (--site, default site/) into an offline kiosk folder
               (--out, default build/kiosk/; --idle SECONDS before returning home; --date for 数据截至)
  new          start a new item with the next free 索引号 (--体裁 --栏目 --标题 …; asks when missing)
  import-docx FILE.docx --栏目 …   turn a Word document into an item (images become attachments)
  import-site MIRROR [--map --list --plan --force]   import an old site saved with wget --mirror
  review BASE HEAD   Markdown summary of catalogue changes and inspection findings between two revisions
  decap config|vendor   print the Decap CMS configuration / fetch Decap's files from the npm registry
  sign --环节 … --file …       add a 审核记录 stage for the current git user
  takedown --索引号 … --原因 …  withdraw (撤回) an item: its page becomes a notice
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

from .inspection import inspection_report
from .outputs import kiosk
from . import pipeline
from .commands import report_xlsx
from .core import schema
from .core.problems import ERROR, report


# Staff and reviewer tools, each with options of its own: module.command(argv, today) → exit code.
TOOLS = {"new": "newitem", "import-docx": "wordimport", "import-site": "importsite.command", "review": "review",
         "decap": "decap_command"}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("sign", "takedown"):
        return importlib.import_module(".commands.records", __package__).command(argv, pipeline.today())
    if argv and argv[0] in TOOLS:
        return importlib.import_module(f".commands.{TOOLS[argv[0]]}", __package__).command(argv[1:], pipeline.today())
    parser = argparse.ArgumentParser(prog="python -m gongkai", description="gongkai 政府信息公开网站生成器")
    parser.add_argument("command", choices=["check", "schema-doc", "json-schema", "report-xlsx", "report-import",
                                            "kiosk"])
    parser.add_argument("params", nargs="*", metavar="参数", help="report-xlsx / report-import：年度 文件.xlsx")
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    parser.add_argument("--update", metavar="FILE", help="schema-doc：更新文件中标记之间的字段表")
    parser.add_argument("--report", metavar="DIR", help="check：自查报告目录（默认 <项目目录>/build/inspection）")
    parser.add_argument("--site", default="site", help="kiosk：已生成的网站目录（默认 site）")
    parser.add_argument("--out", default="build/kiosk", help="kiosk：查询机文件夹（默认 build/kiosk）")
    parser.add_argument("--idle", type=int, default=kiosk.DEFAULT_IDLE, help="kiosk：无人操作多少秒后返回首页")
    parser.add_argument("--date", help="kiosk：“数据截至”日期 YYYY-MM-DD（默认为网站生成日期）")
    parser.add_argument("--fix", action="store_true", help="check：先给没有索引号的信息（表单新建的）分配索引号")
    args = parser.parse_args(argv)
    if args.command == "kiosk":
        return kiosk.command(Path(args.site), Path(args.out), args.idle, args.date)
    if args.command == "schema-doc":
        if args.update:
            path = Path(args.update)
            path.write_text(schema.update_doc(path.read_text()))
            print(f"已更新 {path} 中的字段表。")
        else:
            sys.stdout.write(schema.markdown_doc() + "\n" + schema.site_markdown_doc())
        return 0
    if args.command in ("report-xlsx", "report-import"):
        return report_xlsx.command(args.command, Path(args.root), args.params)
    if args.command == "json-schema":
        json.dump(schema.json_schema(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    root = Path(args.root)
    if args.fix:
        from .commands import records
        from .core.problems import InputError
        try:
            for rel, index_no in records.assign_index_numbers(root):
                print(f"已分配索引号：{rel} → {index_no}")
        except InputError as exc:
            print(report(exc.problems))
            return 1
    done = pipeline.inspect(root)
    findings = done.inspection.findings
    out_dir = Path(args.report) if args.report else root / "build" / "inspection"
    data = inspection_report.write(out_dir, done.inspection)
    if findings:
        print(report(findings))
    veto = [v["status"] for v in data["veto"]]
    if veto:
        counts = "、".join(f"{s} {veto.count(s)} 项" for s in ("通过", "不通过", "需核实", "构建时不检查") if s in veto)
        print(f"单项否决指标：{counts}。")
    print(f"自查{inspection_report.headline(data)}。报告：{out_dir / 'index.html'}（另有 summary.md、findings.json）。")
    if any(p.severity == ERROR for p in findings):
        return 1
    cat = done.catalogue
    print(f"检查通过：{len(cat.items)} 条信息，{sum(1 for _ in cat.column_list())} 个栏目。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
