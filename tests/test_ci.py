"""CI templates (ci/): the files they cite exist, and the CODEOWNERS example routes review by folders that
`make new` creates (catalogue/items/<栏目标识>/), so every rule matches items a clerk adds."""
from __future__ import annotations

import re

import yaml

from conftest import ROOT
from gongkai.commands import newitem

CI = ROOT / "ci"


def test_templates_cite_only_files_that_exist():
    cited = {m for path in CI.iterdir() for m in re.findall(r"\bci/[\w.-]+", path.read_text(encoding="utf-8"))}
    assert "ci/README.md" in cited
    assert [c for c in sorted(cited) if not (ROOT / c).is_file()] == []
    readme = (CI / "README.md").read_text(encoding="utf-8")
    for name in ("forgejo-actions.yml", "gitlab-ci.yml", "github-actions.yml", "CODEOWNERS", "DEPLOY_TARGET",
                 "GONGKAI_BOT_TOKEN"):
        assert name in readme, name


def test_codeowners_routes_by_the_column_folders_make_new_creates():
    ctx = newitem.load_context(ROOT)
    slugs = {c["slug"] for c in ctx.leaves}
    rules = [line.split()[0] for line in (CI / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.startswith("/catalogue/items/")]
    assert len(rules) >= 5
    for rule in rules:
        folder = rule.removeprefix("/catalogue/items/").strip("/")
        assert "*" not in folder and folder in slugs, f"{rule}: no column folder “{folder}”"
    col = ctx.column("财政预决算")
    assert f"/{newitem.ITEMS}/{col['slug']}/" in rules


def test_every_template_keeps_the_build_cache_between_runs():
    for name in ("github-actions.yml", "forgejo-actions.yml", "gitlab-ci.yml"):
        conf = yaml.safe_load((ROOT / "ci" / name).read_text(encoding="utf-8"))
        if name == "gitlab-ci.yml":
            assert "build/cache/" in conf["cache"]["paths"]
            continue
        for job in conf["jobs"].values():
            steps = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/cache@")]
            assert [s["with"]["path"] for s in steps] == ["build/cache"], (name, job)
            names = [s.get("name") for s in job["steps"]]
            assert names.index(steps[0]["name"]) < next(i for i, s in enumerate(job["steps"])
                                                         if "make" in str(s.get("run", ""))), "缓存须在生成之前恢复"
