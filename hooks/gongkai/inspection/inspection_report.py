"""The inspection report for reviewers, in three forms made from one JSON document:
findings.json (machines), summary.md (a pull-request comment) and index.html
(the full report). Written outside the public site, by default build/inspection/.
"""
from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .checks import Inspection
from ..core.problems import ERROR
from ..stages.write import write_bytes

TEMPLATES = Path(__file__).parent.parent / "templates" / "inspection"
MD_LIMIT = 40          # findings listed in the Markdown summary before "见完整报告"
STATUS_MARK = {"通过": "✅ 通过", "不通过": "❌ 不通过", "需核实": "⚠️ 需核实", "构建时不检查": "— 构建时不检查"}


def to_json(ins: Inspection) -> dict:
    findings = [{
        "severity": f.severity, "code": f.code, "subject": getattr(f, "subject", "") or f.file,
        "file": f.file, "line": f.line, "field": f.field, "message": f.message, "hint": f.hint,
        "rule": getattr(f, "rule", ""),
    } for f in sorted(ins.findings, key=lambda f: (f.severity != ERROR, f.file, f.line or 0, f.code))]
    return {
        "today": ins.today.isoformat(),
        "site": ins.site_name,
        "complete": ins.complete,
        "summary": {
            "errors": len(ins.errors), "warnings": len(ins.warnings), "items": ins.items,
            "scheduled": len(ins.scheduled), "columns": len(ins.columns),
            "withdrawn": len(ins.withdrawn), "withheld": len(ins.withheld),
            "links_checked": ins.links_checked, "external_links": len(ins.external_links),
        },
        "veto": [{"name": v.name, "standard": v.standard, "status": v.status, "evidence": v.evidence}
                 for v in ins.veto],
        "findings": findings,
        "columns": [{
            "name": c.column.name, "path": c.column.path, "slug": c.column.slug, "kind": c.column.kind,
            "rule": c.limit, "count": c.count, "latest": c.latest.isoformat() if c.latest else None,
            "status": c.status,
            "nil": {"date": c.nil.dated.isoformat(), "until": c.nil.until.isoformat(), "reviewer": c.nil.reviewer,
                    "text": c.nil.text} if c.nil else None,
        } for c in ins.columns],
        "scheduled": [{"index_no": i.index_no, "title": i.title, "date_published": i.date_published.isoformat(),
                       "file": i.source} for i in ins.scheduled],
        "exceptions": ins.exceptions,
        "requests": ins.requests,
        "external_links": [{"page": page, "url": url} for page, url in ins.external_links],
        "notes": ins.notes,
    }


def _where(f: dict) -> str:
    return f["file"] + (f" 第{f['line']}行" if f["line"] else "") + (f"（{f['field']}）" if f["field"] else "")


def headline(data: dict) -> str:
    s = data["summary"]
    if s["errors"]:
        return f"未通过：{s['errors']} 个错误、{s['warnings']} 个提醒（有错误时不发布）"
    return f"通过：0 个错误、{s['warnings']} 个提醒" if s["warnings"] else "通过：没有发现问题"


def markdown(data: dict, html_path: str = "build/inspection/index.html") -> str:
    s = data["summary"]
    out = [f"## 政府信息公开自查 — {headline(data)}", "",
           f"{data['site']} · {data['today']} · {s['items']} 条信息 · {s['columns']} 个末级栏目"
           + (f" · 定时发布 {s['scheduled']} 条" if s["scheduled"] else ""), ""]
    if data["veto"]:
        out += ["### 单项否决指标", "", "| 指标 | 标准 | 结果 | 证据 |", "|---|---|---|---|"]
        out += [f"| {v['name']} | {v['standard']} | {STATUS_MARK.get(v['status'], v['status'])} | "
                f"{'；'.join(v['evidence'])} |" for v in data["veto"]]
        out.append("")
    for severity, title in ((ERROR, "错误（阻止发布）"), ("warning", "提醒")):
        rows = [f for f in data["findings"] if (f["severity"] == ERROR) == (severity == ERROR)]
        if not rows:
            continue
        out += [f"### {title}：{len(rows)} 个", ""]
        for f in rows[:MD_LIMIT]:
            out.append(f"- `{f['code']}` {_where(f)}：{f['message']}" + (f" 修改方法：{f['hint']}" if f["hint"] else ""))
        if len(rows) > MD_LIMIT:
            out.append(f"- ……另有 {len(rows) - MD_LIMIT} 个，见完整报告。")
        out.append("")
    if data["requests"]:
        out += ["### 未办结的依申请公开", "", "| 编号 | 收到日期 | 期限 | 剩余工作日 |", "|---|---|---|---|"]
        out += [f"| {r['ref']} | {r['start']} | {r['deadline']}（{r['limit']}个工作日） | "
                f"{'已逾期' if r['overdue'] else r['days_left']} |" for r in data["requests"]]
        out.append("")
    if data["notes"] or not s["links_checked"]:
        out += ["### 说明", ""] + [f"- {n}" for n in data["notes"]]
        if not s["links_checked"]:
            out.append("- 链接检查在生成网站（make site）时进行，本次未检查。")
        out.append("")
    out.append(f"完整报告：`{html_path}`（另有 findings.json）。")
    return "\n".join(out) + "\n"


def html(data: dict) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html").render(data=data, headline=headline(data), mark=STATUS_MARK,
                                                  where=_where, ERROR=ERROR)


def write(out_dir: Path, ins: Inspection) -> dict:
    """Write the three reports; returns the JSON document."""
    data = to_json(ins)
    out_dir = Path(out_dir)
    try:
        shown = out_dir.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        shown = out_dir.as_posix()
    write_bytes(out_dir / "findings.json", (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())
    write_bytes(out_dir / "summary.md", markdown(data, f"{shown}/index.html").encode())
    write_bytes(out_dir / "index.html", html(data).encode())
    return data

