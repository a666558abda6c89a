"""Content-security policy: every page kind of the example site (and of its kiosk build) carries the
policy in a <meta>, and chromium reports no violation of it while the page loads and runs its scripts."""
import re

import pytest
from playwright.sync_api import expect

from gongkai.outputs import kiosk
from gongkai.core import sanitize

LISTEN = """() => { window.__gkCsp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__gkCsp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber)); }"""


@pytest.fixture(scope="module")
def pages(sample_pages, example_site):
    redirect = next((p for p in sorted(example_site.glob("gk/*/index.html")) if 'http-equiv="refresh"' in p.read_text()),
                    None)
    kinds = {**sample_pages, "listing": "lm/" + next(p.name for p in sorted((example_site / "lm").iterdir())) + "/",
             "standard": "bzml/", "apply": "ysqgk/", "apply-form": "ysqgk/sqb/", "rules": "zhidu/",
             "catalogue": "ml/", "404": "no-such-page/"}
    if redirect is not None:
        kinds["redirect"] = redirect.parent.relative_to(example_site).as_posix() + "/"
    return kinds


def visit(browser, url: str, search: bool = False, redirect: bool = False) -> list[str]:
    """Violations while the page loads (and, on a search page, until the results are shown). The page
    is opened with the policy in force; waits use locators, as the policy forbids playwright's eval."""
    page = browser.new_page(bypass_csp=False)
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: found.append(f"script error: {e}"))      # e.g. a helper the policy kept out
    page.add_init_script(f"({LISTEN})()")
    try:
        page.goto(url, wait_until="load")
        if redirect:                                   # the policy also holds on the page it sends the reader to
            page.wait_for_url(lambda u: not u.endswith(url.rsplit("/", 2)[-2] + "/"))
            page.wait_for_load_state("load")
        if search:
            expect(page.locator(".gk-search-status")).to_have_text(re.compile(r"找到 \d+ 条结果|没有找到"), timeout=20000)
        # A violation event is queued as a task: wait for one more task after load before reading.
        found += page.evaluate("() => new Promise(r => setTimeout(() => r(window.__gkCsp), 0))")
    finally:
        page.close()
    return found


def test_every_page_kind_has_the_policy(example_site, pages):
    for kind, path in pages.items():
        if kind in ("404", "search"):
            continue
        html = (example_site / path.split("?")[0] / "index.html").read_text(encoding="utf-8")
        assert sanitize.csp_meta() in html, kind
        assert len(re.findall(r"<script>", html)) == 0, (kind, "inline script")
    assert sanitize.csp_meta() in (example_site / "404.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", ["home", "guide", "directory", "listing", "item", "report", "search", "standard",
                                  "apply", "apply-form", "rules", "catalogue", "404", "redirect"])
def test_no_violation(browser, example_site, serve, pages, kind):
    if kind not in pages:
        pytest.skip(f"the example has no {kind} page")
    base = serve(example_site)
    assert visit(browser, base + pages[kind], search=kind == "search", redirect=kind == "redirect") == []


@pytest.fixture(scope="module")
def kiosk_site(example_site, tmp_path_factory):
    out = tmp_path_factory.mktemp("kiosk-csp")
    done = kiosk.build(example_site, out, idle=60)
    assert not [p for p in done.problems if p.severity == "error"]
    return out / "site"


@pytest.mark.parametrize("path", ["", "search/?q=通知", "view/?f=ysqgk/办理流程图.svg&t=流程图"])
def test_kiosk_no_violation(browser, kiosk_site, serve, path):
    assert sanitize.csp_meta() in (kiosk_site / "index.html").read_text(encoding="utf-8")
    base = serve(kiosk_site)
    assert visit(browser, base + path, search=path.startswith("search/")) == []


def test_decap_admin_policy_names_its_server():
    from gongkai.outputs import decap
    page = decap.index_page("示例", {"name": "gitlab", "base_url": "https://git.example.gov.cn:8443/x"})
    assert "connect-src 'self' blob: https://git.example.gov.cn:8443;" in page
    assert "object-src 'none'" in page and "base-uri 'none'" in page and "default-src 'self'" in page


def test_a_violation_is_caught(browser, serve, tmp_path):
    """The check itself: an inline script and an outside picture on a page with the policy are reported."""
    (tmp_path / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8">{sanitize.csp_meta()}</head><body>'
        '<script>document.title = "x"</script><img src="https://evil.example/x.png" alt=""></body></html>',
        encoding="utf-8")
    found = visit(browser, serve(tmp_path))
    assert any("script-src" in f for f in found) and any("img-src" in f for f in found), found
