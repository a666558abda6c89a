"""linkcheck: links, anchors and attachments of the BUILT site; external links listed, never fetched."""
from pathlib import Path

from conftest import good_item, mkdocs_build
from gongkai.inspection.linkcheck import check_site

FOOTER = '<footer>网站标识码：3499010001 皖ICP备19000001号</footer>'


def page(site: Path, rel: str, body: str, footer: str = FOOTER) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head></head><body>{body}{footer}</body></html>")


def test_links_anchors_attachments_and_external(tmp_path):
    site = tmp_path / "site"
    page(site, "index.html", '<a href="gk/a/">条目</a><a href="gk/a/#att">附件区</a><a href="zhinan/#gk-contact">联系</a>'
                             '<a href="https://beian.miit.gov.cn/">备案</a><link rel="canonical" href="https://www.example.gov.cn/zwgk/">'
                             '<a href="mailto:zwgk@example.gov.cn">信箱</a><a href="tel:0550-6021234">电话</a>')
    page(site, "gk/a/index.html", '<h2 id="att">附件</h2><a href="%E9%99%84%E4%BB%B6.pdf" download>附件</a>'
                                  '<a href="../../lm/x/">栏目</a><img src="../../assets/logo.svg">'
                                  '<a href="../b/">不存在</a><a href="../../zhinan/#nope">锚点</a><a href="/zwgk/gk/a/">根路径</a>')
    (site / "gk/a/附件.pdf").write_bytes(b"%PDF-1.4\n")
    page(site, "zhinan/index.html", '<h2 id="gk-contact">联系我们</h2>')
    page(site, "lm/x/index.html", '<a href="../../gk/a/">条目</a>', footer="")
    (site / "assets").mkdir()
    (site / "assets/logo.svg").write_text("<svg/>")
    report = check_site(site, {"gk/a/": "catalogue/items/qtwj/2024/00001.md"}, "https://www.example.gov.cn/zwgk/",
                        ("3499010001", "皖ICP备19000001号"))
    found = sorted((f.code, f.file) for f in report.findings)
    assert found == [("footer-missing", "site/lm/x/index.html"),
                     ("link-absolute", "catalogue/items/qtwj/2024/00001.md"),
                     ("link-anchor", "catalogue/items/qtwj/2024/00001.md"),
                     ("link-broken", "catalogue/items/qtwj/2024/00001.md")]
    broken = next(f for f in report.findings if f.code == "link-broken")
    assert "../b/" in broken.message and "gk/a/index.html" in broken.message and broken.severity == "error"
    assert report.external == [("index.html", "https://beian.miit.gov.cn/")]     # listed, canonical skipped
    assert report.pages == 4


def test_footer_check_off_when_the_portal_provides_it(tmp_path):
    page(tmp_path, "index.html", "<p>嵌入门户</p>", footer="")
    assert not check_site(tmp_path, footer=()).findings


def test_broken_link_in_a_content_page_fails_the_build(project, tmp_path):
    project.item("qtwj/2024/00001.md", good_item(1, 2024))
    guide = project.root / "content/ysqgk.md"
    guide.write_text(guide.read_text() + '\n<p><a href="../ysqgk/不存在的表格.docx">下载旧版申请表</a></p>\n')
    result = mkdocs_build(project.root, tmp_path / "out")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "不存在的表格.docx" in result.stderr and "content/ysqgk.md" in result.stderr
    report = (project.root / "build/inspection/summary.md").read_text()
    assert "link-broken" in report


def test_example_build_links_resolve_and_externals_are_listed(example_site):
    from conftest import ROOT
    import json
    data = json.loads((ROOT / "build/inspection/findings.json").read_text())
    assert data["summary"]["links_checked"] and not [f for f in data["findings"] if f["code"].startswith("link")]
    assert any("beian.miit.gov.cn" in link["url"] for link in data["external_links"])


def test_footer_texts_follow_the_portal_setting():
    from types import SimpleNamespace
    from gongkai.inspection.linkcheck import footer_texts
    site = SimpleNamespace(footer_by_portal=False, site_code="3499010001", icp="皖ICP备19000001号",
                           psb="皖公网安备34990102000001号", sponsor="示例县人民政府办公室", office_phone="0550-6021234")
    assert footer_texts(site) == ("3499010001", "皖ICP备19000001号", "皖公网安备34990102000001号", "示例县人民政府办公室",
                                  "0550-6021234")
    site.footer_by_portal = True
    assert footer_texts(site) == ("示例县人民政府办公室", "0550-6021234")


def test_pages_checked_on_both_cores_give_the_same_report(tmp_path, monkeypatch):
    from gongkai.core import workers
    site = tmp_path / "site"
    for n in range(40):
        page(site, f"gk/{n}/index.html", f'<a href="../{n + 1}/">下一条</a><a href="../../zhinan/#c{n % 3}">联系</a>'
                                         f'<a href="https://x{n % 4}.example/">外部</a>', footer=FOOTER if n % 5 else "")
    page(site, "zhinan/index.html", '<h2 id="c0">联系我们</h2><h2 id="c1">地址</h2>')
    args = (site, {}, "", ("3499010001",))
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    alone = check_site(*args)
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    real = workers.map_slices
    monkeypatch.setattr(workers, "map_slices", lambda task, count, min_slice=0: real(task, count, 1))
    both = check_site(*args)
    assert [(f.code, f.file, f.message) for f in both.findings] == [(f.code, f.file, f.message) for f in alone.findings]
    assert both.external == alone.external and (both.pages, both.links) == (alone.pages, alone.links)
    assert {f.code for f in alone.findings} == {"link-broken", "link-anchor", "footer-missing"}


def test_a_recheck_scans_changed_pages_and_still_finds_what_they_break(tmp_path, monkeypatch):
    from gongkai.inspection import linkcheck
    site, state = tmp_path / "site", tmp_path / "links.state"
    page(site, "index.html", '<a href="gk/a/">条目</a><a href="zhinan/#gk-contact">联系</a>')
    page(site, "gk/a/index.html", '<a href="../../zhinan/">指南</a><a href="https://beian.miit.gov.cn/">备案</a>')
    page(site, "zhinan/index.html", '<h2 id="gk-contact">联系我们</h2>')
    args = (site, {}, "", ("3499010001",))
    first = check_site(*args, state_file=state)
    assert not first.findings and first.pages == 3 and first.links == 4

    scanned = []
    real = linkcheck._TAG.finditer
    monkeypatch.setattr(linkcheck, "_TAG", type("T", (), {"finditer": staticmethod(
        lambda text: scanned.append(text) or real(text))}))
    again = check_site(*args, state_file=state)
    assert scanned == [] and (again.pages, again.links, again.external) == (first.pages, first.links, first.external)

    page(site, "zhinan/index.html", '<h2 id="gk-address">地址</h2>')        # the anchor index.html links to is gone
    found = check_site(*args, state_file=state)
    assert len(scanned) == 1 and [(f.code, f.file) for f in found.findings] == [("link-anchor", "site/index.html")]
    page(site, "zhinan/index.html", '<h2 id="gk-contact">联系我们</h2>')
    assert not check_site(*args, state_file=state).findings               # fixed: the page with a finding is rescanned

    (site / "gk/a/index.html").unlink()                                     # a removed page: everything is scanned
    scanned.clear()
    broken = check_site(*args, state_file=state)
    assert len(scanned) == 2 and [(f.code, f.file) for f in broken.findings] == [("link-broken", "site/index.html")]


def test_the_shell_of_bulk_pages_is_read_once_per_depth_and_every_body_in_full(tmp_path):
    site = tmp_path / "site"
    head, tail = '<!doctype html><html><body><a href="../../zhinan/">指南</a><main>', f"</main>{FOOTER}</body></html>"
    bodies = {}
    for name, body in (("a", '<a href="../b/">下一条</a>'), ("b", '<a href="../c/">不存在</a><a href="#x">本页</a><i id="x"></i>'),
                       ("c0", '<a href="../a/#nope">锚点</a>')):
        page(site, f"gk/{name}/index.html", "", footer="")
        (site / f"gk/{name}/index.html").write_text(head + body + tail)
        bodies[f"gk/{name}/index.html"] = (len(head), len(head) + len(body))
    page(site, "zhinan/index.html", "")
    report = check_site(site, {}, "", ("3499010001",), bodies=bodies)
    assert sorted((f.code, f.file) for f in report.findings) == [("link-anchor", "site/gk/c0/index.html"),
                                                                ("link-broken", "site/gk/b/index.html")]
    assert report.links == 5                                      # the shell's link counted on its first page only
    (site / "gk/a/index.html").write_text(head.replace("../../zhinan/", "../../zhinan-old/") + '<a href="../b/">下一条</a>' + tail)
    assert [f.code for f in check_site(site, {}, "", ("3499010001",), bodies=bodies).findings].count("link-broken") == 2
