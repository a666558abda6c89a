"""Shared fixtures: a small project on disk built from the example's configuration."""
from __future__ import annotations

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

TODAY = date(2026, 11, 28)
CODE = "11349901MB1C2D3E3D"


def front(fields: dict) -> str:
    return yaml.safe_dump(fields, allow_unicode=True, sort_keys=False)


def good_item(serial: int = 1, year: int = 2024, **overrides) -> dict:
    fields = {
        "标题": f"示例县人民政府办公室关于做好{year}年春耕生产工作的通知",
        "索引号": f"{CODE}/{year}-{serial:05d}",
        "发布机构": "示例县人民政府办公室",
        "文号": f"示政办〔{year}〕{serial}号",
        "成文日期": f"{year}-03-05",
        "发布日期": f"{year}-03-08",
        "栏目": "其他文件",
        "主题分类": "农业、林业、水利\\农业、畜牧业、渔业",
        "体裁": "通知",
        "内容概述": "部署春耕备耕、农资保供和技术指导工作。",
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


class Project:
    def __init__(self, root: Path):
        self.root = root

    def item(self, rel: str, fields: dict | None = None, body: str = "正文内容。\n", raw: str | None = None,
             encoding: str = "utf-8") -> Path:
        path = self.root / "catalogue" / "items" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = raw if raw is not None else f"---\n{front(fields or good_item())}---\n\n{body}"
        path.write_bytes(text.encode(encoding))
        return path

    def check(self):
        from gongkai import pipeline
        return pipeline.check(self.root, TODAY)

    def problems(self, code: str | None = None):
        _, problems = self.check()
        return [p for p in problems if code is None or p.code == code]


def new_project(root: Path) -> Project:
    """A project in `root` with the example's configuration and no items."""
    for name in ("mkdocs.yml", "content", "overrides", "catalogue/site.yml", "catalogue/columns.yml",
                 "catalogue/assets"):
        src, dst = ROOT / name, root / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if src.is_dir() else shutil.copy)(src, dst)
    (root / "catalogue" / "items").mkdir()
    # A test project has a handful of items: the column single-veto checks are off (see test_checks.py).
    # 审核记录 is required from a date after every test item (test_gate.py tests the record itself).
    (root / "catalogue" / "inspection.yml").write_text("单项否决: {栏目不更新: 0, 长期未更新: 0, 空白栏目: 0}\n"
                                                       "审核记录: {起始日期: 2100-01-01}\n")
    (root / "hooks").symlink_to(ROOT / "hooks")
    return Project(root)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return new_project(tmp_path)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("GONGKAI_TODAY", TODAY.isoformat())
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


MKDOCS_BUILD = [sys.executable, "-m", "mkdocs", "build", "--clean", "--site-dir"]


def mkdocs_build(root: Path, out: Path):
    import subprocess
    env = dict(os.environ, PYTHONPATH=str(ROOT / "hooks"), NO_MKDOCS_2_WARNING="1", GONGKAI_TODAY=TODAY.isoformat())
    return subprocess.run(MKDOCS_BUILD + [str(out)], cwd=root, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example catalogue built once per test session."""
    out = tmp_path_factory.mktemp("example-site")
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def serve():
    """serve(folder) → base URL of a local HTTP server for that folder."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    servers = []

    def start(folder: Path, prefix: str = "") -> str:
        handler = functools.partial(Quiet, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/{prefix}"

    yield start
    for server in servers:
        server.shutdown()


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by playwright; never downloads a browser."""
    chromium = shutil.which("chromium")
    if not chromium:
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (apt-get install chromium)")
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield _Browser(b)
        b.close()


class _Browser:
    """The browser, whose pages ignore the sites' content-security policy unless asked (bypass_csp=False):
    playwright evaluates wait_for_function predicates with eval, which the policy forbids.
    tests/test_csp_browser.py opens its pages with the policy in force."""

    def __init__(self, browser):
        self._browser = browser

    def new_page(self, **options):
        return self._browser.new_page(**{"bypass_csp": True, **options})

    def new_context(self, **options):
        return self._browser.new_context(**{"bypass_csp": True, **options})

    def __getattr__(self, name):
        return getattr(self._browser, name)


AXE_JS = ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="session")
def axe():
    """axe(page) → the violations axe-core (tests/package.json, `npm ci`) finds on the open page:
    WCAG 2.1 A/AA and axe's best practices. Returns short dicts, easy to read in a failure."""
    if not AXE_JS.is_file():
        if os.environ.get("GONGKAI_REQUIRE_BROWSER"):
            pytest.fail("axe-core is required: cd tests && npm ci")
        pytest.skip("axe-core not installed (cd tests && npm ci)")

    def run(page, rules: list[str] | None = None) -> list[dict]:
        """All WCAG 2.1 A/AA and best-practice rules, or only the named `rules`."""
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
        return page.evaluate("""only => axe.run(document, {runOnly: only}).then(r =>
            r.violations.map(v => ({id: v.id, help: v.help,
                nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' — ' + n.failureSummary)})))""", only)
    return run


@pytest.fixture(scope="session")
def sample_pages(example_site) -> dict[str, str]:
    """Site paths of representative built pages: the pages the accessibility checks visit."""
    def first(pattern: str, *needles: str) -> str:
        for path in sorted(example_site.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            if all(n in text for n in needles):
                return path.parent.relative_to(example_site).as_posix() + "/"
        raise AssertionError(f"no page {pattern} with {needles}")
    reports = [p for p in sorted(example_site.glob("gk/*/index.html")) if "gk-report-table" in p.read_text()]
    assert reports, "the example has no annual report page"
    return {
        "home": "",
        "guide": "zhinan/",
        "directory": first("lm/*/index.html", 'class="gk-list"', 'rel="next"'),
        "item": first("gk/*/index.html", "<table", 'class="gk-attachments"'),
        "report": reports[-1].parent.relative_to(example_site).as_posix() + "/",
        "search": "search/?q=" + "宅基地",
    }
