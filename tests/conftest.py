"""Shared fixtures: a small project on disk built from the example's configuration."""
from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

TODAY = date(2026, 11, 28)
CODE = "11349901MB1C2D3E3D"


def front(fields: dict) -> str:
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


def good_item(serial: int = 1, year: int = 2024, **overrides) -> dict:
    fields = {
        "标题": f"示例县人民政府办公室关于做好{year}年春耕生产工作的通知",
        "索引号": f"{CODE}/{year}-{serial:05d}",
        "发布机构": "示例县人民政府办公室",
        "文号": f"示政办〔{year}〕{serial}号",
        "成文日期": f"{year}-03-05",
        "发布日期": f"{year}-03-08",
        "栏目": "其他文件",
        "主题分类": "农业、林业、水利\\农业、畜牧业、渔业",
        "体裁": "通知",
        "内容概述": "部署春耕备耕、农资保供和技术指导工作。",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


class Project:
    def __init__(self, root: Path):
        self.root = root

    def item(self, rel: str, fields: dict | None = None, body: str = "正文内容。\n", raw: str | None = None,
             encoding: str = "utf-8") -> Path:
        path = self.root / "catalogue" / "items" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = raw if raw is not None else f"---\n{front(fields or good_item())}---\n\n{body}"
        path.write_bytes(text.encode(encoding))
        return path

    def check(self):
        from gongkai import pipeline
        return pipeline.check(self.root, TODAY)

    def problems(self, code: str | None = None):
        _, problems = self.check()
        return [p for p in problems if code is None or p.code == code]


@pytest.fixture
def project(tmp_path: Path) -> Project:
    for name in ("mkdocs.yml", "content", "overrides", "catalogue/site.yml", "catalogue/columns.yml",
                 "catalogue/assets"):
        src, dst = ROOT / name, tmp_path / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    (tmp_path / "catalogue" / "items").mkdir()
    (tmp_path / "hooks").symlink_to(ROOT / "hooks")
    return Project(tmp_path)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", TODAY.isoformat())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
