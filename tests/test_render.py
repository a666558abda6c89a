"""render: pure functions and the generated documents."""
import io
import time
import zipfile
from types import SimpleNamespace

from docx import Document

from gongkai.stages import appform, flowchart
from gongkai.stages.render import relurl, size_label

from conftest import CODE, TODAY, good_item

SITE = SimpleNamespace(body_name="示例县人民政府办公室", office_address="人民路88号", office_phone="0550-6021234",
                       office_fax="0550-6021235")


def test_relurl():
    assert relurl("gk/a/", "lm/b/") == "../../gk/a/"
    assert relurl("", "gk/a/") == "../../"
    assert relurl("gk/a/", "") == "gk/a/"
    assert relurl("lm/b/", "lm/b/") == "./"
    assert relurl("lm/b/2/", "lm/b/") == "2/"
    assert relurl("ysqgk/表.docx", "zhinan/") == "../ysqgk/表.docx"
    assert relurl("https://x.example/", "a/") == "https://x.example/"


def test_size_label():
    assert size_label(10) == "1 KB"
    assert size_label(2048) == "2 KB"
    assert size_label(3 * 1048576) == "3.0 MB"


def test_application_form_docx_has_art29_fields_and_is_reproducible():
    first = appform.docx(SITE)
    time.sleep(1.1)
    assert appform.docx(SITE) == first
    doc = Document(io.BytesIO(first))
    text = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for label in ("姓名或者名称", "身份证明", "联系电话", "所需政府信息的名称", "文号", "特征性描述", "获取方式"):
        assert label in text
    assert "示例县人民政府办公室" in "\n".join(p.text for p in doc.paragraphs)
    assert zipfile.ZipFile(io.BytesIO(first)).testzip() is None


def test_flowchart_svg_is_accessible_and_standalone():
    svg = flowchart.svg(standalone=True)
    assert svg.startswith("<?xml") and "<title" in svg and 'role="img"' in svg
    assert "20个工作日" in svg and "7个工作日" in svg
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg)


def test_markdown_table_headers_get_scope():
    from gongkai.stages.render import scope_headers
    html = ("<table><thead><tr><th>项目</th><th style=\"text-align: right;\">金额</th></tr></thead>"
            "<tbody><tr><th>合计</th><td>1</td></tr><tr><td>a</td><td>2</td></tr></tbody></table>"
            "<table><tr><th scope=\"colgroup\">已有</th></tr></table>")
    out = scope_headers(html)
    assert out.count('scope="col"') == 2 and out.count('scope="row"') == 1
    assert '<th scope="col" style="text-align: right;">金额</th>' in out and 'scope="colgroup">已有' in out


def test_relurl_fast_path_agrees_with_posixpath():
    import posixpath
    import random

    def reference(target, here):
        rel = posixpath.relpath("/" + target, "/" + here) if target.strip("/") else posixpath.relpath("/", "/" + here)
        if target.endswith("/") or not target:
            rel = rel.rstrip("/") + "/"
            return "./" if rel == "./" else rel
        return rel
    rng = random.Random(8)
    parts = ["gk", "lm", "a-1", "表.docx", "2", "..", ".", "", "@@BASE@@"]
    for _ in range(20000):
        target = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4))) + rng.choice(["", "/"])
        here = "/".join(rng.choice(parts) for _ in range(rng.randint(0, 4))) + rng.choice(["", "/", "/"])
        assert relurl(target, here) == reference(target, here), (target, here)


def test_pager_links_first_last_and_near_pages_only():
    from gongkai.stages.render import pager_window
    assert [n for n, _ in pager_window("nf/2024/", 1, 3)] == [1, 2, 3]
    window = pager_window("nf/2024/", 50, 5000)
    assert [n for n, _ in window] == [1, None, 48, 49, 50, 51, 52, None, 5000]
    assert window[0][1] == "nf/2024/" and window[-1][1] == "nf/2024/5000/"


def _lazy(project):
    from gongkai import pipeline
    return pipeline.build(project.root, TODAY, lazy=True).output


def test_an_unchanged_item_page_is_not_rendered_again_and_fill_gives_the_cold_body(project, monkeypatch):
    from gongkai import pipeline
    monkeypatch.delenv("GONGKAI_CACHE", raising=False)
    project.item("qtwj/2024/00001.md", good_item(1), body="第一条。\n")
    project.item("qtwj/2024/00002.md", good_item(2, 标题="示例县人民政府办公室关于第二项工作的通知"), body="第二条。\n")
    first = _lazy(project)
    assert all(p.body is not None for p in first.bulk_pages)
    project.item("qtwj/2024/00002.md", good_item(2, 标题="示例县人民政府办公室关于第二项工作的通知（修订）"),
                 body="第二条。\n")
    second = _lazy(project)
    pages = {p.path: p for p in second.bulk_pages}
    kept, changed = pages[f"gk/{CODE}-2024-00001/"], pages[f"gk/{CODE}-2024-00002/"]
    assert kept.body is None and changed.body is not None and "（修订）" in changed.body
    assert kept.key == next(p.key for p in first.bulk_pages if p.path == kept.path)
    second.complete()
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    cold = {p.path: p.body for p in pipeline.build(project.root, TODAY).output.bulk_pages}
    assert kept.body == cold[kept.path]
    assert [d.url for d in second.search_docs] == [d.url for d in pipeline.build(project.root, TODAY).output.search_docs]


def test_a_page_is_rendered_again_when_a_file_its_body_links_to_appears(project, monkeypatch):
    monkeypatch.delenv("GONGKAI_CACHE", raising=False)
    project.item("qtwj/2024/00001.md", good_item(1), body="见![示意图](00001/图1.png)。\n")
    first = _lazy(project)
    assert any(p.code == "body-link" for p in first.problems)
    (project.root / "catalogue/items/qtwj/2024/00001").mkdir()
    (project.root / "catalogue/items/qtwj/2024/00001/图1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    second = _lazy(project)
    page = next(p for p in second.bulk_pages if p.path == f"gk/{CODE}-2024-00001/")
    assert page.body is not None and not any(p.code == "body-link" for p in second.problems)
    assert f"gk/{CODE}-2024-00001/00001/图1.png" in {a.path for a in second.assets}
