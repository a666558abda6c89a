"""The column presets all validate and carry the Art. 20/21 structure."""
import pytest

from gongkai.stages import load
from gongkai.stages.validate import leaves, validate_columns


@pytest.mark.parametrize("name", ["县级人民政府（办公室）", "乡镇/街道", "县直部门"])
def test_preset_is_valid(project, name):
    (project.root / "catalogue/columns.yml").write_text(f"预设: {name}\n")
    inputs = load.load_project(project.root)
    tree, problems = validate_columns(inputs.columns, inputs.presets)
    assert not problems, [p.format() for p in problems]
    names = [c["name"] for c in leaves(tree)]
    assert "政府信息公开年报" in names and "工作动态" in names
    assert all(c["description"] for c in leaves(tree))


def test_township_preset_has_art21_extras(project):
    (project.root / "catalogue/columns.yml").write_text("预设: 乡镇/街道\n")
    inputs = load.load_project(project.root)
    tree, _ = validate_columns(inputs.columns, inputs.presets)
    names = {c["name"] for c in leaves(tree)}
    assert {"农田水利工程建设运营", "农村土地承包经营权流转", "宅基地使用情况审核", "筹资筹劳", "社会救助"} <= names


def test_unknown_preset_lists_available(project):
    (project.root / "catalogue/columns.yml").write_text("预设: 市级\n")
    problems = project.problems("columns-preset")
    assert problems and "乡镇/街道" in problems[0].hint
