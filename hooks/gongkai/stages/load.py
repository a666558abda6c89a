"""Stage 1 — load: read files from disk into plain data.

Reads every input of the build — item files, their attachments (and the attachments' text), config
files, the files the stages after the model check (inspection.yml, nil.yml, standard.yml, 年报 data,
the 依申请 register, the package's data), templates, git history — decoding and parsing YAML, and
reports problems that stop a file from being read at all (encoding, front matter, YAML syntax). No
later stage opens a file. Every input gets a FileState (stat and content hash): a file whose stat is
unchanged since the last load is not read again, and `changed` compares two builds' files.
Nothing here knows the schema.
"""
from __future__ import annotations

import os
import re
import subprocess
import time
from datetime import date, datetime
from importlib import metadata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml

from ..core import workers
from . import extract
from ..core.cache import DIR, Cache, digest, load_state, save_state
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


def read_text(path: Path, rel: str, data: bytes | None = None) -> tuple[str | None, Problem | None]:
    """Decode a file (or its bytes, when already read) as UTF-8 (BOM and CRLF accepted)."""
    data = path.read_bytes() if data is None else data
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


def load_source(path: Path, root: Path, data: bytes | None = None,
                mtime_ns: int | None = None) -> tuple[Source | None, list[Problem]]:
    rel = _display(path, root)
    text, problem = read_text(path, rel, data)
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
                 key_lines=key_lines, body_line=body_line,
                 mtime_ns=path.stat().st_mtime_ns if mtime_ns is None else mtime_ns)
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


class FileState(NamedTuple):
    """What the build knows of one input file: its stat (to see it unchanged without reading it) and a
    hash of its bytes. Pseudo-entries (git:…) hold a hash of a derived input in `hash`, zeros elsewhere."""
    size: int
    mtime_ns: int
    hash: str
    inode: int = 0
    ctime_ns: int = 0

    def same_stat(self, st: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.inode, self.ctime_ns) == (
            st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


STATE_KEY = "load:file-states"      # in the load cache: the last load's states, by rel path (a stat index)
BUILT_FILE = "built-files.pickle"   # under the cache directory: the files of the last successful build
RACY_NS = 2 * 10 ** 9               # a file changed this recently may change again within its mtime tick


class Files:
    """The state of every file load reads or hashes. A file whose size, mtime, ctime and inode equal the last
    load's record keeps that record's hash without being read; the others are read and hashed. A file
    changed within RACY_NS of this load is hashed but not trusted next time (a second write in the same
    clock tick would leave its stat unchanged)."""

    def __init__(self, root: Path, cache: Cache | None = None):
        self.root = root
        known = cache.get(STATE_KEY) if cache is not None else None
        self.known: dict[str, FileState] = known if isinstance(known, dict) else {}
        self.files: dict[str, FileState] = {}
        self.racy: set[str] = set()
        self.now = time.time_ns()

    def unchanged(self, rel: str, st: os.stat_result) -> FileState | None:
        """The last load's state when the stat is the same (the file is not read)."""
        old = self.known.get(rel)
        if old is not None and old.same_stat(st) and self.now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self.files[rel] = old
            return old
        return None

    def record(self, rel: str, st: os.stat_result, data: bytes) -> FileState:
        state = FileState(st.st_size, st.st_mtime_ns, digest(data), st.st_ino, st.st_ctime_ns)
        self.files[rel] = state
        if self.now - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_NS:
            self.racy.add(rel)
        return state

    def read(self, path: Path, rel: str) -> bytes:
        """The bytes of a file that is read anyway (config files, pages), recorded with their hash."""
        st = path.stat()
        data = path.read_bytes()
        self.record(rel, st, data)
        return data

    def hashed(self, path: Path, rel: str, st: os.stat_result | None = None) -> tuple[FileState, bytes | None]:
        """Stat first: (state, None) when unchanged since the last load, else (state, the bytes read)."""
        st = st or path.stat()
        state = self.unchanged(rel, st)
        if state is not None:
            return state, None
        data = path.read_bytes()
        return self.record(rel, st, data), data

    def pseudo(self, name: str, value) -> None:
        """A derived input (a git query's result, a package's version) as an entry with the hash of its
        value (and no stat: inode 0)."""
        self.files[name] = FileState(0, 0, digest(repr(value)))

    def keep(self, cache: Cache | None) -> None:
        """Save the states for the next load's stat-first lookup."""
        states = {rel: st for rel, st in self.files.items() if rel not in self.racy and st.inode}
        if cache is not None and states != self.known:        # unchanged: the stored record stays
            cache.put(STATE_KEY, states)


class Entry(NamedTuple):
    """A file (or a linked folder) found below a folder, with its one stat."""
    path: Path
    rel: str                        # from the project root, with /
    st: os.stat_result | None       # None: a linked folder, or a link that leads nowhere
    link: bool                      # a symbolic link
    folder: bool                    # a linked folder (listed, not entered)


def scan(folder: Path, root: Path) -> list[Entry]:
    """Every file below folder in find_items' order (in each folder: its linked subfolders, its files, then
    its subfolders' contents); hidden folders skipped, linked folders listed and not entered."""
    out: list[Entry] = []
    base = str(root) + os.sep

    def rel(path: str) -> str:
        return path[len(base):].replace(os.sep, "/") if path.startswith(base) else _display(Path(path), root)

    def visit(path: str) -> None:
        try:
            with os.scandir(path) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError:
            return
        dirs = [e for e in entries if e.is_dir()]
        out.extend(Entry(Path(e.path), rel(e.path), None, True, True) for e in dirs
                   if e.is_symlink() and not e.name.startswith("."))
        for e in entries:
            if e.is_dir():
                continue
            try:
                st = e.stat()
            except OSError:
                st = None
            out.append(Entry(Path(e.path), rel(e.path), st, e.is_symlink(), False))
        for e in dirs:
            if not e.is_symlink() and not e.name.startswith("."):
                visit(e.path)

    visit(str(folder))
    return out


def _item_entries(entries: list[Entry], root: Path, inside: bool) -> tuple[list[Entry], list[Problem]]:
    """The item files among entries, and the problems of those that cannot be read (links out of the
    repository, linked folders). `inside`: the folder scanned is inside the repository."""
    items, problems = [], []
    for e in entries:
        if not e.folder and (e.path.name.startswith(".") or not e.path.name.endswith(".md")):
            continue
        escaped = escape(e.path, root, e.rel, "信息文件") if e.link or not inside else None
        if escaped:
            problems.append(escaped)
        elif e.folder:
            problems.append(Problem("path-escape", e.rel,
                                    f"这个文件夹是符号链接，指向“{_display(e.path.resolve(), root)}”，其中的信息不予读取。",
                                    line=1, hint="删除这个链接，把信息文件直接放在 catalogue/items/ 下的文件夹里。"))
        elif e.st is None:
            problems.append(Problem("path-escape", e.rel, "这个文件是失效的符号链接，无法读取。", line=1,
                                    hint="删除这个链接，把真实的文件放在仓库里。"))
        else:
            items.append(e)
    return items, problems


def load_items(items_dir: Path, root: Path, cache: Cache | None = None, files: Files | None = None,
               entries: list[Entry] | None = None) -> tuple[list[Source], list[Problem]]:
    """Every item file, parsed on all cores. Stat first: a file whose stat is that of the last load is not
    read, its parsed record comes from the cache by its hash; a file whose stat differs is read and hashed,
    and parsed only when the cache has no record for those bytes. `entries`: scan(items_dir) when known."""
    files = files if files is not None else Files(root, cache)
    inside = escape(items_dir, root, "") is None
    found, problems = _item_entries(entries if entries is not None else scan(items_dir, root), root, inside)
    paths, rels, stats = [e.path for e in found], [e.rel for e in found], [e.st for e in found]
    keys, data = [], {}
    for n, (rel, path, st) in enumerate(zip(rels, paths, stats)):
        state, read = files.hashed(path, rel, st)
        keys.append(digest("item", rel, state.hash))
        if read is not None:
            data[n] = read
    known = cache.get_many(keys) if cache else {}
    unparsed = [n for n in range(len(paths)) if keys[n] not in known]
    for n in unparsed:
        if n not in data:                   # stat unchanged but the cache lost the record
            data[n] = paths[n].read_bytes()
            keys[n] = digest("item", rels[n], files.record(rels[n], stats[n], data[n]).hash)
    parts = workers.map_slices(lambda a, b: [load_source(paths[n], root, data[n], stats[n].st_mtime_ns)
                                             for n in unparsed[a:b]], len(unparsed))
    parsed = dict(zip(unparsed, (done for part in parts for done in part)))
    sources = []
    for n, path in enumerate(paths):
        if n in parsed:
            src, found_here = parsed[n]
            if cache:
                cache.put(keys[n], (src and (src.meta, src.body, src.key_lines, src.body_line), found_here))
        else:
            fields, found_here = known[keys[n]]
            src = fields and Source(rels[n], path, *fields, mtime_ns=stats[n].st_mtime_ns)
        problems.extend(found_here)
        if src is not None:
            sources.append(src)
    return sources, problems


def entry_lines(cfg: "ConfigFile", key: str | None = None) -> list[int]:
    """Line of each entry of a YAML sequence (top level, or under a top-level key) of a loaded file."""
    try:
        node = yaml.compose(cfg.text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
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
    text: str = ""                 # as read (BOM removed, newlines made \n): for node-level line numbers


def parse_config(text: str, rel: str, path: Path) -> tuple[ConfigFile | None, list[Problem]]:
    """A config file's text, already read, parsed as YAML."""
    key_lines = scan_nested_key_lines(text.split("\n"))
    try:
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, rel, 0, "文件", text)]
    return ConfigFile(rel, path, data, key_lines, text), []


def load_yaml_file(path: Path, root: Path, required: bool = True,
                   files: "Files | None" = None, key: str | None = None) -> tuple[ConfigFile | None, list[Problem]]:
    """A YAML config file; with `files`, its state is recorded under `key` (default: its path from root)."""
    rel = _display(path, root)
    escaped = path.exists() and escape(path, root, rel, "配置文件")
    if escaped:
        return None, [escaped]
    if not path.exists():
        if not required:
            return None, []
        return None, [Problem("missing-file", rel, "找不到这个文件。",
                              hint="从示例仓库复制一份，再按本机关情况修改。")]
    data = files.read(path, key or rel) if files is not None else None
    text, problem = read_text(path, rel, data)
    if problem:
        return None, [problem]
    return parse_config(text, rel, path)


class ReportFile(NamedTuple):
    """A file directly in catalogue/reports/ (年报 data, the 依申请 register, anything else found there)."""
    rel: str
    name: str
    text: str | None               # .yml, .yaml and .csv files: the text, when it could be read
    problem: Problem | None        # why it could not be read (a link out of the repository, encoding …)


class Text(NamedTuple):
    """The plain text of an attachment (None: not a type that is read, or unreadable), and for a .docx
    its parts (正文, 表格, 页眉 …) for naming where the inspection found something."""
    text: str | None
    parts: list[tuple[str, str]]


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
    # Read here for the stages after the model, which report their problems as they always did:
    # catalogue/inspection.yml, nil.yml, standard.yml, the package's standard presets and 年报 format.
    configs: dict[str, tuple[ConfigFile | None, list[Problem]]] = field(default_factory=dict)
    reports: list[ReportFile] = field(default_factory=list)
    texts: dict[str, Text] = field(default_factory=dict)          # attachment rel path → its text
    templates: dict[str, str] = field(default_factory=dict)       # overrides/gongkai/: name → template text
    entered: dict[str, date] | None = None     # item rel path → first commit (git), None without git
    files: dict[str, FileState] = field(default_factory=dict)     # every file read or hashed, git:… entries
    previous: dict[str, FileState] | None = None   # `files` of the last successful build, if any
    _by_rel: dict[str, Source] | None = field(default=None, repr=False)

    def source(self, rel: str) -> Source | None:
        if self._by_rel is None:
            self._by_rel = {s.rel: s for s in self.sources}
        return self._by_rel.get(rel)

    def rel(self, path: Path) -> str | None:
        """A path's key in `files` (None outside the project)."""
        try:
            return Path(os.path.normpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def file(self, path: Path) -> FileState | None:
        """The state of a file of the project that load saw (None: no such file)."""
        rel = self.rel(path)
        return self.files.get(rel) if rel else None

    def text(self, path: Path) -> Text:
        rel = self.rel(path)
        return self.texts.get(rel, Text(None, [])) if rel else Text(None, [])


Changes = tuple[set[str], set[str], set[str]]


def changed(previous: dict[str, FileState] | None, current: dict[str, FileState]) -> Changes:
    """(added, changed, removed) rel paths between two builds' files, by content hash (a renamed file is
    removed under its old name and added under its new one). Without a previous build, everything is added."""
    previous = previous or {}
    added = current.keys() - previous.keys()
    removed = previous.keys() - current.keys()
    edited = {rel for rel in current.keys() & previous.keys() if current[rel].hash != previous[rel].hash}
    return set(added), edited, set(removed)


def package_yaml(name: str) -> ConfigFile:
    """A YAML data file of the package (for the commands, which run outside the build); its problems mean
    a broken package, not staff input."""
    cfg, problems = load_yaml_file(DATA_DIR / name, DATA_DIR)
    if problems:
        raise RuntimeError(problems[0].format())
    return cfg


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _state_dir(root: Path) -> Path | None:
    return None if os.environ.get("GONGKAI_CACHE") == "0" else Path(root) / DIR


def built_files(root: Path) -> dict[str, FileState] | None:
    """`files` of the project's last successful build (None: none recorded, caching off, unreadable)."""
    folder = _state_dir(root)
    found = load_state(folder / BUILT_FILE if folder else None)
    return found if isinstance(found, dict) else None


def remember(inputs: Inputs) -> None:
    """Keep this build's files as the previous build's for the next one: call after a successful build."""
    folder = _state_dir(inputs.root)
    if folder is not None:
        save_state(folder / BUILT_FILE, inputs.files)


def last_changed(root: Path, rels: list[str], git: bool = True) -> dict[str, date]:
    """Date of the last commit touching each file; the file's mtime when it has
    uncommitted changes or there is no git history (git=False: not a git work tree, git is not asked)."""
    out = {}
    for rel in rels:
        path = root / rel
        if not path.exists():
            continue
        mtime = datetime.fromtimestamp(path.stat().st_mtime).date()
        if not git:
            out[rel] = mtime
            continue
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
DATA_KEY = "hooks/gongkai/data/"    # the package's data files, in `files` and `configs`
FORMAT_NAME = "annual_report_2021.yaml"
READ_LATER = ("inspection.yml", "nil.yml", "standard.yml")     # catalogue files for the stages after the model


def entry_dates(root: Path, rel_dir: str) -> dict[str, date] | None:
    """Date each file under rel_dir first entered git (renames followed), or None without git."""
    try:
        inside = subprocess.run(["git", "rev-parse", "--is-inside-work-tree"], cwd=root, capture_output=True,
                                text=True, timeout=20)
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return None
        log = subprocess.run(["git", "-c", "core.quotepath=off", "log", "--relative", "-M", "--diff-filter=AR",
                              "--name-status", "--format=@@%cs", "--", rel_dir],
                             cwd=root, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    if log.returncode != 0:                       # a repository without commits: nothing has entered yet
        return {}
    entered: dict[str, date] = {}
    alias: dict[str, str] = {}          # path in older history → path today
    when = None
    for line in log.stdout.splitlines():          # newest first
        if line.startswith("@@"):
            when = date.fromisoformat(line[2:])
            continue
        parts = line.split("\t")
        if when is None or len(parts) < 2:
            continue
        if parts[0].startswith("R") and len(parts) == 3:
            alias[parts[1]] = alias.get(parts[2], parts[2])
        elif parts[0] == "A":
            entered[alias.get(parts[1], parts[1])] = when
    return entered


def _inside(path: Path, root: Path) -> bool:
    """A file that is not a link out of the repository (and not a broken link)."""
    return path.exists() and escape(path, root, "") is None


def report_files(folder: Path, root: Path, files: Files | None = None) -> list[ReportFile]:
    """The files directly in catalogue/reports/, in name order; the text of the .yml, .yaml and .csv ones."""
    files = files if files is not None else Files(root)
    out = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith(".") or not path.is_file():
            continue
        rel = _display(path, root)
        if path.suffix.lower() not in (".yml", ".yaml", ".csv"):
            if _inside(path, root):
                files.hashed(path, rel)
            out.append(ReportFile(rel, path.name, None, None))
            continue
        escaped = escape(path, root, rel, "配置文件")
        if escaped:
            out.append(ReportFile(rel, path.name, None, escaped))
            continue
        text, problem = read_text(path, rel, files.read(path, rel))
        out.append(ReportFile(rel, path.name, text, problem))
    return out


TEXTS_KEY = "load:text-hashes"      # in the load cache: content hashes whose attachment text it holds


def _texts(found: list[Entry], files: Files, cache: Cache | None) -> dict[str, Text]:
    """The text of every attachment of a type that is read, each file read at most once: one whose stat is
    unchanged is not read (its text comes from the cache by its hash); the others are read, hashed and,
    unless the cache has text for those bytes, extracted in the same pass, on all cores."""
    held = cache.get(TEXTS_KEY) if cache is not None else None
    held = held if isinstance(held, set) else set()
    hashes: dict[str, str] = {}
    todo = []
    for e in found:
        state = files.unchanged(e.rel, e.st)
        if state is not None:
            hashes[e.rel] = state.hash
        else:
            todo.append(e)

    def task(a: int, b: int) -> list[tuple[str, Text | None]]:     # in a worker: read, hash, extract
        out = []
        for e in todo[a:b]:
            data = e.path.read_bytes()
            h = digest(data)
            out.append((h, None if h in held else Text(*extract.extract(data, e.rel))))
        return out

    extracted: dict[str, Text] = {}
    for e, (h, text) in zip(todo, (r for part in workers.map_slices(task, len(todo), min_slice=4) for r in part)):
        files.files[e.rel] = FileState(e.st.st_size, e.st.st_mtime_ns, h, e.st.st_ino, e.st.st_ctime_ns)
        if files.now - max(e.st.st_mtime_ns, e.st.st_ctime_ns) <= RACY_NS:
            files.racy.add(e.rel)
        hashes[e.rel] = h
        if text is not None:
            extracted[e.rel] = text
    keys = {rel: digest("text", h) for rel, h in hashes.items() if rel not in extracted}
    known = cache.get_many(list(keys.values())) if cache else {}
    out: dict[str, Text] = {}
    for e in found:
        if e.rel in extracted:
            out[e.rel] = extracted[e.rel]
            if cache is not None:
                cache.put(digest("text", hashes[e.rel]), tuple(extracted[e.rel]))
        elif keys[e.rel] in known:
            out[e.rel] = Text(*known[keys[e.rel]])
        else:                       # the cache lost the text: read again
            out[e.rel] = Text(*extract.extract(e.path.read_bytes(), e.rel))
            if cache is not None:
                cache.put(keys[e.rel], tuple(out[e.rel]))
    if cache is not None and set(hashes.values()) != held:
        cache.put(TEXTS_KEY, set(hashes.values()))
    return out


def load_project(root: Path, catalogue: str = "catalogue", content: str = "content",
                 cache: Cache | None = None) -> Inputs:
    """Every input of the build. With a cache, a file whose stat is unchanged since the last load is not
    read again (see Files)."""
    root = Path(root).resolve()
    cat = root / catalogue
    files = Files(root, cache)
    problems: list[Problem] = []
    site, found = load_yaml_file(cat / "site.yml", root, files=files)
    problems += found
    columns, found = load_yaml_file(cat / "columns.yml", root, files=files)
    problems += found
    topics, found = load_yaml_file(cat / "topics.yml", root, required=False, files=files)
    problems += found
    if topics is None:
        topics, found = load_yaml_file(DATA_DIR / "topics.yml", DATA_DIR, files=files, key=DATA_KEY + "topics.yml")
        problems += found
    presets = {}
    for path in sorted((DATA_DIR / "presets").glob("*.yml")):
        preset, found = load_yaml_file(path, DATA_DIR, files=files, key=DATA_KEY + "presets/" + path.name)
        problems += found
        if preset is not None:
            presets[path.stem] = preset
    configs = {f"{catalogue}/{name}": load_yaml_file(cat / name, root, required=False, files=files)
               for name in READ_LATER}
    for path in sorted((DATA_DIR / "standard").glob("*.yml")) + [DATA_DIR / FORMAT_NAME]:
        key = DATA_KEY + path.relative_to(DATA_DIR).as_posix()
        configs[key] = load_yaml_file(path, DATA_DIR, required=False, files=files, key=key)
    reports = report_files(cat / "reports", root, files)
    entries = scan(cat, root)
    items_rel = f"{catalogue}/items/"
    sources, found = load_items(cat / "items", root, cache, files, [e for e in entries if e.rel.startswith(items_rel)])
    problems += found
    attachments = []
    inside = escape(cat, root, "") is None
    for e in entries:           # attachments, images, everything else in the catalogue folder
        if e.rel in files.files or e.st is None or ((e.link or not inside) and escape(e.path, root, e.rel)):
            continue
        if e.rel.startswith(items_rel) and e.path.suffix.lower().lstrip(".") in extract.READERS:
            attachments.append(e)
        else:
            files.hashed(e.path, e.rel, e.st)
    texts = _texts(attachments, files, cache)
    pages = {}
    content_dir = root / content
    for path in sorted(content_dir.rglob("*.md")) if content_dir.exists() else []:
        rel = _display(path, root)
        problem = escape(path, root, rel, "页面文件")
        if problem:
            problems.append(problem)
            continue
        text, problem = read_text(path, rel, files.read(path, rel))
        if problem:
            problems.append(problem)
        else:
            pages[path.relative_to(content_dir).as_posix()] = text
    templates = {}
    overrides = root / "overrides"
    for path in sorted(overrides.rglob("*")) if overrides.is_dir() else []:
        if path.is_symlink():
            problem = escape(path, root, _display(path, root), "模板文件")
            problems += [problem] if problem else []
    inside = escape(overrides, root, "") is None
    for e in scan(overrides, root) if overrides.is_dir() else []:
        if e.st is None or ((e.link or not inside) and escape(e.path, root, e.rel)):
            continue
        if e.rel.startswith("overrides/gongkai/"):         # the site's own page templates
            try:
                templates[e.rel[len("overrides/gongkai/"):]] = files.read(e.path, e.rel).decode("utf-8")
            except UnicodeDecodeError:
                continue
        else:
            files.hashed(e.path, e.rel, e.st)
    if (root / "mkdocs.yml").is_file():
        files.hashed(root / "mkdocs.yml", "mkdocs.yml")
    entered = entry_dates(root, f"{catalogue}/items")
    files.pseudo("git:entry-dates", sorted(entered.items()) if entered is not None else None)
    updated = last_changed(root, [f"{content}/{p}" for p in pages] +
                           [f"{catalogue}/site.yml", f"{catalogue}/columns.yml"], git=entered is not None)
    files.pseudo("git:last-changed", sorted(updated.items()))
    files.pseudo("package:chinesecalendar", _version("chinesecalendar"))    # the holidays, by year
    files.keep(cache)
    return Inputs(root, site, columns, topics, presets, sources, pages, problems, updated, configs, reports,
                  texts, templates, entered, files.files, built_files(root))
