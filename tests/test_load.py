"""load: encodings, front matter, YAML syntax."""
from conftest import good_item, front


def only(project, code):
    found = project.problems(code)
    assert found, [p.format() for p in project.problems()]
    return found[0]


def test_yaml_syntax_error_names_file_and_line(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 一个标题\n索引号: [未闭合\n发布机构: x\n---\n正文\n")
    p = only(project, "yaml-syntax")
    assert p.file == "catalogue/items/qtwj/2024/00001.md"
    assert p.line in (3, 4, 5)
    assert "YAML" in p.message and p.hint


def test_yaml_colon_in_value_explained(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 通知: 关于春耕\n---\n正文\n")
    p = only(project, "yaml-syntax")
    assert p.line == 2 and "冒号" in p.message


def test_unclosed_front_matter(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 一个标题\n\n正文没有结束线\n")
    p = only(project, "unclosed-front-matter")
    assert "---" in p.message and p.line == 1


def test_missing_front_matter(project):
    project.item("qtwj/2024/00001.md", raw="标题: 没有开头的三个减号\n")
    assert only(project, "no-front-matter").line == 1


def test_empty_file(project):
    project.item("qtwj/2024/00001.md", raw="  \n")
    p = only(project, "empty-file")
    assert p.file.endswith("00001.md")


def test_gbk_file_is_reported_with_fix(project):
    text = f"---\n{front(good_item())}---\n\n正文。\n"
    project.item("qtwj/2024/00001.md", raw=text, encoding="gbk")
    p = only(project, "encoding")
    assert "GBK" in p.message and "UTF-8" in p.hint
    assert p.line == 2


def test_bom_and_crlf_accepted(project):
    text = "\ufeff" + f"---\n{front(good_item())}---\n\n正文。\n".replace("\n", "\r\n")
    project.item("qtwj/2024/00001.md", raw=text)
    cat, problems = project.check()
    assert cat is not None, [p.format() for p in problems]
    assert cat.items[0].title.startswith("示例县")


def test_duplicate_key_reported_with_both_lines(project):
    project.item("qtwj/2024/00001.md", raw=f"---\n{front(good_item())}标题: 第二个标题\n---\n正文\n")
    p = only(project, "duplicate-key")
    assert p.field == "标题" and "第2行" in p.message


def test_other_items_untouched_by_a_broken_one(project):
    project.item("qtwj/2024/00001.md", good_item(1))
    project.item("qtwj/2024/00002.md", raw="---\n标题: [\n---\n")
    from gongkai import load, validate
    from conftest import TODAY
    valid = validate.validate(load.load_project(project.root), TODAY)
    assert [r["index_no"] for r in valid.items] == [good_item(1)["索引号"]]
    assert any(p.code == "yaml-syntax" for p in valid.problems)
