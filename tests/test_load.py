"""load: encodings, front matter, YAML syntax."""
from conftest import good_item, front


def only(project, code):
    found = project.problems(code)
    assert found, [p.format() for p in project.problems()]
    return found[0]


def test_yaml_syntax_error_names_file_and_line(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 一个标题\n索引号: [未闭合\n发布机构: x\n---\n正文\n")
    p = only(project, "yaml-syntax")
    assert p.file == "catalogue/items/qtwj/2024/00001.md"
    assert p.line in (3, 4, 5)
    assert "YAML" in p.message and p.hint


def test_yaml_colon_in_value_explained(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 通知: 关于春耕\n---\n正文\n")
    p = only(project, "yaml-syntax")
    assert p.line == 2 and "冒号" in p.message


def test_unclosed_front_matter(project):
    project.item("qtwj/2024/00001.md", raw="---\n标题: 一个标题\n\n正文没有结束线\n")
    p = only(project, "unclosed-front-matter")
    assert "---" in p.message and p.line == 1


def test_missing_front_matter(project):
    project.item("qtwj/2024/00001.md", raw="标题: 没有开头的三个减号\n")
    assert only(project, "no-front-matter").line == 1


def test_empty_file(project):
    project.item("qtwj/2024/00001.md", raw="  \n")
    p = only(project, "empty-file")
    assert p.file.endswith("00001.md")


def test_gbk_file_is_reported_with_fix(project):
    text = f"---\n{front(good_item())}---\n\n正文。\n"
    project.item("qtwj/2024/00001.md", raw=text, encoding="gbk")
    p = only(project, "encoding")
    assert "GBK" in p.message and "UTF-8" in p.hint
    assert p.line == 2


def test_bom_and_crlf_accepted(project):
    text = "\ufeff" + f"---\n{front(good_item())}---\n\n正文。\n".replace("\n", "\r\n")
    project.item("qtwj/2024/00001.md", raw=text)
    cat, problems = project.check()
    assert cat is not None, [p.format() for p in problems]
    assert cat.items[0].title.startswith("示例县")


def test_duplicate_key_reported_with_both_lines(project):
    project.item("qtwj/2024/00001.md", raw=f"---\n{front(good_item())}标题: 第二个标题\n---\n正文\n")
    p = only(project, "duplicate-key")
    assert p.field == "标题" and "第2行" in p.message


def test_other_items_untouched_by_a_broken_one(project):
    project.item("qtwj/2024/00001.md", good_item(1))
    project.item("qtwj/2024/00002.md", raw="---\n标题: [\n---\n")
    from gongkai.stages import load, validate
    from conftest import TODAY
    valid = validate.validate(load.load_project(project.root), TODAY)
    assert [r["index_no"] for r in valid.items] == [good_item(1)["索引号"]]
    assert any(p.code == "yaml-syntax" for p in valid.problems)


# --- issue #12: input that hangs, escapes the repository or changes silently -----------------------------

import json as _json
import os as _os
import time as _time

import pytest as _pytest

from conftest import TODAY as _TODAY
from gongkai import pipeline as _pipeline

_ITEM = "qtwj/2024/00001.md"
_REL = "catalogue/items/" + _ITEM


def _raw(head: str, body: str = "正文。\n") -> str:
    return f"---\n{head}---\n\n{body}"


def test_symlinked_item_outside_the_repository_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("runner") / "secret.md"
    outside.write_text(_raw(front(good_item())))
    link = project.root / "catalogue/items/qtwj/2024/00001.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    p = only(project, "path-escape")
    assert p.file == _REL and "符号链接" in p.message and str(outside) in p.message and p.line == 1
    cat, _ = project.check()
    assert cat is None


def test_symlinked_item_folder_is_refused(project, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere")
    (outside / "00001.md").write_text(_raw(front(good_item())))
    (project.root / "catalogue/items/qtwj").mkdir(parents=True)
    (project.root / "catalogue/items/qtwj/2024").symlink_to(outside, target_is_directory=True)
    p = only(project, "path-escape")
    assert p.file == "catalogue/items/qtwj/2024" and str(outside) in p.message


@_pytest.mark.parametrize("what", ["config", "page", "template"])
def test_symlinked_config_page_or_template_outside_is_refused(project, tmp_path_factory, what):
    outside = tmp_path_factory.mktemp("runner") / "file"
    rel = {"config": "catalogue/topics.yml", "page": "content/zhidu/extra.md",
           "template": "overrides/gongkai/item.html"}[what]
    outside.write_text("# x\n" if what != "config" else "[]\n")
    (project.root / rel).parent.mkdir(parents=True, exist_ok=True)
    (project.root / rel).symlink_to(outside)
    project.item(_ITEM, good_item())
    found = [p for p in project.problems("path-escape") if p.file == rel]
    assert found and str(outside) in found[0].message, [p.format() for p in project.problems()]


@_pytest.mark.parametrize("path,why", [("../../../../../etc/passwd", "“..”"), ("/etc/passwd", "绝对路径"),
                                       ("00001/link.pdf", "符号链接")])
def test_attachment_escape_is_not_reported_as_missing(project, tmp_path_factory, path, why):
    item = project.item(_ITEM, good_item(附件=[{"文件": path, "标题": "附件"}]))
    if why == "符号链接":
        target = tmp_path_factory.mktemp("runner") / "x.pdf"
        target.write_bytes(b"%PDF-1.4")
        (item.parent / "00001").mkdir()
        (item.parent / "00001/link.pdf").symlink_to(target)
    p = only(project, "attachment-outside")
    assert why in p.message and "找不到" not in p.message and "把文件放到" not in p.hint
    assert not project.problems("attachment-missing")


def test_missing_attachment_still_reported_as_missing(project):
    project.item(_ITEM, good_item(附件=[{"文件": "00001/没有.pdf", "标题": "附件"}]))
    assert "找不到" in only(project, "attachment-missing").message


BOMB = ('标题: &a ["x","x","x","x","x","x","x","x","x"]\n'
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n'
        'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n'
        'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n')


def test_alias_bomb_is_refused_at_once(project):
    assert len(BOMB.encode()) < 1024
    project.item(_ITEM, raw=_raw(BOMB))
    start = _time.perf_counter()
    p = only(project, "yaml-refused")
    assert _time.perf_counter() - start < 5          # the whole check of a tiny project; the refusal itself is µs
    assert p.line == 2 and "锚点" in p.message and "&a" in p.message


@_pytest.mark.parametrize("head,line,word", [
    ("标题: &t 通知\n索引号: *t\n", 2, "锚点"),
    ("标题: *t\n", 2, "别名"),
    ("标题: !!python/object/apply:os.system ['echo hacked']\n", 2, "!!python/object/apply:os.system"),
    ("标题: x\n内容概述: !!binary aGVsbG8=\n", 3, "!!binary"),
    ("标题: !local 通知\n", 2, "!local"),
    ("标题: " + "[" * 40 + "]" * 40 + "\n", 2, "嵌套"),
])
def test_yaml_constructs_refused(project, head, line, word):
    project.item(_ITEM, raw=_raw(head))
    p = only(project, "yaml-refused")
    assert p.line == line and word in p.message and p.hint, p.format()


def test_oversized_front_matter_refused(project):
    project.item(_ITEM, raw=_raw(front(good_item(内容概述="很长" * 140000))))
    assert "太大" in only(project, "yaml-refused").message


@_pytest.mark.parametrize("typed", ["0123", "1.10", "1_000", "0x1F", "1e3", "00012"])
def test_numbers_keep_the_text_as_typed(project, typed):
    head = front(good_item()).replace("文号: ", f"登记号: {typed}\n文号: ", 1)
    project.item(_ITEM, raw=_raw(head))
    cat, problems = project.check()
    assert cat is not None, [p.format() for p in problems]
    assert cat.items[0].registration_no == typed
    out = _pipeline.build(project.root, _TODAY)
    data = next(a.data for a in out.output.assets if a.path == "catalogue.json")
    assert _json.loads(data)["条目"][0]["登记号"] == typed


def test_number_as_title_kept(project):
    project.item(_ITEM, raw=_raw(front(good_item()).replace("标题: 示例县人民政府办公室关于做好2024年春耕生产工作的通知",
                                                            "标题: 0123")))
    cat, problems = project.check()
    assert cat.items[0].title == "0123", [p.format() for p in problems]


def test_number_in_keywords_kept(project):
    project.item(_ITEM, raw=_raw(front(good_item()) + "关键词: [0123, 1.10]\n"))
    cat, problems = project.check()
    assert cat.items[0].keywords == ["0123", "1.10"], [p.format() for p in problems]


@_pytest.mark.parametrize("char,name", [("\x00", "NUL"), ("\x1b", "ESC"), ("\x0c", "换页符"), ("\x07", "控制字符")])
def test_control_characters_refused_with_line(project, char, name):
    text = _raw(front(good_item()), f"第一段。\n\n第二段{char}。\n")
    project.item(_ITEM, raw=text)
    p = only(project, "control-char")
    assert p.line == text.split("\n").index(f"第二段{char}。") + 1 and name in p.message


def test_tab_is_not_a_control_character(project):
    project.item(_ITEM, raw=_raw(front(good_item()), "第一段\t有制表符。\n"))
    assert not project.problems("control-char")


# --- messages that tell the truth ------------------------------------------------------------------------

def test_unclosed_double_quote_reported_at_its_line(project):
    head = front(good_item()).replace("标题: ", '标题: "', 1)
    project.item(_ITEM, raw=_raw(head))
    p = only(project, "yaml-syntax")
    assert p.line == 2 and "双引号" in p.message and "反斜杠" not in p.message, p.format()


def test_full_width_colon_named_at_its_own_line(project):
    lines = front(good_item()).split("\n")
    lines[3] = lines[3].replace(": ", "：", 1)          # 文号：示政办〔2024〕1号, on line 5 of the file
    project.item(_ITEM, raw=_raw("\n".join(lines)))
    p = only(project, "yaml-syntax")
    assert p.line == 5 and "全角冒号" in p.message and "文号" in p.message, p.format()


def test_full_width_colon_on_the_first_line(project):
    head = front(good_item()).replace("标题: ", "标题：", 1)
    project.item(_ITEM, raw=_raw(head))
    p = only(project, "yaml-syntax")
    assert p.line == 2 and "全角冒号" in p.message


def test_chinese_quotes_do_not_quote(project):
    head = front(good_item()).replace("标题: 示例县", "标题: “示例县: ", 1).replace("的通知\n", "的通知”\n", 1)
    project.item(_ITEM, raw=_raw(head))
    p = only(project, "yaml-syntax")
    assert p.line == 2 and "中文引号" in p.message and "英文单引号" in p.hint, p.format()


def test_list_item_of_wrong_type_does_not_contradict_itself(project):
    project.item(_ITEM, raw=_raw(front(good_item()) + "关键词: [春耕, {a: b}]\n"))
    p = only(project, "wrong-type")
    assert "第2项" in p.message and "现在写成了列表" not in p.message


def test_one_check_lists_everything(project):
    """Validation errors in one item do not hide the scans of the others, nor of the broken item itself."""
    project.item("qtwj/2024/00001.md", good_item(1, 文号="坏文号"), body="联系人身份证号 110101199003074514。\n")
    project.item("qtwj/2024/00002.md", good_item(2), body="<script>alert(1)</script>\n")
    project.item("qtwj/2024/00003.md", raw="---\n标题: [未闭合\n---\n<script>x</script>\n")
    ins = _pipeline.inspect(project.root, _TODAY).inspection
    got = {(f.code, f.file.rsplit("/", 1)[-1]) for f in ins.findings}
    assert {("doc-no-format", "00001.md"), ("pii-id-number", "00001.md"), ("unsafe-markup", "00002.md"),
            ("yaml-syntax", "00003.md")} <= got, sorted(got)
    assert not ins.complete


@_pytest.mark.parametrize("char", ["\x80", "\x9f", "\ufffe"])
def test_characters_yaml_refuses_are_reported_with_line(project, char):
    project.item(_ITEM, raw=_raw(front(good_item()).replace("文号: ", f"文号: {char}", 1)))
    p = [p for p in project.problems() if p.file == _REL][0]
    assert p.line == 5 and p.code in ("control-char", "yaml-syntax"), p.format()


@_pytest.mark.parametrize("mark", ["../../../../../../etc/hostname", "/etc/hostname"])
def test_site_picture_outside_the_repository_is_refused(project, mark):
    site = project.root / "catalogue/site.yml"
    site.write_text(site.read_text().replace("党政机关网站标识: assets/dzjg.svg", f"党政机关网站标识: {mark}"))
    p = only(project, "path-escape")
    assert p.file == "catalogue/site.yml" and p.field == "网站.党政机关网站标识" and "仓库之外" in p.message


@_pytest.mark.parametrize("key", ["体裁", "定时发布", "报告年度"])
def test_messages_show_numbers_as_typed(project, key):
    project.item(_ITEM, raw=_raw(front(good_item(体裁=None)) + f"{key}: 0123\n"))
    found = [p for p in project.problems() if p.field == key]
    assert found and "0123" in found[0].message and "83" not in found[0].message, [p.format() for p in found]


# --- issue #17: every input hashed, read again only when its stat changed, the change set ------------------

from pathlib import Path as _Path

from gongkai.core.cache import Cache as _Cache
from gongkai.core.problems import InputError as _InputError
from gongkai.stages import load as _load


class _Reads:
    """The item files read (bytes) and parsed by the load stage."""

    def __init__(self, monkeypatch):
        self.read, self.parsed = [], []
        real_read, real_parse = _Path.read_bytes, _load.load_source

        def read_bytes(path):
            if "items" in path.parts:
                self.read.append(path.name)
            return real_read(path)

        def parse(path, *args, **kw):
            self.parsed.append(path.name)
            return real_parse(path, *args, **kw)
        monkeypatch.setattr(_Path, "read_bytes", read_bytes)
        monkeypatch.setattr(_load, "load_source", parse)
        monkeypatch.setenv("GONGKAI_JOBS", "1")          # parse in this process, where it is counted

    def clear(self):
        self.read.clear()
        self.parsed.clear()


def _load_twice(project, monkeypatch, change=None):
    """Load with a cache, apply `change`, load again: (first, second, reads of the second load)."""
    monkeypatch.setattr(_load, "RACY_NS", 0)            # these files were written a moment ago
    reads = _Reads(monkeypatch)
    store = _Cache(project.root / "cache", "load")
    first = _load.load_project(project.root, cache=store)
    store.close()
    if change:
        change()
    reads.clear()
    store = _Cache(project.root / "cache", "load")
    second = _load.load_project(project.root, cache=store)
    store.close()
    return first, second, reads


def _two_items(project):
    project.item("qtwj/2024/00001.md", good_item(1))
    project.item("qtwj/2024/00002.md", good_item(2))
    return "catalogue/items/qtwj/2024/00001.md"


def test_an_unchanged_tree_is_not_read_again(project, monkeypatch):
    _two_items(project)
    first, second, reads = _load_twice(project, monkeypatch)
    assert reads.read == [] and reads.parsed == []
    assert second.files == first.files and _load.changed(first.files, second.files) == (set(), set(), set())
    assert [s.meta for s in second.sources] == [s.meta for s in first.sources]
    kinds = {rel.split("/")[0] for rel in second.files}
    assert {"catalogue", "content", "overrides", "hooks", "git:last-changed", "git:entry-dates"} <= kinds, kinds
    assert {"catalogue/site.yml", "catalogue/columns.yml", "catalogue/inspection.yml", "catalogue/assets/dzjg.svg",
            "hooks/gongkai/data/annual_report_2021.yaml", "hooks/gongkai/data/standard/county.yml"} <= set(second.files)


def test_a_file_touched_without_a_byte_change_is_hashed_not_parsed(project, monkeypatch):
    rel = _two_items(project)
    path = project.root / rel
    first, second, reads = _load_twice(project, monkeypatch,
                                       lambda: _os.utime(path, ns=(_time.time_ns(), path.stat().st_mtime_ns + 10**9)))
    assert reads.read == ["00001.md"] and reads.parsed == []
    assert second.files[rel].mtime_ns != first.files[rel].mtime_ns and second.files[rel].hash == first.files[rel].hash
    assert _load.changed(first.files, second.files) == (set(), set(), set())


def test_a_change_with_the_same_size_and_the_mtime_put_back_is_seen(project, monkeypatch):
    rel = _two_items(project)
    path = project.root / rel

    def edit():
        st = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("春耕", "秋收", 1), encoding="utf-8")
        _os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    first, second, reads = _load_twice(project, monkeypatch, edit)
    assert reads.parsed == ["00001.md"]
    assert _load.changed(first.files, second.files) == (set(), {rel}, set())
    assert "秋收" in second.source(rel).meta["标题"]


def test_a_removed_and_a_renamed_file(project, monkeypatch):
    rel = _two_items(project)
    other = "catalogue/items/qtwj/2024/00002.md"

    def move():
        (project.root / rel).unlink()
        (project.root / other).rename(project.root / "catalogue/items/qtwj/2024/00003.md")
    first, second, reads = _load_twice(project, monkeypatch, move)
    added, changed, removed = _load.changed(first.files, second.files)
    assert (added, changed, removed) == ({"catalogue/items/qtwj/2024/00003.md"}, set(), {rel, other})
    assert second.files["catalogue/items/qtwj/2024/00003.md"].hash == first.files[other].hash
    assert [s.rel for s in second.sources] == ["catalogue/items/qtwj/2024/00003.md"]


def test_a_file_changed_just_now_is_not_trusted_by_its_stat(project, monkeypatch):
    rel = _two_items(project)
    store = _Cache(project.root / "cache", "load")
    _load.load_project(project.root, cache=store)                 # the files are seconds old: racy
    store.close()
    reads = _Reads(monkeypatch)
    store = _Cache(project.root / "cache", "load")
    _load.load_project(project.root, cache=store)
    store.close()
    assert sorted(reads.read) == ["00001.md", "00002.md"] and reads.parsed == [], "hashed again, parsed from the cache"
    kept = _Cache(project.root / "cache", "load").get(_load.STATE_KEY)
    assert rel not in (kept or {}) and "catalogue/assets/dzjg.svg" not in (kept or {})


def test_a_git_query_is_an_input(project):
    _two_items(project)
    inputs = _load.load_project(project.root)
    assert inputs.entered is None and inputs.files["git:entry-dates"].hash        # not a git repository
    import subprocess
    subprocess.run(["git", "init", "-q"], cwd=project.root, check=True)
    assert _load.load_project(project.root).files["git:entry-dates"] != inputs.files["git:entry-dates"]


def test_the_build_hands_on_what_changed_since_the_last_successful_build(project, monkeypatch):
    rel = _two_items(project)
    assert _load.built_files(project.root) is None
    first = _pipeline.build(project.root, _TODAY)
    assert rel in first.changes[0] and not first.changes[1] and not first.changes[2]
    assert _load.built_files(project.root) is None, "counted from a build the engine wrote and checked"
    _pipeline.succeeded(first)
    built = _load.built_files(project.root)
    assert built and built[rel] == first.catalogue.inputs.files[rel]
    path = project.root / rel
    path.write_text(path.read_text(encoding="utf-8").replace("标题: ", "标题: [", 1), encoding="utf-8")
    with _pytest.raises(_InputError):
        _pipeline.build(project.root, _TODAY)
    assert _load.built_files(project.root) == built, "a failed build keeps the last good build's record"
    path.write_text(path.read_text(encoding="utf-8").replace("标题: [", "标题: 修订：", 1), encoding="utf-8")
    again = _pipeline.build(project.root, _TODAY)
    assert again.changes == (set(), {rel}, set())
    _pipeline.succeeded(again)
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    assert _pipeline.build(project.root, _TODAY).changes[0] == set(again.catalogue.inputs.files)


def test_attachments_are_read_once_and_their_text_handed_on(project, monkeypatch):
    monkeypatch.setattr(_load, "RACY_NS", 0)
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    item = project.item(_ITEM, good_item(附件=[{"文件": "00001/附件1.txt", "标题": "附件"}]))
    att = item.parent / "00001" / "附件1.txt"
    att.parent.mkdir()
    att.write_text("联系人身份证号 110101199003074514", encoding="utf-8")
    read, extracted = [], []
    real_read, real_extract = _Path.read_bytes, _load.extract.extract
    monkeypatch.setattr(_Path, "read_bytes", lambda p: read.append(p.name) or real_read(p))
    monkeypatch.setattr(_load.extract, "extract", lambda data, name: extracted.append(name) or real_extract(data, name))

    def run():
        read.clear(), extracted.clear()
        store = _Cache(project.root / "cache", "load")
        inputs = _load.load_project(project.root, cache=store)
        store.close()
        return inputs, read.count("附件1.txt"), len(extracted)
    rel = "catalogue/items/qtwj/2024/00001/附件1.txt"
    inputs, reads, extractions = run()
    assert (reads, extractions) == (1, 1) and "110101199003074514" in inputs.texts[rel].text
    assert inputs.text(att.resolve()).text == inputs.texts[rel].text and inputs.files[rel].size == att.stat().st_size
    assert run()[1:] == (0, 0), "unchanged: neither read nor extracted"
    _os.utime(att, ns=(_time.time_ns(), att.stat().st_mtime_ns + 10**9))
    assert run()[1:] == (1, 0), "touched: read and hashed, its text from the cache"
    att.write_text("没有个人信息", encoding="utf-8")
    inputs, reads, extractions = run()
    assert (reads, extractions) == (1, 1) and inputs.texts[rel].text == "没有个人信息"
    monkeypatch.undo()
    ins = _pipeline.inspect(project.root, _TODAY).inspection
    assert not [f for f in ins.findings if f.code == "pii-id-number"]
    att.write_text("联系人身份证号 110101199003074514", encoding="utf-8")
    ins = _pipeline.inspect(project.root, _TODAY).inspection
    assert [f for f in ins.findings if f.code == "pii-id-number" and "附件" in f.message]


def test_the_stages_after_load_need_no_file_of_the_project(tmp_path, monkeypatch):
    """The example catalogue (settings, nil records, standard, 年报 data and register, attachments, templates)
    loaded once; then the project is moved away and every later stage runs on what load read: the
    findings, pages, files and search index are those of the build with the project in place."""
    import shutil
    from conftest import ROOT
    project = tmp_path / "project"
    project.mkdir()
    for name in ("mkdocs.yml", "content", "overrides", "catalogue"):
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, project / name)
    (project / "overrides/gongkai").mkdir()
    (project / "overrides/gongkai/footer.html").write_text(
        (ROOT / "hooks/gongkai/templates/footer.html").read_text(encoding="utf-8") + "<!-- 本站模板 -->\n")
    monkeypatch.setenv("GONGKAI_CACHE", "0")
    inputs = _load.load_project(project)
    assert {"catalogue/inspection.yml", "catalogue/nil.yml", "catalogue/standard.yml"} <= set(inputs.configs)
    assert any(f.name == "依申请登记.csv" and f.text for f in inputs.reports) and inputs.templates
    monkeypatch.setattr(_load, "load_project", lambda *args, **kw: inputs)
    here = _pipeline.build(project, _TODAY)
    project.rename(tmp_path / "elsewhere")
    gone = _pipeline.build(project, _TODAY)
    assert not project.exists()
    assert [p.format() for p in gone.problems] == [p.format() for p in here.problems]
    assert gone.output.bulk_pages == here.output.bulk_pages and gone.search == here.search
    assert [(a.path, a.data, a.src) for a in gone.output.assets] == [(a.path, a.data, a.src) for a in here.output.assets]
    assert "<!-- 本站模板 -->" in here.output.footer
    assert any(d.src is not None and d.text for d in here.output.search_docs), "attachment text in the index"
