"""decap: the Decap CMS configuration is generated from the schema (every field, its widget, vocabulary,
pattern and required flag), served at admin/ in the intranet build only, with Decap's files vendored
from the npm registry and checked against the pinned checksum."""
import functools
import io
import re
import shutil
import tarfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from conftest import CODE, ROOT, TODAY, good_item
from gongkai.outputs import decap
from gongkai import pipeline
from gongkai.core import schema
from gongkai.core.problems import InputError

ADMIN = """后端: forgejo
服务器地址: https://git.example.gov.cn
仓库: zwgk/xxgk
分支: main
应用ID: abc
"""


@pytest.fixture
def site(project):
    (project.root / "catalogue/admin.yml").write_text(ADMIN)
    project.item("qtwj/2026/00007.md", good_item(7, 2026, 曾用索引号=[f"{CODE}/2026-00011"]))
    project.item("gfxwj/2026/00003.md", good_item(3, 2026, 栏目="规范性文件", 有效性="现行有效"))
    return project


def generated(project):
    cat, _, _ = pipeline.catalogue(project.root, TODAY)
    admin, problems = decap.read_admin(project.root)
    assert not problems
    return cat, decap.config(cat, admin, "https://www.example.gov.cn/zwgk/")


def test_every_schema_field_appears_with_its_widget(site):
    cat, conf = generated(site)
    leaves = [c for c in cat.column_list() if c.is_leaf]
    assert [c["name"] for c in conf["collections"]] == [c.slug for c in leaves] + [decap.PICKER]
    picker = conf["collections"].pop()
    assert picker["hide"] is True and picker["create"] is False and picker["folder"] == "catalogue/items"
    assert picker["path"].count("/") == 3 and [f["name"] for f in picker["fields"]] == ["标题", "索引号", "文号"]
    publishers = [p.name for p in cat.site.publishers]
    for col, coll in zip(leaves, conf["collections"]):
        assert coll["folder"] == f"catalogue/items/{col.slug}" and coll["label"] == col.name
        assert coll["media_folder"] == coll["public_folder"] == "" and coll["path"] == "{{year}}/{{slug}}/index"
        fields = {f["name"]: f for f in coll["fields"]}
        assert list(fields) == [f.key for f in schema.FIELDS] + ["body"]
        for f in schema.FIELDS:
            w = fields[f.key]
            normative = f.key == "有效性" and col.doc_class in ("规范性文件", "规章")
            # the form leaves 索引号 blank (make check FIX=1 assigns it); 公开方式 must be chosen
            assert w["required"] is ((f.required and f.key != "索引号") or normative or f.key == "公开方式"), (col.name, f.key)
            assert w["hint"].startswith(f.doc)
            if f.kind == "date":
                assert w["widget"] == "datetime" and w["format"] == "YYYY-MM-DD" and w["time_format"] is False
            elif f.kind == "enum":
                assert w["widget"] == "select" and w["options"] == list(f.vocab)
                assert w.get("default") == f.default
            elif f.kind == "list":
                assert w["widget"] == ("select" if f.vocab else "list") and w.get("multiple", False) is bool(f.vocab)
            elif f.kind in ("attachments", "relations", "revisions", "reviews"):
                assert w["widget"] == "list"
            elif f.kind == "year":
                assert w["widget"] == "number" and w["value_type"] == "int"
        assert fields["栏目"] == {**fields["栏目"], "widget": "hidden", "default": col.name}
        assert fields["发布机构"]["options"] == publishers
        assert [s["name"] for s in fields["附件"]["fields"]] == list(schema.ATTACHMENT_KEYS)
        assert [s["name"] for s in fields["关联"]["fields"]] == list(schema.RELATION_KEYS)
        assert fields["关联"]["fields"][1]["options"] == list(schema.RELATIONS)
        assert fields["关联"]["fields"][0] == {**fields["关联"]["fields"][0], "widget": "relation",
                                               "collection": decap.PICKER, "value_field": "索引号"}
        assert {"标题", "文号"} <= set(fields["关联"]["fields"][0]["search_fields"])
        assert [s["name"] for s in fields["审核记录"]["fields"]] == [k for k in schema.REVIEW_KEYS]
        assert fields["审核记录"]["fields"][0]["options"] == list(schema.REVIEW_STAGES)
        assert [s["name"] for s in fields["撤回"]["fields"]] == list(schema.WITHDRAWAL_KEYS)
        assert [s["name"] for s in fields["修订记录"]["fields"]] == list(schema.REVISION_KEYS)
        assert "综合政务\\政务公开" in fields["主题分类"]["options"]
    # patterns are the validator's, written for JavaScript; no 索引号 is fixed when the site is built
    fields = {f["name"]: f for f in conf["collections"][0]["fields"]}
    index_rx = re.compile(fields["索引号"]["pattern"][0].replace("(?<", "(?P<"))
    assert "default" not in fields["索引号"] and index_rx.match(f"{CODE}/2026-00012")
    assert not index_rx.match("2026-00012") and "make check FIX=1" in fields["索引号"]["hint"]
    doc_no = re.compile(fields["文号"]["pattern"][0])
    assert doc_no.match("示政办〔2026〕5号") and not doc_no.match("示政办[2026]5号")
    assert conf["publish_mode"] == "editorial_workflow" and conf["locale"] == "zh_Hans"
    assert conf["backend"] == {"name": "forgejo", "repo": "zwgk/xxgk", "branch": "main", "app_id": "abc",
                               "base_url": "https://git.example.gov.cn", "api_root": "https://git.example.gov.cn/api/v1",
                               "commit_messages": decap.COMMIT_MESSAGES}
    assert all(re.search(r"[\u4e00-\u9fff]", m) for k, m in decap.COMMIT_MESSAGES.items() if k != "openAuthoring")


@pytest.mark.parametrize("text, key, expect", [
    (ADMIN + "仓储: x\n", "仓储", "是否想写“仓库”"),
    (ADMIN.replace("仓库: zwgk/xxgk\n", ""), "仓库", "缺少此项"),
    (ADMIN.replace("forgejo", "gogs"), "后端", "不是可用的后端"),
    (ADMIN.replace("forgejo", "gitea") + "编辑流程: 合并请求\n", "编辑流程", "不支持合并请求流程"),
    (ADMIN.replace("https://git.example.gov.cn", "git.example.gov.cn"), "服务器地址", "要写服务器地址"),
])
def test_admin_settings_errors(project, text, key, expect):
    (project.root / "catalogue/admin.yml").write_text(text)
    _, problems = decap.read_admin(project.root)
    assert any(p.field == key and expect in p.message + p.hint and p.line for p in problems), problems


def test_gitlab_and_gitea_backends(project):
    (project.root / "catalogue/admin.yml").write_text(ADMIN.replace("forgejo", "gitlab"))
    cat, conf = generated(project)
    assert conf["backend"]["auth_type"] == "pkce" and conf["backend"]["api_root"].endswith("/api/v4")
    (project.root / "catalogue/admin.yml").write_text(ADMIN.replace("forgejo", "gitea") + "编辑流程: 直接提交\n")
    cat, conf = generated(project)
    assert "publish_mode" not in conf and conf["backend"]["name"] == "gitea"


def fake_package(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_vendored_package_is_checked_and_only_needed_files_kept(tmp_path, monkeypatch):
    tgz = tmp_path / "decap-cms.tgz"
    tgz.write_bytes(fake_package({"package/dist/decap-cms.js": b"cms", "package/dist/12.decap-cms.js": b"chunk",
                                  "package/dist/ab12.wasm": b"w", "package/dist/decap-cms.js.map": b"map",
                                  "package/dist/cms.js": b"dup", "package/dist/decap-cms.js.LICENSE.txt": b"MIT",
                                  "package/README.md": b"r"}))
    with pytest.raises(InputError) as exc:
        decap.unpack(tgz, tmp_path / "out")
    assert exc.value.problems[0].code == "decap-integrity" and not (tmp_path / "out").exists()
    monkeypatch.setattr(decap, "INTEGRITY", decap.integrity(tgz.read_bytes()))
    assert sorted(decap.unpack(tgz, tmp_path / "out")) == ["12.decap-cms.js", "ab12.wasm", "decap-cms.js",
                                                           "decap-cms.js.LICENSE.txt"]


def test_admin_only_in_the_intranet_build(site):
    with pytest.raises(InputError) as exc:
        pipeline.build(site.root, TODAY, intranet=True)
    assert [p.code for p in exc.value.problems] == ["decap-missing"]
    vendor = site.root / decap.VENDOR
    vendor.mkdir(parents=True)
    (vendor / "decap-cms.js").write_text("/* decap */")
    public = pipeline.build(site.root, TODAY)
    assert public.admin == [] and not any(a.path.startswith("admin/") for a in public.output.assets)
    intranet = pipeline.build(site.root, TODAY, "https://www.example.gov.cn/zwgk/", intranet=True)
    files = {a.path: a for a in intranet.admin}
    assert {p for p in files if not p.startswith("admin/shenhe/")} == {"admin/index.html", "admin/config.yml", "admin/gk-admin.js",
                                                                        "admin/decap-cms.js"}
    sheet = files[f"admin/shenhe/{CODE}-2026-00007/index.html"].data.decode()
    assert "信息发布审核单" in sheet and "签字" in sheet and "尚无审核记录" in sheet
    assert f'href="{CODE}-2026-00003/"' in files["admin/shenhe/index.html"].data.decode()
    page = files["admin/index.html"].data.decode()
    assert '<script src="decap-cms.js"></script>' in page and 'rel="cms-config-url"' in page
    assert "connect-src 'self' blob: https://git.example.gov.cn;" in page and "base-uri 'none'" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    conf = yaml.safe_load(files["admin/config.yml"].data)
    assert conf["site_url"] == "https://www.example.gov.cn/zwgk/" and len(conf["collections"]) > 10


class _Quiet(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".yml": "text/yaml", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


def test_decap_loads_the_configuration_in_a_browser(site, browser, tmp_path):
    """The real Decap bundle (fetched from the npm registry when missing) with the generated configuration
    and its test backend: no configuration error, one collection per 栏目, the form of 规范性文件."""
    if not (ROOT / decap.VENDOR / "decap-cms.js").is_file() and not shutil.which("npm"):
        pytest.skip("npm not installed and Decap not vendored")
    vendor = decap.vendor(ROOT)
    admin = tmp_path / "admin"
    shutil.copytree(vendor, admin)
    cat, conf = generated(site)
    conf["backend"] = {"name": "test-repo"}
    (admin / "config.yml").write_text(decap.to_yaml(conf))
    admin_conf, _ = decap.read_admin(site.root)
    (admin / "index.html").write_text(decap.index_page(cat.site.body_name, admin_conf))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(admin)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/index.html"
    page = browser.new_page(viewport={"width": 1280, "height": 2000}, bypass_csp=False)
    outside, violations = [], []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("request", lambda r: None if r.url.startswith("http://127.0.0.1") or r.url.startswith("data:")
            else outside.append(r.url))
    try:
        page.goto(base)
        page.get_by_role("button", name="登录").click()
        page.get_by_text("规范性文件").first.wait_for(timeout=20000)
        body = page.inner_text("body")
        assert "配置" not in body or "错误" not in body
        for col in (c for c in cat.column_list() if c.is_leaf):
            assert col.name in body
        page.goto(base + "#/collections/gfxwj/new")
        page.get_by_text("索引号").first.wait_for(timeout=20000)
        form = page.inner_text("body")
        assert "有效性\n" in form and "有效性 (可选)" not in form and "文号 (可选)" in form
        assert "公开方式\n" in form and "公开方式 (可选)" not in form and "审核记录" in form
    finally:
        page.close()
        server.shutdown()
    assert not outside, outside
    assert not violations, violations
