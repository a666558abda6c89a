"""Stage 1 — load: read files from disk into plain data.

Reads every item file and config file, decoding and parsing YAML, and reports
problems that stop a file from being read at all (encoding, front matter,
YAML syntax). Nothing here knows the schema.
"""
from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..core import workers
from ..core.cache import Cache, digest
from ..core.problems import Problem

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):
    """Safe YAML without implicit timestamps: dates stay strings so that an
    impossible date such as 2024-02-30 is reported by the validator with its
    field, instead of failing the whole file."""


_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


class Number(int):
    """An integer as the clerk typed it: `text` keeps "0123" or "1_000" for text fields."""
    text: str

    def __reduce__(self):
        return _number, (int, int(self), self.text)


class Decimal(float):
    """A decimal as typed: `text` keeps "1.10"."""
    text: str

    def __reduce__(self):
        return _number, (float, float(self), self.text)


def _number(kind: type, value, text: str):
    out = (Number if kind is int else Decimal)(value)
    out.text = text
    return out


def _typed(kind: type, construct):
    def constructor(loader, node):
        return _number(kind, construct(loader, node), node.value)
    return constructor


_Loader.add_constructor("tag:yaml.org,2002:int", _typed(int, yaml.SafeLoader.construct_yaml_int))
_Loader.add_constructor("tag:yaml.org,2002:float", _typed(float, yaml.SafeLoader.construct_yaml_float))
for _cls, _tag in ((Number, "tag:yaml.org,2002:int"), (Decimal, "tag:yaml.org,2002:float")):
    yaml.representer.SafeRepresenter.add_representer(
        _cls, lambda dumper, value, tag=_tag: dumper.represent_scalar(tag, value.text))


def typed_text(value) -> str:
    """A scalar as text, numbers exactly as they were typed (never “0123” → “83”)."""
    return getattr(value, "text", None) or str(value)


MAX_YAML = 256 * 1024          # characters in one front matter or config file
MAX_DEPTH = 24                 # nested lists and mappings
# Control characters that no text typed by staff contains (tab and newline are allowed).
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
CONTROL_NAMES = {"\x00": "空字符 NUL", "\x0b": "垂直制表符", "\x0c": "换页符", "\x1b": "ESC", "\x7f": "DEL"}


class YamlRefused(yaml.YAMLError):
    """YAML that parses but is not accepted: anchors, aliases, tags, too large or too deep."""

    def __init__(self, line: int, message: str, hint: str):
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint

_KEY_LINE = re.compile(r"^([^\s#\-][^:]*?)[ \t]*:(?:[ \t]|$)")


@dataclass
class Source:
    """One Markdown file with YAML front matter."""
    rel: str                       # path relative to the project root, with /
    path: Path
    meta: dict                     # front matter, as parsed
    body: str                      # Markdown after the front matter
    key_lines: dict[str, int] = field(default_factory=dict)  # top-level key → line
    body_line: int = 1
    mtime_ns: int = 0


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def escape(path: Path, root: Path, rel: str, what: str = "文件") -> Problem | None:
    """A problem when `path` is a link (or has one on its way) that leads outside `root`; else None."""
    try:
        target = path.resolve()
    except (OSError, RuntimeError):           # a loop of links
        return Problem("path-escape", rel, f"这个{what}是循环的符号链接，无法读取。", line=1,
                       hint="删除这个链接，把真实的文件放在仓库里。")
    base = root.resolve()
    if target == base or base in target.parents:
        return None
    link = next((p for p in [path, *path.parents] if p.is_symlink()), path)
    return Problem("path-escape", rel,
                   f"这个{what}是符号链接“{_display(link, root)}”，指向仓库之外的“{target.as_posix()}”，不予读取。",
                   line=1, hint="只能使用仓库内的文件：删除这个链接，把需要的文件复制到仓库中并提交。")


def read_text(path: Path, rel: str) -> tuple[str | None, Problem | None]:
    """Decode a file as UTF-8 (BOM and CRLF accepted)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            what = "文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码（Windows 记事本、WPS 旧版默认如此）。"
        except UnicodeDecodeError:
            what = "文件不是 UTF-8 编码的文本文件。"
        return None, Problem(
            "encoding", rel, what, line=line,
            hint="用记事本或 VS Code 打开，选择“另存为”，编码选“UTF-8”后保存。")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        name = CONTROL_NAMES.get(bad.group(0), "控制字符")
        return None, Problem(
            "control-char", rel, f"第{line}行含有不可见的{name}（U+{ord(bad.group(0)):04X}），网页和数据文件中不能出现。",
            line=line, hint="这通常来自从其他系统或 Word 复制的内容：在 VS Code 中打开，删除这一行的不可见字符"
                            "（或整行删除后重新输入）。")
    return text, None


def yaml_problem(exc: yaml.YAMLError, rel: str, line_offset: int, what: str, text: str = "") -> Problem:
    hint = ("检查这一行及上一行：冒号后要有一个空格；含冒号、#、引号等符号的值请整体用英文单引号括起来；"
            "缩进只用空格，同一层对齐；列表项以“- ”开头。")
    if isinstance(exc, YamlRefused):
        return Problem("yaml-refused", rel, f"{what}{exc.message}", line=exc.line + line_offset, hint=exc.hint)
    if isinstance(exc, yaml.reader.ReaderError):      # a character YAML does not accept
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        at = text.find(chr(code))               # the C reader counts its position in bytes
        line = text.count("\n", 0, at) + 1 if at >= 0 else None
        return Problem("yaml-syntax", rel, f"{what}含有不能使用的字符 U+{code:04X}。",
                       line=line + line_offset if line else None, hint="删除这个字符（通常看不见，可整行删除后重新输入）。")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    if line is not None and text:
        cause = _likely_cause(text.split("\n"), line)
        if cause:
            found, reason, fix = cause
            return Problem("yaml-syntax", rel, f"{what}的 YAML 写法有误（{reason}）。", line=found + line_offset,
                           hint=fix)
    detail = getattr(exc, "problem", None) or str(exc)
    return Problem(
        "yaml-syntax", rel, f"{what}的 YAML 写法有误（{_yaml_reason(detail)}）。",
        line=line + line_offset if line is not None else None, hint=hint)


_FULLWIDTH_KEY = re.compile(r"^\s*(?:- )?([^\s:：#'\"\-][^:：]*?)\s*：")
_VALUE = re.compile(r"^\s*(?:- )?[^\s:#'\"][^:]*?:[ \t]+(.*)$")


def _likely_cause(lines: list[str], error_line: int) -> tuple[int, str, str] | None:
    """(line, reason, fix) of the first line up to the reported one that explains a YAML error better
    than the parser does: a full-width colon after a key, an unclosed quote, Chinese quotes used as quotes."""
    for n, line in enumerate(lines[:error_line], 1):
        if _FULLWIDTH_KEY.match(line) and not re.match(r"^\s*(?:- )?[^\s#][^:：]*?:(?:[ \t]|$)", line):
            key = _FULLWIDTH_KEY.match(line).group(1)
            return n, f"“{key}”后面用了中文全角冒号“：”", f"把“{key}：”改成英文冒号加一个空格：“{key}: ”。"
        m = _VALUE.match(line)
        value = m.group(1).rstrip() if m else ""
        for quote, name in (('"', "双引号"), ("'", "单引号")):
            if value.startswith(quote) and not _closed(value, quote):
                return n, f"值以英文{name} {quote} 开头，但这一行没有与它配对的 {quote}", (
                    f"在值的末尾补上 {quote}；值里本身有 {quote} 时改用另一种引号把整个值括起来。")
        if value[:1] in "“‘" and n == error_line and ":" in value:
            return n, "中文引号“ ”不起引号的作用，值里的冒号被当成了字段分隔", "把整个值改用英文单引号括起来，如 标题: '关于……：……的通知'。"
    return None


def _closed(value: str, quote: str) -> bool:
    body, i = value[1:], 0
    while i < len(body):
        if quote == '"' and body[i] == "\\":
            i += 2
            continue
        if body[i] == quote:
            if quote == "'" and body[i + 1:i + 2] == "'":      # '' inside single quotes
                i += 2
                continue
            return True
        i += 1
    return False


def _yaml_reason(detail: str) -> str:
    table = {
        "mapping values are not allowed": "这里不能出现“: ”，值里有冒号时请把整个值用英文单引号括起来",
        "did not find expected ',' or ']'": "方括号 [ ] 没有配对",
        "did not find expected ',' or '}'": "花括号 { } 没有配对",
        "found character that cannot start any token": "有不能出现在开头的字符（如 Tab、@、`），请删除或给值加引号",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "不能用 Tab 缩进",
        "found unknown escape character": "双引号里的反斜杠“\\”需要写成“\\\\”，或改用单引号、不加引号",
        "expected <block end>, but found": "缩进不一致",
        "while scanning a simple key": "缺少冒号",
    }
    for key, zh in table.items():
        if key in detail:
            return zh
    return "无法解析"


def parse_yaml(text: str):
    """Safe YAML that cannot hang or run code: anchors, aliases and tags are refused (YamlRefused),
    as are documents over MAX_YAML characters or nested deeper than MAX_DEPTH."""
    if len(text) > MAX_YAML:
        raise YamlRefused(1, f"太大（{len(text)} 个字符，上限 {MAX_YAML}）。",
                          "信息字段区只写字段；长的内容写在正文或附件里。配置文件请拆分或删去不用的部分。")
    if _may_refuse(text):
        _refuse_constructs(text)
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def _may_refuse(text: str) -> bool:
    """Whether the text can hold an anchor, alias or tag, or nest deeper than MAX_DEPTH: each level needs
    an opening bracket, a “- ” or “? ” indicator, or more indentation."""
    if "&" in text or "*" in text or "!" in text:
        return True
    indent = max((len(line) - len(line.lstrip(" ")) for line in text.split("\n")), default=0)
    return text.count("[") + text.count("{") + text.count("-") + text.count("?") + indent >= MAX_DEPTH


def _refuse_constructs(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent):
            raise YamlRefused(line, f"第{line}行用了 YAML 别名“*{event.anchor}”，本系统不接受锚点和别名。",
                              "把被引用的内容直接写出来；值以 * 开头时整体用英文单引号括起来。")
        if getattr(event, "anchor", None):
            raise YamlRefused(line, f"第{line}行用了 YAML 锚点“&{event.anchor}”，本系统不接受锚点和别名。",
                              "删除“&" + event.anchor + "”；值以 & 开头时整体用英文单引号括起来。")
        if getattr(event, "tag", None) and not (isinstance(event, yaml.ScalarEvent) and event.tag == "!"
                                                 and event.implicit[1]):
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise YamlRefused(line, f"第{line}行用了 YAML 类型标记“{tag}”，本系统不接受类型标记"
                                    "（“!!python/…”之类可以执行代码，一律禁止）。",
                              "删除以 ! 开头的标记；值以 ! 开头时整体用英文单引号括起来。")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlRefused(line, f"第{line}行嵌套超过 {MAX_DEPTH} 层。", "字段的值不需要这么多层列表或缩进，请简化。")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def scan_key_lines(lines: list[str], first_line: int) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """Line numbers of top-level keys, and any key given twice (key, first, second)."""
    found: dict[str, int] = {}
    dups = []
    for i, line in enumerate(lines):
        m = _KEY_LINE.match(line)
        if m:
            key = m.group(1).strip().strip("'\"")
            if key in found:
                dups.append((key, found[key], first_line + i))
            else:
                found[key] = first_line + i
    return found, dups


def scan_nested_key_lines(lines: list[str]) -> dict[str, int]:
    """Line numbers of block-mapping keys by dotted path (e.g. "网站.网站标识码")."""
    found: dict[str, int] = {}
    stack: list[tuple[int, str]] = []
    for i, line in enumerate(lines, 1):
        m = re.match(r"^( *)([^\s#\-][^:]*?)[ \t]*:(?:[ \t]|$)", line)
        if not m:
            continue
        indent, key = len(m.group(1)), m.group(2).strip().strip("'\"")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = ".".join([k for _, k in stack] + [key])
        found.setdefault(path, i)
        stack.append((indent, key))
    return found


def split_front_matter(text: str, rel: str) -> tuple[str, str, int, Problem | None]:
    """(front matter, body, first body line, problem)."""
    if not text.strip():
        return "", "", 1, Problem("empty-file", rel, "文件是空的。",
                                  hint="删除这个文件，或按 README 中“新增一条信息”的模板填写。", line=1)
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return "", "", 1, Problem(
            "no-front-matter", rel, "文件开头缺少信息字段区（第一行应是三个减号 ---）。", line=1,
            hint="在文件最前面加上 ---，逐行写“字段: 值”，再用一行 --- 结束，然后写正文。")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2, None
    return "", "", 1, Problem(
        "unclosed-front-matter", rel, "信息字段区没有结束：第1行的 --- 之后找不到另一行 ---。", line=1,
        hint="在最后一个字段之后、正文之前单独加一行 ---。")


def load_source(path: Path, root: Path) -> tuple[Source | None, list[Problem]]:
    rel = _display(path, root)
    text, problem = read_text(path, rel)
    if problem:
        return None, [problem]
    head, body, body_line, problem = split_front_matter(text, rel)
    if problem:
        return None, [problem]
    problems = []
    key_lines, dups = scan_key_lines(head.split("\n"), 2)
    for key, first, second in dups:
        problems.append(Problem("duplicate-key", rel, f"重复出现（第{first}行和第{second}行）。", line=second,
                                field=key, hint="只保留一行，删除另一行。"))
    try:
        meta = parse_yaml(head)
    except yaml.YAMLError as exc:
        return None, problems + [yaml_problem(exc, rel, 1, "信息字段区", head)]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, problems + [Problem(
            "front-matter-shape", rel, "信息字段区应是“字段: 值”的形式，逐行书写。", line=2,
            hint="参照 README 中的模板，每行写一个“字段: 值”。")]
    src = Source(rel=rel, path=path, meta={str(k): v for k, v in meta.items()}, body=body,
                 key_lines=key_lines, body_line=body_line, mtime_ns=path.stat().st_mtime_ns)
    return src, problems


def find_items(items_dir: Path) -> list[Path]:
    """Every .md file below items_dir, in a stable order; hidden files skipped. Linked folders are listed
    as themselves (load_items refuses those that lead outside the repository) and not entered."""
    found = []
    for dirpath, dirnames, filenames in os.walk(items_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / d for d in dirnames if (Path(dirpath) / d).is_symlink())
        found.extend(Path(dirpath) / f for f in sorted(filenames)
                     if f.endswith(".md") and not f.startswith("."))
    return found


def load_items(items_dir: Path, root: Path, cache: Cache | None = None) -> tuple[list[Source], list[Problem]]:
    """Every item file, parsed on all cores; a file whose path and bytes are in the cache is not parsed again."""
    paths, problems = [], []
    for path in find_items(items_dir):
        escaped = escape(path, root, _display(path, root), "信息文件")
        if escaped:
            problems.append(escaped)
        elif path.is_dir():
            problems.append(Problem("path-escape", _display(path, root),
                                    f"这个文件夹是符号链接，指向“{_display(path.resolve(), root)}”，其中的信息不予读取。",
                                    line=1, hint="删除这个链接，把信息文件直接放在 catalogue/items/ 下的文件夹里。"))
        else:
            paths.append(path)
    rels = [_display(p, root) for p in paths]
    keys = [digest(rel, p.read_bytes()) for rel, p in zip(rels, paths)] if cache else []
    known = cache.get_many(keys) if cache else {}
    unparsed = [n for n in range(len(paths)) if not keys or keys[n] not in known]
    parts = workers.map_slices(lambda a, b: [load_source(paths[n], root) for n in unparsed[a:b]], len(unparsed))
    parsed = dict(zip(unparsed, (done for part in parts for done in part)))
    sources = []
    for n, path in enumerate(paths):
        if n in parsed:
            src, found = parsed[n]
            if cache:
                cache.put(keys[n], (src and (src.meta, src.body, src.key_lines, src.body_line), found))
        else:
            fields, found = known[keys[n]]
            src = fields and Source(rels[n], path, *fields, mtime_ns=path.stat().st_mtime_ns)
        problems.extend(found)
        if src is not None:
            sources.append(src)
    return sources, problems


def entry_lines(path: Path, key: str | None = None) -> list[int]:
    """Line of each entry of a YAML sequence (top level, or under a top-level key)."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        return []
    if key is not None and isinstance(node, yaml.MappingNode):
        node = next((v for k, v in node.value if k.value == key), None)
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [n.start_mark.line + 1 for n in node.value]


@dataclass
class ConfigFile:
    rel: str
    path: Path
    data: object
    key_lines: dict[str, int]


def load_yaml_file(path: Path, root: Path, required: bool = True) -> tuple[ConfigFile | None, list[Problem]]:
    rel = _display(path, root)
    escaped = path.exists() and escape(path, root, rel, "配置文件")
    if escaped:
        return None, [escaped]
    if not path.exists():
        if not required:
            return None, []
        return None, [Problem("missing-file", rel, "找不到这个文件。",
                              hint="从示例仓库复制一份，再按本机关情况修改。")]
    text, problem = read_text(path, rel)
    if problem:
        return None, [problem]
    key_lines = scan_nested_key_lines(text.split("\n"))
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, rel, 0, "文件", text)]
    return ConfigFile(rel, path, data, key_lines), []


@dataclass
class Inputs:
    """Everything the later stages need, read from one project directory."""
    root: Path
    site: ConfigFile | None
    columns: ConfigFile | None
    topics: ConfigFile | None
    presets: dict[str, ConfigFile]
    sources: list[Source]
    pages: dict[str, str]          # hand-written content pages: rel path → text
    problems: list[Problem]
    updated: dict[str, date] = field(default_factory=dict)  # rel path → last change


def last_changed(root: Path, rels: list[str]) -> dict[str, date]:
    """Date of the last commit touching each file; the file's mtime when it has
    uncommitted changes or there is no git history."""
    out = {}
    for rel in rels:
        path = root / rel
        if not path.exists():
            continue
        mtime = datetime.fromtimestamp(path.stat().st_mtime).date()
        try:
            dirty = subprocess.run(["git", "status", "--porcelain", "--", rel], cwd=root, capture_output=True,
                                   text=True, timeout=20)
            logged = subprocess.run(["git", "log", "-1", "--format=%cs", "--", rel], cwd=root,
                                    capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            out[rel] = mtime
            continue
        stamp = logged.stdout.strip()
        clean = dirty.returncode == 0 and not dirty.stdout.strip()
        out[rel] = date.fromisoformat(stamp) if (stamp and clean) else mtime
    return out


DATA_DIR = Path(__file__).parent.parent / "data"


def load_project(root: Path, catalogue: str = "catalogue", content: str = "content",
                 cache: Cache | None = None) -> Inputs:
    root = Path(root).resolve()
    cat = root / catalogue
    problems: list[Problem] = []
    site, found = load_yaml_file(cat / "site.yml", root)
    problems += found
    columns, found = load_yaml_file(cat / "columns.yml", root)
    problems += found
    topics, found = load_yaml_file(cat / "topics.yml", root, required=False)
    problems += found
    if topics is None:
        topics, found = load_yaml_file(DATA_DIR / "topics.yml", DATA_DIR)
        problems += found
    presets = {}
    for path in sorted((DATA_DIR / "presets").glob("*.yml")):
        preset, found = load_yaml_file(path, DATA_DIR)
        problems += found
        if preset is not None:
            presets[path.stem] = preset
    sources, found = load_items(cat / "items", root, cache)
    problems += found
    pages = {}
    content_dir = root / content
    for path in sorted(content_dir.rglob("*.md")) if content_dir.exists() else []:
        rel = _display(path, root)
        problem = escape(path, root, rel, "页面文件")
        if problem:
            problems.append(problem)
            continue
        text, problem = read_text(path, rel)
        if problem:
            problems.append(problem)
        else:
            pages[path.relative_to(content_dir).as_posix()] = text
    for path in sorted((root / "overrides").rglob("*")) if (root / "overrides").is_dir() else []:
        if path.is_symlink():
            problem = escape(path, root, _display(path, root), "模板文件")
            problems += [problem] if problem else []
    updated = last_changed(root, [f"{content}/{p}" for p in pages] +
                           [f"{catalogue}/site.yml", f"{catalogue}/columns.yml"])
    return Inputs(root, site, columns, topics, presets, sources, pages, problems, updated)
