"""review BASE HEAD: what a branch changes in the catalogue, as Markdown for the reviewer.

Both revisions are checked out with `git worktree` into temporary folders and read with the
running code (load for the items, pipeline.inspect for the findings), so the comparison shows
what the data change does under one set of rules: items added, changed (field by field, text,
attachments), repealed and removed, other files changed, and inspection findings introduced or
fixed. Not a pipeline stage: a reviewer's tool on top of the pipeline.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..stages import load, validate
from .. import pipeline
from ..core import schema
from ..core.problems import ERROR, Problem

ITEMS = schema.ITEMS_DIR
ENDED = ("已废止", "已失效")
DIFF_LINES = 60


class ReviewError(Exception):
    pass


@dataclass
class Entry:
    rel: str
    meta: dict
    body: str
    files: dict[str, str]            # attachment folder: relative path → sha1

    @property
    def index_no(self) -> str:
        return str(self.meta.get("索引号") or "").strip()

    @property
    def title(self) -> str:
        return str(self.meta.get("标题") or self.rel)


@dataclass
class Change:
    kind: str                        # 新增 | 修改 | 废止 | 删除
    base: Entry | None
    head: Entry | None
    fields: list[tuple[str, str, str]] = field(default_factory=list)    # key, before, after
    body: tuple[int, int] = (0, 0)                                      # lines added, removed
    body_diff: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)                      # attachment changes, in words
    notes: list[str] = field(default_factory=list)                      # for the reviewer's attention


# --- reading a revision ----------------------------------------------------------

def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=root, capture_output=True, text=True)
    if done.returncode:
        raise ReviewError(done.stderr.strip() or f"git {' '.join(args)} 失败")
    return done.stdout


@contextlib.contextmanager
def checkout(root: Path, rev: str):
    """The tree of `rev` in a temporary worktree ("." is the working directory itself)."""
    if rev == ".":
        yield root
        return
    try:
        git(root, "rev-parse", "--verify", "--quiet", rev + "^{commit}")
    except ReviewError:
        raise ReviewError(f"找不到版本“{rev}”：核对分支名，或先运行 git fetch。") from None
    tmp = Path(tempfile.mkdtemp(prefix="gongkai-review-"))
    dest = tmp / "tree"
    git(root, "worktree", "add", "--quiet", "--detach", str(dest), rev)
    try:
        yield dest
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(dest)], cwd=root, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def _files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def read_items(tree: Path) -> dict[str, Entry]:
    """Items by 索引号 (by file path when a file has none or cannot be read)."""
    sources, _ = load.load_items(tree / ITEMS, tree)
    out: dict[str, Entry] = {}
    for src in sources:
        if src.path.name == "index.md":             # an item saved by the form: its folder holds the attachments
            files = {k: v for k, v in _files(src.path.parent).items() if k != "index.md"}
        else:
            files = _files(src.path.with_suffix(""))
        entry = Entry(src.rel, src.meta, src.body, files)
        out[entry.index_no or "file:" + entry.rel] = entry
    return out


# --- comparing ----------------------------------------------------------------------

def show(value) -> str:
    if value is None or value == "" or value == []:
        return "（无）"
    if isinstance(value, list):
        return "；".join(show(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{show(v)}" for k, v in value.items())
    return " ".join(str(value).split())


def compare(base: dict[str, Entry], head: dict[str, Entry], today: date) -> list[Change]:
    pairs: list[tuple[Entry, Entry]] = []
    old, new = dict(base), dict(head)
    for key in list(new):
        if key in old:
            pairs.append((old.pop(key), new.pop(key)))
    for key, entry in list(new.items()):            # a corrected 索引号: matched by 曾用索引号, else by file
        formers = entry.meta.get("曾用索引号") or []
        match = next((k for k in (formers if isinstance(formers, list) else [formers]) if str(k) in old), None)
        match = str(match) if match else next((k for k, e in old.items() if e.rel == entry.rel), None)
        if match:
            pairs.append((old.pop(match), new.pop(key)))
    changes = [Change("新增", None, e) for e in new.values()]
    changes += [Change("删除", e, None, notes=["已发布的信息不应删除：废止或失效的文件应保留并标注有效性，"
                                             "发布有误的应更正并写修订记录。"]) for e in old.values()]
    for a, b in pairs:
        change = _changed(a, b, today)
        if change:
            changes.append(change)
    order = {"新增": 0, "废止": 1, "修改": 2, "删除": 3}
    return sorted(changes, key=lambda c: (order[c.kind], (c.head or c.base).rel))


def _changed(a: Entry, b: Entry, today: date) -> Change | None:
    keys = [f.key for f in schema.FIELDS if f.key in a.meta or f.key in b.meta]
    keys += sorted(k for k in {*a.meta, *b.meta} if k not in schema.BY_KEY)
    fields = [(k, show(a.meta.get(k)), show(b.meta.get(k))) for k in keys if a.meta.get(k) != b.meta.get(k)]
    diff = list(difflib.unified_diff(a.body.splitlines(), b.body.splitlines(), lineterm="", n=1))[2:]
    added = sum(1 for line in diff if line.startswith("+"))
    removed = sum(1 for line in diff if line.startswith("-"))
    files = [f"新增 {p}" for p in b.files if p not in a.files]
    files += [f"删除 {p}" for p in a.files if p not in b.files]
    files += [f"内容更换 {p}" for p in b.files if p in a.files and a.files[p] != b.files[p]]
    if not (fields or diff or files):
        return None
    ended = str(b.meta.get("有效性") or "") in ENDED and str(a.meta.get("有效性") or "") not in ENDED
    change = Change("废止" if ended else "修改", a, b, fields, (added, removed), diff, files)
    if a.index_no != b.index_no:
        formers = b.meta.get("曾用索引号") or []
        if a.index_no not in [str(x) for x in (formers if isinstance(formers, list) else [formers])]:
            change.notes.append(f"索引号改变而“曾用索引号”中没有旧号“{a.index_no}”：旧网址将失效。请把旧号写入曾用索引号。")
    published = str(a.meta.get("发布日期") or "") <= today.isoformat()
    content = [k for k, _, _ in fields if k not in ("修订记录", "有效性", "废止日期", "失效日期", "关联")]
    if published and not ended and (content or diff or files) and a.meta.get("修订记录") == b.meta.get("修订记录"):
        change.notes.append("已发布的信息有修改，但没有增加修订记录（日期和说明），读者看不到改了什么。")
    if ended and not b.meta.get("废止日期" if "废止" in str(b.meta.get("有效性")) else "失效日期"):
        change.notes.append(f"有效性改为“{b.meta.get('有效性')}”，但没有填写对应日期。")
    return change


def finding_key(p: Problem) -> tuple:
    return (p.severity, p.code, p.file, p.field, p.message)


def compare_findings(before: list[Problem], after: list[Problem]) -> tuple[list[Problem], list[Problem]]:
    old, new = {finding_key(p) for p in before}, {finding_key(p) for p in after}
    return ([p for p in after if finding_key(p) not in old], [p for p in before if finding_key(p) not in new])


# --- Markdown ------------------------------------------------------------------------

def _cell(text: str, limit: int = 120) -> str:
    text = text if len(text) <= limit else text[:limit] + "…"
    return text.replace("|", "\\|").replace("\n", " ")


def _finding(p: Problem) -> str:
    where = p.file + (f" 第{p.line}行" if p.line else "") + (f"（{p.field}）" if p.field else "")
    label = "错误" if p.severity == ERROR else "提醒"
    return f"- **{label}** `{p.code}` {where}：{p.message}"


def duplicates(entry: Entry, entries: dict[str, Entry]) -> list[str]:
    """Other items with the same 文号, title or text."""
    doc_no, title = show(entry.meta.get("文号")), entry.title
    text = validate.normal_text(entry.body)
    out = []
    for other in entries.values():
        if other.rel == entry.rel:
            continue
        same = [what for what, hit in (("文号", doc_no != "（无）" and show(other.meta.get("文号")) == doc_no),
                                       ("标题", other.title == title),
                                       ("正文", len(text) >= 30 and validate.normal_text(other.body) == text)) if hit]
        if same:
            out.append(f"{'、'.join(same)}与 `{other.rel}`（{other.index_no}《{other.title}》）相同")
    return out


def disclosure_line(meta: dict) -> str:
    mode = str(meta.get("公开方式") or schema.PUBLIC_MODE)
    if meta.get("撤回"):
        return "已撤回：原网址只显示撤回公告，正文和附件不公开。"
    if mode == schema.PUBLIC_MODE:
        return "主动公开：正文和附件将在网站上发布。"
    reason = f"（理由：{show(meta.get('不予公开理由'))}）" if mode == "不予公开" else ""
    return f"{mode}{reason}：不在网站上发布正文和附件。"


def record_table(meta: dict) -> list[str]:
    """The 审核记录 as a table (for reviewers only: never published)."""
    rows = meta.get("审核记录")
    if not isinstance(rows, list) or not rows:
        return ["审核记录：（无）", ""]
    out = ["| 环节 | 审核人 | 职务 | 日期 | 意见 | 说明 |", "|---|---|---|---|---|---|"]
    for r in rows:
        r = r if isinstance(r, dict) else {}
        note = show(r.get("说明")) + (f"（放行：{show(r.get('放行'))}）" if r.get("放行") else "")
        out.append("| " + " | ".join(_cell(show(r.get(k))) for k in ("环节", "审核人", "职务", "日期", "意见")) +
                   f" | {_cell(note)} |")
    return out + [""]


def new_item(c: Change, head: dict[str, Entry], findings: list[Problem]) -> list[str]:
    """Everything a reviewer checks in a new item: fields, what is published, body, attachments,
    duplicates, the gate's findings and the review record."""
    e = c.head
    out = [f"#### {e.title}", "", f"`{e.rel}` · 索引号 {e.index_no}", "", "**" + disclosure_line(e.meta) + "**", "",
           "| 字段 | 内容 |", "|---|---|"]
    out += [f"| {k} | {_cell(show(v), 300)} |" for k, v in e.meta.items() if k not in ("审核记录",)]
    out += ["", "附件文件夹：" + ("；".join(f"{p}" for p in e.files) if e.files else "（无）") + "。", ""]
    lines = e.body.strip().splitlines()
    out += [f"<details><summary>正文（{len(lines)} 行）</summary>", "", "```markdown"] + lines[:DIFF_LINES * 2]
    if len(lines) > DIFF_LINES * 2:
        out.append(f"…（另有 {len(lines) - DIFF_LINES * 2} 行）")
    out += ["```", "", "</details>", ""]
    same = duplicates(e, head)
    out += [f"> ⚠️ 可能重复：{s}。" for s in same] + ([""] if same else [])
    mine = [p for p in findings if p.file == e.rel]
    out += ([f"自查（{len(mine)}）：", ""] + [_finding(p) for p in mine] + [""]) if mine else ["自查：没有问题。", ""]
    return out + record_table(e.meta)


def markdown(base_rev: str, head_rev: str, changes: list[Change], introduced: list[Problem],
             fixed: list[Problem], others: list[str], complete: bool = True,
             head: dict[str, Entry] | None = None, findings: list[Problem] | None = None) -> str:
    count = {k: sum(c.kind == k for c in changes) for k in ("新增", "修改", "废止", "删除")}
    out = [f"## 公开目录变更摘要：`{base_rev}` → `{head_rev}`", ""]
    if changes:
        out.append(f"新增 {count['新增']} 条，修改 {count['修改']} 条，废止或失效 {count['废止']} 条，删除 {count['删除']} 条。")
    else:
        out.append("公开信息没有变化。")
    out.append("")
    added = [c for c in changes if c.kind == "新增"]
    if added:
        out += [f"### 新增（{len(added)}）", "", "| 索引号 | 标题 | 栏目 | 发布日期 | 文件 |", "|---|---|---|---|---|"]
        out += [f"| {_cell(c.head.index_no)} | {_cell(c.head.title)} | {_cell(show(c.head.meta.get('栏目')))} | "
                f"{_cell(show(c.head.meta.get('发布日期')))} | `{c.head.rel}` |" for c in added]
        out.append("")
        if head is not None:
            for c in added:
                out += new_item(c, head, findings or [])
    for kind, title in (("废止", "废止或失效"), ("修改", "修改")):
        group = [c for c in changes if c.kind == kind]
        if not group:
            continue
        out += [f"### {title}（{len(group)}）", ""]
        for c in group:
            out += [f"#### {c.head.title}", "", f"`{c.head.rel}` · 索引号 {c.head.index_no}", ""]
            if c.fields:
                out += ["| 字段 | 原来 | 现在 |", "|---|---|---|"]
                out += [f"| {k} | {_cell(a)} | {_cell(b)} |" for k, a, b in c.fields]
                out.append("")
            if c.body_diff:
                out += [f"正文：增加 {c.body[0]} 行，删除 {c.body[1]} 行。", "", "<details><summary>正文差异</summary>",
                        "", "```diff"] + c.body_diff[:DIFF_LINES]
                if len(c.body_diff) > DIFF_LINES:
                    out.append(f"…（另有 {len(c.body_diff) - DIFF_LINES} 行）")
                out += ["```", "", "</details>", ""]
            if c.files:
                out += ["附件文件夹：" + "；".join(c.files) + "。", ""]
            if any(k in ("审核记录", "公开方式", "撤回") for k, _, _ in c.fields):
                out += ["**" + disclosure_line(c.head.meta) + "**", ""] + record_table(c.head.meta)
            out += [f"> ⚠️ {n}" for n in c.notes] + ([""] if c.notes else [])
    removed = [c for c in changes if c.kind == "删除"]
    if removed:
        out += [f"### 删除（{len(removed)}）", "", f"> ⚠️ {removed[0].notes[0]}", "",
                "| 索引号 | 标题 | 文件 |", "|---|---|---|"]
        out += [f"| {_cell(c.base.index_no)} | {_cell(c.base.title)} | `{c.base.rel}` |" for c in removed]
        out.append("")
    if others:
        out += ["### 其他文件", ""] + [f"- {o}" for o in others] + [""]
    out += ["### 自查结果变化", ""]
    if not complete:
        out += ["> 有一个版本存在阻止生成的错误，自查只进行了校验部分。", ""]
    if not introduced and not fixed:
        out.append("没有新出现或已解决的问题。")
    if introduced:
        errs = sum(p.severity == ERROR for p in introduced)
        out += [f"新出现 {len(introduced)} 个问题（其中错误 {errs} 个）：", ""] + [_finding(p) for p in introduced] + [""]
    if fixed:
        out += [f"已解决 {len(fixed)} 个问题：", ""] + [_finding(p) for p in fixed]
    return "\n".join(out).rstrip() + "\n"


NAME_STATUS = {"A": "新增", "M": "修改", "D": "删除", "R": "改名", "C": "复制", "T": "类型改变"}


def other_files(root: Path, base: str, head: str) -> list[str]:
    """Files outside the items folder that changed (site settings, hand-written pages, code)."""
    args = ["diff", "--name-status", "-M", base] + ([] if head == "." else [head]) + ["--", ".", f":(exclude){ITEMS}"]
    out = []
    for line in git(root, *args).splitlines():
        status, *paths = line.split("\t")
        out.append(f"{NAME_STATUS.get(status[0], status)} `{' → '.join(paths)}`")
    return out


def review(root: Path, base: str, head: str, today: date) -> str:
    root = Path(root).resolve()
    with checkout(root, base) as old_tree, checkout(root, head) as new_tree:
        items = read_items(new_tree)
        changes = compare(read_items(old_tree), items, today)
        before, after = pipeline.inspect(old_tree, today), pipeline.inspect(new_tree, today)
    introduced, fixed = compare_findings(before.inspection.findings, after.inspection.findings)
    complete = before.inspection.complete and after.inspection.complete
    return markdown(base, head, changes, introduced, fixed, other_files(root, base, head), complete,
                    items, after.inspection.findings)


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai review",
                                     description="对比两个版本的公开目录，输出供审核人阅读的 Markdown 摘要")
    parser.add_argument("base", metavar="BASE", help="对比基准，如 origin/main")
    parser.add_argument("head", metavar="HEAD", nargs="?", default="HEAD", help="要审核的版本（默认 HEAD；“.” 表示工作目录）")
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    parser.add_argument("--output", metavar="FILE", help="写入文件（默认打印）")
    args = parser.parse_args(argv)
    try:
        text = review(Path(args.root), args.base, args.head, today)
    except ReviewError as exc:
        print(f"[错误] {exc}")
        return 1
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"变更摘要已写入 {args.output}。")
    else:
        print(text, end="")
    return 0
