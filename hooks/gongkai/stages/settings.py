"""Inspection settings and “本期无此类信息” records, checked after the model stage (the load stage reads
the files: load.Inputs.configs).

  catalogue/inspection.yml  thresholds, 解读 rules, typo and sensitive-word lists,
                            工作日调整 (calendar overrides), 历史信息迁入 records
  catalogue/nil.yml         dated, reviewed “本栏目本期无此类信息” statements, shown
                            publicly on the column page
  catalogue/standard.yml    基层政务公开标准目录 (standard.py)
All three files are optional. Every bad entry gives a Problem naming file, line and field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import load
from .model import Catalogue
from ..core.problems import ERROR, WARNING, Problem
from ..core.schema import GENRES, REVIEW_STAGES
from .standard import Standard, load_standard
from .validate import nearest, parse_date
from ..core.workdays import Calendar, YearOverride

INSPECTION_FILE = "catalogue/inspection.yml"
NIL_FILE = "catalogue/nil.yml"
NIL_TEXT = "本栏目本期无此类信息。"

# 时限: key → (attribute, default, meaning)
LIMITS = {
    "主动公开工作日": ("proactive", 20, "主动公开时限（条例第二十六条：形成或者变更之日起20个工作日内）"),
    "实时公开工作日": ("realtime", 1, "公开时限写“实时”“及时”时按几个工作日计"),
    "入库容许天数": ("backdate", 3, "发布日期最多可早于入库（提交到 git）日期几天"),
    "首页更新天数": ("home", 14, "首页最新信息不得早于几天前（首页不更新：2周）"),
    "动态要闻更新天数": ("news", 14, "动态要闻类栏目几天内须有更新（栏目不更新：2周）"),
    "通知公告政策文件更新月数": ("policy_months", 6, "通知公告、政策文件类栏目几个月内须有更新（6个月）"),
}
# 单项否决: key → (attribute, default threshold, meaning)
VETO = {
    "栏目不更新": ("stale", 5, "动态要闻类2周、通知公告和政策文件类6个月未更新的栏目合计达到此数即单项否决"),
    "长期未更新": ("stale_long", 10, "应更新而长期未更新的栏目达到此数即单项否决"),
    "空白栏目": ("empty", 5, "空白栏目达到此数即单项否决"),
}
TOP_KEYS = ("需要解读", "错别字", "敏感词", "密级标志", "审核记录", "工作日调整", "历史信息迁入", "时限", "单项否决")
# 密级标志 (default): a mark stops publishing wherever it is found (see checks.find_marks).
SECRET_MARKS = ("绝密", "机密", "秘密", "内部", "内部资料", "注意保密", "工作秘密")
REVIEW_RULE_KEYS = ("环节", "栏目", "起始日期")
NIL_KEYS = ("栏目", "日期", "有效至", "审核人", "说明", "标准目录事项")
MIGRATION_KEYS = ("发布日期截至", "入库日期截至", "说明")


@dataclass
class NilRecord:
    column: str            # column slug, or the 标准目录事项 (领域/事项) it is about
    column_name: str
    dated: date            # statement date, shown publicly
    until: date            # the period it covers ends here
    reviewer: str
    text: str              # shown publicly
    file: str
    line: int | None

    def current(self, today: date) -> bool:
        return self.dated <= today <= self.until


@dataclass
class Migration:
    published_until: date
    entered_until: date
    note: str
    line: int | None

    def covers(self, published: date, entered: date) -> bool:
        return published <= self.published_until and entered <= self.entered_until


@dataclass
class Settings:
    interpret_columns: set[str] = field(default_factory=set)   # column slugs
    interpret_genres: set[str] = field(default_factory=set)
    typos: dict[str, str] = field(default_factory=dict)        # wrong → right
    sensitive: list[str] = field(default_factory=list)
    secret_marks: list[str] = field(default_factory=lambda: list(SECRET_MARKS))   # 密级标志: errors
    review_stages: list[str] = field(default_factory=lambda: list(REVIEW_STAGES))  # 审核记录.环节, in order
    review_columns: set[str] | None = None          # column slugs that need the record; None: every column
    review_from: date | None = None                 # items published on or after this date; None: every item
    calendar: Calendar = field(default_factory=Calendar)
    migrations: list[Migration] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=lambda: {a: d for a, d, _ in LIMITS.values()})
    veto: dict[str, int] = field(default_factory=lambda: {a: d for a, d, _ in VETO.values()})
    nil: dict[str, list[NilRecord]] = field(default_factory=dict)   # column slug → records, newest first
    nil_rows: dict[str, list[NilRecord]] = field(default_factory=dict)   # 标准目录事项 → records
    standard: Standard | None = None                                 # 基层政务公开标准目录
    configured: bool = False                                         # inspection.yml exists

    def nil_for(self, slug: str, today: date) -> NilRecord | None:
        """The current record of a column, if any."""
        return next((r for r in self.nil.get(slug, []) if r.current(today)), None)

    def nil_for_row(self, key: str, today: date) -> NilRecord | None:
        return next((r for r in self.nil_rows.get(key, []) if r.current(today)), None)


class _Reader:
    """Collects problems for one file."""

    def __init__(self, rel: str, key_lines: dict[str, int]):
        self.rel, self.key_lines, self.problems = rel, key_lines, []

    def add(self, code, message, hint, field=None, line=None, severity=ERROR):
        line = line or (self.key_lines.get(field) if field else None)
        self.problems.append(Problem(code, self.rel, message, hint, line, field, severity))

    def date(self, value, field, line=None) -> date | None:
        parsed, reason = parse_date(value) if isinstance(value, str) else (None, "应是日期，如 2026-01-05")
        if reason:
            self.add("settings-date", f"“{value}”无法识别：{reason}。", "按 YYYY-MM-DD 填写。", field, line)
        return parsed

    def strings(self, value, field) -> list[str]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.add("settings-type", "应是若干项文字组成的列表。", f"写成“{field.split('.')[-1]}: [一, 二]”。", field)
            return []
        return [str(v).strip() for v in value if str(v).strip()]

    def unknown(self, data: dict, known, prefix: str = "", line=None):
        for key in data:
            if key not in known:
                near = nearest(str(key), known)
                self.add("settings-unknown-key", "不是可用的设置项。",
                         f"是否想写“{near}”？" if near else "可用的设置项：" + "、".join(known) + "。",
                         f"{prefix}{key}", line)


def load_settings(inputs: load.Inputs, cat: Catalogue) -> tuple[Settings, list[Problem]]:
    settings = Settings()
    problems: list[Problem] = []
    cfg, found = inputs.configs.get(INSPECTION_FILE, (None, []))
    problems += found
    leaf_by_name = {c.name: c for c in cat.column_list() if c.is_leaf}
    leaf_by_name.update({c.slug: c for c in cat.column_list() if c.is_leaf})
    if cfg is not None:
        settings.configured = True
        problems += _inspection(cfg, settings, leaf_by_name)
    else:
        settings.interpret_columns = {c.slug for c in cat.column_list() if c.doc_class == "规范性文件"}
    settings.standard, found = load_standard(inputs)
    problems += found
    nil, found = inputs.configs.get(NIL_FILE, (None, []))
    problems += found
    if nil is not None:
        problems += _nil(nil, settings, leaf_by_name, cat.today)
    return settings, problems


def _inspection(cfg: load.ConfigFile, s: Settings, leaves: dict) -> list[Problem]:
    r = _Reader(cfg.rel, cfg.key_lines)
    data = cfg.data if cfg.data is not None else {}
    if not isinstance(data, dict):
        r.add("settings-shape", "应由“设置项: 值”组成。", "参照示例仓库的 catalogue/inspection.yml。", line=1)
        return r.problems
    r.unknown(data, TOP_KEYS)

    need = data.get("需要解读") or {}
    if not isinstance(need, dict):
        r.add("settings-type", "应写“栏目”和“体裁”两个列表。", "如“栏目: [规范性文件]”。", "需要解读")
        need = {}
    r.unknown(need, ("栏目", "体裁"), "需要解读.")
    s.interpret_columns |= _columns(r, need.get("栏目", []), "需要解读.栏目", leaves)
    for genre in r.strings(need.get("体裁", []), "需要解读.体裁"):
        if genre not in GENRES:
            near = nearest(genre, GENRES)
            r.add("settings-genre", f"“{genre}”不是可用的体裁。", (f"是否想写“{near}”？" if near else "") +
                  "可用的体裁见 README“字段说明”。", "需要解读.体裁")
        s.interpret_genres.add(genre)

    typos = data.get("错别字") or {}
    if not isinstance(typos, dict):
        r.add("settings-type", "应逐行写“错误写法: 正确写法”。", "如“截止目前: 截至目前”。", "错别字")
    else:
        for wrong, right in typos.items():
            if not str(wrong).strip() or not isinstance(right, str) or not right.strip():
                r.add("settings-type", f"“{wrong}”要写明正确写法。", "如“截止目前: 截至目前”。", "错别字")
                continue
            s.typos[str(wrong).strip()] = right.strip()
    s.sensitive = r.strings(data.get("敏感词") or [], "敏感词")
    if "密级标志" in data:
        s.secret_marks = r.strings(data.get("密级标志") or [], "密级标志")
    _review_rule(data.get("审核记录"), r, s, leaves)

    for key, table, target in (("时限", LIMITS, s.limits), ("单项否决", VETO, s.veto)):
        block = data.get(key) or {}
        if not isinstance(block, dict):
            r.add("settings-type", "应逐行写“设置项: 数字”。", "参照示例 inspection.yml。", key)
            continue
        r.unknown(block, table, key + ".")
        for name, value in block.items():
            if name in table:
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    r.add("settings-type", f"“{value}”应是不小于0的整数（{table[name][2]}）。",
                          f"如“{name}: {table[name][1]}”。", f"{key}.{name}")
                else:
                    target[table[name][0]] = value

    s.calendar = Calendar(_overrides(data.get("工作日调整") or {}, r))
    migrations = data.get("历史信息迁入") or []
    lines = load.entry_lines(cfg, "历史信息迁入")
    if not isinstance(migrations, list):
        r.add("settings-type", "应是列表，每项写“发布日期截至”“入库日期截至”和“说明”。",
              "参照示例 inspection.yml。", "历史信息迁入")
        migrations = []
    for i, entry in enumerate(migrations):
        line = lines[i] if i < len(lines) else r.key_lines.get("历史信息迁入")
        if not isinstance(entry, dict):
            r.add("settings-type", f"第{i + 1}项应写“发布日期截至”“入库日期截至”和“说明”。",
                  "参照示例 inspection.yml。", "历史信息迁入", line)
            continue
        r.unknown(entry, MIGRATION_KEYS, "历史信息迁入.", line)
        missing = [k for k in MIGRATION_KEYS if not str(entry.get(k) or "").strip()]
        if missing:
            r.add("settings-missing", f"第{i + 1}项缺少“{'”“'.join(missing)}”。",
                  "迁入记录要写明哪些信息（发布日期截至）、何时入库（入库日期截至）和迁入说明。", "历史信息迁入", line)
            continue
        pub = r.date(entry["发布日期截至"], "历史信息迁入", line)
        ent = r.date(entry["入库日期截至"], "历史信息迁入", line)
        if pub and ent:
            s.migrations.append(Migration(pub, ent, str(entry["说明"]).strip(), line))
    return r.problems


def _columns(r: _Reader, value, field: str, leaves: dict) -> set[str]:
    """Slugs of the leaf columns named in a list setting; an unknown name is reported."""
    out = set()
    for name in r.strings(value, field):
        if name in leaves:
            out.add(leaves[name].slug)
        else:
            near = nearest(name, [c.name for c in leaves.values()])
            r.add("settings-column", f"没有名为“{name}”的末级栏目。",
                  (f"是否想写“{near}”？" if near else "") + "栏目名称见 catalogue/columns.yml。", field)
    return out


def _review_rule(data, r: _Reader, s: Settings, leaves: dict) -> None:
    """审核记录: which stages (in order), for which columns, for items published from which date."""
    if data is None:
        return
    if not isinstance(data, dict):
        r.add("settings-type", "应写“环节”“栏目”“起始日期”。", "如“审核记录: {环节: [初审, 保密审查, 复审, 终审]}”。", "审核记录")
        return
    r.unknown(data, REVIEW_RULE_KEYS, "审核记录.")
    if "环节" in data:
        stages = r.strings(data.get("环节") or [], "审核记录.环节")
        for stage in stages:
            if stage not in REVIEW_STAGES:
                r.add("settings-review", f"“{stage}”不是可用的审核环节。", "可用的环节：" + "、".join(REVIEW_STAGES) + "。",
                      "审核记录.环节")
        if len(set(stages)) != len(stages):
            r.add("settings-review", "环节有重复。", "每个环节只写一次，按审核的先后排列。", "审核记录.环节")
        s.review_stages = [x for x in stages if x in REVIEW_STAGES]
    if "栏目" in data:
        s.review_columns = _columns(r, data.get("栏目") or [], "审核记录.栏目", leaves)
    if data.get("起始日期") is not None:
        s.review_from = r.date(str(data["起始日期"]), "审核记录.起始日期")


def _overrides(data, r: _Reader) -> dict[int, YearOverride]:
    out: dict[int, YearOverride] = {}
    if not isinstance(data, dict):
        r.add("settings-type", "应按年份逐年填写“依据”“节假日”和“调休上班”。", "参照 README“工作日调整”。", "工作日调整")
        return out
    for year, entry in data.items():
        where = f"工作日调整.{year}"
        if not (isinstance(year, int) or str(year).isdigit()) or not 2000 <= int(year) <= 2100:
            r.add("settings-calendar", f"“{year}”应是四位年份。", "如“2027:”。", where)
            continue
        year = int(year)
        if not isinstance(entry, dict) or not str(entry.get("依据") or "").strip():
            r.add("settings-calendar", f"{year}年的调整缺少“依据”（国务院办公厅关于{year}年部分节假日安排的通知）。",
                  "写明通知的名称和文号，再逐日列出“节假日”和“调休上班”。", where)
            continue
        r.unknown(entry, ("依据", "节假日", "调休上班"), where + ".")
        days: dict[str, set[date]] = {"节假日": set(), "调休上班": set()}
        for key in days:
            for text in r.strings(entry.get(key) or [], f"{where}.{key}"):
                d = r.date(text, f"{where}.{key}")
                if d is None:
                    continue
                if d.year != year:
                    r.add("settings-calendar", f"{d} 不在{year}年。", f"把它移到“{d.year}:”下。", f"{where}.{key}")
                elif key == "调休上班" and d.weekday() < 5:
                    r.add("settings-calendar", f"{d} 是周{'一二三四五'[d.weekday()]}，本来就是工作日，不是调休上班日。",
                          "调休上班只列通知中调为上班的周六、周日。", f"{where}.{key}", severity=WARNING)
                days[key].add(d)
        both = days["节假日"] & days["调休上班"]
        if both:
            r.add("settings-calendar", f"{', '.join(map(str, sorted(both)))} 同时列在节假日和调休上班中。",
                  "核对通知，只保留一处。", where)
        out[year] = YearOverride(year, str(entry["依据"]).strip(), frozenset(days["节假日"]),
                                 frozenset(days["调休上班"]))
    return out


def _nil(cfg: load.ConfigFile, s: Settings, leaves: dict, today: date) -> list[Problem]:
    r = _Reader(cfg.rel, {})
    data = cfg.data or []
    if not isinstance(data, list):
        r.add("nil-shape", "应是列表，每项写“栏目”“日期”“有效至”“审核人”，可加“说明”。",
              "参照示例仓库的 catalogue/nil.yml。", line=1)
        return r.problems
    lines = load.entry_lines(cfg)
    for i, entry in enumerate(data):
        line = lines[i] if i < len(lines) else None
        if not isinstance(entry, dict):
            r.add("nil-shape", f"第{i + 1}项应写“栏目”“日期”“有效至”“审核人”。", "参照示例 nil.yml。", line=line)
            continue
        r.unknown(entry, NIL_KEYS, "", line)
        target = "标准目录事项" if "标准目录事项" in entry and "栏目" not in entry else "栏目"
        missing = [k for k in (target, "日期", "有效至", "审核人") if not str(entry.get(k) or "").strip()]
        if missing:
            r.add("nil-missing", f"第{i + 1}项缺少“{'”“'.join(missing)}”。",
                  "“本期无此类信息”声明须写明栏目（或标准目录事项）、声明日期、有效期和审核人，经审核后才能公开。",
                  missing[0], line)
            continue
        name = str(entry[target]).strip()
        rows = s.standard.rows if s.standard else {}
        if target == "标准目录事项":
            if name not in rows:
                near = nearest(name, rows) if rows else None
                r.add("nil-column", f"标准目录中没有事项“{name}”。", (f"是否想写“{near}”？" if near else "") +
                      ("写作“领域/事项”。" if rows else "本站没有配置标准目录（catalogue/standard.yml）。"), target, line)
                continue
            slug, store = name, s.nil_rows
        else:
            col = leaves.get(name)
            if col is None:
                near = nearest(name, [c.name for c in leaves.values()])
                r.add("nil-column", f"没有名为“{name}”的末级栏目。",
                      (f"是否想写“{near}”？" if near else "") + "栏目名称见 catalogue/columns.yml。", "栏目", line)
                continue
            slug, name, store = col.slug, col.name, s.nil
        dated, until = r.date(entry["日期"], "日期", line), r.date(entry["有效至"], "有效至", line)
        if dated is None or until is None:
            continue
        if until < dated:
            r.add("nil-dates", f"有效至 {until} 早于声明日期 {dated}。", "有效至应是本期的最后一天。", "有效至", line)
            continue
        if dated > today:
            r.add("nil-dates", f"声明日期 {dated} 晚于今天（{today}）。", "声明日期填审核通过、对外公开的日期。", "日期", line)
            continue
        text = str(entry.get("说明") or "").strip()
        store.setdefault(slug, []).append(
            NilRecord(slug, name, dated, until, str(entry["审核人"]).strip(), text, cfg.rel, line))
    for records in list(s.nil.values()) + list(s.nil_rows.values()):
        records.sort(key=lambda rec: rec.dated, reverse=True)
    return r.problems
