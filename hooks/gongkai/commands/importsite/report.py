"""The import report for staff: build/import-site/report.md and index.html (beside build/inspection/)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import markdown

FIELDS = ("标题", "索引号", "发布机构", "文号", "成文日期", "发布日期", "主题分类", "有效性", "内容概述", "关键词")
CLASSES = (("imported", "导入为信息"), ("merged", "重复页面（已合并到同一条信息）"), ("listing", "列表页、导航页"),
           ("attachment", "附件文件"), ("asset", "样式、脚本、图片等资源文件"), ("refused", "未导入（见原因）"))


LIMIT = 1000          # rows per list in the report (the counts are always complete)


@dataclass
class Report:
    source: str
    files: int = 0
    counts: Counter = field(default_factory=Counter)
    refused: list[tuple[str, str]] = field(default_factory=list)           # (file, reason)
    filled: Counter = field(default_factory=Counter)                        # field → items with a value
    sources: Counter = field(default_factory=Counter)                       # "字段：来源" → count
    defaults: Counter = field(default_factory=Counter)
    blanks: Counter = field(default_factory=Counter)                        # field → 【待填写】 count
    missing: list[tuple[str, str, str]] = field(default_factory=list)       # (item, name, old url)
    duplicates: list[tuple[str, list[str]]] = field(default_factory=list)   # kept file, merged files
    columns: list = field(default_factory=list)                             # columns.Old
    notes: list[str] = field(default_factory=list)
    changes: Counter = field(default_factory=Counter)                       # 新增/更新/未变/已修改未覆盖
    kept_edits: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def items(self) -> int:
        return self.counts["imported"]

    def balanced(self) -> bool:
        return sum(self.counts[k] for k, _ in CLASSES) == self.files

    def markdown(self) -> str:
        c = self.counts
        out = ["# 旧网站迁移报告", "", f"网站备份：`{self.source}`，用时 {self.seconds:.1f} 秒。", "",
               "## 文件分类", "", "| 类别 | 个数 |", "|---|---|"]
        out += [f"| {label} | {c[key]} |" for key, label in CLASSES]
        out += [f"| **合计（= 备份中的文件数 {self.files}）** | {sum(c[k] for k, _ in CLASSES)} |", ""]
        if self.changes:
            out += ["本次写入：" + "，".join(f"{k} {v} 条" for k, v in self.changes.items()) + "。", ""]
        if self.kept_edits:
            out += ["## 工作人员修改过、未覆盖的信息", "",
                    "原网站上的内容有变化，但这些文件在上次导入后被修改过，没有覆盖。核对后如需以原网站为准，用 `FORCE=1` 重新导入。", ""]
            out += [f"- `{f}`" for f in self.kept_edits] + [""]
        out += ["## 字段填写情况", "", "| 字段 | 有值的信息 | 比例 | 待填写 |", "|---|---|---|---|"]
        n = max(self.items, 1)
        for f in FIELDS:
            out.append(f"| {f} | {self.filled[f]} | {self.filled[f] * 100 // n}% | {self.blanks[f]} |")
        out += ["", f"“【待填写】”共 {sum(self.blanks.values())} 处：`make check` 逐条列出，填完后才会发布。", ""]
        if self.sources:
            out += ["字段来源：" + "；".join(f"{k} {v}" for k, v in sorted(self.sources.items())) + "。", ""]
        if self.defaults:
            out += ["使用默认值：" + "；".join(f"{k} {v} 条" for k, v in sorted(self.defaults.items())) + "。", ""]
        out += ["## 栏目对应", "", "| 原栏目 | 页面数 | 本站栏目 | 依据 |", "|---|---|---|---|"]
        for old in sorted(self.columns, key=lambda o: -o.pages):
            out.append(f"| {old.trail} | {old.pages} | {old.target or '（无）'} | {old.how} |")
        unmapped = [o for o in self.columns if o.how == "暂存"]
        names = "（" + "、".join(o.name for o in unmapped) + "）" if unmapped else ""
        out += ["", f"没有对应栏目的原栏目：{len(unmapped)} 个{names}。", ""]
        if self.years:
            out += ["## 年报", ""] + [f"- {y}" for y in self.years] + [""]
        out += [f"## 缺失的附件（{len(self.missing)} 个）", ""]
        out += ["原网站备份中没有这些文件；信息正文中已标出“附件缺失”。请向原网站运维单位索取。", ""] if self.missing else []
        out += [f"- `{item}`：{name}（{url}）" for item, name, url in self.missing[:LIMIT]]
        out += [f"- ……另有 {len(self.missing) - LIMIT} 个" if len(self.missing) > LIMIT else "", ""]
        out += [f"## 合并的重复页面（{len(self.duplicates)} 组）", ""]
        out += [f"- `{kept}` ← " + "、".join(f"`{m}`" for m in merged) for kept, merged in self.duplicates[:LIMIT]]
        out += [f"- ……另有 {len(self.duplicates) - LIMIT} 组" if len(self.duplicates) > LIMIT else "", ""]
        out += [f"## 未导入的文件（{len(self.refused)} 个）", ""]
        for reason, count in Counter(r for _, r in self.refused).most_common():
            out.append(f"- {reason}：{count} 个")
        out += [""] + [f"  - `{f}`：{r}" for f, r in self.refused[:LIMIT]] + [""]
        if self.notes:
            out += ["## 其他说明", ""] + [f"- {x}" for x in self.notes] + [""]
        return "\n".join(out)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        text = self.markdown()
        (folder / "report.md").write_text(text, encoding="utf-8")
        body = markdown.markdown(text, extensions=["tables"])
        (folder / "index.html").write_text(
            '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>旧网站迁移报告</title>'
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
            "table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em}</style></head><body>"
            + body + "</body></html>\n", encoding="utf-8")
        return folder / "index.html"


def progress(done: int, total: int, stream, tty: bool) -> None:
    """A progress bar over pages on stderr: redrawn in a terminal, a line per tenth otherwise."""
    if total <= 0:
        return
    if tty:
        width = 30
        filled = width * done // total
        stream.write(f"\r读取页面 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()
    elif done == total or done % max(1, total // 10) == 0:
        stream.write(f"读取页面 {done}/{total}\n")
        stream.flush()

