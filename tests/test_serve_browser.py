"""make serve: saving an item reloads the open page with the new text; a saved error is shown above the
last good page (and in the terminal, without a traceback) until it is fixed."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from conftest import CODE, ROOT, TODAY, good_item

WAIT = 240_000          # ms: a rebuild on a machine whose cores are busy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(project, tmp_path):
    project.item("qtwj/2024/00001.md", good_item(1), body="第一条工作。\n")
    project.item("qtwj/2024/00002.md", good_item(2, 标题="示例县人民政府办公室关于第二项工作的通知"))
    port = free_port()
    log = tmp_path / "serve.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat())
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
                                cwd=project.root, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/zwgk/"           # mkdocs serve mounts the site at site_url's path
    try:
        yield project, base, log, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_a_saved_item_reloads_the_page_and_a_saved_error_is_shown_above_the_last_good_page(served, browser):
    project, base, log, proc = served
    page = browser.new_page(bypass_csp=False)          # the preview's own policy must let live reload run
    url = f"{base}gk/{CODE}-2024-00001/"
    for _ in range(2400):                               # the first build: until the server answers
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            urllib.request.urlopen(url, timeout=5).read()
            break
        except OSError:
            page.wait_for_timeout(100)
    page.goto(url)
    heading = page.locator("article h1, .md-content h1").first
    heading.wait_for(timeout=WAIT)
    assert "春耕生产" in heading.inner_text()

    fields = good_item(1, 标题="示例县人民政府办公室关于做好2024年秋收工作的通知")
    project.item("qtwj/2024/00001.md", fields, body="第一条工作。\n")
    page.get_by_role("heading", name="示例县人民政府办公室关于做好2024年秋收工作的通知").wait_for(timeout=WAIT)

    path = project.item("qtwj/2024/00001.md", raw="---\n标题: [示例县人民政府办公室\n---\n\n正文。\n")
    banner = page.locator(".gk-serve-errors")
    banner.wait_for(timeout=WAIT)
    assert "catalogue/items/qtwj/2024/00001.md" in banner.inner_text()
    assert "秋收工作" in heading.inner_text()           # still the last good page
    terminal = log.read_text()
    assert "预览仍是上次成功生成的网站" in terminal and "Traceback" not in terminal

    project.item("qtwj/2024/00001.md", fields, body="第一条工作（修改后）。\n")
    page.get_by_text("第一条工作（修改后）。").wait_for(timeout=WAIT)
    assert banner.count() == 0
    assert path.exists()
