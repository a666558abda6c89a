"""Hostile content (issue #12): each injection found in the trial is removed from the published page and
reported by `make check` with its file and line; data files are safe for their readers."""
import csv
import io
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from conftest import TODAY, good_item
from gongkai.stages import derive, render
from gongkai.outputs import feeds
from gongkai import pipeline
from gongkai.core import sanitize

ITEM = "qtwj/2024/00001.md"
REL = "catalogue/items/" + ITEM

# (case, body, line of the offending code within the body, what must not survive in the page)
INJECTIONS = [
    ("svg-onload", "第一段。\n\n<svg/onload=alert(1)>\n", 3, ["svg", "onload"]),
    ("img-onerror-next-line", "第一段。\n\n<img src=\"a.png\" alt=\"图\"\nonerror=\"alert(1)\">\n", 4, ["onerror"]),
    ("attr-list-onclick", "一个段落。\n{: onclick=\"alert(1)\"}\n", 2, ["onclick"]),
    ("link-attr-onmouseover", "请[下载](https://www.gov.cn/){onmouseover=\"alert(1)\"}附件。\n", 1, ["onmouseover"]),
    ("iframe-data", "<iframe src=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></iframe>\n", 1,
     ["iframe", "data:"]),
    ("entity-javascript", "第一段。\n\n[点击](&#106;avascript:alert(1))\n", 3, ["javascript"]),
    ("tab-javascript", "[点击](java&#x09;script:alert(1))\n", 1, ["javascript", "java\tscript"]),
    ("base-href", "第一段。\n<base href=\"https://evil.example/\">\n", 2, ["base", "evil.example"]),
    ("meta-refresh", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n\n正文。\n", 1,
     ["meta", "evil.example"]),
    ("external-stylesheet", "正文。\n\n<link rel=\"stylesheet\" href=\"https://evil.example/x.css\">\n", 3,
     ["link", "evil.example"]),
    ("script", "正文。\n\n<script>alert(1)</script>\n", 3, ["script", "alert"]),
    ("vbscript", "[点击](vbscript:msgbox(1))\n", 1, ["vbscript"]),
    ("external-image", "![外部图片](https://evil.example/track.png)\n", 1, ["evil.example"]),
    ("form", "<form action=\"https://evil.example/\"><input name=\"q\"></form>\n", 1, ["form", "input"]),
    ("object-embed", "<object data=\"x.swf\"></object>\n<embed src=\"x.swf\">\n", 1, ["object", "embed"]),
    ("style-attribute", "<p style=\"position:fixed;top:0\">假通知</p>\n", 1, ["position"]),
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html):
    parser = Elements()
    parser.feed(html)
    return parser.found


def outside_allowlist(html) -> list[str]:
    """Every element and attribute of html that the allowlist does not permit (parsed, not grepped)."""
    bad = []
    for tag, attrs in elements(html):
        if tag not in sanitize.TAGS:
            bad.append(tag)
        wrap = tag == "div" and attrs.get("class") == "gk-table-wrap"     # render.wrap_tables adds it after cleaning
        for name, value in attrs.items():
            if wrap and name in ("tabindex", "role", "aria-label"):
                continue
            if name not in sanitize.ATTRIBUTES["*"] | sanitize.ATTRIBUTES.get(tag, set()):
                bad.append(f"{tag}@{name}")
            elif name == "href" and urlsplit(value or "").scheme not in sanitize.SCHEMES | {""}:
                bad.append(f"{tag}@href={value}")
            elif name == "src" and value and not sanitize.local(value):
                bad.append(f"{tag}@src={value}")
    return bad


def rendered_body(project):
    """The item's body as render publishes it (the inspection, which would stop the build, is skipped)."""
    cat, idx, _ = pipeline.catalogue(project.root, TODAY)
    r = render.Renderer(cat, idx)
    item = cat.items[0]
    return r.item_body(item, r.item_url(item))[0]


@pytest.mark.parametrize("case,body,line,gone", INJECTIONS, ids=[c[0] for c in INJECTIONS])
def test_injection_is_reported_with_its_line(project, case, body, line, gone):
    project.item(ITEM, good_item(), body=body)
    ins = pipeline.inspect(project.root, TODAY).inspection
    found = [f for f in ins.findings if f.code == "unsafe-markup"]
    assert found, [f.format() for f in ins.findings]
    assert {f.file for f in found} == {REL}
    body_line = 1 + len(project.root.joinpath(REL).read_text().split("---\n")[1].split("\n")) + 2
    assert found[0].line == body_line + line - 1, [f.format() for f in found]
    assert "不安全的代码" in found[0].message


@pytest.mark.parametrize("case,body,line,gone", INJECTIONS, ids=[c[0] for c in INJECTIONS])
def test_injection_is_removed_from_the_page(project, case, body, line, gone):
    project.item(ITEM, good_item(), body=body)
    html = rendered_body(project)
    assert outside_allowlist(html) == []
    lowered = html.lower()
    for text in gone:
        assert text not in lowered, (text, html)


def test_the_build_stops_on_unsafe_markup(project):
    project.item(ITEM, good_item(), body="<base href=\"https://evil.example/\">\n")
    with pytest.raises(pipeline.InputError) as exc:
        pipeline.build(project.root, TODAY)
    assert "unsafe-markup" in [p.code for p in exc.value.problems]


SAFE = [
    ("table-spans", "<table><tr><th colspan=\"2\">合计</th></tr><tr><td rowspan=\"2\">1</td><td>2</td></tr></table>\n"),
    ("markdown-table-aligned", "| 项目 | 数量 |\n|:--|--:|\n| 申请 | 12 |\n"),
    ("links", "[政府网](https://www.gov.cn/) [邮件](mailto:a@example.gov.cn) [电话](tel:0550-1234567) [站内](../x/)\n"),
    ("footnote", "依据条例[^1]。\n\n[^1]: 《政府信息公开条例》第十二条。\n"),
    ("admonition", "!!! note \"说明\"\n    本文件自发布之日起施行。\n"),
    ("attr-list-id-class", "## 一、总体要求\n{: #zongti .gk-h }\n"),
    ("local-image", "![示意图](tu1.png)\n"),
]


@pytest.mark.parametrize("case,body", SAFE, ids=[c[0] for c in SAFE])
def test_公文_content_is_kept_and_not_reported(project, case, body):
    project.item(ITEM, good_item(), body=body)
    (project.root / "catalogue/items/qtwj/2024/tu1.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    ins = pipeline.inspect(project.root, TODAY).inspection
    assert not [f for f in ins.findings if f.code == "unsafe-markup"], [f.format() for f in ins.findings]
    html = rendered_body(project)
    assert outside_allowlist(html) == []
    assert sanitize.clean(sanitize.to_html(body)) == sanitize.body_html(body)
    assert sanitize.removals(sanitize.to_html(body)) == []


def test_table_spans_survive(project):
    project.item(ITEM, good_item(), body=SAFE[0][1])
    html = rendered_body(project)
    assert 'colspan="2"' in html and 'rowspan="2"' in html


def test_content_page_injection_reported(project):
    page = project.root / "content/ysqgk.md"
    page.write_text(page.read_text() + "\n<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n")
    found = [f for f in pipeline.inspect(project.root, TODAY).inspection.findings if f.code == "unsafe-markup"]
    assert [(f.file, f.line) for f in found] == [("content/ysqgk.md", page.read_text().count("\n"))]


# --- fields are plain text; catalogue.csv is safe to open ----------------------------------------------

@pytest.mark.parametrize("field,value", [("标题", "关于<b onclick=alert(1)>春耕</b>的通知"),
                                         ("内容概述", "部署<script>alert(1)</script>工作。"),
                                         ("标题", "关于春耕&amp;备耕的通知"),
                                         ("关键词", ["春耕", "<img src=x onerror=alert(1)>"])])
def test_markup_in_fields_is_refused(project, field, value):
    project.item(ITEM, good_item(**{field: value}))
    found = project.problems("markup-in-field")
    assert [p.field for p in found] == [field] and found[0].line and "纯文字" in found[0].message


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_formula_cells_are_neutralised(project, lead):
    title = f"{lead}HYPERLINK(\"https://evil.example/\",\"点击\")关于春耕的通知"
    project.item(ITEM, good_item(标题=title, 内容概述=f"{lead}1+1"))
    cat, idx, _ = pipeline.catalogue(project.root, TODAY)
    out = render.render(cat, derive.derive(cat))
    data = {a.path: a.data for a in out.assets if a.data is not None}
    rows = list(csv.reader(io.StringIO(data[render.OPEN_CSV].decode("utf-8-sig"))))
    head, row = rows[0], rows[1]
    assert row[head.index("标题")] == "'" + title and row[head.index("内容概述")] == f"'{lead}1+1"
    entries = json.loads(data[render.OPEN_JSON])["条目"]
    assert entries[0]["标题"] == title                      # the JSON keeps the text as written


@pytest.mark.parametrize("value", ["\tx", "\rx", "=x", "normal", "", "中-文"])
def test_csv_cell(value):
    expect = "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
    assert feeds.cell(value) == expect


def test_policy_is_the_same_everywhere(project):
    project.item(ITEM, good_item(曾用索引号=["11349901MB1C2D3E3D/2024-00099"]))
    result = pipeline.build(project.root, TODAY)
    redirect = next(a for a in result.output.assets if a.path == "gk/11349901MB1C2D3E3D-2024-00099/index.html")
    assert sanitize.csp_meta() in redirect.data.decode()
    assert sanitize.site_policy([{"名称": "县", "地址": ""}, {"名称": "镇", "地址": "https://z.example.gov.cn/zwgk/"},
                                 {"名称": "局", "地址": "../jyj/"}]) == sanitize.CSP.replace(
        "connect-src 'self'", "connect-src 'self' https://z.example.gov.cn")


@pytest.mark.parametrize("target,expect", [("../../../../../../etc/passwd", "之外"), ("没有.pdf", "找不到")])
def test_body_link_out_of_the_folder_named_as_such(project, target, expect):
    project.item(ITEM, good_item(), body=f"见[文件]({target})。\n")
    cat, idx, _ = pipeline.catalogue(project.root, TODAY)
    out = render.render(cat, derive.derive(cat))
    found = [p for p in out.problems if p.code == "body-link"]
    assert len(found) == 1 and expect in found[0].message and found[0].line


def test_several_removals_each_at_its_line(project):
    body = ('正文。\n\n<img src="a.png" alt="图"\nonerror="alert(1)">\n[x](&#106;avascript:alert(1))\n'
            '<base href="https://evil.example/">\n')
    path = project.item(ITEM, good_item(), body=body)
    first = path.read_text().split("\n").index("正文。") + 1
    found = [f for f in pipeline.inspect(project.root, TODAY).inspection.findings if f.code == "unsafe-markup"]
    assert [(f.line - first, f.message.split("：")[1][:6]) for f in found] == [
        (3, "事件处理属性"), (4, "不允许的地址"), (5, "不允许的元素")], [f.format() for f in found]
