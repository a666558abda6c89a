"""make new: start a new item file — the next free 索引号, dates filled, a template for its 体裁.

Not a pipeline stage: a staff tool that reads the site's configuration (load, validate) and
writes one file. The 索引号 is never one that was used before: numbers in the current items
(also as 曾用索引号), anywhere in git history (all branches) and in site.yml 已停用索引号 are
taken, and the next number is one above the highest of the year, so gaps are never refilled.
Templates are Jinja files in templates/new/ (a site may override them in overrides/gongkai/new/).
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..stages import load, validate
from ..core import schema
from ..core.problems import InputError, Problem, errors, report

ITEMS = schema.ITEMS_DIR
TEMPLATES = Path(__file__).parent.parent / "templates" / "new"
BLANK = schema.BLANK_MARK + "：{}】"
# 体裁 → template name; other 公文 kinds use 通知, everything else 其他.
GENRE_TEMPLATES = {"公告": "公告", "通告": "公告", "解读": "解读", "图解": "解读", "年报": "年报"}
# Column kind → the 体裁 offered first.
KIND_GENRES = {"动态要闻": "动态", "通知公告": "通知", "政策文件": "通知"}


@dataclass
class Context:
    """What a new item needs to know about the site."""
    root: Path
    site: dict
    leaves: list[dict]                      # leaf columns: name, slug, doc_class, kind …
    sources: list[load.Source]

    def column(self, name_or_slug: str) -> dict | None:
        return next((c for c in self.leaves if name_or_slug in (c["name"], c["slug"])), None)

    @property
    def publishers(self) -> list[str]:
        return [p["name"] for p in self.site["publishers"]]


@dataclass
class NewItem:
    path: Path
    index_no: str
    blanks: list[str] = field(default_factory=list)      # what staff still have to fill


def load_context(root: Path) -> Context:
    """Site configuration and current items; raises InputError when site.yml or columns.yml has errors."""
    root = Path(root).resolve()
    inputs = load.load_project(root)
    site, problems = validate.validate_site(inputs.site, root, root / "catalogue", inputs.files)
    tree, found = validate.validate_columns(inputs.columns, inputs.presets)
    problems += found
    if inputs.site is None or inputs.columns is None or errors(problems) or not tree:
        raise InputError(problems or [Problem("missing-file", "catalogue/columns.yml", "没有可用的栏目。")])
    return Context(root, site, list(validate.leaves(tree)), inputs.sources)


# --- 索引号 -------------------------------------------------------------------

def _pattern(site: dict) -> str:
    return site.get("index_pattern") or schema.SITE_BY_PATH["索引号格式"].default


def finder(site: dict) -> re.Pattern:
    """The site's 索引号 pattern, unanchored, for finding numbers in any text."""
    return re.compile(validate.index_regex(_pattern(site), site).pattern[1:-1])


def git_history_numbers(root: Path, rx: re.Pattern, rel_dir: str = ITEMS) -> set[str]:
    """Every 索引号 that appears in any version of any item file on any branch."""
    try:
        proc = subprocess.Popen(["git", "-c", "core.quotepath=off", "log", "--all", "-p", "-U0", "--no-color",
                                 "--no-renames", "--format=", "--", rel_dir], cwd=root, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, encoding="utf-8", errors="replace")
    except OSError:
        return set()
    found = set()
    for line in proc.stdout:
        if line[:1] in "+-" and not line.startswith(("+++", "---")):
            found.update(m.group(0) for m in rx.finditer(line))
    proc.wait()
    return found


def used_numbers(ctx: Context) -> set[str]:
    rx = finder(ctx.site)
    used = set(ctx.site.get("retired_index_nos") or [])
    for src in ctx.sources:
        for key in ("索引号", "曾用索引号"):
            value = src.meta.get(key)
            used.update(str(v).strip() for v in (value if isinstance(value, list) else [value]) if v)
        used.update(m.group(0) for m in rx.finditer(src.path.read_text(encoding="utf-8", errors="replace")))
    return used | git_history_numbers(ctx.root, rx)


def format_index(site: dict, when: date, serial: int) -> str:
    pattern = _pattern(site)
    width = len(re.search(r"\{(N+)\}", pattern).group(1))
    if len(str(serial)) > width:
        raise InputError([Problem("index-exhausted", "catalogue/site.yml",
                                  f"{when.year}年的索引号流水号已用到 {10 ** width - 1}，没有可分配的号。",
                                  "在“索引号格式”中加长流水号（如 {NNNNNN}）。", field="索引号格式")])
    code = site.get("credit_code", "")
    text = (pattern.replace("{统一社会信用代码}", code).replace("{组织机构代码}", code[8:17])
            .replace("{行政区划代码}", site.get("area_code", ""))
            .replace("{YYYYMM}", f"{when.year:04d}{when.month:02d}").replace("{YYYY}", f"{when.year:04d}"))
    return re.sub(r"\{N+\}", str(serial).zfill(width), text)


def next_index_no(site: dict, used: set[str], when: date) -> tuple[str, str]:
    """(索引号, serial digits): one above the highest serial used in the year of `when`."""
    rx = validate.index_regex(_pattern(site), site)
    serials = [0]
    for number in used:
        m = rx.match(number)
        if m and ("year" not in rx.groupindex or int(m.group("year")) == when.year):
            serials.append(int(m.group("serial")))
    serial = max(serials) + 1
    index_no = format_index(site, when, serial)
    return index_no, rx.match(index_no).group("serial")


# --- the file -----------------------------------------------------------------

def yaml_value(value) -> str:
    """One YAML scalar on one line, quoted only when needed."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10 ** 6).strip()
    return text[:-4].strip() if text.endswith("\n...") else text


def template_name(genre: str, column: dict) -> str:
    if column.get("doc_class") == "年报" or genre == "年报":
        return "年报"
    if column.get("doc_class") in ("规范性文件", "规章") and genre not in ("解读", "图解"):
        return "规范性文件"
    if genre in GENRE_TEMPLATES:
        return GENRE_TEMPLATES[genre]
    return "通知" if genre in schema.DOC_KINDS else "其他"


def _env(root: Path) -> Environment:
    env = Environment(loader=FileSystemLoader([str(root / "overrides" / "gongkai" / "new"), str(TEMPLATES)]),
                      undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["y"] = yaml_value
    env.filters["cn"] = lambda d: f"{d.year}年{d.month}月{d.day}日" if isinstance(d, date) else d   # or a blank()
    return env


def blank(what: str) -> str:
    return BLANK.format(what)


def create(ctx: Context, column: str, genre: str, title: str | None = None, publisher: str | None = None,
           summary: str | None = None, body: str | None = None, signed: date | str | None = None,
           published: date | None = None, today: date | None = None, doc_no: str | None = None) -> NewItem:
    """Write a new item file and return where. `body` replaces the template's body; a value may be
    a blank() mark for staff to fill (the Word import does so for what the document does not say)."""
    col = ctx.column(column)
    problems = []
    if col is None:
        near = validate.nearest(column, [c["name"] for c in ctx.leaves])
        problems.append(Problem("unknown-column", "catalogue/columns.yml", f"没有名为“{column}”的末级栏目。",
                                (f"是否想写“{near}”？" if near else "") + "栏目名称见 catalogue/columns.yml。", field="栏目"))
    if genre not in schema.GENRES:
        near = validate.nearest(genre, schema.GENRES)
        problems.append(Problem("bad-value", "(make new)", f"“{genre}”不是可用的体裁。",
                                (f"是否想写“{near}”？" if near else "") + "可用：" + "、".join(schema.GENRES), field="体裁"))
    if publisher and publisher not in ctx.publishers and schema.BLANK_MARK not in publisher:
        problems.append(Problem("unknown-publisher", "catalogue/site.yml", f"“{publisher}”不在本站发布机构列表中。",
                                "发布机构须写全称；新机构请先加入 catalogue/site.yml 的“发布机构”。", field="发布机构"))
    if problems:
        raise InputError(problems)
    today = today or date.today()
    published = published or today
    index_no, serial = next_index_no(ctx.site, used_numbers(ctx), published)
    folder = ctx.root / ITEMS / col["slug"] / f"{published.year:04d}"
    path = folder / f"{serial}.md"
    n = 1
    while path.exists():                       # a file named so by hand: never overwrite
        n += 1
        path = folder / f"{serial}-{n}.md"
    year = (published.year - 1) if template_name(genre, col) == "年报" else published.year
    values = {
        "标题": title or (f"{ctx.site['body_name']}{year}年政府信息公开工作年度报告"
                        if template_name(genre, col) == "年报" else blank("标题")),
        "索引号": index_no, "发布机构": publisher or _default_publisher(ctx), "栏目": col["name"], "体裁": genre,
        "成文日期": signed or today, "发布日期": published, "内容概述": summary or blank("内容概述，一两句话，100字以内"),
        "报告年度": year, "序号": path.stem, "文号": doc_no,
    }
    text = _env(ctx.root).get_template(template_name(genre, col) + ".md").render(blank=blank, **values)
    if body is not None:
        head, _, _ = text.partition("\n---\n")
        text = head + "\n---\n\n" + body.strip() + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    left = sorted({m.group(1) for m in re.finditer(re.escape(schema.BLANK_MARK) + r"：([^】，]*)", text)},
                  key=text.index)
    return NewItem(path, index_no, left)


def _default_publisher(ctx: Context) -> str:
    names = ctx.publishers
    return ctx.site["body_name"] if ctx.site["body_name"] in names else names[0]


# --- command line ---------------------------------------------------------------

def choose(ask: Callable[[str], str], label: str, options: list[str], default: str | None = None) -> str:
    """Ask for one of `options` by number or name; asks again until the answer is one of them."""
    print(f"{label}：")
    for i, opt in enumerate(options, 1):
        print(f"  {i:>2}. {opt}")
    hint = f"（输入序号或名称，直接回车选“{default}”）" if default else "（输入序号或名称）"
    for _ in range(5):
        answer = ask(f"{label}{hint}：").strip()
        if not answer and default:
            return default
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1]
        if answer in options:
            return answer
        near = validate.nearest(answer, options)
        print(f"没有“{answer}”。" + (f"是否想写“{near}”？" if near else ""))
    raise InputError([Problem("bad-value", "(make new)", f"没有选定{label}。", "重新运行，并从列表中选择。", field=label)])


def _date(text: str | None, key: str) -> date | None:
    if not text:
        return None
    parsed, reason = validate.parse_date(text)
    if reason:
        raise InputError([Problem("date-format", "(make new)", f"“{text}”无法识别：{reason}。", field=key)])
    return parsed


def command(argv: list[str], today: date, ask: Callable[[str], str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai new", description="新建一条公开信息（自动分配索引号）")
    for key, help_text in (("体裁", "如 通知、公告、解读、年报"), ("栏目", "末级栏目名称或标识，如 规范性文件"),
                           ("标题", "信息的完整名称"), ("发布机构", "默认为本机关"), ("内容概述", "一两句话"),
                           ("成文日期", "YYYY-MM-DD，默认今天"), ("发布日期", "YYYY-MM-DD，默认今天"),
                           ("正文", "正文所在的文本文件（UTF-8），不填则用模板")):
        parser.add_argument(f"--{key}", help=help_text)
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    args = vars(parser.parse_args(argv))
    interactive = ask is not None or sys.stdin.isatty()
    ask = ask or input
    try:
        ctx = load_context(Path(args["root"]))
        missing = [k for k in ("栏目", "体裁", "标题") if not args[k]]
        if missing and not interactive:
            raise InputError([Problem("missing-argument", "(make new)", f"缺少{'、'.join(missing)}。",
                                      "写成 make new 体裁=通知 栏目=规范性文件 标题=……，或在终端中运行以逐项回答。")])
        column = args["栏目"] or choose(ask, "栏目", [c["name"] for c in ctx.leaves])
        col = ctx.column(column)
        genre = args["体裁"] or choose(ask, "体裁", list(schema.GENRES),
                                       "年报" if col and col.get("doc_class") == "年报"
                                       else KIND_GENRES.get(col["kind"] if col else "", "其他"))
        title = args["标题"]
        if not title and template_name(genre, col or {}) != "年报":
            title = ask("标题（文件或信息的完整名称，可稍后在文件中修改）：").strip() or None
        publisher = args["发布机构"]
        if not publisher and missing and len(ctx.publishers) > 1:
            publisher = choose(ask, "发布机构", ctx.publishers, _default_publisher(ctx))
        body = Path(args["正文"]).read_text(encoding="utf-8-sig") if args["正文"] else None
        made = create(ctx, column, genre, title, publisher, args["内容概述"], body,
                      _date(args["成文日期"], "成文日期"), _date(args["发布日期"], "发布日期"), today)
    except InputError as exc:
        print(report(exc.problems))
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\n已取消，没有新建文件。")
        return 1
    print_result(ctx, made)
    return 0


def print_result(ctx: Context, made: NewItem) -> None:
    rel = made.path.relative_to(ctx.root).as_posix()
    print(f"已新建：{rel}")
    print(f"索引号：{made.index_no}（已自动分配，决定网址，不要修改）")
    if made.blanks:
        print(f"还需填写：{'、'.join(made.blanks)}（文件中标有“{schema.BLANK_MARK}……】”的地方；填完前不会发布）。")
    print(f"附件放在 {rel[:-3]}/ 文件夹中，并在“附件”中列出。填好后运行 make check。")
