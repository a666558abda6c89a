"""Property test (hypothesis, stateful): random sequences of changes to a small catalogue — field and body
edits, items added, deleted and renamed, attachments, 关联, 撤回, template, site.yml and content page changes,
and a YAML error followed by its repair — and after every step the incremental build (`mkdocs build` with
the build cache, a subprocess that starts from the state the last one left) equals a cold build of a fresh
copy of the same tree: the same files, bytes and folders in the site, the same inspection report.

CI runs a few short sequences (about two minutes). More: GONGKAI_FUZZ=long, or GONGKAI_INCREMENTAL_EXAMPLES=N
and GONGKAI_INCREMENTAL_STEPS=M; bench/incremental_fuzz.py runs a timed campaign."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from conftest import CODE, ROOT, front, good_item, new_project
from test_incremental import Snapshot, cold_build, differences, run_build, snapshot

LONG = os.environ.get("GONGKAI_FUZZ") == "long"
EXAMPLES = int(os.environ.get("GONGKAI_INCREMENTAL_EXAMPLES") or (60 if LONG else 4))
STEPS = int(os.environ.get("GONGKAI_INCREMENTAL_STEPS") or (12 if LONG else 5))
STATS = {"sequences": 0, "steps": 0, "builds": 0, "cold builds": 0}      # read by bench/incremental_fuzz.py

COLUMNS = ("其他文件", "工作动态", "通知公告")
PUBLISHERS = ("示例县人民政府办公室", "示例县财政局", "示例县教育局")
FOLDERS = ("qtwj/2024", "qtwj/2025", "gzdt")
WORDS = "春耕生产安全检查财政预算教育资助防汛抗旱道路建设公共服务就业培训医疗保障"
TEXT = st.text(st.sampled_from(WORDS + "，、（）0123456789"), min_size=2, max_size=16).map(lambda s: s.strip() or "工作")
BODY = st.lists(st.one_of(TEXT, st.sampled_from(["## 一、工作目标", "| 项目 | 金额 |\n|---|---|\n| 甲 | 1 |",
                                                "- 第一项\n- 第二项", "> 引用的段落", "**重点**"])),
                min_size=1, max_size=5).map(lambda parts: "\n\n".join(parts) + "\n")
WITHDRAWAL = {"日期": "2026-11-20", "原因": "内容有误", "决定人": "李四"}
BROKEN = ("标题: [未闭合\n", "标题: 示例: 冒号: 错误\n  缩进: 错\n", "\t标题: 制表符缩进\n")


class Item:
    """One item file as the test wrote it: its fields, body, place and attachment files."""

    def __init__(self, serial: int, rel: str, fields: dict, body: str):
        self.serial, self.rel, self.fields, self.body = serial, rel, fields, body
        self.files: dict[str, str] = {}         # attachment path (relative to the item's folder) → text

    @property
    def folder(self) -> str:
        return f"a{self.serial:05d}"             # the item's attachment folder, beside its file


class Catalogue(RuleBasedStateMachine):
    """The catalogue on disk, changed one step at a time; every step ends with both builds compared."""

    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="gk-incremental-"))
        self.root = self.tmp / "project"
        self.root.mkdir()
        self.project = new_project(self.root)
        self.items: dict[int, Item] = {}
        self.steps: list[str] = []
        self.revision = 0                          # makes every template, site.yml and page edit a new text
        self.broken: tuple[Path, bytes] | None = None
        self.publishers = list(PUBLISHERS)         # as site.yml names them now
        STATS["sequences"] += 1

    # --- writing the tree ------------------------------------------------------------------------------

    def path(self, item: Item) -> Path:
        return self.root / "catalogue/items" / item.rel

    def write(self, item: Item) -> None:
        fields = dict(item.fields)
        if item.files:
            fields["附件"] = [{"文件": f"{item.folder}/{name}", "标题": f"附件{name[:-4]}"} for name in sorted(item.files)]
        self.project.item(item.rel, fields, body=item.body)
        folder = self.path(item).parent / item.folder
        shutil.rmtree(folder, ignore_errors=True)
        for name, text in item.files.items():
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")

    def remove(self, item: Item) -> None:
        self.path(item).unlink()
        shutil.rmtree(self.path(item).parent / item.folder, ignore_errors=True)

    def new_item(self, serial: int, folder: str, column: str, publisher: int, year: int, month: int) -> Item:
        fields = good_item(serial, year=2024, 标题=f"示例县人民政府办公室关于第{serial}项工作的通知", 栏目=column,
                           发布机构=self.publishers[publisher], 成文日期=f"{year}-{month:02d}-05", 发布日期=f"{year}-{month:02d}-08")
        return Item(serial, f"{folder}/{serial:05d}.md", fields, f"## 一、工作目标\n\n第{serial}项工作。\n")

    def log(self, text: str) -> None:
        self.steps.append(text)
        STATS["steps"] += 1

    def edit_text(self, rel: str, change) -> None:
        path = self.root / rel
        old = path.read_text(encoding="utf-8")
        new = change(old)
        assert new != old, f"the test's edit of {rel} changed nothing"
        path.write_text(new, encoding="utf-8")

    # --- the comparison --------------------------------------------------------------------------------

    def compare(self) -> Snapshot:
        site = self.root / "site"
        before = tree_of(site)
        result = run_build(self.root, site)
        STATS["builds"] += 1
        warm = snapshot(self.root, site, result)
        cold = cold_build(self.root, self.tmp / "cold", STATS)
        where = "steps so far:\n  " + "\n  ".join(self.steps)
        for snap, name in ((warm, "incremental"), (cold, "cold")):
            assert "Traceback" not in snap.log, f"the {name} build gave a traceback\n{where}\n{snap.log[-3000:]}"
        problem = differences(warm, cold)
        assert not problem, f"incremental build ≠ cold build after these steps\n{where}\n{problem}"
        if self.broken is None:
            assert warm.ok, f"a valid tree did not build\n{where}\n{warm.log[-3000:]}"
        else:
            assert not warm.ok, f"a YAML error was published\n{where}"
            assert tree_of(site) == before, f"a failed build changed the last good site\n{where}"
        return warm

    @initialize()
    def start(self):
        starts = [("qtwj/2024", "其他文件", 0, 2024, 3), ("qtwj/2024", "其他文件", 1, 2024, 6),
                  ("qtwj/2025", "其他文件", 0, 2025, 2), ("gzdt", "工作动态", 2, 2025, 9), ("gzdt", "通知公告", 1, 2026, 11)]
        for serial, (folder, column, publisher, year, month) in enumerate(starts, 1):
            self.items[serial] = self.new_item(serial, folder, column, publisher, year, month)
        self.items[1].files["1.txt"] = "名单一"
        self.items[2].fields["关联"] = [{"索引号": f"{CODE}/2024-00001", "关系": "相关"}]
        for item in self.items.values():
            self.write(item)
        self.log("start: 5 items (1 with an attachment, 2 related to 1)")
        self.compare()

    # --- steps -----------------------------------------------------------------------------------------

    def pick(self, data) -> Item:
        return self.items[data.draw(st.sampled_from(sorted(self.items)), label="item")]

    def targets(self, item: Item) -> list[str]:
        return [r["索引号"] for r in item.fields.get("关联", [])]

    def live(self) -> list[Item]:
        return [i for i in self.items.values() if "撤回" not in i.fields]

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), text=TEXT)
    def edit_title(self, data, text):
        item = self.pick(data)
        item.fields["标题"] = f"示例县人民政府办公室关于{text}的通知"
        self.write(item)
        self.log(f"item {item.serial}: 标题 → {item.fields['标题']}")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), year=st.sampled_from([2023, 2024, 2025, 2026]), month=st.integers(1, 10))
    def move_date(self, data, year, month):
        item = self.pick(data)
        item.fields.update(成文日期=f"{year}-{month:02d}-01", 发布日期=f"{year}-{month:02d}-15")
        self.write(item)
        self.log(f"item {item.serial}: 发布日期 → {item.fields['发布日期']}")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), column=st.sampled_from(COLUMNS))
    def move_column(self, data, column):
        item = self.pick(data)
        if item.fields["栏目"] == column:
            column = COLUMNS[(COLUMNS.index(column) + 1) % len(COLUMNS)]
        item.fields["栏目"] = column
        self.write(item)
        self.log(f"item {item.serial}: 栏目 → {column}")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), text=TEXT)
    def edit_summary(self, data, text):
        item = self.pick(data)
        item.fields["内容概述"] = f"部署{text}工作。"
        self.write(item)
        self.log(f"item {item.serial}: 内容概述 → {item.fields['内容概述']}")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data())
    def repeal(self, data):
        item = self.pick(data)
        if item.fields.get("有效性") == "已废止":
            del item.fields["有效性"], item.fields["废止日期"]
            self.log(f"item {item.serial}: 有效性 已废止 removed")
        else:
            item.fields.update(有效性="已废止", 废止日期="2026-11-25")
            self.log(f"item {item.serial}: 有效性 → 已废止")
        self.write(item)
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), body=BODY)
    def edit_body(self, data, body):
        item = self.pick(data)
        item.body = body
        self.write(item)
        self.log(f"item {item.serial}: body → {body!r}")
        self.compare()

    @precondition(lambda self: self.broken is None and len(self.items) < 9)
    @rule(folder=st.sampled_from(FOLDERS), column=st.sampled_from(COLUMNS), publisher=st.integers(0, len(PUBLISHERS) - 1),
          year=st.sampled_from([2023, 2024, 2025, 2026]), month=st.integers(1, 10))
    def add_item(self, folder, column, publisher, year, month):
        serial = max(self.items, default=0) + 1
        item = self.items[serial] = self.new_item(serial, folder, column, publisher, year, month)
        self.write(item)
        self.log(f"add item {serial}: {item.rel}, {column}, {item.fields['发布机构']}, {item.fields['发布日期']}")
        self.compare()

    @precondition(lambda self: self.broken is None and len(self.items) > 1)
    @rule(data=st.data())
    def delete_item(self, data):
        item = self.pick(data)
        code = item.fields["索引号"]
        for other in self.items.values():          # a 关联 to a missing item is an error: staff remove it too
            if code in self.targets(other):
                other.fields["关联"] = [r for r in other.fields["关联"] if r["索引号"] != code] or None
                if other.fields["关联"] is None:
                    del other.fields["关联"]
                self.write(other)
        self.remove(item)
        del self.items[item.serial]
        self.log(f"delete item {item.serial} ({item.rel})")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), folder=st.sampled_from(FOLDERS), name=st.sampled_from(["", "-tongzhi", "-xiuding"]))
    def rename_item(self, data, folder, name):
        item = self.pick(data)
        rel = f"{folder}/{item.serial:05d}{name}.md"
        if rel == item.rel:
            rel = f"{folder}/{item.serial:05d}-gengming.md"
        self.remove(item)
        old, item.rel = item.rel, rel
        self.write(item)
        self.log(f"item {item.serial}: renamed {old} → {rel}")
        self.compare()

    @precondition(lambda self: self.broken is None and self.items)
    @rule(data=st.data(), text=TEXT)
    def add_attachment(self, data, text):
        item = self.pick(data)
        name = f"{len(item.files) + 1}.txt"
        while name in item.files:
            name = "1" + name
        item.files[name] = text
        self.write(item)
        self.log(f"item {item.serial}: attachment {name} added")
        self.compare()

    @precondition(lambda self: self.broken is None and any(i.files for i in self.items.values()))
    @rule(data=st.data())
    def remove_attachment(self, data):
        item = self.items[data.draw(st.sampled_from(sorted(s for s, i in self.items.items() if i.files)), label="item")]
        name = data.draw(st.sampled_from(sorted(item.files)), label="attachment")
        del item.files[name]
        self.write(item)
        self.log(f"item {item.serial}: attachment {name} removed")
        self.compare()

    @precondition(lambda self: self.broken is None and len(self.live()) > 1)
    @rule(data=st.data())
    def add_relation(self, data):
        live = sorted(i.serial for i in self.live())
        item = self.items[data.draw(st.sampled_from(live), label="item")]
        other = self.items[data.draw(st.sampled_from([s for s in live if s != item.serial]), label="target")]
        code = other.fields["索引号"]
        if code in self.targets(item):
            return
        item.fields.setdefault("关联", []).append({"索引号": code, "关系": "相关"})
        self.write(item)
        self.log(f"item {item.serial}: 关联 → item {other.serial}")
        self.compare()

    @precondition(lambda self: self.broken is None and any("关联" in i.fields for i in self.items.values()))
    @rule(data=st.data())
    def remove_relation(self, data):
        item = self.items[data.draw(st.sampled_from(sorted(s for s, i in self.items.items() if "关联" in i.fields)),
                                    label="item")]
        gone = item.fields["关联"].pop(data.draw(st.integers(0, len(item.fields["关联"]) - 1), label="which"))
        if not item.fields["关联"]:
            del item.fields["关联"]
        self.write(item)
        self.log(f"item {item.serial}: 关联 to {gone['索引号']} removed")
        self.compare()

    @precondition(lambda self: self.broken is None and self.live())
    @rule(data=st.data())
    def withdraw(self, data):
        item = self.items[data.draw(st.sampled_from(sorted(i.serial for i in self.live())), label="item")]
        item.fields["撤回"] = dict(WITHDRAWAL)
        self.write(item)
        self.log(f"item {item.serial}: 撤回")
        self.compare()

    @precondition(lambda self: self.broken is None)
    @rule(which=st.sampled_from(["item", "footer", "item removed"]))
    def template(self, which):
        self.revision += 1
        override = self.root / "overrides/gongkai/item.html"
        if which == "item":                            # a site's own copy of the item page template
            source = override if override.exists() else item_template()
            text = source.read_text(encoding="utf-8")
            override.parent.mkdir(parents=True, exist_ok=True)
            override.write_text(re.sub(r"<!-- gk-test r\d+ -->\n|^", f"<!-- gk-test r{self.revision} -->\n", text,
                                       count=1), encoding="utf-8")
        elif which == "footer":                        # a theme partial every page has
            self.edit_text("overrides/partials/footer.html",
                           lambda t: re.sub(r"\n<!-- gk-test r\d+ -->|$", f"\n<!-- gk-test r{self.revision} -->", t,
                                            count=1))
        elif override.exists():
            override.unlink()
        else:
            return
        self.log(f"template: {which} (revision {self.revision})")
        self.compare()

    @precondition(lambda self: self.broken is None)
    @rule(which=st.sampled_from(["phone", "publisher slug", "publisher name"]))
    def site_settings(self, which):
        self.revision += 1
        n = self.revision
        if which == "phone":
            self.edit_text("catalogue/site.yml", lambda t: re.sub(r"(\n  联系电话: 0550-60)\d+", rf"\g<1>{21200 + n}", t))
        elif which == "publisher slug":               # the 标识 of a publisher that items use: its pages move
            self.edit_text("catalogue/site.yml", lambda t: re.sub(r"标识: jyj\d*}", f"标识: jyj{n}}}", t))
        else:                                          # a publisher renamed, and every item that names it
            old = self.publishers[2]
            new = "示例县教育体育局" if old == "示例县教育局" else "示例县教育局"
            self.edit_text("catalogue/site.yml", lambda t: t.replace(f"{{名称: {old},", f"{{名称: {new},"))
            for item in self.items.values():
                if item.fields["发布机构"] == old:
                    item.fields["发布机构"] = new
                    self.write(item)
            self.publishers[2] = new
        self.log(f"site.yml: {which} (revision {n})")
        self.compare()

    @precondition(lambda self: self.broken is None)
    @rule(page=st.sampled_from(["content/zhinan.md", "content/zhidu/fbsh.md"]), text=TEXT)
    def edit_page(self, page, text):
        self.revision += 1
        self.edit_text(page, lambda t: re.sub(r"\n补充说明 r\d+：.*\n|$", f"\n补充说明 r{self.revision}：{text}。\n", t,
                                              count=1))
        self.log(f"page {page}: edited (revision {self.revision})")
        self.compare()

    @precondition(lambda self: self.broken is None)
    @rule(data=st.data(), broken=st.sampled_from(BROKEN))
    def break_yaml(self, data, broken):
        choices = ["catalogue/site.yml"] + [f"catalogue/items/{i.rel}" for i in self.items.values()]
        rel = data.draw(st.sampled_from(choices), label="file")
        path = self.root / rel
        self.broken = (path, path.read_bytes())
        text = path.read_text(encoding="utf-8")
        at = text.index("\n", 4) + 1 if rel.endswith(".md") else 0      # inside the front matter
        path.write_text(text[:at] + broken + text[at:], encoding="utf-8")
        self.log(f"YAML error in {rel}: {broken!r}")
        self.compare()

    @precondition(lambda self: self.broken is not None)
    @rule()
    def repair_yaml(self):
        path, data = self.broken
        path.write_bytes(data)
        self.broken = None
        self.log(f"repaired {path.relative_to(self.root)}")
        self.compare()

    @invariant()
    def model_matches_disk(self):
        files = sorted(p.relative_to(self.root / "catalogue/items").as_posix()
                       for p in (self.root / "catalogue/items").rglob("*.md"))
        assert files == sorted(i.rel for i in self.items.values()), "the test's model of the catalogue is off"

    def teardown(self):
        if os.environ.get("GONGKAI_INCREMENTAL_VERBOSE"):
            print("sequence:\n  " + "\n  ".join(self.steps), flush=True)
        shutil.rmtree(self.tmp, ignore_errors=True)


def tree_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()} \
        if folder.is_dir() else {}


def item_template() -> Path:
    """The package's item page template (found by name: the package's folders may be regrouped)."""
    found = sorted(p for p in (ROOT / "hooks/gongkai").rglob("item.html") if "templates" in p.parts
                   and "inspection" not in p.parts)
    assert found, "no item.html template in hooks/gongkai"
    return found[0]


Catalogue.TestCase.settings = settings(
    max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None, database=None, derandomize=not LONG
    and "GONGKAI_INCREMENTAL_EXAMPLES" not in os.environ, print_blob=True,
    # a failing sequence is shrunk only in long runs: each step is two builds
    phases=[Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if LONG else []),
    suppress_health_check=list(HealthCheck))
TestIncrementalEqualsCold = Catalogue.TestCase
