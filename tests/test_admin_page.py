"""The intranet's form-editing page (admin/, Decap CMS) in chromium: Chinese login label, a main landmark
and an h1, axe-clean (contrast included), its favicon found. Decap's files come from vendor/ (make vendor-decap)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, TODAY
from gongkai.outputs import decap


@pytest.fixture(scope="module")
def intranet(tmp_path_factory):
    if not (ROOT / decap.VENDOR / "decap-cms.js").is_file():
        if not shutil.which("npm"):
            pytest.skip("npm not installed and Decap not vendored (make vendor-decap)")
        decap.vendor(ROOT)
    out = tmp_path_factory.mktemp("intranet")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat(),
               GONGKAI_INTRANET="1")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir", str(out)], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return out


def test_admin_login_page_is_chinese_accessible_and_has_its_favicon(intranet, serve, browser, axe):
    base = serve(intranet)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    missing: list[str] = []
    context.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else r.abort())
    pg = context.new_page()
    pg.goto(base + "admin/")
    login = pg.get_by_role("button", name="使用 Forgejo 登录")
    login.wait_for(timeout=20000)
    assert "Login with" not in pg.inner_text("body")
    assert pg.eval_on_selector_all("main", "els => els.length") == 1
    assert pg.eval_on_selector("h1", "h => h.textContent").startswith("信息发布表单")
    icon = pg.evaluate("(document.querySelector('link[rel=icon]') || {}).href")
    assert icon and pg.evaluate("u => fetch(u).then(r => r.status)", icon) == 200
    assert axe(pg) == []
    assert missing == []
    context.close()
