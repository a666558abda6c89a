"""make sign and make takedown: records added to one item's front matter by the person responsible.

  sign      a stage of the 审核记录 (初审, 复审, 终审, 保密审查) for the current git user
            (git config user.name), dated today in Beijing time (pipeline.today); refused when an earlier stage
            (catalogue/inspection.yml 审核记录.环节) has not passed since the last 退回
  takedown  撤回 {日期, 原因, 决定人} on the item with a given 索引号: the public page becomes a notice
            at the same address, and the item leaves lists, search, feeds and open data

Not a pipeline stage: a staff tool that edits one file as text (the rest of the file is kept as
written) and then validates the project again, restoring the file when the edit gives an error.
"""
from __future__ import annotations

import argparse
import re
import subprocess
from datetime import date
from pathlib import Path

from ..stages import load, settings, validate
from . import newitem
from .. import pipeline
from ..core import schema
from ..core.cache import open_cache
from ..core.problems import InputError, Problem, errors, report

def git_user(root: Path) -> str:
    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()


def flow(mapping: dict) -> str:
    """{key: value, …} on one line, values quoted by YAML only when needed."""
    def value(v) -> str:
        return v if isinstance(v, str) and validate.DATE_RE.match(v) else newitem.yaml_value(v)
    return "{" + ", ".join(f"{k}: {value(v)}" for k, v in mapping.items() if v not in (None, "", [])) + "}"


def _front(text: str, rel: str) -> tuple[list[str], int]:
    """The file's lines and the index of the line closing the front matter."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise InputError([Problem("front-matter", rel, "文件开头没有信息字段区（---）。", "先用 make check 改正这个文件。")])
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise InputError([Problem("front-matter", rel, "信息字段区没有结束的 ---。", "先用 make check 改正这个文件。")])
    return lines, end


def add_list_entry(text: str, rel: str, key: str, entry: dict) -> str:
    """Append `- {entry}` to the block list `key` of the front matter (created at its end if absent)."""
    lines, end = _front(text, rel)
    at = next((i for i in range(1, end) if re.match(rf"^{re.escape(key)}\s*:", lines[i])), None)
    item = f"  - {flow(entry)}"
    if at is None:
        lines[end:end] = [f"{key}:", item]
        return "\n".join(lines)
    if lines[at].split(":", 1)[1].strip() not in ("", "[]"):
        raise InputError([Problem("front-matter", rel, f"“{key}”写在了同一行，无法自动添加。", f"把“{key}”改为每项一行（“  - {{…}}”）后重试。",
                                  at + 1, key)])
    lines[at] = f"{key}:"
    last = at
    while last + 1 < end and (lines[last + 1].startswith((" ", "\t")) or not lines[last + 1].strip()):
        last += 1
    while last > at and not lines[last].strip():
        last -= 1
    lines.insert(last + 1, item)
    return "\n".join(lines)


def set_mapping(text: str, rel: str, key: str, entry: dict) -> str:
    lines, end = _front(text, rel)
    if any(re.match(rf"^{re.escape(key)}\s*:", lines[i]) for i in range(1, end)):
        raise InputError([Problem("front-matter", rel, f"已经有“{key}”。", "核对后手工修改。", field=key)])
    lines[end:end] = [f"{key}: {flow(entry)}"]
    return "\n".join(lines)


def _write_checked(root: Path, path: Path, new: str, today: date) -> None:
    """Write the edited file; restore it and raise when the project's validation finds an error in it."""
    old = path.read_text(encoding="utf-8")
    path.write_text(new, encoding="utf-8")
    rel = path.relative_to(root).as_posix()
    store = open_cache(root, "load")                # the build's parse cache: only the edited file is read again
    try:
        inputs = load.load_project(root, cache=store)
    finally:
        store.close()
    found = [p for p in errors(validate.validate(inputs, today).problems) if p.file == rel]
    if found:
        path.write_text(old, encoding="utf-8")
        raise InputError(found)


def required_stages(root: Path) -> list[str]:
    cfg, _ = load.load_yaml_file(root / settings.INSPECTION_FILE, root, required=False)
    rule = cfg.data.get("审核记录") if cfg is not None and isinstance(cfg.data, dict) else None
    stages = rule.get("环节") if isinstance(rule, dict) else None
    return [s for s in stages if s in schema.REVIEW_STAGES] if isinstance(stages, list) else list(settings.REVIEW_STAGES)


def sign(root: Path, path: Path, stage: str, opinion: str, note: str, role: str, who: str, today: date) -> dict:
    """Add one 审核记录 entry; returns it."""
    rel = path.relative_to(root).as_posix()
    problems = []
    if stage not in schema.REVIEW_STAGES:
        problems.append(Problem("review-stage", rel, f"“{stage}”不是可用的审核环节。",
                                "写成 make sign 环节=初审（可用：" + "、".join(schema.REVIEW_STAGES) + "）。", field="审核记录"))
    if opinion not in schema.REVIEW_OPINIONS:
        problems.append(Problem("review-opinion", rel, f"意见“{opinion}”不是可用的值。", "写“通过”或“退回”。", field="审核记录"))
    if not who:
        problems.append(Problem("review-user", rel, "不知道审核人是谁：git 没有设置用户名。",
                                "先运行 git config --global user.name \"张三\"（写本人姓名）。"))
    if opinion == "退回" and not note:
        problems.append(Problem("review-note", rel, "退回须写明理由。", "加上 说明=……。", field="审核记录"))
    if problems:
        raise InputError(problems)
    source, found = load.load_source(path, root)
    if source is None:
        raise InputError(found)
    done = source.meta.get("审核记录") or []
    done = done if isinstance(done, list) else []
    stages = required_stages(root)
    if stage in stages and opinion == "通过":
        last_return = max((n for n, r in enumerate(done) if isinstance(r, dict) and r.get("意见") == "退回"), default=-1)
        passed = {r.get("环节") for r in done[last_return + 1:] if isinstance(r, dict) and r.get("意见") == "通过"}
        before = [s for s in stages[:stages.index(stage)] if s not in passed]
        if before:
            raise InputError([Problem("review-order", rel, f"{'、'.join(before)}还没有通过，不能先做{stage}。",
                                      "按 " + "→".join(stages) + " 的顺序审核。", field="审核记录")])
    entry = {"环节": stage, "审核人": who, "职务": role, "日期": today.isoformat(), "意见": opinion, "说明": note}
    _write_checked(root, path, add_list_entry(path.read_text(encoding="utf-8"), rel, "审核记录", entry), today)
    return entry


def find_item(root: Path, index_no: str) -> Path:
    """The item file whose 索引号 is index_no (files that do not contain the number are not parsed)."""
    for path in load.find_items(root / newitem.ITEMS):
        if index_no not in path.read_text(encoding="utf-8", errors="replace"):
            continue
        src, _ = load.load_source(path, root)
        if src is not None and str(src.meta.get("索引号") or "").strip() == index_no:
            return src.path
    raise InputError([Problem("unknown-index", "catalogue/items", f"没有索引号为“{index_no}”的信息。",
                              "从网页的信息表或 catalogue.csv 中复制索引号。")])


def takedown(root: Path, index_no: str, reason: str, who: str, note: str, today: date) -> Path:
    """Mark the item withdrawn (撤回); returns its file."""
    if reason not in schema.WITHDRAWAL_REASONS:
        raise InputError([Problem("bad-value", "(make takedown)", f"原因“{reason}”不是可用的类别。",
                                  "写成 make takedown 索引号=… 原因=内容有误；可用的类别：" + "、".join(schema.WITHDRAWAL_REASONS)
                                  + "。详细情况写在 说明=…（不公开）。", field="撤回")])
    if not who:
        raise InputError([Problem("review-user", "(make takedown)", "没有写决定人，git 也没有设置用户名。",
                                  "加上 决定人=姓名（作出撤回决定的负责人）。", field="撤回")])
    path = find_item(root, index_no)
    rel = path.relative_to(root).as_posix()
    entry = {"日期": today.isoformat(), "原因": reason, "决定人": who, "说明": note}
    _write_checked(root, path, set_mapping(path.read_text(encoding="utf-8"), rel, "撤回", entry), today)
    return path


def assign_index_numbers(root: Path) -> list[tuple[str, str]]:
    """Give every item without a 索引号 (a new entry saved through the form) the next free number of its
    发布日期's year; returns (file, 索引号). Numbers used anywhere (items, 曾用索引号, git history, 已停用) are
    never given again, and the files are validated after the edit."""
    ctx = newitem.load_context(root)
    used = newitem.used_numbers(ctx)
    done = []
    for src in ctx.sources:
        if str(src.meta.get("索引号") or "").strip():
            continue
        published, _ = validate.parse_date(src.meta.get("发布日期") or "")
        index_no, _ = newitem.next_index_no(ctx.site, used, published or pipeline.today())
        used.add(index_no)
        text = src.path.read_text(encoding="utf-8")
        lines, end = _front(text, src.rel)
        at = next((i for i in range(1, end) if re.match(r"^索引号\s*:", lines[i])), None)
        line = f"索引号: {newitem.yaml_value(index_no)}"
        if at is None:
            lines.insert(1, line)
        else:
            lines[at] = line
        src.path.write_text("\n".join(lines), encoding="utf-8")
        done.append((src.rel, index_no))
    return done


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai records", description="审核签字（sign）和紧急撤回（takedown）")
    parser.add_argument("action", choices=["sign", "takedown"])
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    parser.add_argument("--file", default="", help="sign：信息文件")
    parser.add_argument("--环节", default="", help="sign：初审、复审、终审或保密审查")
    parser.add_argument("--意见", default="通过", help="sign：通过或退回（默认通过）")
    parser.add_argument("--职务", default="", help="sign：审核人职务")
    parser.add_argument("--说明", default="", help="审核意见或撤回的详细情况（不公开）")
    parser.add_argument("--索引号", default="", help="takedown：要撤回的信息")
    parser.add_argument("--原因", default="", help="takedown：撤回原因类别")
    parser.add_argument("--决定人", default="", help="takedown：作出撤回决定的负责人（默认 git 用户名）")
    args = vars(parser.parse_args(argv))
    root = Path(args["root"]).resolve()
    today = pipeline.today()                    # Beijing time
    try:
        if args["action"] == "sign":
            path = Path(args["file"])
            path = path if path.is_absolute() else (Path.cwd() / path)
            if not args["file"] or not path.is_file():
                raise InputError([Problem("missing-file", args["file"] or "(make sign)", "找不到这个信息文件。",
                                          "写成 make sign 环节=复审 FILE=catalogue/items/…/00012.md。")])
            entry = sign(root, path.resolve(), args["环节"], args["意见"], args["说明"], args["职务"], git_user(root), today)
            print(f"已记录：{entry['环节']} {entry['意见']}（{entry['审核人']}，{entry['日期']}）→ {path.resolve().relative_to(root)}")
            print("提交这一修改（git commit）后，审核记录即存档；内网的发布审核单同时更新。")
        else:
            if not args["索引号"]:
                raise InputError([Problem("missing-argument", "(make takedown)", "没有写要撤回的索引号。",
                                          "写成 make takedown 索引号=11349901MB1C2D3E3D/2024-00012 原因=内容有误。")])
            path = takedown(root, args["索引号"], args["原因"], args["决定人"] or git_user(root), args["说明"], today)
            print(f"已撤回：{path.relative_to(root)}（{args['索引号']}）。原网址改为撤回公告，正文和附件不再公开。")
    except InputError as exc:
        print(report(exc.problems))
        return 1
    return 0
