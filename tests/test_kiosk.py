"""kiosk: the offline service-hall build. Transform rules on a small hand-made site; the example's
kiosk served by its own launcher and driven in chromium with every outside request refused."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT
from gongkai.outputs import kiosk
from gongkai.inspection import linkcheck
from gongkai.core.problems import ERROR, WARNING

PUBLIC = "https://www.example.gov.cn/zwgk/"
PAGE = """<!doctype html>
<html lang="zh" class="no-js">
<head><meta charset="utf-8">{canonical}<title>t</title></head>
<body>
<div class="md-content"><article>{body}</article></div>
<footer class="md-footer"><a href="https://beian.miit.gov.cn/" rel="noopener">皖ICP备19000001号</a></footer>
</body>
</html>
"""
ITEM_BODY = ('<h1>关于做好春耕生产工作的通知</h1><p>详见<a href="https://www.gov.cn/zhengce/" target="_blank">中国政府网</a>，'
             '咨询电话<a href="tel:0550-6021234">0550-6021234</a>。</p>'
             '<ul><li><a href="00001/附件1.pdf" download>附件一</a></li><li><a href="00001/表.xlsx" download>统计表</a></li>'
             '<li><a href="../b/">另一条信息</a></li></ul>'
             '<p class="gk-actions"><button type="button" data-gk-print>打印本页</button></p>')


def mini_site(root: Path, public: str = PUBLIC, with_date: bool = True) -> Path:
    site = root / "site"

    def page(rel: str, body: str, url: str | None = None):
        path = site / rel / "index.html" if rel else site / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        canonical = f'<link rel="canonical" href="{public + (url if url is not None else rel)}">' if public else ""
        path.write_text(PAGE.format(canonical=canonical, body=body), encoding="utf-8")

    page("", '<h1>政府信息公开</h1><p><a href="gk/a/">通知</a></p>')
    page("gk/a/", ITEM_BODY)
    page("gk/b/", '<h1>另一条</h1><p class="gk-actions"></p>')
    page("search/", '<div id="gk-search"><form></form><p class="gk-search-status" role="status"></p></div>')
    (site / "gk/a/00001").mkdir()
    (site / "gk/a/00001/附件1.pdf").write_bytes(b"%PDF-1.4\n")
    (site / "gk/a/00001/表.xlsx").write_bytes(b"PK")
    (site / "assets/gongkai").mkdir(parents=True)
    (site / "assets/gongkai/favicon.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')     # from overrides/
    (site / "search/manifest.json").write_text(json.dumps({"filters": {
        "lm": {"label": "栏目", "values": [["规范性文件", 3], ["工作动态", 2]]},
        "nf": {"label": "年份", "values": [["2026", 5]]}}}, ensure_ascii=False))
    if with_date:
        (site / "catalogue.json").write_text(json.dumps({"生成日期": "2026-11-28", "条目": []}, ensure_ascii=False))
    (site / "404.html").write_text('<html lang="zh"><head><link href="/zwgk/assets/x.css" rel="stylesheet"></head>'
                                   '<body><form action="/zwgk/search/"></form><a href="/zwgk/">首页</a></body></html>')
    return site


def test_pages_get_kiosk_look_bar_and_stamp(tmp_path):
    done = kiosk.build(mini_site(tmp_path), tmp_path / "out", idle=90)
    assert not done.problems and done.pages == 4
    home = (tmp_path / "out/site/index.html").read_text()
    assert '<html lang="zh" class="gk-kiosk no-js">' in home
    assert '<link rel="stylesheet" href="./assets/gongkai/kiosk.css">\n</head>' in home
    assert 'data-gk-home="./" data-gk-idle="90"' in home and '<script src="./assets/gongkai/kiosk.js">' in home
    assert '数据截至 <time datetime="2026-11-28">2026-11-28</time>' in home
    item = (tmp_path / "out/site/gk/a/index.html").read_text()
    assert 'data-gk-home="../../"' in item and 'href="../../search/">搜索</a>' in item
    for name in ("kiosk.css", "kiosk.js"):
        assert (tmp_path / "out/site/assets/gongkai" / name).is_file()


def test_links_that_leave_the_site_become_qr_codes(tmp_path):
    done = kiosk.build(mini_site(tmp_path), tmp_path / "out")
    out = tmp_path / "out/site"
    item = (out / "gk/a/index.html").read_text()
    assert 'href="https://www.gov.cn' not in item and "target=" not in item and " download" not in item
    qr = re.search(r'<span class="gk-qr-ext">中国政府网<span class="gk-qr"><img src="(\.\./\.\./assets/gongkai/qr/\w+\.svg)" '
                   r'alt="二维码：https://www.gov.cn/zhengce/"', item)
    assert qr, item
    svg = (out / "gk/a" / qr.group(1)).read_text()
    assert svg.startswith("<svg") and "<title>https://www.gov.cn/zhengce/</title>" in svg
    assert '<span class="gk-kiosk-contact">0550-6021234</span>' in item          # tel: links do nothing on a kiosk
    assert '<a href="../b/">另一条信息</a>' in item                                # links inside the site stay
    assert "皖ICP备19000001号" in item and 'href="https://beian.miit.gov.cn/"' not in item
    assert item.count('assets/gongkai/qr/') == 3 and done.external == ["https://www.gov.cn/zhengce/"]


def test_item_page_gets_a_qr_code_of_its_public_address(tmp_path):
    kiosk.build(mini_site(tmp_path), tmp_path / "out")
    item = (tmp_path / "out/site/gk/a/index.html").read_text()
    block = re.search(r'<div class="gk-qr gk-qr-page"><img src="([^"]+)".*?</div>\n<p class="gk-actions">', item, re.S)
    assert block and "用手机扫码，继续查看本页" in block.group(0) and PUBLIC + "gk/a/" in block.group(0)
    assert (tmp_path / "out/site/gk/a" / block.group(1)).read_text().count(f"<title>{PUBLIC}gk/a/</title>") == 1


def test_pdf_opens_in_the_viewer_and_other_files_get_a_download_qr(tmp_path):
    kiosk.build(mini_site(tmp_path), tmp_path / "out")
    out = tmp_path / "out/site"
    item = (out / "gk/a/index.html").read_text()
    assert ('<a href="../../view/?f=gk/a/00001/%E9%99%84%E4%BB%B61.pdf&amp;t=%E9%99%84%E4%BB%B6%E4%B8%80">附件一</a>'
            in item)
    assert (out / "view/index.html").is_file() and "data-gk-view-frame" in (out / "view/index.html").read_text()
    assert "本机不能打开此类文件，请用手机扫码下载" in item and PUBLIC + "gk/a/00001/%E8%A1%A8.xlsx" in item
    assert [f.message for f in linkcheck.check_site(out, footer=("数据截至",)).findings if "404.html" not in f.message] == []


def test_search_page_gets_browse_buttons_and_404_page_works_from_the_root(tmp_path):
    kiosk.build(mini_site(tmp_path), tmp_path / "out")
    search = (tmp_path / "out/site/search/index.html").read_text()
    assert '<a href="?lm=%E8%A7%84%E8%8C%83%E6%80%A7%E6%96%87%E4%BB%B6">规范性文件</a>' in search
    assert search.index("按栏目浏览") < search.index('class="gk-search-status"')
    assert '<a href="?nf=2026">2026</a>' in search
    page404 = (tmp_path / "out/site/404.html").read_text()
    assert 'href="/assets/x.css"' in page404 and 'action="/search/"' in page404 and 'href="/">首页' in page404
    assert 'data-gk-home="/"' in page404 and 'src="/assets/gongkai/kiosk.js"' in page404


def test_launcher_files_and_a_second_run_replaces_the_first(tmp_path):
    site = mini_site(tmp_path)
    kiosk.build(site, tmp_path / "out")
    (tmp_path / "out/site/stale.html").write_text("old")
    kiosk.build(site, tmp_path / "out")
    assert not (tmp_path / "out/site/stale.html").exists()
    for name in kiosk.LAUNCHER:
        assert (tmp_path / "out" / name).is_file()
    assert os.access(tmp_path / "out/start-kiosk.sh", os.X_OK)
    assert "127.0.0.1" in (tmp_path / "out/使用说明.txt").read_text()


@pytest.mark.parametrize("case, code, severity", [
    ("no-site", "kiosk-no-site", ERROR), ("idle", "kiosk-idle", ERROR), ("no-date", "kiosk-date", ERROR),
    ("no-url", "kiosk-no-url", WARNING)])
def test_problems_say_what_to_do(tmp_path, case, code, severity):
    site = mini_site(tmp_path, public="" if case == "no-url" else PUBLIC, with_date=case != "no-date")
    done = kiosk.build(tmp_path / "nothing" if case == "no-site" else site, tmp_path / "out",
                       idle=5 if case == "idle" else 120)
    assert [(p.code, p.severity) for p in done.problems] == [(code, severity)]
    assert done.problems[0].hint
    if case == "no-url":
        assert "gk-qr-page" not in (tmp_path / "out/site/gk/a/index.html").read_text()


def test_command_line(tmp_path):
    site = mini_site(tmp_path)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"))
    run = subprocess.run([sys.executable, "-m", "gongkai", "kiosk", "--site", str(site), "--out", str(tmp_path / "k"),
                          "--idle", "60", "--date", "2026-11-20"], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "查询机文件夹" in run.stdout and "空闲 60 秒返回首页" in run.stdout
    assert "数据截至 <time datetime=\"2026-11-20\">" in (tmp_path / "k/site/index.html").read_text()
    bad = subprocess.run([sys.executable, "-m", "gongkai", "kiosk", "--site", str(tmp_path / "none")], env=env,
                         capture_output=True, text=True, cwd=tmp_path)
    assert bad.returncode == 1 and "make site" in bad.stdout


# --- the example's kiosk in chromium, served by its own launcher, offline --------------------------------

IDLE = 10


@pytest.fixture(scope="module")
def example_kiosk(example_site, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("kiosk")
    done = kiosk.build(example_site, out, idle=IDLE)
    assert not done.problems, [p.format() for p in done.problems]
    return out


@pytest.fixture(scope="module")
def launcher(example_kiosk):
    proc = subprocess.Popen([sys.executable, str(example_kiosk / "serve.py"), "--no-browser", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    url = re.search(r"http://127\.0\.0\.1:\d+/", line)
    assert url, line
    yield url.group(0)
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def offline(browser, launcher):
    """A touch-screen page that may reach the launcher only: every other web request is refused and recorded."""
    context = browser.new_context(viewport={"width": 1080, "height": 1600}, has_touch=True, service_workers="block")
    outside: list[str] = []

    def route(r):
        if r.request.url.startswith(launcher) or not r.request.url.startswith(("http:", "https:", "ws:", "wss:")):
            r.continue_()                     # the launcher, and the browser's own PDF viewer
        else:
            outside.append(r.request.url)
            r.abort("internetdisconnected")
    context.route("**/*", route)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg, launcher
    context.close()
    assert not outside, outside
    assert not errors, errors


def test_example_kiosk_links_resolve(example_kiosk):
    found = linkcheck.check_site(example_kiosk / "site", footer=("数据截至",))
    assert [f.message for f in found.findings if "404.html" not in f.message] == []
    assert found.pages > 200


def test_offline_search_open_item_and_idle_return_home(offline):
    pg, base = offline
    pg.goto(base)
    assert "gk-kiosk" in pg.get_attribute("html", "class")
    assert pg.inner_text(".gk-kiosk-stamp") == "数据截至 2026-11-28"
    for box in pg.eval_on_selector_all(".gk-kiosk-btn", "els => els.map(e => e.getBoundingClientRect())"):
        assert box["width"] >= 60 and box["height"] >= 60
    pg.tap("#gk-top-q")
    pg.keyboard.type("宅基地")
    pg.keyboard.press("Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    hits = pg.query_selector_all(".gk-hits h3 a")
    assert hits and pg.inner_text("[data-gk-status]").startswith("找到")
    hits[0].tap()
    pg.wait_for_selector("article.gk-item")
    assert "/gk/" in pg.url
    pg.wait_for_function("(document.querySelector('.gk-qr-page img') || {}).naturalWidth > 100")
    assert "https://www.example.gov.cn/zwgk/gk/" in pg.inner_text(".gk-qr-page")
    pg.wait_for_function("document.querySelector('[data-gk-idle-status]').textContent.includes('秒后返回首页')",
                         timeout=IDLE * 1000)
    pg.wait_for_url(base, timeout=(IDLE + 5) * 1000)
    assert pg.input_value("#gk-top-q") == "" and pg.evaluate("localStorage.length") == 0


def test_touch_activity_postpones_the_return(offline):
    pg, base = offline
    pg.goto(base + "ysqgk/")
    status = "document.querySelector('[data-gk-idle-status]').textContent"
    for _ in range(2):                            # twice the warning, each ended by a touch: longer than IDLE
        pg.wait_for_function(f"{status}.includes('秒后返回首页')", timeout=IDLE * 1000)
        pg.tap("article h1")
        pg.wait_for_function(f"{status} === ''")
        assert pg.url == base + "ysqgk/"


def test_browse_buttons_and_pdf_viewer_offline(offline, example_kiosk):
    pg, base = offline
    pg.goto(base + "search/")
    pg.tap(".gk-kiosk-browse a >> nth=0")
    pg.wait_for_url(lambda u: "/search/?lm=" in u)
    pg.wait_for_selector("#gk-search[data-gk-done] .gk-hits li")
    item = next(p for p in sorted((example_kiosk / "site/gk").glob("*/index.html")) if "view/?f=" in p.read_text())
    pg.goto(base + item.parent.relative_to(example_kiosk / "site").as_posix() + "/")
    pg.tap(".gk-attachments a[href*='view/?f=']")
    pg.wait_for_url(lambda u: "/view/?f=" in u, wait_until="commit")    # not "load": the PDF may take longer than IDLE
    pg.wait_for_function("(document.querySelector('[data-gk-view-frame]') || {}).src")    # set by kiosk.js
    src = pg.get_attribute("[data-gk-view-frame]", "src")
    assert src.startswith(base + "gk/") and src.endswith(".pdf")
    assert pg.evaluate("u => fetch(u, {method: 'HEAD'}).then(r => r.status)", src) == 200
    assert pg.inner_text("[data-gk-view-title]") != "查看文件"
    pg.goto(base + "view/?f=../../etc/passwd")
    pg.wait_for_selector("[data-gk-view-error]", state="visible")
    assert not pg.get_attribute("[data-gk-view-frame]", "src")
    icon = pg.evaluate("(document.querySelector('link[rel=icon]') || {}).href")    # the viewer's favicon: no 404
    assert icon and pg.evaluate("u => fetch(u).then(r => r.status)", icon) == 200


@pytest.mark.parametrize("path", ["", "ysqgk/", "search/", "related"])
def test_kiosk_at_360_px_and_200_percent_text_has_no_page_scroll(browser, launcher, example_site, path):
    from test_a11y_browser import assert_fits_at_200_percent, related_item
    assert_fits_at_200_percent(browser, launcher + (related_item(example_site) if path == "related" else path))


def test_kiosk_tables_that_scroll_are_keyboard_reachable(browser, launcher, axe):
    from test_a11y_browser import scroll_regions_unreachable
    assert scroll_regions_unreachable(browser, axe, launcher + "ysqgk/") == []


@pytest.mark.parametrize("backwards", [False, True], ids=["tab", "shift-tab"])
def test_kiosk_focus_never_lands_under_the_header_or_the_bottom_bar(offline, backwards):
    from test_a11y_browser import obscured_focus_stops
    pg, base = offline
    pg.goto(base)
    stops, hidden = obscured_focus_stops(pg, backwards)
    assert stops >= 40 and hidden == [], (stops, hidden)


@pytest.mark.parametrize("path", ["", "item"])
def test_kiosk_pages_pass_axe(offline, axe, sample_pages, path):
    pg, base = offline
    pg.goto(base + sample_pages.get(path, path))
    assert axe(pg) == []


def test_launcher_command_line_and_404(example_kiosk, launcher):
    cmd = subprocess.run([sys.executable, str(example_kiosk / "serve.py"), "--print-command", "--browser", "chromium"],
                         capture_output=True, text=True, check=True).stdout
    assert cmd.startswith("chromium --kiosk http://127.0.0.1:8765/ ") and "--kiosk-printing" in cmd
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(launcher + "no/such/page/")
    assert missing.value.code == 404
    body = missing.value.read().decode()
    css = re.search(r'href="(/assets/stylesheets/[^"]+\.css)"', body)
    assert css and urllib.request.urlopen(launcher + css.group(1)[1:]).status == 200


def test_offline_kiosk_searches_only_its_own_site(tmp_path):
    site = mini_site(tmp_path)
    sites = [{"名称": "示例县人民政府办公室", "地址": ""}, {"名称": "示例县青山镇人民政府", "地址": "../qsz/"}]
    (site / "search/sites.json").write_text(json.dumps(sites, ensure_ascii=False), encoding="utf-8")
    kiosk.build(site, tmp_path / "out")
    assert json.loads((tmp_path / "out/site/search/sites.json").read_text(encoding="utf-8")) == sites[:1]
    assert json.loads((site / "search/sites.json").read_text(encoding="utf-8")) == sites     # the site itself is untouched
