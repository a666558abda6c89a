"""Property-based tests (hypothesis): random front matter and bodies — keys, values, YAML constructs,
HTML fragments, control characters, encodings — never give a traceback; every message about the item
names its file and line; an item without errors is published in catalogue.json; a published page holds
only what the allowlist permits (the HTML is parsed, not grepped).

CI runs a modest number of examples. A long campaign: GONGKAI_FUZZ=long (or GONGKAI_FUZZ_EXAMPLES=N)."""
import json
import os
import shutil

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import TODAY, good_item, new_project
from gongkai.stages import load, render
from gongkai import pipeline
from gongkai.core import sanitize
from gongkai.core.problems import ERROR, InputError
from test_sanitize import outside_allowlist

LONG = os.environ.get("GONGKAI_FUZZ") == "long"
EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES") or (2000 if LONG else 0))
settings.register_profile("gongkai-ci", deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                 HealthCheck.data_too_large])
settings.register_profile("gongkai-long", parent=settings.get_profile("gongkai-ci"), derandomize=False)
settings.load_profile("gongkai-long" if EXAMPLES else "gongkai-ci")


def examples(ci: int) -> settings:
    return settings(max_examples=EXAMPLES or ci)


ITEM = "qtwj/2024/00001.md"
REL = "catalogue/items/" + ITEM

# --- strategies ----------------------------------------------------------------------------------------

HTML_BITS = ["<script>alert(1)</script>", "<svg/onload=alert(1)>", "<img src=x onerror=alert(1)>",
             "<img src=\"a.png\"\nonerror=\"alert(1)\">", "{: onclick=\"alert(1)\"}", "{onmouseover=\"x\"}",
             "<iframe src=\"data:text/html,x\"></iframe>", "[a](&#106;avascript:alert(1))",
             "[a](java&#x09;script:x)", "<base href=\"https://evil.example/\">", "<meta http-equiv=refresh content=0>",
             "<link rel=stylesheet href=//evil.example/x.css>", "<a href=\"vbscript:x\">v</a>", "<form><input></form>",
             "<object data=x></object>", "<embed src=x>", "<style>*{}</style>", "<p style=\"color:red\">s</p>",
             "<table><tr><td colspan=2>x</td></tr></table>", "| a | b |\n|:-|-:|\n| 1 | 2 |", "![图](tu.png)",
             "![外](https://evil.example/x.png)", "[^1]\n\n[^1]: 注", "!!! note\n    内容", "<div markdown=\"1\">*x*</div>",
             "<details><summary>s</summary>d</details>", "<math><mi>x</mi></math>", "<!-- c -->", "<![CDATA[x]]>",
             "<a href=\"#x\" id=\"y\" class=\"z\" title=\"t\">a</a>", "<textarea>x</textarea>", "<noscript><p>x</p></noscript>",
             "<template><script>x</script></template>", "<select><option>o</option></select>", "&#0;", "&lt;script&gt;",
             "<a href=\"  JaVaScRiPt:x\">a</a>", "<img src=\"data:image/png;base64,AAAA\" alt=\"\">", "<x-y onclick=z>",
             "<table><p>x</p></table>", "<h1 onload=x>标题</h1>", "<A HREF=javascript:x>a</A>", "<svg><a xlink:href=x>"]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
CJK = st.text(st.sampled_from("政府信息公开通知关于做好工作的条例第十二条、，。：；“”（）《》〔〕0123456789ABC abc-_=+@#&*!|>%'\""),
              max_size=20)
CONTROL = st.sampled_from(["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\t", "\u2028", "\ufeff"])
BODY = st.lists(st.one_of(st.sampled_from(HTML_BITS), CJK, TEXT, CONTROL, st.just("\n")), max_size=12).map("".join)
SCALAR = st.one_of(CJK, TEXT, st.sampled_from([
    "0123", "1.10", "1_000", "0x1F", "1e3", "yes", "no", "on", "~", "null", "2024-02-30", "2024-03-05", ".inf",
    "'单引号'", '"双引号"', "\"未闭合", "'未闭合", "“全角引号”", "[a, b]", "{a: b}", "&a x", "*a", "!!python/object:os.system x",
    "!tag x", "|\n  多行\n  文本", ">\n  折叠", "- 列表", "a: b", "值 # 注释", "<b>粗体</b>", "=1+1", "@SUM(A1)", "-5",
    "\"\\x41\"", "\"\\u0000\"", "[[[[[[]]]]]]"]), CONTROL)
KEYS = st.one_of(st.sampled_from(["标题", "索引号", "发布机构", "文号", "成文日期", "发布日期", "栏目", "主题分类", "体裁",
                                  "内容概述", "关键词", "附件", "关联", "有效性", "登记号", "政策咨询电话", "修订记录",
                                  "曾用索引号", "个人信息例外", "定时发布", "报告年度"]), CJK, TEXT)


@st.composite
def front_matter(draw) -> str:
    """A front matter that starts from a valid item and is then damaged a little or a lot."""
    fields = {k: str(v) for k, v in good_item().items()}
    lines = [f"{k}: {v}" for k, v in fields.items()]
    for _ in range(draw(st.integers(0, 4))):
        choice = draw(st.integers(0, 5))
        if choice == 0 and lines:                        # replace a value
            n = draw(st.integers(0, len(lines) - 1))
            lines[n] = lines[n].split(":")[0] + ": " + draw(SCALAR)
        elif choice == 1:                                # add a key
            lines.insert(draw(st.integers(0, len(lines))), f"{draw(KEYS)}: {draw(SCALAR)}")
        elif choice == 2 and lines:                      # drop a line
            lines.pop(draw(st.integers(0, len(lines) - 1)))
        elif choice == 3 and lines:                      # full-width colon, or no space after the colon
            n = draw(st.integers(0, len(lines) - 1))
            lines[n] = lines[n].replace(": ", draw(st.sampled_from(["：", ":", ":  ", " : "])), 1)
        elif choice == 4:                                # a nested construct
            lines.append(draw(st.sampled_from(["附件:\n  - {文件: ../../x.pdf}", "附件:\n  - 文件: /etc/passwd",
                                               "关联:\n  - 索引号: x", "关键词:\n  - a\n  -\n    - b",
                                               "修订记录: [{日期: 2024-01-01, 说明: x}]", "a: &x [1]\nb: *x"])))
        else:                                            # raw noise
            lines.insert(draw(st.integers(0, len(lines))), draw(TEXT))
    return "\n".join(lines) + "\n"


ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1-noise"])


def encode(text: str, encoding: str) -> bytes:
    if encoding == "latin-1-noise":
        return text.encode("utf-8")[:-3] + b"\xff\xfe\x80"
    return text.encode(encoding, errors="replace")


# --- the project, reused across examples -----------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory):
    os.environ["GONGKAI_CACHE"] = "0"
    root = tmp_path_factory.mktemp("fuzz")
    yield new_project(root)
    os.environ.pop("GONGKAI_CACHE", None)


def write_item(project, data: bytes):
    folder = project.root / "catalogue/items"
    shutil.rmtree(folder)
    (folder / "qtwj/2024").mkdir(parents=True)
    (folder / ITEM).write_bytes(data)


def check_item(project, data: bytes):
    """The properties of one item file: no traceback, messages with file and line, published when clean."""
    write_item(project, data)
    ins = pipeline.inspect(project.root, TODAY).inspection        # raises nothing for staff input
    mine = [f for f in ins.findings if f.file == REL]
    for f in mine:
        assert f.line and f.line >= 1, f.format()
        assert f.message and f.severity in (ERROR, "warning"), f.format()
    if ins.errors:
        with pytest.raises(InputError):
            pipeline.build(project.root, TODAY)
        return
    result = pipeline.build(project.root, TODAY)
    cat = result.catalogue
    exported = json.loads(next(a.data for a in result.output.assets if a.path == render.OPEN_JSON))["条目"]
    assert {i.index_no for i in cat.items} <= {e["索引号"] for e in exported}
    scheduled = {i.source for i in cat.scheduled}
    if REL not in scheduled:
        assert len(cat.items) == 1
        page = next(p for p in result.output.bulk_pages if p.path == f"gk/{cat.items[0].slug}/")
        r = render.Renderer(cat, result.indexes)
        published = r.item_body(cat.items[0], r.item_url(cat.items[0]))[0]
        assert published in page.body
        assert outside_allowlist(published) == [], published


@examples(20)
@given(front_matter(), BODY, ENCODINGS)
@example("标题: \x80\n", "", "utf-8")                      # found by the long campaign: a C1 control character
def test_random_items(fuzz_project, head, body, encoding):
    check_item(fuzz_project, encode(f"---\n{head}---\n\n{body}\n", encoding))


@examples(10)
@given(BODY)
def test_random_bodies_of_a_valid_item(fuzz_project, body):
    from conftest import front
    check_item(fuzz_project, f"---\n{front(good_item())}---\n\n{body}\n".encode())


@examples(200)
@given(BODY)
def test_sanitised_html_stays_inside_the_allowlist(body):
    html = sanitize.body_html(body)
    assert outside_allowlist(html) == [], html
    assert sanitize.clean(html) == html or outside_allowlist(sanitize.clean(html)) == []


@examples(200)
@given(BODY)
@example('&#0;<table><p>x</p></table><a href="vbscript:x">v</a>')   # found by the long campaign: a moved element
def test_whatever_is_not_reported_is_already_allowed(body):
    """The inspection (markdown_findings, with its shortcut for text that cannot hold markup) reports
    something whenever the raw HTML holds an element or attribute that the page would lose."""
    if not sanitize.markdown_findings(body):
        assert outside_allowlist(sanitize.to_html(body)) == [], sanitize.to_html(body)


@examples(200)
@given(st.text(max_size=1024))
def test_any_yaml_text_parses_or_is_refused(text):
    import yaml
    try:
        load.parse_yaml(text)
    except yaml.YAMLError:
        pass
