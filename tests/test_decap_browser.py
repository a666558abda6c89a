"""The Decap form driven in chromium through Decap's local backend (decap-server, pinned in
tests/package.json): a new item with an attachment uploaded through the media library and a 关联 picked
by title is saved to disk, gets its 索引号 from `make check FIX=1`, and passes the check."""
import functools
import os
import re
import shutil
import socket
import subprocess
import threading
from datetime import datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docx import Document

from conftest import CODE, ROOT, good_item
from gongkai import __main__ as cli, pipeline
from gongkai.outputs import decap
from gongkai.core.problems import errors

SERVER = ROOT / "tests" / "node_modules" / "decap-server" / "dist" / "index.js"
TODAY = "2026-12-05"


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def local_backend(project, tmp_path, monkeypatch):
    """decap-server on the project (files written as they are saved) and the admin page served locally."""
    if not SERVER.is_file():
        pytest.skip("decap-server not installed (cd tests && npm ci)")
    if not (ROOT / decap.VENDOR / "decap-cms.js").is_file() and not shutil.which("npm"):
        pytest.skip("npm not installed and Decap not vendored")
    monkeypatch.setenv("GONGKAI_TODAY", TODAY)
    (project.root / "catalogue/admin.yml").write_text("后端: forgejo\n服务器地址: https://git.example.gov.cn\n"
                                                      "仓库: zwgk/xxgk\n分支: main\n应用ID: abc\n")
    project.item("qtwj/2026/00007.md", good_item(7, 2026, 标题="示例县人民政府办公室关于做好冬季森林防火工作的通知"))
    project.item("gfxwj/2026/00003.md", good_item(3, 2026, 栏目="规范性文件", 有效性="现行有效"))
    cat, _, _ = pipeline.catalogue(project.root, pipeline.today())
    admin, _ = decap.read_admin(project.root)
    conf = decap.config(cat, admin)
    port = free_port()
    conf["local_backend"] = {"url": f"http://127.0.0.1:{port}/api/v1"}
    conf.pop("publish_mode", None)            # decap-server's file mode publishes directly
    folder = tmp_path / "admin"
    shutil.copytree(decap.vendor(ROOT), folder)
    (folder / "config.yml").write_text(decap.to_yaml(conf))
    # the page as built, its policy naming the local backend as the git server
    (folder / "index.html").write_text(decap.index_page(cat.site.body_name, {"base_url": f"http://127.0.0.1:{port}"}))
    (folder / "gk-admin.js").write_text(decap.ADMIN_JS)
    proxy = subprocess.Popen(["node", str(SERVER)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env=dict(os.environ, PORT=str(port), BIND_HOST="127.0.0.1", MODE="fs",
                                      GIT_REPO_DIRECTORY=str(project.root)))
    for line in proxy.stdout:                  # wait until it says it is listening
        if "listening" in line:
            break
    web = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=web.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{web.server_port}/index.html"
    web.shutdown()
    proxy.terminate()
    proxy.wait(timeout=30)


def test_form_saves_an_item_with_attachment_and_relation_that_passes_check(project, local_backend, browser,
                                                                             tmp_path, capsys):
    attachment = tmp_path / "防火宣传提纲.docx"
    doc = Document()
    doc.add_paragraph("冬季森林防火宣传提纲：进山不带火种，发现火情拨打12119。")
    doc.save(attachment)
    context = browser.new_context(timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 2400})
    page = context.new_page()
    outside = []
    page.on("request", lambda r: None if r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else outside.append(r.url))
    try:
        page.goto(local_backend)
        page.get_by_role("button", name="登录").click()
        page.get_by_text("其他文件").first.wait_for(timeout=30000)
        page.goto(local_backend + "#/collections/qtwj/new")
        field = lambda name: page.locator(f"[id^='{name}-field-']")  # noqa: E731
        field("标题").first.fill("示例县人民政府办公室关于做好冬季森林防火宣传工作的通知")
        for name, value in (("发布机构", "示例县人民政府办公室"), ("体裁", "通知")):
            box = field(name).first
            box.click()
            box.fill(value)
            page.get_by_role("option", name=value, exact=True).click()
        assert field("索引号").first.input_value() == ""          # no number fixed when the site was built
        # {{now}} is today in Beijing (the browser's time zone), whatever the runner's clock says
        assert field("发布日期").first.input_value() == datetime.now(pipeline.BEIJING).date().isoformat()
        field("发布日期").first.fill(TODAY)
        field("成文日期").first.fill("2026-11-30")
        field("内容概述").first.fill("部署冬季森林防火宣传工作。")
        # the attachment, through the media library
        page.get_by_role("button", name="新增附件").click()
        page.get_by_role("button", name="选择文件").click()
        page.locator("input[type=file]").set_input_files(str(attachment))
        page.get_by_text("防火宣传提纲.docx").wait_for()
        page.get_by_role("button", name="选用已选中项目").click()
        field("标题").nth(1).fill("宣传提纲")
        # the 关联, picked by words of its title
        page.get_by_role("button", name="新增关联").click()
        picker = field("索引号").nth(1)
        picker.click()
        picker.fill("森林防火工作")
        page.get_by_role("option", name=re.compile("关于做好冬季森林防火工作的通知")).click()
        page.get_by_role("button", name="发布").first.click()
        page.get_by_role("menuitem").first.click()
        page.wait_for_url(re.compile(r"/entries/"), timeout=30000)
    finally:
        context.close()
    assert not outside, outside
    [saved] = [p for p in (project.root / "catalogue/items/qtwj").rglob("index.md")]
    text = saved.read_text()
    assert "公开方式: 主动公开" in text and f"索引号: {CODE}/2026-00007" in text and "索引号: " not in text.split("关联")[0]
    assert (saved.parent / "防火宣传提纲.docx").is_file() and "文件: 防火宣传提纲.docx" in text
    # the reviewer's make check FIX=1: the next free 索引号, then a clean check
    assert cli.main(["check", "--root", str(project.root), "--fix"]) == 0
    assert f"→ {CODE}/2026-00008" in capsys.readouterr().out
    cat, problems = pipeline.check(project.root, pipeline.today())
    assert not errors(problems)
    item = next(i for i in cat.items if i.index_no == f"{CODE}/2026-00008")
    assert [a.src.name for a in item.attachments] == ["防火宣传提纲.docx"] and item.genre == "通知"
    assert [(r.index_no, r.relation) for r in item.relations] == [(f"{CODE}/2026-00007", "相关")]
    assert str(item.date_published) == TODAY
