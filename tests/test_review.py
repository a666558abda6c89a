"""review: the change summary of a branch that adds, edits, repeals, renumbers and removes items,
in a temporary git repository; and the Gitea/Forgejo Actions template's commands run locally."""
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import CODE, ROOT, TODAY, good_item
from gongkai.commands import review

STAMP = "2026-11-28T09:00:00+08:00"
ENV = dict(os.environ, GIT_AUTHOR_DATE=STAMP, GIT_COMMITTER_DATE=STAMP)
GIT = ["git", "-c", "user.name=办公室", "-c", "user.email=zwgk@example.gov.cn", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main"]


def git(root, *args):
    return subprocess.run(GIT + list(args), cwd=root, check=True, capture_output=True, text=True, env=ENV).stdout


def commit(root, message):
    git(root, "add", "-A")
    git(root, "commit", "-qm", message)


NORMATIVE = dict(栏目="规范性文件", 有效性="现行有效", 体裁="通知",
                 标题="示例县人民政府办公室关于印发《示例县城区停车管理办法》的通知")


@pytest.fixture
def branch(project):
    """main: four items; pr: one edited, one added that repeals one, one renumbered, one removed."""
    p = project
    p.item("gfxwj/2024/00001.md", good_item(1, **NORMATIVE))
    p.item("qtwj/2024/00002.md", good_item(2, 内容概述="部署春耕备耕、农资保供和技术指导工作。" * 8))
    p.item("qtwj/2024/00003.md", good_item(3, 标题="示例县人民政府办公室关于召开春季防汛会议的通知"))
    p.item("qtwj/2024/00004.md", good_item(4, 标题="示例县人民政府办公室关于开展消防检查的通知"))
    git(p.root, "init", "-q")
    commit(p.root, "公开目录")
    git(p.root, "checkout", "-qb", "pr")
    p.item("qtwj/2024/00002.md", good_item(2, 内容概述="部署春耕备耕和农资保供工作。"), body="正文内容。\n\n补充一段。\n")
    p.item("gfxwj/2024/00001.md", good_item(1, **{**NORMATIVE, "有效性": "已废止", "废止日期": "2026-11-20"}))
    p.item("gfxwj/2026/00001.md", good_item(1, 2026, 标题="示例县人民政府办公室关于印发《示例县停车管理办法》的通知",
                                           栏目="规范性文件", 有效性="现行有效", 发布日期="2026-11-25",
                                           成文日期="2026-11-20", 关联=[{"索引号": f"{CODE}/2024-00001", "关系": "替代"}]),
           body="正文内容。联系人手机13912345678。\n")
    p.item("qtwj/2024/00004.md", good_item(5, 标题="示例县人民政府办公室关于开展消防检查的通知",
                                           曾用索引号=[f"{CODE}/2024-00004"]))
    (p.root / "catalogue/items/qtwj/2024/00003.md").unlink()
    (p.root / "content/ysqgk.md").write_text((p.root / "content/ysqgk.md").read_text() + "\n补充说明。\n")
    commit(p.root, "修改")
    git(p.root, "checkout", "-q", "main")
    return p.root


def test_change_summary_lists_each_change(branch):
    text = review.review(branch, "main", "pr", TODAY)
    assert text.startswith("## 公开目录变更摘要：`main` → `pr`")
    assert "新增 1 条，修改 2 条，废止或失效 1 条，删除 1 条。" in text
    added = text.split("### 新增（1）")[1].split("###")[0]
    assert f"| {CODE}/2026-00001 | 示例县人民政府办公室关于印发《示例县停车管理办法》的通知 | 规范性文件 | 2026-11-25 |" in added
    repealed = text.split("### 废止或失效（1）")[1].split("### 修改")[0]
    assert "`catalogue/items/gfxwj/2024/00001.md`" in repealed
    assert "| 有效性 | 现行有效 | 已废止 |" in repealed and "| 废止日期 | （无） | 2026-11-20 |" in repealed
    changed = text.split("### 修改（2）")[1].split("### 删除")[0]
    assert "| 内容概述 | 部署春耕备耕、农资保供和技术指导工作。部署" in changed
    assert "正文：增加 2 行，删除 0 行。" in changed and "+补充一段。" in changed
    assert "没有增加修订记录" in changed
    assert f"| 索引号 | {CODE}/2024-00004 | {CODE}/2024-00005 |" in changed
    assert f"| 曾用索引号 | （无） | {CODE}/2024-00004 |" in changed and "旧网址将失效" not in changed
    removed = text.split("### 删除（1）")[1].split("###")[0]
    assert "已发布的信息不应删除" in removed and "示例县人民政府办公室关于召开春季防汛会议的通知" in removed
    assert "- 修改 `content/ysqgk.md`" in text


def test_findings_introduced_and_fixed(branch):
    text = review.review(branch, "main", "pr", TODAY).split("### 自查结果变化")[1]
    introduced, fixed = text.split("已解决")
    assert "`pii-mobile` catalogue/items/gfxwj/2026/00001.md" in introduced and "**错误**" in introduced
    assert "`summary-long` catalogue/items/qtwj/2024/00002.md" in fixed
    assert "summary-long" not in introduced and "pii-mobile" not in fixed


def test_no_change_and_unknown_revision(branch, capsys):
    assert "公开信息没有变化。" in review.review(branch, "main", "main", TODAY)
    assert review.command(["main", "nosuch", "--root", str(branch)], TODAY) == 1
    assert "找不到版本“nosuch”" in capsys.readouterr().out
    assert "gongkai-review" not in git(branch, "worktree", "list")


def test_working_directory_and_output_file(branch, tmp_path):
    git(branch, "checkout", "-q", "pr")
    (branch / "catalogue/items/qtwj/2024/00002.md").write_text(
        (branch / "catalogue/items/qtwj/2024/00002.md").read_text().replace("补充一段。", "补充两段。"))
    out = tmp_path / "review.md"
    assert review.command(["pr", ".", "--root", str(branch), "--output", str(out)], TODAY) == 0
    assert "-补充一段。\n+补充两段。" in out.read_text()


# --- CI template: Gitea / Forgejo Actions ------------------------------------------

def test_forgejo_actions_template_runs_locally(branch, tmp_path):
    """Every shell step of the pull-request job, run as the runner would in a clone of the repository
    (${{ }} expressions are empty here, so posting the comment is skipped: no server to post to)."""
    flow = yaml.safe_load((ROOT / "ci/forgejo-actions.yml").read_text())
    assert {"pull_request", "push", "schedule"} <= set(flow[True])          # YAML reads the key `on` as True
    assert flow["env"]["TZ"] == "Asia/Shanghai"
    git(branch, "checkout", "-q", "pr")
    item = branch / "catalogue/items/gfxwj/2026/00001.md"
    item.write_text(item.read_text().replace("联系人手机13912345678。", ""))
    for name in ("Makefile", "requirements.txt"):
        shutil.copy(ROOT / name, branch / name)
    commit(branch, "去掉手机号")
    work = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--branch", "pr", str(branch), str(work)], check=True, capture_output=True)
    (work / ".venv").symlink_to(ROOT / ".venv")
    steps = [s for s in flow["jobs"]["pull-request"]["steps"] if "run" in s]
    assert [s["name"] for s in steps] == ["校验与自查", "变更摘要", "生成网站（预览）", "在合并请求中发表评论", "结果"]
    for step in steps:
        env = dict(os.environ, GITHUB_BASE_REF="main", GITHUB_EVENT_NAME="pull_request", CI="true",
                   GONGKAI_TODAY=TODAY.isoformat(), **flow["env"])
        env.update({k: re.sub(r"\$\{\{[^}]*\}\}", "", str(v)) for k, v in (step.get("env") or {}).items()})
        script = re.sub(r"\$\{\{[^}]*\}\}", "", step["run"])
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=work, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, (step["name"], done.stdout[-3000:], done.stderr[-3000:])
    comment = (work / "build/pr-comment.md").read_text()
    assert comment.startswith("## 公开目录变更摘要：`origin/main` → `HEAD`")
    assert "新增 1 条，修改 2 条，废止或失效 1 条，删除 1 条。" in comment and "## 政府信息公开自查" in comment
    assert '"body": "## 公开目录变更摘要' in (work / "build/pr-comment.json").read_text()
    assert (work / "site/index.html").is_file() and (work / "build/inspection/index.html").is_file()


def test_gitlab_and_github_templates():
    lab = yaml.safe_load((ROOT / "ci/gitlab-ci.yml").read_text())
    review_job = "\n".join(lab["review"]["script"])
    for command in ("make check", "gongkai review", "make site", "merge_requests/$CI_MERGE_REQUEST_IID/notes"):
        assert command in review_job
    assert "site/" in lab["review"]["artifacts"]["paths"] and lab["variables"]["GIT_DEPTH"] == "0"
    assert {r["if"] for r in lab["publish"]["rules"]} == {'$CI_PIPELINE_SOURCE == "schedule"',
                                                           "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}
    assert "rsync -a --delete" in "\n".join(lab["publish"]["script"])
    hub = yaml.safe_load((ROOT / "ci/github-actions.yml").read_text())
    forge = yaml.safe_load((ROOT / "ci/forgejo-actions.yml").read_text())
    names = lambda flow: [s.get("name") for s in flow["jobs"]["pull-request"]["steps"] if "run" in s]
    assert names(hub) == names(forge) and hub[True]["schedule"] == forge[True]["schedule"]
    owners = (ROOT / "ci/CODEOWNERS").read_text()
    assert "/catalogue/items/czyjs/" in owners and "/catalogue/items/gfxwj/" in owners     # by 栏目 folder (test_ci.py)


def test_new_item_shows_fields_body_attachments_duplicates_findings_and_record(project):
    p = project
    p.item("qtwj/2026/00001.md", good_item(1, 2026, 标题="示例县人民政府办公室关于开展冬季消防检查的通知"),
           body="各乡镇开展冬季消防检查，消除隐患，确保群众生命财产安全。\n")
    git(p.root, "init", "-q")
    commit(p.root, "公开目录")
    git(p.root, "checkout", "-qb", "pr")
    record = [{"环节": "初审", "审核人": "张三", "职务": "科员", "日期": "2026-11-20", "意见": "通过", "说明": "已核对原件"}]
    p.item("qtwj/2026/00002.md", good_item(2, 2026, 标题="示例县人民政府办公室关于开展冬季消防检查的通知（重复）",
                                           成文日期="2026-12-01", 发布日期="2026-12-10", 定时发布="是", 审核记录=record, 文号="示政办〔2026〕1号",
                                           附件=[{"文件": "00002/附件1.txt", "标题": "检查表"}]),
           body="各乡镇开展冬季消防检查，消除隐患，确保群众生命财产安全。\n\n联系人手机13912345678。\n")
    (p.root / "catalogue/items/qtwj/2026/00002").mkdir()
    (p.root / "catalogue/items/qtwj/2026/00002/附件1.txt").write_text("检查表")
    p.item("qtwj/2026/00003.md", good_item(3, 2026, 标题="不公开的请示", 公开方式="依申请公开"), body="（此件依申请公开）\n")
    commit(p.root, "新增")
    text = review.review(p.root, "main", "pr", TODAY)
    section = text.split("#### 示例县人民政府办公室关于开展冬季消防检查的通知（重复）", 1)[1].split("#### ", 1)[0]
    for expect in ("| 发布日期 | 2026-12-10 |", "| 定时发布 | 是 |", "主动公开：正文和附件将在网站上发布",
                   "附件文件夹：附件1.txt", "联系人手机13912345678", "文号与 `catalogue/items/qtwj/2026/00001.md`",
                   "`pii-mobile`", "| 初审 | 张三 | 科员 | 2026-11-20 | 通过 | 已核对原件 |"):
        assert expect in section, expect
    assert "依申请公开：不在网站上发布正文和附件" in text
