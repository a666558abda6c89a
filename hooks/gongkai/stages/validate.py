"""Stage 2 — validate: check loaded data against the schema.

Every file is checked and every problem collected; nothing stops at the first
error and no item is dropped silently. The output is plain, typed records
(English field names) for the model stage, plus the list of problems.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from . import load
from ..core import schema, workers
from ..core.cache import Cache, code_version, digest
from .load import ConfigFile, FileState, Inputs, Source
from ..core.problems import ERROR, WARNING, Problem

SUMMARY_MAX = 100
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DOC_NO_RE = re.compile(r"^[\u4e00-\u9fa5A-Za-z]+〔\d{4}〕[1-9]\d*号$")
PHONE_RE = re.compile(r"^[\d\-—－（）() 、,，转]+$")
MD_IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")
HTML_IMG_RE = re.compile(r"<img\b[^>]*>", re.I)
ALT_RE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
MARKUP_RE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>?|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass
class Validated:
    site: dict | None
    columns: list[dict]            # the tree, nested under "children"
    topics: list[dict]
    items: list[dict]              # one record per valid item
    pages: dict[str, str]
    problems: list[Problem]
    updated: dict


# --- helpers ----------------------------------------------------------------

def _rel(path: Path, root: Path) -> str | None:
    """A resolved path's key in load.Inputs.files (None outside the project)."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def nearest(word: str, choices) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.3)
    return found[0] if found else None


def parse_date(value) -> tuple[date | None, str | None]:
    """(date, None) or (None, reason in Chinese)."""
    text = str(value).strip()
    if not DATE_RE.match(text):
        m = re.match(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$", text)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            return None, f"日期要写成 YYYY-MM-DD 格式，如 {y:04d}-{mo:02d}-{d:02d}"
        return None, "日期要写成 YYYY-MM-DD 格式，如 2024-03-05"
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, f"{text} 不是真实存在的日期"


def check_doc_no(value: str) -> tuple[str, str] | None:
    """None if the 文号 is in GB/T 9704 form, else (what is wrong, suggested form)."""
    if DOC_NO_RE.match(value):
        return None
    fixed = value.strip()
    reasons = []
    for left, right, name in (("[", "]", "方括号 [ ]"), ("(", ")", "圆括号 ( )"), ("（", "）", "圆括号（ ）"),
                              ("【", "】", "方头括号【 】"), ("﹝", "﹞", "形近的小括号﹝ ﹞"),
                              ("〈", "〉", "尖括号〈 〉"), ("［", "］", "全角方括号［ ］")):
        if left in fixed and right in fixed:
            reasons.append(f"年份用了{name}，应使用六角括号〔 〕")
            fixed = fixed.replace(left, "〔").replace(right, "〕")
    m = re.match(r"^(.*?)〔(\d+)〕(.*)$", fixed)
    if not m:
        return "不符合“机关代字〔年份〕序号号”的写法", "示政办〔2024〕12号"
    prefix, year, rest = m.groups()
    if len(year) == 2:
        reasons.append("年份应写全四位")
        year = "20" + year
    elif len(year) != 4:
        reasons.append("年份应是四位数字")
    if rest.startswith("第"):
        reasons.append("序号前不加“第”")
        rest = rest[1:]
    if not rest.endswith("号"):
        reasons.append("序号后应有“号”")
        rest = rest + "号"
    serial = rest[:-1]
    if serial.isdigit() and serial.startswith("0"):
        reasons.append("序号不编虚位（不加前导0）")
        serial = str(int(serial))
    if not re.match(r"^[\u4e00-\u9fa5A-Za-z]+$", prefix):
        reasons.append("机关代字只能由汉字或字母组成")
    if not serial.isdigit() or serial == "0":
        reasons.append("序号应是从1开始的阿拉伯数字")
    suggestion = f"{prefix}〔{year}〕{serial}号"
    return ("；".join(reasons) or "不符合 GB/T 9704 发文字号写法"), suggestion


# 公开属性 as printed on a 公文 (“此件公开发布”“（此件依申请公开）”“此件不予公开”) or on a 发文稿纸.
DISCLOSURE_MARK = re.compile(r"此件\s*(公开发布|主动公开|依申请公开|不予公开)|公开属性\s*[：:|]\s*(主动公开|依申请公开|不予公开)")
MARK_MODES = {"公开发布": "主动公开", "主动公开": "主动公开", "依申请公开": "依申请公开", "不予公开": "不予公开"}


def disclosure_marks(text: str) -> list[tuple[int, str]]:
    """(line, 公开方式) of every 公开属性 mark in a text (line numbers from 1)."""
    if "此件" not in text and "公开属性" not in text:
        return []
    return [(1 + text.count("\n", 0, m.start()), MARK_MODES[m.group(1) or m.group(2)])
            for m in DISCLOSURE_MARK.finditer(text)]


def normal_text(text: str) -> str:
    """Only the letters and digits of a text: two copies of one document compare equal however laid out."""
    return re.sub(r"[^\u4e00-\u9fffA-Za-z0-9]", "", text)


def credit_code_ok(code: str) -> bool:
    if len(code) != 18 or any(c not in CREDIT_CHARS for c in code):
        return False
    total = sum(CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS))
    return CREDIT_CHARS[(31 - total % 31) % 31] == code[17]


def index_regex(pattern: str, site: dict) -> re.Pattern:
    """Compile the configured 索引号 pattern into a regex."""
    out = []
    pos = 0
    for m in re.finditer(r"\{([^}]+)\}", pattern):
        out.append(re.escape(pattern[pos:m.start()]))
        name = m.group(1)
        if name == "统一社会信用代码":
            out.append(re.escape(site.get("credit_code", "")))
        elif name == "组织机构代码":
            out.append(re.escape(site.get("credit_code", "")[8:17]))
        elif name == "行政区划代码":
            out.append(re.escape(site.get("area_code", "")))
        elif name == "YYYY":
            out.append(r"(?P<year>\d{4})")
        elif name == "YYYYMM":
            out.append(r"(?P<year>\d{4})(?:0[1-9]|1[0-2])")
        elif re.fullmatch(r"N+", name):
            out.append(r"(?P<serial>\d{%d})" % len(name))
        else:
            out.append(re.escape(m.group(0)))
        pos = m.end()
    out.append(re.escape(pattern[pos:]))
    return re.compile("^" + "".join(out) + "$")


def index_example(pattern: str, site: dict) -> str:
    example = (pattern.replace("{统一社会信用代码}", site.get("credit_code", ""))
               .replace("{组织机构代码}", site.get("credit_code", "")[8:17])
               .replace("{行政区划代码}", site.get("area_code", ""))
               .replace("{YYYYMM}", "202403").replace("{YYYY}", "2024"))
    return re.sub(r"\{(N+)\}", lambda m: "1".zfill(len(m.group(1))), example)


def slug_of(index_no: str) -> str:
    """URL slug derived from the 索引号: stable across renames and moves."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", index_no)


def _filled(value) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _type_name(value) -> str:
    return {dict: "一组“字段: 值”", list: "列表", bool: "是/否", int: "数字", float: "数字"}.get(
        type(value), "文字")


# --- site config ------------------------------------------------------------

def _get_path(data: dict, path: str):
    cur = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _site_known_paths() -> set[str]:
    known = set()
    for f in schema.SITE_FIELDS:
        parts = f.path.split(".")
        for i in range(1, len(parts) + 1):
            known.add(".".join(parts[:i]))
    return known


def validate_site(cfg: ConfigFile | None, root: Path, catalogue_dir: Path,
                  files: dict[str, FileState] | None = None) -> tuple[dict | None, list[Problem]]:
    """site.yml; with `files` (load.Inputs.files), also whether its image files exist."""
    if cfg is None:
        return None, []
    rel = cfg.rel
    problems: list[Problem] = []
    data = cfg.data
    if not isinstance(data, dict):
        return None, [Problem("config-shape", rel, "应由“字段: 值”组成。", line=1,
                              hint="参照示例仓库的 catalogue/site.yml 填写。")]

    def line_of(path: str):
        parts = path.split(".")
        for n in range(len(parts), 0, -1):
            if ".".join(parts[:n]) in cfg.key_lines:
                return cfg.key_lines[".".join(parts[:n])]
        return None

    known = _site_known_paths()

    def walk(node: dict, prefix: str):
        for key, value in node.items():
            path = f"{prefix}{key}"
            if path not in known:
                siblings = [k.split(".")[-1] for k in known if k.rsplit(".", 1)[0] == prefix.rstrip(".")
                            or (not prefix and "." not in k)]
                near = nearest(str(key), siblings)
                problems.append(Problem("site-unknown-key", rel, "不是可用的设置项。", line=cfg.key_lines.get(path),
                                        field=path, hint=f"是否想写“{near}”？" if near else "删除这一项。"))
            elif isinstance(value, dict) and any(k.startswith(path + ".") for k in known):
                walk(value, path + ".")

    walk(data, "")
    site: dict = {}
    by_portal = _get_path(data, "网站.页脚由门户提供") is True
    for f in schema.SITE_FIELDS:
        value = _get_path(data, f.path)
        where = dict(line=line_of(f.path), field=f.path)
        if value is None or value == "":
            if f.required and not (by_portal and f.path.startswith("网站.") and f.path != "网站.主办单位"):
                problems.append(Problem("site-missing", rel, f"缺少此项（{f.doc}）。", **where,
                                        hint=f"在 {rel} 中填写“{f.path.split('.')[-1]}”。"))
            site[f.name] = f.default
            continue
        if f.kind == "text":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                problems.append(Problem("site-type", rel, f"应是一段文字，现在是{_type_name(value)}。", **where,
                                        hint="写成“字段: 文字”。"))
                continue
            value = value.strip()
            if f.pattern and not re.match(f.pattern, value):
                problems.append(Problem("site-pattern", rel, f"“{value}”格式不对，应为{f.pattern_doc}。", **where,
                                        hint="核对后改正。数字开头的值请加英文引号，如 \"349901\"。"))
        elif f.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                problems.append(Problem("site-type", rel, "应是一个正整数。", **where, hint="如 20。"))
                continue
        elif f.kind == "bool":
            if not isinstance(value, bool):
                problems.append(Problem("site-type", rel, "应填 true 或 false。", **where, hint="如 false。"))
                continue
        elif f.kind == "list":
            if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
                problems.append(Problem("site-type", rel, "应是若干项文字组成的列表。", **where,
                                        hint="每项一行，写成“  - 文字”。"))
                continue
            value = [str(v).strip() for v in value]
        elif f.kind == "channels":
            value = _validate_channels(value, rel, where, problems)
        elif f.kind == "publishers":
            value = _validate_publishers(value, rel, where, problems)
        elif f.kind == "sites":
            value = _validate_search_sites(value, cfg, str(_get_path(data, "机构全称") or ""), where, problems)
        site[f.name] = value

    site["retired_index_nos"] = site.get("retired_index_nos") or []
    site["search_sites"] = site.get("search_sites") or [{"名称": site.get("body_name") or "", "地址": ""}]
    code = site.get("credit_code")
    if isinstance(code, str) and re.match(schema.SITE_BY_PATH["统一社会信用代码"].pattern, code) \
            and not credit_code_ok(code):
        problems.append(Problem("site-credit-code", rel, f"{code} 的校验位不对（GB 32100）。",
                                line=line_of("统一社会信用代码"), field="统一社会信用代码",
                                hint="对照本机关统一社会信用代码证书逐位核对。"))
    sc, area = site.get("site_code"), site.get("area_code")
    if isinstance(sc, str) and isinstance(area, str) and sc[:1].isdigit() and not sc.startswith(area):
        problems.append(Problem("site-code-area", rel, f"网站标识码 {sc} 的前6位与行政区划代码 {area} 不一致。",
                                line=line_of("网站.网站标识码"), field="网站.网站标识码", severity=WARNING,
                                hint="核对网站标识码证书。"))
    mark = site.get("gov_mark")
    target = (catalogue_dir / mark).resolve() if isinstance(mark, str) else None
    if target is not None and root.resolve() not in target.parents:
        problems.append(Problem("path-escape", rel, f"图片路径 {mark} 指向仓库之外的“{target.as_posix()}”，不予读取。",
                                line=line_of("网站.党政机关网站标识"), field="网站.党政机关网站标识",
                                hint="把图片放到 catalogue/assets/ 中，写相对 catalogue/ 的路径，如 assets/dzjg.png。"))
    elif isinstance(mark, str) and files is not None and _rel(target, root) not in files:
        problems.append(Problem("site-file-missing", rel, f"找不到图片文件 {mark}。",
                                line=line_of("网站.党政机关网站标识"), field="网站.党政机关网站标识",
                                hint=f"把图片放到 {(catalogue_dir / mark).relative_to(root).as_posix()}，或改正路径。"))
    pattern = site.get("index_pattern") or ""
    if not re.search(r"\{N+\}", pattern):
        problems.append(Problem("site-index-pattern", rel, "索引号格式中缺少流水号占位符（如 {NNNNN}）。",
                                line=line_of("索引号格式"), field="索引号格式",
                                hint="如 \"{统一社会信用代码}/{YYYY}-{NNNNN}\"。"))
    return site, problems


def _validate_channels(value, rel, where, problems):
    if not isinstance(value, list):
        problems.append(Problem("site-type", rel, "应是一个列表，每项写“渠道”和“说明”。", **where,
                                hint="参照示例 site.yml。"))
        return []
    out = []
    for i, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or not entry.get("渠道"):
            problems.append(Problem("site-channel", rel, f"第{i}个渠道缺少“渠道”名称。", **where,
                                    hint="每项写成“- 渠道: 当面提交”和“说明: ……”。"))
            continue
        unknown = set(entry) - set(schema.CHANNEL_KEYS)
        for key in unknown:
            problems.append(Problem("site-channel", rel, f"第{i}个渠道中“{key}”不是可用的项。", **where,
                                    hint="每个渠道只写“渠道”和“说明”。"))
        if not str(entry.get("说明") or "").strip():
            problems.append(Problem("site-channel", rel, f"渠道“{entry['渠道']}”缺少使用说明。", **where,
                                    hint="写明地址、号码或网址以及怎样视为收到申请（国办公开办函〔2017〕19号要求在指南中说明）。"))
        out.append({"name": str(entry["渠道"]).strip(), "how": str(entry.get("说明") or "").strip()})
    names = [c["name"] for c in out]
    for required in schema.REQUIRED_CHANNELS:
        if required not in names:
            problems.append(Problem("site-channel", rel, f"缺少“{required}”渠道：当面提交和邮政寄送是不得拒绝的基本渠道。",
                                    **where, hint=f"增加一项“- 渠道: {required}”并写明说明。"))
    return out


def _validate_publishers(value, rel, where, problems):
    if not isinstance(value, list) or not value:
        problems.append(Problem("site-type", rel, "应是一个列表，每项写“名称”和“标识”。", **where,
                                hint="如 - {名称: 示例县人民政府, 标识: xzf}"))
        return []
    out, seen = [], set()
    for i, entry in enumerate(value, 1):
        if not isinstance(entry, dict) or not entry.get("名称") or not entry.get("标识"):
            problems.append(Problem("site-publisher", rel, f"第{i}个发布机构要同时写“名称”和“标识”。", **where,
                                    hint="如 - {名称: 示例县财政局, 标识: czj}"))
            continue
        slug = str(entry["标识"])
        if not SLUG_RE.match(slug):
            problems.append(Problem("site-publisher", rel, f"发布机构“{entry['名称']}”的标识“{slug}”只能用小写字母、数字和减号。",
                                    **where, hint="如 czj。"))
        if slug in seen:
            problems.append(Problem("site-publisher", rel, f"发布机构标识“{slug}”重复。", **where,
                                    hint="每个发布机构用不同的标识。"))
        seen.add(slug)
        out.append({"name": str(entry["名称"]).strip(), "slug": slug})
    return out


def _validate_search_sites(value, cfg: ConfigFile, body_name: str, where: dict, problems: list) -> list[dict]:
    """联合检索: the other sites the search page covers, each {名称, 地址}; this site is added first."""
    out = [{"名称": body_name, "地址": ""}]
    example = "如 - {名称: 示例县青山镇人民政府, 地址: ../qsz/}。"
    if not isinstance(value, list):
        problems.append(Problem("site-search-sites", cfg.rel, "应是一个列表，每项写“名称”和“地址”。", **where, hint=example))
        return out
    lines = load.entry_lines(cfg, "联合检索")
    how = "写对方网站首页的完整网址（如 https://www.example.gov.cn/zwgk/qsz/），或相对本站首页的路径（如 ../qsz/）。"
    names, urls = {body_name}, {""}
    for i, entry in enumerate(value):
        def add(message: str, hint: str) -> None:
            problems.append(Problem("site-search-sites", cfg.rel, message, field=where["field"], hint=hint,
                                    line=lines[i] if i < len(lines) else where["line"]))
        if not isinstance(entry, dict) or not all(str(entry.get(k) or "").strip() for k in schema.SEARCH_SITE_KEYS):
            add(f"第{i + 1}个网站要同时写“名称”和“地址”。", example)
            continue
        for key in set(entry) - set(schema.SEARCH_SITE_KEYS):
            add(f"第{i + 1}个网站中“{key}”不是可用的项。", "每个网站只写“名称”和“地址”。")
        name, url = str(entry["名称"]).strip(), str(entry["地址"]).strip()
        if url.startswith("/"):
            add(f"“{name}”的地址“{url}”以 / 开头：本站放在子路径下或离线查询机上时会找错位置。", how)
        elif re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url) and not re.match(r"https?://[^/\s]+/", url):
            add(f"“{name}”的地址“{url}”不是以 http:// 或 https:// 开头的网址。", how)
        elif re.search(r"\s", url) or not url.endswith("/"):
            add(f"“{name}”的地址“{url}”应是对方网站首页所在的文件夹，以 / 结尾，中间不能有空格。", how)
        elif name == body_name:
            add(f"“{name}”是本站的机构全称：本站总是排在第一位检索，不需要列出。", "删除这一项。")
        elif name in names or url in urls or url == "./":
            add(f"“{name}”（{url}）重复，或就是本站。", "每个网站只列一次，名称和地址都不重复。")
        else:
            out.append({"名称": name, "地址": url})
        names.add(name)
        urls.add(url)
    return out


# --- columns and topics -----------------------------------------------------

def validate_columns(cfg: ConfigFile | None, presets: dict[str, ConfigFile]) -> tuple[list[dict], list[Problem]]:
    if cfg is None:
        return [], []
    rel, problems = cfg.rel, []
    data = cfg.data if isinstance(cfg.data, dict) else {}
    source, src_rel = data.get("栏目"), rel
    if source is None and "预设" in data:
        wanted = str(data["预设"])
        match = [p for name, p in presets.items()
                 if name == wanted or (isinstance(p.data, dict) and p.data.get("名称") == wanted)]
        if not match:
            names = [p.data.get("名称") for p in presets.values() if isinstance(p.data, dict)]
            return [], [Problem("columns-preset", rel, f"没有名为“{wanted}”的预设。", line=cfg.key_lines.get("预设"),
                                field="预设", hint="可用的预设：" + "、".join(map(str, names)))]
        source, src_rel = match[0].data.get("栏目"), "hooks/gongkai/data/presets/" + match[0].path.name
    if not isinstance(source, list) or not source:
        return [], [Problem("columns-shape", rel, "需要“预设: 名称”或“栏目:”列表。", line=1,
                            hint="参照示例仓库的 catalogue/columns.yml。")]
    slugs: set[str] = set()
    leaf_names: dict[str, str] = {}

    def build(entries, parent_path):
        out = []
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("名称"):
                problems.append(Problem("column-shape", src_rel, f"“{parent_path or '栏目'}”下有一项缺少“名称”。",
                                        hint="每个栏目写“名称”“标识”“说明”。"))
                continue
            name = str(entry["名称"])
            for key in set(entry) - set(schema.COLUMN_KEYS):
                near = nearest(str(key), schema.COLUMN_KEYS)
                problems.append(Problem("column-key", src_rel, f"栏目“{name}”中的“{key}”不是可用的项。",
                                        hint=f"是否想写“{near}”？" if near else "删除这一项。"))
            col = {schema.COLUMN_KEYS[k]: v for k, v in entry.items() if k in schema.COLUMN_KEYS}
            slug = str(col.get("slug") or "")
            if not SLUG_RE.match(slug):
                problems.append(Problem("column-slug", src_rel, f"栏目“{name}”的标识“{slug}”无效：只能用小写字母、数字和减号。",
                                        hint="如 gfxwj。标识决定网址，发布后不要再改。"))
            elif slug in slugs:
                problems.append(Problem("column-slug", src_rel, f"栏目标识“{slug}”重复。", hint="每个栏目用不同的标识。"))
            slugs.add(slug)
            freq = col.get("frequency", "按需")
            if freq not in schema.FREQUENCIES:
                problems.append(Problem("column-frequency", src_rel, f"栏目“{name}”的更新周期“{freq}”无法识别。",
                                        hint="可用：" + "、".join(schema.FREQUENCIES)))
            for key, vocab in (("kind", schema.COLUMN_KINDS), ("doc_class", schema.DOC_CLASSES)):
                if col.get(key) is not None and col[key] not in vocab:
                    problems.append(Problem("column-vocab", src_rel, f"栏目“{name}”的“{key}”值“{col[key]}”无法识别。",
                                            hint="可用：" + "、".join(vocab)))
            node = {"name": name, "slug": slug, "description": str(col.get("description") or ""),
                    "frequency": freq, "kind": col.get("kind") or "其他", "doc_class": col.get("doc_class"),
                    "default_topic": col.get("default_topic"), "path": f"{parent_path}/{name}".lstrip("/")}
            kids = col.get("children")
            node["children"] = build(kids, node["path"]) if isinstance(kids, list) else []
            if not node["children"]:
                if name in leaf_names:
                    problems.append(Problem("column-name", src_rel, f"末级栏目名称“{name}”重复（{leaf_names[name]}）。",
                                            hint="末级栏目名称要唯一，条目按名称归入栏目。"))
                leaf_names[name] = node["path"]
            out.append(node)
        return out

    tree = build(source, "")
    return tree, problems


def validate_topics(cfg: ConfigFile | None) -> tuple[list[dict], list[Problem]]:
    if cfg is None:
        return [], []
    problems = []
    if not isinstance(cfg.data, list):
        return [], [Problem("topics-shape", cfg.rel, "应是主题分类列表。", line=1,
                            hint="参照 hooks/gongkai/data/topics.yml。")]
    out = []
    for entry in cfg.data:
        if not isinstance(entry, dict) or not entry.get("名称") or not SLUG_RE.match(str(entry.get("标识", ""))):
            problems.append(Problem("topics-shape", cfg.rel, f"主题分类“{entry}”需要“名称”和小写“标识”。",
                                    hint="参照 hooks/gongkai/data/topics.yml。"))
            continue
        out.append({"name": str(entry["名称"]), "slug": str(entry["标识"]),
                    "children": [str(c) for c in entry.get("二级") or []]})
    return out, problems


def leaves(tree: list[dict]):
    for node in tree:
        if node["children"]:
            yield from leaves(node["children"])
        else:
            yield node


# --- items ------------------------------------------------------------------

class _ItemChecker:
    def __init__(self, site: dict, tree: list[dict], topics: list[dict], root: Path, today: date,
                 files: dict[str, FileState]):
        self.site, self.root, self.today, self.files = site, root, today, files    # files: what load found
        self.leaves = {c["name"]: c for c in leaves(tree)}
        self.leaves.update({c["slug"]: c for c in leaves(tree)})
        self.parents = {n["name"]: n for n in _all(tree) if n["children"]}
        self.topics = {t["name"]: t for t in topics}
        self.publishers = {p["name"] for p in site.get("publishers") or []}
        pattern = site.get("index_pattern") or schema.SITE_BY_PATH["索引号格式"].default
        self.index_pattern = pattern
        self.index_re = index_regex(pattern, site)
        self.index_example = index_example(pattern, site)

    def check(self, src: Source) -> tuple[dict | None, list[Problem]]:
        problems: list[Problem] = []
        rec: dict = {"source": src.rel, "dir": PurePosixPath(src.rel).parent.as_posix(),
                     "body": src.body, "body_line": src.body_line, "mtime_ns": src.mtime_ns}

        def add(code, field, message, hint="", severity=ERROR, line=None):
            problems.append(Problem(code, src.rel, message, hint, line or src.key_lines.get(field) or 2,
                                    field, severity))

        for key in src.meta:
            if key not in schema.BY_KEY:
                near = schema.KEY_HINTS.get(key) or nearest(key, schema.BY_KEY)
                add("unknown-key", key, "不是可用的字段。",
                    f"是否想写“{near}”？请把字段名改成“{near}”。" if near else
                    "删除这一行，或查看 README“字段说明”中的可用字段。")
        for f in schema.FIELDS:
            value = src.meta.get(f.key)
            if value is None or value == "" or value == []:
                if f.required and f.name == "index_no":
                    add("missing-field", f.key, "还没有索引号（表单新建的信息由系统分配）。",
                        "运行 make check FIX=1：按本站格式分配下一个未用过的索引号并写入本文件。", line=2)
                elif f.required:
                    add("missing-field", f.key, f"缺少必填字段（{f.doc}）。",
                        f"增加一行“{f.key}: {f.example or '……'}”。", line=2)
                rec[f.name] = f.default if f.kind not in ("list", "attachments", "relations", "revisions",
                                                          "reviews") else []
                continue
            rec[f.name] = self.coerce(f, value, add)

        self.cross_checks(rec, src, add)
        if any(p.severity == ERROR for p in problems):
            return None, problems
        return rec, problems

    def coerce(self, f: schema.Field, value, add):
        shown = load.typed_text(value) if isinstance(value, (int, float)) else value   # as typed, in messages
        if f.kind == "text":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = load.typed_text(value)
            if not isinstance(value, str):
                add("wrong-type", f.key, f"应是一段文字，现在写成了{_type_name(value)}。",
                    f"写成“{f.key}: {f.example or '文字'}”，含冒号等符号时整体加英文单引号。")
                return None
            self.plain_text(f.key, value, add)
            return value.strip()
        if f.kind == "date":
            if not isinstance(value, str):
                add("wrong-type", f.key, f"应是日期，现在写成了{_type_name(value)}。",
                    f"写成“{f.key}: 2024-03-05”。")
                return None
            parsed, reason = parse_date(value)
            if reason:
                add("date-format", f.key, f"“{value}”无法识别：{reason}。", "按 YYYY-MM-DD 改写，月和日不足两位时前面补0。")
            return parsed
        if f.kind == "bool":
            if value in (True, "是", "true", "True"):
                return True
            if value in (False, "否", "false", "False"):
                return False
            add("bad-value", f.key, f"“{shown}”应写“是”或“否”。", f"写成“{f.key}: 是”。")
            return None
        if f.kind == "year":
            if isinstance(value, str) and value.strip().isdigit():
                value = int(value.strip())
            if isinstance(value, bool) or not isinstance(value, int) or not 1949 <= value <= 2100:
                add("wrong-type", f.key, f"“{shown}”应是四位年份。", f"写成“{f.key}: {f.example or 2025}”。")
                return None
            return value
        if f.kind == "enum":
            if not isinstance(value, str) or value.strip() not in f.vocab:
                near = nearest(str(shown), f.vocab)
                add("bad-value", f.key, f"“{shown}”不是可用的值。",
                    (f"是否想写“{near}”？" if near else "") + "可用的值：" + "、".join(f.vocab) + "。")
                return None
            return value.strip()
        if f.kind == "list":
            if isinstance(value, str):
                values = [v for v in re.split(r"[、，,；;\s]+", value.strip()) if v]
            elif not isinstance(value, list):
                add("wrong-type", f.key, f"应是若干项文字组成的列表，现在写成了{_type_name(value)}。",
                    f"写成“{f.key}: [词一, 词二]”。")
                return []
            elif not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
                n, bad = next((n, v) for n, v in enumerate(value, 1)
                              if not isinstance(v, (str, int, float)) or isinstance(v, bool))
                add("wrong-type", f.key, f"列表的第{n}项写成了{_type_name(bad)}，每一项应是一段文字。",
                    f"写成“{f.key}: [词一, 词二]”；某一项含冒号、逗号或方括号时，把这一项用英文单引号括起来。")
                return []
            else:
                values = [load.typed_text(v).strip() for v in value]
            for v in values:
                self.plain_text(f.key, v, add)
            for v in values:
                if f.vocab and v not in f.vocab:
                    near = nearest(v, f.vocab)
                    add("bad-value", f.key, f"“{v}”不是可用的值。",
                        (f"是否想写“{near}”？" if near else "") + "可用的值：" + "、".join(f.vocab) + "。")
            return values
        if f.kind == "attachments":
            return self.attachments(value, add)
        if f.kind == "relations":
            return self.relations(value, add)
        if f.kind == "revisions":
            return self.revisions(value, add)
        if f.kind == "reviews":
            return self.reviews(value, add)
        if f.kind == "withdrawal":
            return self.withdrawal(value, add)
        raise AssertionError(f.kind)

    @staticmethod
    def plain_text(key: str, value: str, add) -> None:
        """Fields are published as plain text (pages, catalogue.json, catalogue.csv): no HTML."""
        m = MARKUP_RE.search(value)
        if m:
            add("markup-in-field", key, f"含有网页代码“{m.group(0)[:30]}”，字段只能写纯文字。",
                "删除尖括号标签或 &…; 字符实体，直接写文字（如“&amp;”写成“&”）；需要排版的内容写在正文里。")

    @staticmethod
    def entries(value, add, key: str, main: str, allowed: dict, example: str):
        """(position, mapping) of a list field whose entries are mappings; a bare string stands for `main`."""
        for i, entry in enumerate(value if isinstance(value, list) else [value], 1):
            if entry is None or (isinstance(entry, dict) and not any(
                    _filled(v) for k, v in entry.items() if not (k == "关系" and v == "相关"))):
                continue                            # an empty row a form left behind: nothing was written
            if isinstance(entry, str):
                entry = {main: entry}
            if not isinstance(entry, dict) or not isinstance(entry.get(main), str):
                add("wrong-type", key, f"第{i}项缺少“{main}”。", f"写成“  - {example}”。")
                continue
            for extra in set(entry) - set(allowed):
                add("unknown-key", key, f"第{i}项中的“{extra}”不是可用的项。",
                    f"{key}只写" + "和".join(f"“{k}”" for k in allowed) + "。")
            yield i, entry

    def attachments(self, value, add):
        out = []
        for _, entry in self.entries(value, add, "附件", "文件", schema.ATTACHMENT_KEYS,
                                     "{文件: 00012/附件1.pdf, 标题: 附件标题}"):
            path = entry["文件"].strip()
            title = str(entry.get("标题") or PurePosixPath(path).stem).strip()
            out.append({"path": path, "title": title})
        return out

    def relations(self, value, add):
        out = []
        for i, entry in self.entries(value, add, "关联", "索引号", schema.RELATION_KEYS,
                                     "{索引号: …/2024-00012, 关系: 解读}"):
            relation = str(entry.get("关系") or "相关")
            if relation not in schema.RELATIONS:
                add("bad-value", "关联", f"第{i}项的关系“{relation}”不是可用的值。",
                    "可用的值：" + "、".join(schema.RELATIONS) + "。")
                continue
            out.append({"index_no": entry["索引号"].strip(), "relation": relation})
        return out

    def revisions(self, value, add):
        example = "每项一行：“  - {日期: 2026-04-02, 说明: 更正附件2中的联系电话}”。"
        out = []
        for i, entry in self.rows(value, "修订记录", add, example, "“日期”和“说明”"):
            for key in set(entry) - set(schema.REVISION_KEYS):
                add("unknown-key", "修订记录", f"第{i}项中的“{key}”不是可用的项。", "修订记录每项只写“日期”和“说明”。")
            when = self.entry_date(entry, i, "修订记录", add, example, "填写实际修改的日期。")
            note = str(entry.get("说明") or "").strip()
            if not note:
                add("missing-field", "修订记录", f"第{i}项缺少“说明”。", "写明改了什么、为什么改。")
            if when and note:
                out.append({"date": when, "note": note})
        return sorted(out, key=lambda r: r["date"])

    @staticmethod
    def rows(value, key: str, add, example: str, what: str):
        """(position, mapping) of a list field whose entries are mappings; a form's empty rows are skipped."""
        if not isinstance(value, list):
            add("wrong-type", key, f"应是列表，现在写成了{_type_name(value)}。", example)
            return
        for i, entry in enumerate(value, 1):
            if isinstance(entry, dict) and not any(_filled(v) for v in entry.values()):
                continue                            # an empty row a form left behind
            if not isinstance(entry, dict):
                add("wrong-type", key, f"第{i}项应写{what}。", example)
                continue
            yield i, entry

    def entry_date(self, entry: dict, i: int, key: str, add, example: str, hint: str) -> date | None:
        """The 日期 of entry i of list field `key`, or None when it is not a date up to today (reported)."""
        when, reason = parse_date(entry.get("日期", ""))
        if reason:
            add("date-format", key, f"第{i}项的日期“{entry.get('日期', '')}”无法识别：{reason}。", example)
            return None
        if when > self.today:
            add("date-future", key, f"第{i}项的日期 {when} 晚于今天（{self.today}）。", hint)
            return None
        return when

    def reviews(self, value, add):
        """审核记录: one entry per stage done, oldest first (the order and completeness are checked with the
        site's settings in the inspection)."""
        example = "每项一行：“  - {环节: 初审, 审核人: 张三, 职务: 科员, 日期: 2024-03-06, 意见: 通过, 说明: ……}”。"
        out = []
        for i, entry in self.rows(value, "审核记录", add, example, "环节、审核人、职务、日期、意见和说明"):
            for key in set(entry) - set(schema.REVIEW_KEYS):
                add("unknown-key", "审核记录", f"第{i}项中的“{key}”不是可用的项。",
                    "审核记录每项只写" + "、".join(schema.REVIEW_KEYS) + "。")
            stage, opinion = str(entry.get("环节") or "").strip(), str(entry.get("意见") or "").strip()
            who = str(entry.get("审核人") or "").strip()
            ok = True
            if stage not in schema.REVIEW_STAGES:
                add("review-stage", "审核记录", f"第{i}项的环节“{stage}”不是可用的值。",
                    "可用的值：" + "、".join(schema.REVIEW_STAGES) + "。")
                ok = False
            if opinion not in schema.REVIEW_OPINIONS:
                add("review-opinion", "审核记录", f"第{i}项的意见“{opinion}”不是可用的值。", "写“通过”或“退回”。")
                ok = False
            if not who:
                add("missing-field", "审核记录", f"第{i}项缺少“审核人”。", "写审核人的姓名。")
                ok = False
            when = self.entry_date(entry, i, "审核记录", add, example, "填写实际审核的日期。")
            ok = ok and when is not None
            cleared = entry.get("放行") or []
            cleared = [cleared] if isinstance(cleared, str) else cleared
            if not isinstance(cleared, list) or not all(isinstance(c, str) and c.strip() for c in cleared):
                add("wrong-type", "审核记录", f"第{i}项的“放行”应是标志列表，如 [内部]。", "写成“放行: [内部]”。")
                ok, cleared = False, []
            if ok:
                out.append({"stage": stage, "reviewer": who, "role": str(entry.get("职务") or "").strip(),
                            "date": when, "opinion": opinion, "note": str(entry.get("说明") or "").strip(),
                            "cleared": [c.strip() for c in cleared], "position": i})
        return out

    def withdrawal(self, value, add):
        example = "写成“撤回: {日期: 2026-12-04, 原因: 内容有误, 决定人: 李四}”。"
        if isinstance(value, dict) and not any(_filled(v) for v in value.values()):
            return None                             # the form's empty 撤回 group: not withdrawn
        if not isinstance(value, dict):
            add("wrong-type", "撤回", f"应写日期、原因和决定人，现在写成了{_type_name(value)}。", example)
            return None
        for key in set(value) - set(schema.WITHDRAWAL_KEYS):
            add("unknown-key", "撤回", f"“{key}”不是可用的项。", "撤回只写" + "、".join(schema.WITHDRAWAL_KEYS) + "。")
        when, reason = parse_date(value.get("日期", ""))
        why, who = str(value.get("原因") or "").strip(), str(value.get("决定人") or "").strip()
        ok = True
        if reason:
            add("date-format", "撤回", f"撤回日期“{value.get('日期', '')}”无法识别：{reason}。", example)
            ok = False
        elif when > self.today:
            add("date-future", "撤回", f"撤回日期 {when} 晚于今天（{self.today}）。", "撤回立即生效，填今天的日期。")
            ok = False
        if why not in schema.WITHDRAWAL_REASONS:
            add("bad-value", "撤回", f"原因“{why}”不是可用的类别。", "可用的类别：" + "、".join(schema.WITHDRAWAL_REASONS)
                + "。详细情况写在“说明”中（不公开）。")
            ok = False
        if not who:
            add("missing-field", "撤回", "缺少“决定人”。", "写作出撤回决定的负责人姓名。")
            ok = False
        if not ok:
            return None
        return {"date": when, "reason": why, "decided_by": who, "note": str(value.get("说明") or "").strip()}

    def disclosure(self, rec: dict, src: Source, add) -> None:
        """公开方式 decides what is published; a 公开属性 mark in the text must agree with it."""
        mode = rec.get("disclosure_mode")
        if mode == "不予公开" and not rec.get("withhold_reason"):
            add("withhold-reason", "公开方式", "公开方式为不予公开，但没有填写“不予公开理由”。",
                "增加一行“不予公开理由: ……”，可用的类别：" + "、".join(schema.WITHHOLD_REASONS) + "。")
        if rec.get("withhold_reason") and mode != "不予公开":
            add("withhold-reason", "不予公开理由", f"公开方式是“{mode}”，不应填写不予公开理由。",
                "删除这一行，或把公开方式改为“不予公开”。")
        for n, marked in disclosure_marks(src.body):
            if mode and marked != mode:
                written = "写明" if "公开方式" in src.meta else "未写，按默认值"
                add("disclosure-mismatch", "公开方式",
                    f"正文第{n}行的公开属性标注为“{marked}”，与公开方式“{mode}”（{written}）不一致。",
                    f"核对原件：按文件标注把公开方式改为“{marked}”；确属标注错误的，经审核后改正正文中的标注。",
                    line=src.body_line + n - 1)
                break
        if rec.get("withdrawal") and mode != schema.PUBLIC_MODE:
            add("withdrawal-unpublished", "撤回", f"公开方式为“{mode}”的信息从未在网站上发布，无需撤回。", "删除“撤回”。")

    def placeholders(self, src: Source, add) -> None:
        """Text left for staff to fill by make new or the Word import blocks publishing."""
        def has_mark(value) -> bool:
            if isinstance(value, dict):
                return any(has_mark(v) for v in value.values())
            if isinstance(value, list):
                return any(has_mark(v) for v in value)
            return isinstance(value, str) and schema.BLANK_MARK in value
        hint = f"把“{schema.BLANK_MARK}……】”整体替换为实际内容；不需要的行整行删除。"
        for key, value in src.meta.items():
            if has_mark(value):
                add("placeholder", key, "还有待填写的内容。", hint)
        for n, line in enumerate(src.body.split("\n") if schema.BLANK_MARK in src.body else []):
            if schema.BLANK_MARK in line:
                add("placeholder", None, f"正文第{n + 1}行还有待填写的内容：{line.strip()[:40]}", hint,
                    line=src.body_line + n)

    def image_alt(self, src: Source, add) -> None:
        """Every picture in the body needs a text alternative (WCAG 2.1 1.1.1, GB/T 37668)."""
        hint = ("在方括号里写图片的替代文字（一句说明图片内容的话），如 ![2024年财政收支情况柱状图](图1.png)（HTML 写 alt=\"……\"）："
                "读屏软件会向视障人士朗读这句话。")
        if "![" not in src.body and not HTML_IMG_RE.search(src.body):     # no picture at all
            return
        for n, line in enumerate(src.body.split("\n")):
            found = [(m.group(2), m.group(1)) for m in MD_IMAGE_RE.finditer(line)]
            for tag in HTML_IMG_RE.finditer(line):
                alt, target = ALT_RE.search(tag.group(0)), re.search(r'\bsrc\s*=\s*["\']?([^"\'\s>]+)', tag.group(0))
                found.append((target.group(1) if target else "<img>", (alt.group(1) or alt.group(2) or "") if alt else ""))
            for target, alt in found:
                if not alt.strip():
                    add("image-alt", None, f"正文第{n + 1}行的图片“{target}”没有替代文字。", hint, line=src.body_line + n)

    def cross_checks(self, rec: dict, src: Source, add) -> None:
        self.placeholders(src, add)
        self.disclosure(rec, src, add)
        self.image_alt(src, add)
        idx = rec.get("index_no")
        if idx:
            m = self.index_re.match(idx)
            if not m:
                add("index-pattern", "索引号", f"“{idx}”不符合本站索引号格式 {self.index_pattern}。",
                    f"按格式填写，如 {self.index_example}。用 make new 新建信息可自动分配索引号。")
            rec["slug"] = slug_of(idx)
            if idx in self.site.get("retired_index_nos", []):
                add("index-retired", "索引号", f"“{idx}”已停用（见 catalogue/site.yml“已停用索引号”），不得再使用。",
                    "用 make new 分配新的索引号。")
            for old in rec.get("former_index_nos") or []:
                if old == idx:
                    add("former-index-self", "曾用索引号", f"“{old}”就是现在的索引号。", "曾用索引号只写更正前的旧号。")
        pub = rec.get("publisher")
        if pub and pub not in self.publishers:
            near = nearest(pub, self.publishers)
            add("unknown-publisher", "发布机构", f"“{pub}”不在本站发布机构列表中。",
                (f"是否想写“{near}”？" if near else "") + "发布机构须写全称；新机构请先加入 catalogue/site.yml 的“发布机构”。")
        doc_no = rec.get("doc_no")
        if doc_no:
            bad = check_doc_no(doc_no)
            if bad:
                add("doc-no-format", "文号", f"“{doc_no}”不符合 GB/T 9704 发文字号写法：{bad[0]}。",
                    f"改为“{bad[1]}”（六角括号〔〕、四位年份、序号不加“第”和前导0、以“号”结尾）。")
        col_name = rec.get("column")
        if col_name:
            col = self.leaves.get(col_name)
            if col is None:
                if col_name in self.parents:
                    kids = "、".join(c["name"] for c in self.parents[col_name]["children"])
                    add("column-not-leaf", "栏目", f"“{col_name}”下还有下级栏目，信息要放到末级栏目。",
                        f"改为其中之一：{kids}。")
                else:
                    near = nearest(col_name, [c["name"] for c in self.leaves.values()])
                    add("unknown-column", "栏目", f"没有名为“{col_name}”的栏目。",
                        (f"是否想写“{near}”？" if near else "") + "栏目名称见 catalogue/columns.yml。")
            else:
                rec["column"] = col["slug"]
                if col.get("doc_class") in ("规范性文件", "规章") and not rec.get("validity") \
                        and "有效性" not in src.meta:
                    add("validity-missing", "有效性", f"“{col['name']}”栏目的文件必须填写有效性。",
                        "增加一行“有效性: 现行有效”（可用值：" + "、".join(schema.VALIDITY) + "）。", line=2)
                if not rec.get("topic") and col.get("default_topic"):
                    rec["topic"] = col["default_topic"]
        topic = rec.get("topic")
        if topic:
            rec["topic"] = self.topic(topic, add)
        # dates
        signed, generated, published = rec.get("date_signed"), rec.get("date_generated"), rec.get("date_published")
        if rec.get("date_generated") is None and signed is not None:
            rec["date_generated"] = signed
        if signed is None and generated is None and "成文日期" not in src.meta and "生成日期" not in src.meta:
            add("missing-field", "成文日期", "缺少成文日期（没有成文日期的信息可填生成日期，条例第十二条要求）。",
                "增加一行“成文日期: 2024-03-05”或“生成日期: 2024-03-05”。", line=2)
        origin = signed or generated
        if published and origin and origin > published:
            which = "成文日期" if signed else "生成日期"
            add("date-order", which, f"{which} {origin} 晚于发布日期 {published}。",
                "核对两个日期：信息只能在形成之后发布。")
        if published and published > self.today:
            if rec.get("scheduled"):
                add("date-future", "发布日期", f"{published} 晚于今天（{self.today}）：定时发布，本次生成不发布，"
                    "到期后的每日生成自动发布。", "要立即公开的，把发布日期改为实际公开的日期并删去“定时发布”。",
                    severity=WARNING)
            else:
                add("date-future", "发布日期", f"{published} 晚于今天（{self.today}）。",
                    "发布日期填实际公开的日期。如确需到期自动发布，增加一行“定时发布: 是”。")
        for key, name in (("废止日期", "date_repealed"), ("失效日期", "date_expires")):
            when = rec.get(name)
            if when and signed and when < signed:
                add("date-order", key, f"{key} {when} 早于成文日期 {signed}。", "核对日期。")
        effective = rec.get("date_effective")
        if effective and signed and effective < signed:
            add("effective-before-signed", "生效日期", f"生效日期 {effective} 早于成文日期 {signed}（溯及既往）。",
                "如确实自该日起执行，可保留；否则请改正。", severity=WARNING)
        # summary
        summary = rec.get("summary")
        if summary:
            if summary == rec.get("title"):
                add("summary-title", "内容概述", "与标题完全相同。", "用一两句话概括主要内容，不要照抄标题。",
                    severity=WARNING)
            elif len(summary) > SUMMARY_MAX:
                add("summary-long", "内容概述", f"共{len(summary)}字，超过约{SUMMARY_MAX}字的要求。",
                    "压缩到100字以内，详细内容写在正文。", severity=WARNING)
        phone = rec.get("policy_phone")
        if phone and not PHONE_RE.match(phone):
            add("phone-format", "政策咨询电话", f"“{phone}”不像电话号码。", "如 0550-6021234。")
        # attachments exist
        atts = rec.get("attachments") or []
        base = (self.root / src.rel).parent if atts else None
        for att in atts:
            target = (base / att["path"]).resolve()
            outside = attachment_outside(att["path"], base, target)
            if outside:
                add("attachment-outside", "附件", f"附件“{att['path']}”{outside}，不予读取。",
                    "附件只能放在本信息文件所在的文件夹（或其子文件夹）中：把文件复制进来，"
                    "路径写成相对于本文件所在文件夹的路径，如“00012/附件1.pdf”。")
            elif _rel(target, self.root) not in self.files:
                add("attachment-missing", "附件", f"找不到附件文件“{att['path']}”。",
                    f"把文件放到 {PurePosixPath(src.rel).parent}/{att['path']}，或改正路径（相对于本文件所在文件夹）。")
            else:
                att["size"] = self.files[_rel(target, self.root)].size
                att["src"] = target
        if not src.body.strip() and not rec.get("attachments") and not rec.get("withdrawal"):
            add("empty-body", None, "正文和附件都是空的。", "在信息字段区之后写正文，或列出附件。",
                line=src.body_line)

    def topic(self, value: str, add) -> str | None:
        parts = [p.strip() for p in re.split(r"[\\/＼／]", value) if p.strip()]
        top = self.topics.get(parts[0]) if parts else None
        if top is None:
            near = nearest(parts[0] if parts else value, self.topics)
            add("unknown-topic", "主题分类", f"“{value}”不在主题分类表中。",
                (f"是否想写“{near}”？" if near else "") + "写作“一级\\二级”，分类表见 README“主题分类”。")
            return None
        if len(parts) > 1 and parts[1] not in top["children"]:
            add("unknown-topic", "主题分类", f"“{parts[0]}”下没有二级分类“{parts[1]}”。",
                "可用的二级分类：" + ("、".join(top["children"]) or "（无）") + "。")
            return None
        return "\\".join(parts[:2])


def attachment_outside(path: str, base: Path, target: Path) -> str:
    """Why an attachment path leads out of its item's folder ("" when it does not)."""
    if path.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", path):
        return "是绝对路径"
    if base.resolve() in target.parents:
        return ""
    link = next((p for p in [base / path, *(base / path).parents] if p.is_symlink()), None)
    if link is not None:
        return f"是符号链接“{link.name}”，指向本信息文件夹之外的“{target.as_posix()}”"
    return "用“..”指向了本信息文件夹之外"


def _all(tree):
    for node in tree:
        yield node
        yield from _all(node["children"])


class _Looked:
    """load's files as the item checker sees them, noting each file it looks up (an item's result
    depends on its attachments)."""

    def __init__(self, files: dict[str, FileState]):
        self.files, self.looked = files, {}

    def __contains__(self, rel) -> bool:
        st = self.files.get(rel)
        self.looked[rel] = st and (st.hash, st.size, st.inode)
        return st is not None

    def __getitem__(self, rel) -> FileState:
        st = self.files[rel]
        self.looked[rel] = (st.hash, st.size, st.inode)
        return st


def validate_items(sources: list[Source], site: dict, tree: list[dict], topics: list[dict],
                   root: Path, today: date, files: dict[str, FileState],
                   cache: Cache | None = None) -> tuple[list[dict], list[Problem]]:
    """Each item file on its own (on all cores), then across items. With a cache, a file whose bytes,
    settings and attachments are as in an earlier build is not checked again."""
    looked = _Looked(files)
    checker = _ItemChecker(site, tree, topics, root, today, looked)
    context = digest(code_version(), repr(site), repr(tree), repr(topics), str(today), str(root))
    keys = [digest(context, src.rel, files[src.rel].hash) if src.rel in files else "" for src in sources]
    kept = cache.get_many([k for k in keys if k]) if cache else {}

    def holds(seen: dict) -> bool:
        return all(((st := files.get(rel)) and (st.hash, st.size, st.inode)) == v for rel, v in seen.items())

    results: list = [None] * len(sources)
    todo = []
    for n, key in enumerate(keys):
        memo = kept.get(key)
        if memo is not None and holds(memo[2]):
            results[n] = memo[:2]
        else:
            todo.append(n)

    def task(a: int, b: int):
        out = []
        for n in todo[a:b]:
            looked.looked = {}
            rec, found = checker.check(sources[n])
            out.append((n, rec, found, looked.looked))
        return out

    for part in workers.map_slices(task, len(todo)):
        for n, rec, found, seen in part:
            results[n] = (rec, found)
            if cache and keys[n]:
                cache.put(keys[n], (rec, found, seen))
    records, problems = [], []
    for rec, found in results:
        problems.extend(found)
        if rec is not None:
            records.append(rec)
    # across items: unique 索引号 and slugs, 关联 targets
    seen: dict[str, dict] = {}
    slugs: dict[str, dict] = {}
    by_source = {s.rel: s for s in sources}
    bad = set()
    for rec in records:
        src = by_source[rec["source"]]
        line = src.key_lines.get("索引号")
        other = seen.get(rec["index_no"])
        if other:
            for a, b in ((rec, other), (other, rec)):
                problems.append(Problem("duplicate-index", a["source"],
                                        f"“{a['index_no']}”与 {b['source']} 重复。",
                                        "索引号必须唯一且永不复用：给后建的那一条分配新的索引号（make new 会自动分配）。",
                                        by_source[a["source"]].key_lines.get("索引号"), "索引号"))
            bad.update((rec["source"], other["source"]))
            continue
        seen[rec["index_no"]] = rec
        clash = slugs.get(rec["slug"])
        if clash:
            problems.append(Problem("index-slug-clash", rec["source"],
                                    f"“{rec['index_no']}”与 {clash['source']} 的“{clash['index_no']}”生成相同的网址。",
                                    "修改其中一个索引号。", line, "索引号"))
            bad.add(rec["source"])
        slugs[rec["slug"]] = rec
    _former_numbers(records, seen, slugs, by_source, problems, bad)
    written = {str(s.meta.get("索引号", "")).strip() for s in sources}
    for rec in records:
        for rel in rec["relations"]:
            if rel["index_no"] not in seen and rel["index_no"] in written:
                bad.add(rec["source"])  # the target has errors of its own, reported there
            elif rel["index_no"] not in seen:
                problems.append(Problem("relation-missing", rec["source"],
                                        f"关联的索引号“{rel['index_no']}”找不到对应的信息。",
                                        "核对索引号是否抄错，或先添加被关联的信息。",
                                        by_source[rec["source"]].key_lines.get("关联"), "关联"))
                bad.add(rec["source"])
            elif rel["index_no"] == rec["index_no"]:
                problems.append(Problem("relation-self", rec["source"], "关联了自己。", "删除这一项。",
                                        by_source[rec["source"]].key_lines.get("关联"), "关联"))
                bad.add(rec["source"])
    return [r for r in records if r["source"] not in bad], problems


def _former_numbers(records, seen, slugs, by_source, problems, bad) -> None:
    """A former 索引号 keeps its old address as a redirect: it may belong to one item only and
    may not be, or share an address with, any current 索引号."""
    owner: dict[str, dict] = {}
    for rec in records:
        line = by_source[rec["source"]].key_lines.get("曾用索引号")
        for old in rec.get("former_index_nos") or []:
            if old == rec["index_no"]:
                continue
            clash = seen.get(old) or slugs.get(slug_of(old))
            other = owner.get(old) or owner.get("slug:" + slug_of(old))
            if clash is rec:
                what = "与现在的索引号网址相同，不需要写在这里"
            elif clash is not None:
                what = f"是 {clash['source']} 正在使用的索引号“{clash['index_no']}”（或与它网址相同）"
            elif other is not None and other is not rec:
                what = f"也写在 {other['source']} 的曾用索引号中"
            else:
                owner[old] = owner["slug:" + slug_of(old)] = rec
                continue
            problems.append(Problem("former-index-clash", rec["source"], f"曾用索引号“{old}”{what}。",
                                    "旧号只能跳转到一条信息：核对是否抄错，删除多余的一处。", line, "曾用索引号"))
            bad.add(rec["source"])


def validate(inputs: Inputs, today: date, cache: Cache | None = None) -> Validated:
    problems = list(inputs.problems)
    site, found = validate_site(inputs.site, inputs.root, inputs.root / "catalogue", inputs.files)
    problems += found
    tree, found = validate_columns(inputs.columns, inputs.presets)
    problems += found
    topics, found = validate_topics(inputs.topics)
    problems += found
    items: list[dict] = []
    if site is not None and tree:
        items, found = validate_items(inputs.sources, site, tree, topics, inputs.root, today, inputs.files, cache)
        problems += found
    return Validated(site, tree, topics, items, inputs.pages, problems, inputs.updated)
