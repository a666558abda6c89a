"""Embedding under a county portal: the built example served under a sub-path (as a 乡镇 or 部门
column of the portal). Every link, asset, feed, open-data URL and the search work under the prefix."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from urllib.parse import quote, urldefrag, urljoin, urlsplit

import pytest
import yaml

from conftest import ROOT

SITE_URL = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
PREFIXES = ["zwgk/", "zwgk/xzjd/shiliezhen/"]           # the configured path, and a deeper one
LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "form": "action", "iframe": "src",
              "source": "src"}


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if attrs.get(LINK_ATTRS.get(tag, "")):
            self.links.append(attrs[LINK_ATTRS[tag]])


def fetch(url: str, method: str = "GET") -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(quote(url, safe=":/?#&=%"), method=method)) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, "", b""


@pytest.fixture(scope="module", params=PREFIXES)
def portal(request, example_site, serve, tmp_path_factory):
    """The site as the portal serves it: base URL under the prefix."""
    root = tmp_path_factory.mktemp("portal")
    mount = root / request.param
    mount.parent.mkdir(parents=True, exist_ok=True)
    mount.symlink_to(example_site, target_is_directory=True)
    (root / "index.html").write_text("<!doctype html><title>门户首页</title>", encoding="utf-8")
    return serve(root) + request.param


def local(url: str, base: str) -> str:
    """The site's own public address (canonical links, feeds, open data) as served under the prefix."""
    return base + url[len(SITE_URL):] if url.startswith(SITE_URL) else url


def test_every_link_and_asset_resolves_under_the_prefix(portal):
    base, host = portal, urlsplit(portal).netloc
    queue, pages, checked = deque([base]), {}, {}
    anchors: list[tuple[str, str, str]] = []
    while queue:
        url = queue.popleft()
        if url in pages:
            continue
        status, ctype, body = fetch(url)
        assert status == 200, url
        parser = Links()
        parser.feed(body.decode("utf-8"))
        pages[url] = parser.ids
        for raw in parser.links:
            if raw.startswith(("mailto:", "tel:", "javascript:", "data:")):
                continue
            target, frag = urldefrag(local(urljoin(url, raw), base))
            if urlsplit(target).netloc != host:
                continue                                  # outside sites (ICP lookup): listed by the inspection
            assert target.startswith(base), f"{url}: “{raw}” leaves the prefix"
            if frag:
                anchors.append((url, target, frag))
            if target.endswith("/") or target.endswith(".html"):
                if target not in pages:
                    queue.append(target)
            elif target not in checked:
                checked[target] = fetch(target, "HEAD")[0]
    assert len(pages) > 250 and len(checked) > 50
    assert [u for u, s in checked.items() if s != 200] == []
    missing = [(page, t, f) for page, t, f in anchors if f not in pages.get(t, set())]
    assert missing == []


def test_feeds_sitemap_and_open_data_point_into_the_site(portal):
    base = portal
    urls = set()
    for name in ("feed.xml", "sitemap.xml"):
        status, ctype, body = fetch(base + name)
        assert status == 200 and "xml" in ctype, name
        found = re.findall(r'(?:href="|<loc>)(https?://[^"<]+)', body.decode())
        assert found and all(u.startswith(SITE_URL) for u in found), name
        urls.update(found)
    data = json.loads(fetch(base + "catalogue.json")[2])
    for row in data["条目"]:
        urls.add(row["网址"])
        urls.update(a["网址"] for a in row["附件"])
    bad = [u for u in sorted(urls) if fetch(local(u, base), "HEAD")[0] != 200]
    assert len(urls) > 200 and bad == []


def test_search_and_header_search_work_under_the_prefix(browser, portal, sample_pages):
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    pg = context.new_page()
    pg.goto(portal + sample_pages["item"])
    pg.fill("#gk-top-q", "宅基地")
    pg.press("#gk-top-q", "Enter")
    pg.wait_for_selector("#gk-search[data-gk-done]")
    assert pg.url.startswith(portal + "search/?q=")
    first = pg.query_selector(".gk-hits h3 a")
    assert first
    first.click()
    pg.wait_for_url(portal + "gk/**")            # the search page has an article h1 too: wait for the item's URL
    pg.wait_for_selector("article.gk-item h1")
    assert requests and [u for u in requests if not u.startswith(portal)] == []
    context.close()
