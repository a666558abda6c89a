"""Old columns → the site's 栏目: the office's mapping file (MAP=), then the starter mapping shipped in
data/import_columns.yml, else the holding column (暂存栏目) with one 提醒 per old column.

Mapping file (YAML), every section optional:
  栏目:      {旧栏目名称: 本站末级栏目}              matched against the page's ColumnName, then each breadcrumb
                                                  level from the nearest up
  网址前缀:  {www.example.gov.cn/zwgk/gsgg/: 通知公告}   the longest prefix of the old address wins, before names
  暂存栏目:  其他文件                              where pages of unmapped columns go
  发布机构:  {旧名称: 本站发布机构全称}              renames applied to 发布机构
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ...stages.load import DATA_DIR
from ...core.problems import InputError, Problem
from .pages import url_key

STARTER = DATA_DIR / "import_columns.yml"
SECTIONS = ("栏目", "网址前缀", "暂存栏目", "发布机构")


def _read(path: Path) -> dict:
    rel = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InputError([Problem("missing-file", rel, "找不到栏目映射文件。", "核对 MAP= 后的路径。")]) from None
    except UnicodeDecodeError:
        raise InputError([Problem("encoding", rel, "映射文件不是 UTF-8 编码。", "用记事本“另存为”，编码选 UTF-8。")]) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError([Problem("yaml-syntax", rel, "映射文件的 YAML 写法有误。",
                                  "每行写“旧栏目名称: 本站栏目”，冒号后加空格。", (line or 0) + 1)]) from None
    if not isinstance(data, dict):
        raise InputError([Problem("wrong-type", rel, "映射文件应由“栏目:”“网址前缀:”“暂存栏目:”等几节组成。",
                                  "参照 hooks/gongkai/data/import_columns.yml 的写法。")])
    for key, value in data.items():
        if key not in SECTIONS:
            raise InputError([Problem("unknown-key", rel, f"“{key}”不是映射文件中可用的一节。",
                                      "可用：" + "、".join(SECTIONS) + "。", field=str(key))])
        if key != "暂存栏目" and not isinstance(value, dict):
            raise InputError([Problem("wrong-type", rel, f"“{key}”下应逐行写“旧名称: 新名称”。",
                                      f"如“{key}:”下一行“  行政规范性文件: 规范性文件”。", field=key)])
    return data


@dataclass
class Old:
    """One old column, as the plan shows it."""
    name: str
    trail: str
    pages: int = 0
    target: str | None = None
    how: str = ""                 # 映射文件 / 起始映射 / 网址前缀 / 暂存


@dataclass
class Mapper:
    leaves: dict[str, dict]                     # leaf column name → column
    names: dict[str, tuple[str, str]]           # old name → (target, how)
    prefixes: list[tuple[str, str]]
    holding: str | None
    publishers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    seen: dict[str, Old] = field(default_factory=dict)

    @classmethod
    def load(cls, leaves: list[dict], path: Path | None) -> "Mapper":
        by_name = {c["name"]: c for c in leaves}
        starter = _read(STARTER)
        own = _read(path) if path else {}
        rel = str(path) if path else ""
        problems = []
        names = {k: (v, "起始映射") for k, v in (starter.get("栏目") or {}).items() if v in by_name}
        for key, target in (own.get("栏目") or {}).items():
            if str(target) not in by_name:
                raise InputError([Problem("unknown-column", rel, f"“{key}”映射到的“{target}”不是本站的末级栏目。",
                                          "栏目名称见 catalogue/columns.yml（写末级栏目）。", field="栏目")])
            names[str(key)] = (str(target), "映射文件")
        prefixes = []
        for prefix, target in (own.get("网址前缀") or {}).items():
            if str(target) not in by_name:
                raise InputError([Problem("unknown-column", rel, f"网址前缀“{prefix}”映射到的“{target}”不是本站的末级栏目。",
                                          "栏目名称见 catalogue/columns.yml（写末级栏目）。", field="网址前缀")])
            prefixes.append((url_key("https://" + str(prefix).split("://")[-1]), str(target)))
        prefixes.sort(key=lambda p: -len(p[0]))
        holding = own.get("暂存栏目") or starter.get("暂存栏目")
        if holding not in by_name:
            holding = None
            problems.append(Problem("unknown-column", rel or str(STARTER),
                                    "暂存栏目不是本站的末级栏目：没有映射的旧栏目将无法导入。",
                                    "在映射文件中写“暂存栏目: 其他文件”（本站的一个末级栏目）。", field="暂存栏目"))
        return cls(by_name, names, prefixes, holding, {str(k): str(v) for k, v in (own.get("发布机构") or {}).items()},
                   problems)

    def column(self, name: str, trail: list[str], url: str) -> tuple[str | None, Old]:
        """The target leaf column for a page of old column `name` (breadcrumb `trail`, nearest last)."""
        key = url_key(url)
        for prefix, t in self.prefixes:                  # per page: a prefix may split an old column
            if key.startswith(prefix):
                old = self.seen.setdefault("\0" + prefix, Old(prefix, f"网址 {prefix}…", target=t, how="网址前缀"))
                old.pages += 1
                return t, old
        label = " › ".join(trail[-3:]) if trail else name
        old = self.seen.setdefault(name or label, Old(name or label, label))
        old.pages += 1
        if old.target is not None or old.how == "暂存":
            target = old.target
        else:
            target, how = None, ""
            for candidate in ([name] if name else []) + list(reversed(trail)):
                if target is None and candidate in self.names:
                    target, how = self.names[candidate]
                    if candidate != name:
                        how += f"（按上级栏目“{candidate}”）"
            if target is None:
                target, how = self.holding, "暂存"
            old.target, old.how = target, how
        return target, old
