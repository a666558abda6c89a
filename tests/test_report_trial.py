"""The five-report trial: annual reports of five offices re-entered as a clerk would (tests/fixtures/report_trial/).
Each passes with no error and no 提醒 beyond those its trial.yml expects; every figure its text restates a
table cell with is compared: changed, it is reported with the cell named."""
from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import CODE, new_project

TRIALS = Path(__file__).parent / "fixtures" / "report_trial"
NAMES = sorted(p.name for p in TRIALS.iterdir() if (p / "trial.yml").is_file())


def trial(name: str) -> dict:
    return yaml.safe_load((TRIALS / name / "trial.yml").read_text())


def setup(tmp_path: Path, name: str):
    """The office's project: its report and data, its 规范性文件 in the catalogue, its publisher in site.yml."""
    spec = trial(name)
    project = new_project(tmp_path / name)
    cat = project.root / "catalogue"
    shutil.copytree(TRIALS / name / "items", cat / "items", dirs_exist_ok=True)
    shutil.copytree(TRIALS / name / "reports", cat / "reports")
    if spec.get("新增发布机构"):
        site = cat / "site.yml"
        text = site.read_text()
        entry = spec["新增发布机构"]
        site.write_text(text.replace("发布机构:\n", f"发布机构:\n  - {{名称: {entry['名称']}, 标识: {entry['标识']}}}\n", 1))
    for n, doc in enumerate(spec.get("规范性文件") or [], 1):
        signed = date.fromisoformat(str(doc["成文日期"]))
        fields = {"标题": doc["标题"], "索引号": f"{CODE}/{signed.year}-{800 + n:05d}", "发布机构": doc["发布机构"],
                  "文号": doc["文号"], "成文日期": signed.isoformat(),
                  "发布日期": date.fromordinal(signed.toordinal() + 4).isoformat(), "栏目": "规范性文件", "体裁": "通知",
                  "有效性": "已废止" if doc.get("废止日期") else "现行有效", "生效日期": signed.isoformat(),
                  "主题分类": "综合政务\\其他", "内容概述": doc["标题"].split("《")[-1].split("》")[0] + "的制定和施行。"}
        if doc.get("废止日期"):
            fields["废止日期"] = str(doc["废止日期"])
        project.item(f"gfxwj/{signed.year}/{800 + n:05d}.md", fields,
                     body="各有关单位：现将" + doc["标题"].split("关于印发")[-1].removesuffix("的通知") + "印发给你们，请认真贯彻执行。\n")
    return project, spec


def checked(project, spec):
    from gongkai import pipeline
    return pipeline.check(project.root, date.fromisoformat(str(spec["检查日期"])))


def report_body(project) -> Path:
    return next((project.root / "catalogue/items/ndbg").rglob("*.md"))


def test_there_are_five_offices_and_one_is_in_the_2019_format():
    assert len(NAMES) == 5
    assert sum("report-2019-format" in (trial(n)["提醒"] or []) for n in NAMES) == 1


@pytest.mark.parametrize("name", NAMES)
def test_a_reentered_report_passes_clean(tmp_path, name):
    project, spec = setup(tmp_path, name)
    cat, problems = checked(project, spec)
    errors = [p for p in problems if p.severity == "error"]
    assert cat is not None and not errors, "\n".join(p.format() for p in errors)
    found = sorted(p.code for p in problems if p.code.startswith(("report-", "register-")))
    assert found == sorted(spec["提醒"] or []), "\n".join(p.format() for p in problems if p.code in found)
    from gongkai.annual import report
    reports = report.build(cat)
    assert len(reports.by_index) == 1


def bump(text: str) -> str:
    """The snippet with its last figure changed (86.35 → 91.35, 3 → 8)."""
    last = list(re.finditer(r"\d+(?:\.\d+)?", text))[-1]
    return text[:last.start()] + str(Decimal(last.group(0)) + 5) + text[last.end():]


@pytest.mark.parametrize("name", NAMES)
def test_every_restated_figure_is_compared_with_its_cell(tmp_path, name):
    project, spec = setup(tmp_path, name)
    path = report_body(project)
    original = path.read_text()
    changed = original
    for case in spec["复述"]:      # every figure changed at once: one check, one 提醒 each
        said = case["文字"]
        assert original.count(said) == 1 and changed.count(said) == 1, said
        changed = changed.replace(said, bump(said))
    path.write_text(changed)
    _, problems = checked(project, spec)
    found = [p for p in problems if p.code == "report-text-number"]
    assert len(found) == len(spec["复述"]), [p.format() for p in found]
    for case in spec["复述"]:
        said = case["文字"]
        line = original[:original.index(said)].count("\n") + 1
        figure = re.findall(r"\d+(?:\.\d+)?", bump(said))[-1]
        hit = [p for p in found if p.line == line and figure in p.message.split("”与")[0]
               and all(c in p.message for c in case["单元格"])]
        assert hit, (said, [p.format() for p in found if p.line == line])
        found.remove(hit[0])
    for case in spec.get("零值") or []:
        data = project.root / "catalogue/reports" / case["文件"]
        before = data.read_text()
        path.write_text(original)
        data.write_text(before.replace(*case["数据"]))
        _, problems = checked(project, spec)
        found = [p for p in problems if p.code == "report-text-number"]
        assert len(found) == 1 and case["文字"] in found[0].message, [p.format() for p in found]
        assert all(c in found[0].message for c in case["单元格"]), found[0].message
        data.write_text(before)


def test_the_trial_covers_at_least_27_distinct_restated_cells():
    cells = {(n, tuple(c["单元格"])) for n in NAMES for c in trial(n)["复述"]}
    assert len({c for _, c in cells}) >= 27
    assert sum(len(trial(n)["复述"]) + len(trial(n).get("零值") or []) for n in NAMES) >= 60
    sections = set()
    for n in NAMES:
        text = next((TRIALS / n / "items").rglob("*.md")).read_text()
        for c in trial(n)["复述"]:
            head = text[:text.index(c["文字"])].rfind("\n## ")
            sections.add(text[head + 4:head + 6])
    assert sections >= {"一、", "五、", "六、"}
