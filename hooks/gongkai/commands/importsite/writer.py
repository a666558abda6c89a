"""Item files: front matter in schema order, the body, attachments copied beside the item; the
publishers the old site used added to catalogue/site.yml."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from .. import newitem
from ...core import schema
from ...core.cache import digest
from ...core.problems import InputError, Problem

ORDER = [f.key for f in schema.FIELDS] + [k for k in ("原网址",) if k not in schema.BY_KEY]


def front_matter(values: dict) -> str:
    lines = ["---"]
    for key in ORDER:
        value = values.get(key)
        if value is None or value == [] or value == "":
            continue
        if key == "附件":
            lines.append("附件:")
            lines += [f"  - {{文件: {newitem.yaml_value(a['文件'])}, 标题: {newitem.yaml_value(a['标题'])}}}" for a in value]
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines += [f"  - {newitem.yaml_value(v)}" for v in value]
        elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
            lines.append(f"{key}: {value}")
        else:
            lines.append(f"{key}: {newitem.yaml_value(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def safe_name(name: str) -> str:
    name = re.sub(r'[\\/:*?"<>|\s]+', "_", name).strip("._") or "附件"
    stem, ext = os.path.splitext(name)
    return stem[:60] + ext[:10]


def copy_files(folder: Path, files: list[tuple[str, str]]) -> None:
    """files: (mirror path, name inside folder); copied unless already identical in size."""
    for src, name in files:
        dst = folder / name
        if dst.exists() and dst.stat().st_size == os.path.getsize(src):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)


def publisher_slug(name: str, taken: set[str]) -> str:
    slug = "jg-" + digest(name)[:6]
    while slug in taken:
        slug = "jg-" + digest(slug, name)[:6]
    return slug


def add_publishers(site_yml: Path, names: list[str], taken: set[str]) -> list[tuple[str, str]]:
    """Append publishers to the 发布机构 list of site.yml (after its last entry, comments kept)."""
    if not names:
        return []
    text = site_yml.read_text(encoding="utf-8")
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^发布机构\s*:\s*(#.*)?$", line)), None)
    if start is None:
        raise InputError([Problem("site-publisher", "catalogue/site.yml", "找不到“发布机构:”列表，无法加入原网站的发布机构。",
                                  "在 site.yml 中按 README 的写法列出发布机构（每行一项“- {名称: …, 标识: …}”）后重新导入。",
                                  field="发布机构")])
    end = start + 1
    while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    entries = [line for line in lines[start + 1:end] if line.lstrip().startswith("- ")]
    indent = entries[-1][: len(entries[-1]) - len(entries[-1].lstrip())] if entries else "  "
    added = []
    for name in names:
        slug = publisher_slug(name, taken)
        taken.add(slug)
        added.append((name, slug))
    new = [f"{indent}- {{名称: {newitem.yaml_value(n)}, 标识: {s}}}   # 由 make import-site 从原网站加入，请核对" for n, s in added]
    site_yml.write_text("\n".join(lines[:end] + new + lines[end:]), encoding="utf-8")
    return added
