"""newitem: make new — the next free 索引号 (never reused), templates per 体裁, the file passing make check."""
import subprocess
from datetime import date

import pytest

from conftest import CODE, ROOT, TODAY, good_item
from gongkai.commands import newitem
from gongkai import pipeline
from gongkai.core.problems import errors

GIT = ["git", "-c", "user.name=办公室", "-c", "user.email=zwgk@example.gov.cn", "-c", "commit.gpgsign=false"]


def git(root, *args):
    return subprocess.run(GIT + list(args), cwd=root, check=True, capture_output=True, text=True).stdout


def new(project, column="其他文件", genre="通知", title="示例县人民政府办公室关于开展秋季森林防火检查的通知", **kw):
    return newitem.create(newitem.load_context(project.root), column, genre, title, today=TODAY, **kw)


def test_number_is_one_above_every_number_ever_used_in_the_year(project):
    project.item("qtwj/2026/00001.md", good_item(1, 2026))
    project.item("qtwj/2026/00003.md", good_item(3, 2026, 曾用索引号=[f"{CODE}/2026-00007"]))
    project.item("qtwj/2025/00050.md", good_item(50, 2025))               # another year: not counted
    site = project.root / "catalogue" / "site.yml"
    site.write_text(site.read_text() + f"已停用索引号:\n  - {CODE}/2026-00009\n")
    assert new(project).index_no == f"{CODE}/2026-00010"
    # a number that only git history knows (item deleted on another branch) is never reused
    git(project.root, "init", "-q", "-b", "main")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "目录")
    git(project.root, "checkout", "-qb", "draft")
    project.item("qtwj/2026/00031.md", good_item(31, 2026))
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "草稿")
    git(project.root, "rm", "-q", "catalogue/items/qtwj/2026/00031.md")
    git(project.root, "commit", "-qm", "撤回")
    git(project.root, "checkout", "-q", "main")
    made = new(project)
    assert made.index_no == f"{CODE}/2026-00032"
    assert made.path == project.root / "catalogue/items/qtwj/2026/00032.md"


def test_other_index_patterns(project):
    site = {"credit_code": CODE, "area_code": "349901", "index_pattern": "{组织机构代码}-{YYYYMM}-{NNNN}"}
    used = {"MB1C2D3E3-202603-0041", "MB1C2D3E3-202511-0099"}
    assert newitem.next_index_no(site, used, date(2026, 11, 28)) == ("MB1C2D3E3-202611-0042", "0042")
    with pytest.raises(Exception) as exc:
        newitem.next_index_no(site, {"MB1C2D3E3-202601-9999"}, date(2026, 11, 28))
    assert exc.value.problems[0].code == "index-exhausted"


def test_templates_per_genre_and_column(project):
    notice = new(project).path.read_text()
    assert "# 文号: 有发文字号时填写" in notice and "【待填写：主送机关" in notice and "（此件公开发布）" in notice
    assert f"成文日期: {TODAY}\n发布日期: {TODAY}\n" in notice and "#   - {文件: 00001/附件1.pdf" in notice
    normative = new(project, "规范性文件", "决定", "示例县人民政府关于修改某办法的决定").path.read_text()
    assert "有效性: 现行有效" in normative and "文号: 【待填写：发文字号" in normative
    interpretation = new(project, "政策解读", "解读", "《某办法》政策解读").path.read_text()
    assert "关联:\n  - {索引号: 【待填写：被解读文件的索引号】, 关系: 解读}" in interpretation
    made = new(project, "政府信息公开年报", "年报", None)
    report = made.path.read_text()
    assert "标题: 示例县人民政府办公室2025年政府信息公开工作年度报告" in report and "报告年度: 2025" in report
    assert "## 五、存在的主要问题及改进情况" in report and "## 六、其他需要报告的事项" in report
    assert "监督保障情况" in made.blanks and "内容概述" in made.blanks
    other = new(project, "工作动态", "动态", "县政府召开秋冬季安全生产工作会议").path.read_text()
    assert "文号" not in other and other.endswith("---\n\n【待填写：正文】\n")


def test_unfilled_item_is_held_back_and_filled_item_passes_check(project, tmp_path):
    made = new(project)
    _, problems = project.check()
    assert {p.code for p in errors(problems)} == {"placeholder"}
    assert {p.field for p in problems} == {"内容概述", None}
    text = made.path.read_text().replace("【待填写：内容概述，一两句话，100字以内】", "部署秋季森林防火检查。")
    text = text.replace("【待填写：主送机关，如“各乡镇人民政府，县政府各部门：”】", "各乡镇人民政府，县直各单位：")
    made.path.write_text(text.replace("【待填写：正文】", "请于10月31日前完成森林防火隐患排查。"))
    inspected = pipeline.inspect(project.root, TODAY)
    assert not errors(inspected.inspection.findings), [p.format() for p in errors(inspected.inspection.findings)]
    assert made.index_no in {i.index_no for i in inspected.catalogue.items}
    # given the summary and the body, the new file passes at once
    body = tmp_path / "正文.txt"
    body.write_text("各乡镇人民政府：\n\n请做好秋冬季安全生产工作。\n")
    assert newitem.command(["--root", str(project.root), "--体裁", "通知", "--栏目", "其他文件",
                            "--标题", "示例县人民政府办公室关于做好秋冬季安全生产工作的通知",
                            "--内容概述", "部署秋冬季安全生产工作。", "--正文", str(body)], TODAY) == 0
    inspected = pipeline.inspect(project.root, TODAY)
    assert not errors(inspected.inspection.findings) and len(inspected.catalogue.items) == 2


def test_interactive_questions(project, capsys):
    answers = iter(["9999", "其他文件", "", "示例县人民政府办公室关于开展消防检查的通知", "2"])
    assert newitem.command(["--root", str(project.root)], TODAY, ask=lambda prompt: next(answers)) == 0
    out = capsys.readouterr().out
    assert "没有“9999”" in out and "已新建：catalogue/items/qtwj/2026/00001.md" in out
    text = (project.root / "catalogue/items/qtwj/2026/00001.md").read_text()
    assert "体裁: 通知" in text and "开展消防检查" in text and "发布机构: 示例县人民政府办公室" in text


def test_missing_arguments_without_terminal_and_bad_values(project, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert newitem.command(["--root", str(project.root), "--体裁", "通知"], TODAY) == 1
    assert "缺少栏目、标题" in capsys.readouterr().out
    assert newitem.command(["--root", str(project.root), "--体裁", "同志", "--栏目", "其它文件", "--标题", "x"],
                           TODAY) == 1
    out = capsys.readouterr().out
    assert "是否想写“其他文件”" in out and "“同志”不是可用的体裁" in out and "Traceback" not in out
    assert not list((project.root / "catalogue/items").rglob("*.md"))


def test_never_overwrites_a_file(project):
    project.item("qtwj/2026/00001.md", good_item(7, 2026))       # named 00001 by hand, holds 00007
    made = new(project)
    assert made.index_no == f"{CODE}/2026-00008" and made.path.name == "00008.md"
    (project.root / "catalogue/items/qtwj/2026/00009.md").write_text("草稿\n")
    again = new(project)
    assert again.path.name == "00009-2.md" and (project.root / "catalogue/items/qtwj/2026/00009.md").read_text() == "草稿\n"


def test_make_new_passes_its_arguments():
    out = subprocess.run(["make", "-n", "-C", str(ROOT), "new", "体裁=通知", "栏目=规范性文件", "标题=关于某事的通知"],
                         capture_output=True, text=True).stdout
    assert '-m gongkai new --体裁 "通知" --栏目 "规范性文件" --标题 "关于某事的通知"' in out
