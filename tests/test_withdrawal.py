"""撤回: a withdrawn item's address answers with a notice (no body, no attachments); it leaves lists,
search, feeds and open data; the 年报 and inspection counts keep it; make takedown and make sign."""
import json
import subprocess

import pytest

from conftest import CODE, TODAY, good_item
from gongkai import pipeline
from gongkai.commands import records
from gongkai.stages import render
from gongkai.annual import report
from gongkai.core.problems import InputError

WITHDRAWAL = {"日期": "2026-11-27", "原因": "涉及商业秘密或个人隐私", "决定人": "李四", "说明": "附件含申请人住址"}


def withdrawn_project(project):
    folder = project.root / "catalogue/items/gfxwj/2026/00002"
    folder.mkdir(parents=True)
    (folder / "附件1.txt").write_text("申请人住址清单")
    project.item("gfxwj/2026/00001.md", good_item(1, 2026, 标题="仍然公开的办法", 栏目="规范性文件", 有效性="现行有效"))
    project.item("gfxwj/2026/00002.md", good_item(2, 2026, 标题="已撤回的办法", 栏目="规范性文件", 有效性="现行有效",
                                                  曾用索引号=[f"{CODE}/2026-00090"], 撤回=WITHDRAWAL,
                                                  附件=[{"文件": "00002/附件1.txt", "标题": "清单"}]),
                 body="撤回前的正文甲乙丙。\n")
    return pipeline.build(project.root, TODAY)


def test_notice_replaces_the_page_at_the_same_address(project):
    result = withdrawn_project(project)
    here = f"gk/{CODE}-2026-00002/"
    notice = next(p for p in result.output.bulk_pages if p.path == here)
    for text in ("已撤回的办法", f"{CODE}/2026-00002", "已于2026-11-27撤回", "涉及商业秘密或个人隐私", "正文和附件不再公开"):
        assert text in notice.body
    assert "撤回前的正文甲乙丙" not in notice.body and "附件含申请人住址" not in notice.body
    assert "李四" not in notice.body                              # who decided is kept internally
    assert not [a for a in result.output.assets if a.src and a.src.name == "附件1.txt"]
    redirect = next(a for a in result.output.assets if a.path == f"gk/{CODE}-2026-00090/index.html")
    assert b"../" + f"{CODE}-2026-00002/".encode() in redirect.data


def test_gone_from_lists_search_feeds_and_open_data(project):
    result = withdrawn_project(project)
    others = [p for p in result.output.bulk_pages if p.path != f"gk/{CODE}-2026-00002/"]
    assert "仍然公开的办法" in "".join(p.body for p in others)
    assert "已撤回的办法" not in "".join(p.body for p in others + result.output.engine_pages)
    assert "已撤回的办法" not in json.dumps([d.title + d.text for d in result.output.search_docs], ensure_ascii=False)
    for path in (render.OPEN_JSON, render.OPEN_CSV, render.FEED, "lm/gfxwj/feed.xml"):
        data = next(a.data for a in result.output.assets if a.path == path).decode("utf-8-sig")
        assert "已撤回的办法" not in data and "仍然公开的办法" in data, path


def test_counts_stay_right(project):
    result = withdrawn_project(project)
    cat = result.catalogue
    assert [i.title for i in cat.items] == ["仍然公开的办法"] and [i.title for i in cat.withdrawn] == ["已撤回的办法"]
    issued = report.count_documents(report.documents(cat, "规范性文件"), 2026)["issued_this_year"]
    assert sorted(i.title for i in issued) == ["仍然公开的办法", "已撤回的办法"]
    assert report.proactive_counts(cat)[2026] == {"政策文件": 2}
    assert result.inspection.items == 1 and len(result.inspection.withdrawn) == 1
    assert any("已撤回的信息 1 条" in n for n in result.inspection.notes)


@pytest.mark.parametrize("value, expect", [
    ({"日期": "2026-11-27", "原因": "不想要了", "决定人": "李四"}, "不是可用的类别"),
    ({"日期": "2026-12-27", "原因": "内容有误", "决定人": "李四"}, "晚于今天"),
    ({"日期": "2026-11-27", "原因": "内容有误"}, "决定人"),
    ("2026-11-27", "应写日期、原因和决定人"),
])
def test_bad_withdrawal_is_explained(project, value, expect):
    project.item("qtwj/2026/00001.md", good_item(1, 2026, 撤回=value))
    assert any(expect in p.message for p in project.problems() if p.field == "撤回")


def test_takedown_marks_the_item_and_keeps_the_file_valid(project, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-11-28")
    path = project.item("qtwj/2026/00001.md", good_item(1, 2026))
    before = path.read_text()
    code = records.command(["takedown", "--root", str(project.root), "--索引号", f"{CODE}/2026-00001",
                            "--原因", "内容有误", "--决定人", "李四"], TODAY)
    assert code == 0 and "已撤回" in capsys.readouterr().out
    text = path.read_text()
    assert text.startswith(before.split("\n---\n")[0]) and "撤回: {日期: 2026-11-28, 原因: 内容有误, 决定人: 李四}" in text
    cat, _ = project.check()
    assert [i.index_no for i in cat.withdrawn] == [f"{CODE}/2026-00001"] and not cat.items
    assert records.command(["takedown", "--root", str(project.root), "--索引号", f"{CODE}/2026-00001",
                            "--原因", "内容有误", "--决定人", "李四"], TODAY) == 1
    assert "已经有“撤回”" in capsys.readouterr().out
    assert records.command(["takedown", "--root", str(project.root), "--索引号", "没有这个号", "--原因", "内容有误"],
                           TODAY) == 1
    assert "没有索引号为“没有这个号”的信息" in capsys.readouterr().out


def test_takedown_refuses_unknown_reason(project, capsys):
    project.item("qtwj/2026/00001.md", good_item(1, 2026))
    assert records.command(["takedown", "--root", str(project.root), "--索引号", f"{CODE}/2026-00001",
                            "--原因", "领导要求"], TODAY) == 1
    assert "可用的类别" in capsys.readouterr().out


# --- make sign -----------------------------------------------------------------

def git_project(project, name="张三"):
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    subprocess.run(["git", "config", "user.name", name], cwd=project.root, check=True)


def sign(project, path, stage, *extra):
    return records.command(["sign", "--root", str(project.root), "--file", str(path), "--环节", stage, *extra], TODAY)


def test_sign_adds_stages_in_order_for_the_git_user(project, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_TODAY", "2026-11-28")
    git_project(project)
    path = project.item("qtwj/2026/00001.md", good_item(1, 2026, 发布日期="2026-11-28", 成文日期="2026-11-20"))
    assert sign(project, path, "复审") == 1 and "初审还没有通过" in capsys.readouterr().out
    assert sign(project, path, "初审", "--职务", "科员", "--说明", "已核对原件") == 0
    assert sign(project, path, "复审", "--意见", "退回") == 1 and "退回须写明理由" in capsys.readouterr().out
    assert sign(project, path, "复审", "--意见", "退回", "--说明", "数据需核实") == 0
    assert sign(project, path, "复审") == 1                       # after a 退回, 初审 again first
    for stage in ("初审", "复审", "终审", "保密审查"):
        assert sign(project, path, stage) == 0
    cat, problems = project.check()
    item = cat.items[0]
    assert [(r.stage, r.opinion, r.reviewer) for r in item.reviews][:2] == [("初审", "通过", "张三"), ("复审", "退回", "张三")]
    assert item.reviews[0].role == "科员" and item.reviews[0].note == "已核对原件" and len(item.reviews) == 6
    assert str(item.reviews[-1].date) == "2026-11-28"
    (project.root / "catalogue/inspection.yml").write_text("审核记录: {起始日期: 2026-11-01}\n")
    ins = pipeline.inspect(project.root, TODAY).inspection
    assert not [f for f in ins.findings if f.code == "review-record"]


def test_sign_needs_a_git_user_and_a_known_stage(project, capsys):
    path = project.item("qtwj/2026/00001.md", good_item(1, 2026))
    git_project(project, name="")
    assert sign(project, path, "四审") == 1
    out = capsys.readouterr().out
    assert "“四审”不是可用的审核环节" in out and "git config --global user.name" in out
    with pytest.raises(InputError):
        records.sign(project.root, path, "初审", "通过", "", "", "", TODAY)
