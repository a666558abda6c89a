"""基层政务公开标准目录 (spec: grassroots-catalogue.md), checked after the model stage (read by load).

catalogue/standard.yml names a preset (hooks/gongkai/data/standard/) or lists its own
领域 and 事项, gives the body's 公开层级 (县级 or 乡级), and lists the 领域 it does not
cover with the reason (“未涉及领域事项说明”). Items name the rows they fulfil in
“标准目录事项: [领域/事项]”; the site renders one public table per 领域.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from . import load
from ..core.problems import ERROR, Problem
from .validate import SLUG_RE, nearest

STANDARD_FILE = "catalogue/standard.yml"
PRESET_KEY = load.DATA_KEY + "standard/"    # the presets, read by the load stage
# 公开渠道和载体 (exact), core values then the additional ones seen in catalogues.
CHANNELS = ("政府网站", "政府公报", "两微一端", "发布会/听证会", "广播电视", "纸质媒体", "公开查阅点", "政务服务中心",
            "便民服务站", "入户/现场", "社区/企事业单位/村公示栏（电子屏）", "精准推送", "其他",
            "投资项目在线审批监管平台", "公共资源交易平台", "信用中国网站")
AUDIENCE, MODES, LEVELS = ("全社会", "特定群体"), ("主动", "依申请"), ("县级", "乡级")
ROW_KEYS = {"一级事项": "l1", "二级事项": "l2", "公开内容": "content", "公开依据": "basis", "公开时限": "time_limit",
            "公开主体": "owner", "公开渠道": "channels", "公开对象": "audience", "公开方式": "mode", "公开层级": "level"}
ROW_REQUIRED = ("一级事项", "公开内容", "公开时限", "公开主体", "公开渠道", "公开对象", "公开方式", "公开层级")
TICKS = {"公开渠道": CHANNELS, "公开对象": AUDIENCE, "公开方式": MODES, "公开层级": LEVELS}


@dataclass
class Row:
    area: str
    seq: int
    l1: str
    l2: str
    content: str
    basis: str
    time_limit: str
    owner: str
    channels: list[str]
    audience: list[str]
    mode: list[str]
    level: list[str]
    file: str
    line: int | None
    excluded: str | None = None          # why this body does not publish this row

    @property
    def key(self) -> str:
        return f"{self.area}/{self.l2 or self.l1}"


@dataclass
class Area:
    name: str
    slug: str
    rows: list[Row] = field(default_factory=list)
    excluded: str | None = None          # why this body does not cover the area


@dataclass
class Standard:
    name: str
    level: str                           # this body's 公开层级
    areas: list[Area]
    file: str

    @property
    def rows(self) -> dict[str, Row]:
        return {r.key: r for a in self.areas for r in a.rows}

    def required(self, row: Row) -> bool:
        """The body must publish an item for this row."""
        area = next(a for a in self.areas if a.name == row.area)
        return area.excluded is None and row.excluded is None and "主动" in row.mode and self.level in row.level


def _plain(node, lines: dict[int, int]):
    """YAML node → Python data; the line of every mapping is kept in `lines` by id()."""
    if isinstance(node, yaml.MappingNode):
        out = {str(k.value): _plain(v, lines) for k, v in node.value}
        lines[id(out)] = node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(n, lines) for n in node.value]
    return node.value if node.value != "" or node.style else None


def _read(loaded: tuple[load.ConfigFile | None, list[Problem]]) -> tuple[object, dict[int, int], str, list[Problem]]:
    cfg, problems = loaded
    if cfg is None:
        return None, {}, "", problems
    lines: dict[int, int] = {}
    node = yaml.compose(cfg.text, Loader=yaml.SafeLoader)
    return (_plain(node, lines) if node is not None else None), lines, cfg.rel, problems


def load_standard(inputs: load.Inputs) -> tuple[Standard | None, list[Problem]]:
    data, lines, rel, problems = _read(inputs.configs.get(STANDARD_FILE, (None, [])))
    if data is None:
        return None, problems
    out: list[Problem] = list(problems)

    def add(file, message, hint, line=None, field=None, code="standard-config"):
        out.append(Problem(code, file, message, hint, line, field, ERROR))

    if not isinstance(data, dict):
        add(rel, "应写“预设”或“领域”，以及“公开层级”。", "参照示例仓库的 catalogue/standard.yml。", 1)
        return None, out
    for key in data:
        if key not in ("预设", "公开层级", "领域", "未涉及领域", "未涉及事项"):
            near = nearest(key, ("预设", "公开层级", "领域", "未涉及领域", "未涉及事项"))
            add(rel, f"“{key}”不是可用的设置项。", f"是否想写“{near}”？" if near else "删除这一项。", line=lines.get(id(data)))
    level = str(data.get("公开层级") or "")
    if level not in LEVELS:
        add(rel, f"公开层级“{level}”应是“县级”或“乡级”。", "县级政府及其部门填“县级”，乡镇、街道填“乡级”。", field="公开层级")
        return None, out
    source, src_rel, src_lines, name = data.get("领域"), rel, lines, "本机关标准目录"
    if source is None and data.get("预设"):
        wanted = str(data["预设"])
        presets = {}
        for key in sorted(k for k in inputs.configs if k.startswith(PRESET_KEY)):
            pdata, plines, prel, found = _read(inputs.configs[key])
            out.extend(found)
            if isinstance(pdata, dict):
                presets[PurePosixPath(key).stem] = (pdata, plines, load.DATA_KEY + prel)
        match = [p for stem, p in presets.items() if wanted in (stem, p[0].get("名称"))]
        if not match:
            names = "、".join(str(p[0].get("名称")) for p in presets.values())
            add(rel, f"没有名为“{wanted}”的标准目录预设。", f"可用的预设：{names}。", field="预设")
            return None, out
        pdata, src_lines, src_rel = match[0]
        source, name = pdata.get("领域"), str(pdata.get("名称"))
    if not isinstance(source, list) or not source:
        add(rel, "需要“预设: 名称”或“领域:”列表。", "参照示例仓库的 catalogue/standard.yml。", 1)
        return None, out
    areas = _areas(source, src_lines, src_rel, add)
    targets = {"未涉及领域": ("领域", {a.name: a for a in areas}, "如 - {领域: 税收管理, 说明: 由国家税务总局示例县税务局公开。}",
                            "领域", "核对领域名称。"),
               "未涉及事项": ("事项", {r.key: r for a in areas for r in a.rows},
                            "如 - {事项: 市政服务/停水停气等服务公告, 说明: 由供水、供气企业发布。}", "事项", "写作“领域/事项”。")}
    for field, (key, table, example, what, fallback) in targets.items():
        for entry in data.get(field) or []:
            line = lines.get(id(entry)) if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not entry.get(key) or not str(entry.get("说明") or "").strip():
                add(rel, f"每个{field}要写“{key}”和“说明”（为什么不涉及、由谁公开）。", example, line, field)
                continue
            target = table.get(str(entry[key]))
            if target is None:
                near = nearest(str(entry[key]), table)
                add(rel, f"标准目录中没有{what}“{entry[key]}”。", f"是否想写“{near}”？" if near else fallback,
                    line, field)
                continue
            target.excluded = str(entry["说明"]).strip()
    return Standard(name, level, areas, rel), out


def _areas(source: list, lines: dict[int, int], rel: str, add) -> list[Area]:
    areas, slugs = [], set()
    for entry in source:
        line = lines.get(id(entry)) if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not entry.get("名称") or not isinstance(entry.get("事项"), list):
            add(rel, "每个领域要写“名称”“标识”和“事项”列表。", "参照 hooks/gongkai/data/standard/county.yml。", line)
            continue
        slug = str(entry.get("标识") or "")
        if not SLUG_RE.match(slug) or slug in slugs:
            add(rel, f"领域“{entry['名称']}”的标识“{slug}”无效或重复：只能用小写字母、数字和减号，且各不相同。",
                "如 zdjsxm。标识决定网址，发布后不要再改。", line)
            continue
        slugs.add(slug)
        area = Area(str(entry["名称"]), slug)
        keys = set()
        for seq, row in enumerate(entry["事项"], 1):
            rline = lines.get(id(row)) if isinstance(row, dict) else line
            parsed = _row(row, area.name, seq, rel, rline, add)
            if parsed is None:
                continue
            if parsed.key in keys:
                add(rel, f"事项“{parsed.key}”重复。", "同一领域内二级事项（或一级事项）名称要唯一，信息按名称引用事项。", rline)
                continue
            keys.add(parsed.key)
            area.rows.append(parsed)
        areas.append(area)
    return areas


def _row(row, area: str, seq: int, rel: str, line, add) -> Row | None:
    if not isinstance(row, dict):
        add(rel, f"领域“{area}”第{seq}个事项应由“一级事项”“公开内容”等组成。", "参照预设文件。", line)
        return None
    for key in row:
        if key not in ROW_KEYS:
            near = nearest(key, ROW_KEYS)
            add(rel, f"领域“{area}”第{seq}个事项中的“{key}”不是可用的项。",
                f"是否想写“{near}”？" if near else "可用的项：" + "、".join(ROW_KEYS) + "。", line)
    missing = [k for k in ROW_REQUIRED if not row.get(k)]
    if missing:
        add(rel, f"领域“{area}”第{seq}个事项缺少“{'”“'.join(missing)}”。", "标准目录每一行都要写明这些要素。", line)
        return None
    values = {}
    for key, vocab in TICKS.items():
        items = row[key] if isinstance(row[key], list) else [row[key]]
        bad = [str(v) for v in items if str(v) not in vocab]
        if bad:
            add(rel, f"领域“{area}”第{seq}个事项的{key}“{'、'.join(bad)}”不是可用的值。", "可用的值：" + "、".join(vocab) + "。",
                line, key)
        values[key] = [str(v) for v in items if str(v) in vocab]
    return Row(area, seq, str(row["一级事项"]).strip(), str(row.get("二级事项") or "").strip(),
               str(row["公开内容"]).strip(), str(row.get("公开依据") or "").strip(), str(row["公开时限"]).strip(),
               str(row["公开主体"]).strip(), values["公开渠道"], values["公开对象"], values["公开方式"], values["公开层级"],
               rel, line)
