"""Form editing: a Decap CMS configuration generated from schema.FIELDS, served at /admin/ in the
intranet build only (make intranet).

One collection per leaf 栏目; each schema field becomes a widget with its vocabulary, pattern and
required flag, so the form offers what validation accepts. The form is a convenience: CI still
validates everything. Decap's own files are fetched once from the npm registry (`npm pack`,
version and checksum pinned below) into vendor/, never loaded from a CDN. The git server it talks
to is set in catalogue/admin.yml (Gitea, Forgejo, GitLab or GitHub).
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import auditsheet
from ..stages import load, validate
from ..core import sanitize, schema
from ..stages.model import Catalogue
from ..core.problems import ERROR, InputError, Problem
from ..stages.render import Asset

VERSION = "3.16.3"
INTEGRITY = "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw=="
VENDOR = f"vendor/decap-cms-{VERSION}"
# Files of the package that the admin page loads: the bundle, its lazily loaded chunks, wasm, licence.
VENDOR_FILES = re.compile(r"^package/dist/((\d+\.)?decap-cms\.js|decap-cms\.js\.LICENSE\.txt|[0-9a-f]+\.wasm)$")
ADMIN = "catalogue/admin.yml"
ADMIN_DIR = "admin/"
BACKENDS = {"gitea": "/api/v1", "forgejo": "/api/v1", "gitlab": "/api/v4", "github": ""}
WORKFLOW = ("gitlab", "forgejo", "github")        # backends whose editorial workflow opens pull requests
ADMIN_KEYS = {"后端": "name", "服务器地址": "base_url", "接口地址": "api_root", "仓库": "repo", "分支": "branch",
              "应用ID": "app_id", "编辑流程": "workflow"}
FLOWS = ("合并请求", "直接提交")
# Dates in the browser's time zone (Beijing time on the office's computers): {{now}} is today there.
DATE = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "YYYY-MM-DD", "time_format": False,
        "picker_utc": False}
PICKER = "suoyin"                     # hidden collection of every item: the 关联 picker searches it
COMMIT_MESSAGES = {"create": "新增{{collection}}：{{slug}}", "update": "修改{{collection}}：{{slug}}",
                   "delete": "删除{{collection}}：{{slug}}", "uploadMedia": "上传附件：{{path}}",
                   "deleteMedia": "删除附件：{{path}}", "openAuthoring": "{{message}}"}


# --- catalogue/admin.yml ---------------------------------------------------------

def read_admin(root: Path) -> tuple[dict, list[Problem]]:
    """The backend settings, validated. Keys are Chinese like every staff-edited file."""
    cfg, problems = load.load_yaml_file(root / ADMIN, root)
    if cfg is None:
        return {}, [Problem(p.code, p.file, p.message + "内网版的表单编辑需要它。",
                            "复制示例仓库的 catalogue/admin.yml，按本单位代码托管平台填写。") for p in problems]
    data = cfg.data if isinstance(cfg.data, dict) else {}

    def add(key, message, hint):
        problems.append(Problem("admin-config", cfg.rel, message, hint, cfg.key_lines.get(key, 1), key))

    for key in data:
        if key not in ADMIN_KEYS:
            near = validate.nearest(str(key), ADMIN_KEYS)
            add(key, "不是可用的设置项。", f"是否想写“{near}”？" if near else "删除这一项。")
    out = {ADMIN_KEYS[k]: str(v).strip() for k, v in data.items() if k in ADMIN_KEYS and v not in (None, "")}
    for key in ("后端", "仓库"):
        if ADMIN_KEYS[key] not in out:
            add(key, "缺少此项。", "见 README“表单编辑”。")
    name = out.get("name")
    if name and name not in BACKENDS:
        add("后端", f"“{name}”不是可用的后端。", "可用：" + "、".join(BACKENDS))
    if name and name != "github" and not out.get("base_url", "").startswith(("https://", "http://")):
        add("服务器地址", "自建代码托管平台要写服务器地址。", "如 https://git.example.gov.cn")
    if out.get("repo") and not re.fullmatch(r"[^/\s]+(/[^/\s]+)+", out["repo"]):
        add("仓库", f"“{out['repo']}”应写成“组织/仓库”。", "如 zwgk/xxgk")
    flow = out.get("workflow", "合并请求" if name in WORKFLOW else "直接提交")
    if flow not in FLOWS:
        add("编辑流程", f"“{flow}”不是可用的值。", "可用：" + "、".join(FLOWS))
    elif flow == "合并请求" and name == "gitea":
        add("编辑流程", "Decap 的 gitea 后端不支持合并请求流程。",
            "Forgejo 请把后端改为 forgejo；Gitea 请写“编辑流程: 直接提交”，并把“分支”设为受保护主分支以外的待审分支"
            "（由审核人从该分支发起合并请求）。")
    out["workflow"] = flow
    return out, problems


# --- the configuration ------------------------------------------------------------

def _js(regex: str) -> str:
    """A Python regex as a JavaScript one (named groups are spelled differently)."""
    return regex.replace("(?P<", "(?<")


def topics(cat: Catalogue) -> list[str]:
    return [name for t in cat.topics for name in [t.name] + [f"{t.name}\\{c}" for c in t.children]]


def widget(f: schema.Field, cat: Catalogue, col) -> dict:
    """The Decap field for one schema field in the collection of column `col`."""
    w: dict = {"label": f.key, "name": f.key, "required": f.required, "hint": f.doc}
    site = dataclasses.asdict(cat.site)
    if f.kind == "date":
        w.update(DATE)
        if f.name == "date_published":
            w["default"] = "{{now}}"
    elif f.kind == "year":
        w.update(widget="number", value_type="int", min=1949, max=2100)
    elif f.kind == "enum":
        w.update(widget="select", options=list(f.vocab))
        if f.default:
            w["default"] = f.default
        if f.name == "validity" and col.doc_class in ("规范性文件", "规章"):
            w["required"] = True
        if f.name == "disclosure_mode":             # the gate: chosen on purpose, never left to a default
            w["required"] = True
    elif f.kind == "list" and f.vocab:
        w.update(widget="select", multiple=True, options=list(f.vocab))
    elif f.kind == "list":
        w.update(widget="list", field={"label": f.key, "name": "值", "widget": "string"})
    elif f.kind == "attachments":
        w.update(widget="list", fields=[
            {"label": "文件", "name": "文件", "widget": "file", "required": True},
            {"label": "标题", "name": "标题", "widget": "string", "required": False}])
    elif f.kind == "relations":
        w.update(widget="list", hint=f.doc + " 在“关联的信息”中输入标题或文号中的字词，从列表中选择。", fields=[
            {"label": "关联的信息", "name": "索引号", "widget": "relation", "collection": PICKER, "required": True,
             "value_field": "索引号", "search_fields": ["标题", "文号", "索引号"], "display_fields": ["标题", "文号"]},
            {"label": "关系", "name": "关系", "widget": "select", "options": list(schema.RELATIONS), "required": False,
             "hint": "不选时为“相关”。"}])
    elif f.kind == "reviews":
        w.update(widget="list", fields=[
            {"label": "环节", "name": "环节", "widget": "select", "options": list(schema.REVIEW_STAGES), "required": True},
            {"label": "审核人", "name": "审核人", "widget": "string", "required": True},
            {"label": "职务", "name": "职务", "widget": "string", "required": False},
            {"label": "日期", "name": "日期", "required": True, **DATE},
            {"label": "意见", "name": "意见", "widget": "select", "options": list(schema.REVIEW_OPINIONS), "required": True},
            {"label": "说明", "name": "说明", "widget": "text", "required": False},
            {"label": "放行", "name": "放行", "widget": "list", "required": False,
             "hint": "仅保密审查：确属误报的密级或内部标志，并在说明中写明理由。"}])
    elif f.kind == "withdrawal":
        w.update(widget="object", collapsed=True, fields=[
            {"label": "日期", "name": "日期", "required": False, **DATE},
            {"label": "原因", "name": "原因", "widget": "select", "options": list(schema.WITHDRAWAL_REASONS), "required": False},
            {"label": "决定人", "name": "决定人", "widget": "string", "required": False},
            {"label": "说明", "name": "说明", "widget": "text", "required": False}])
    elif f.kind == "revisions":
        w.update(widget="list", fields=[{"label": "日期", "name": "日期", "required": True, **DATE},
                                        {"label": "说明", "name": "说明", "widget": "string", "required": True}])
    elif f.name == "index_no":
        # Decap cannot compute the next free number (it depends on every branch's history), and a number
        # fixed when the intranet site was built would be handed to every form: new entries leave it blank
        # and `make check FIX=1` assigns it before the merge.
        w.update(widget="string", required=False,
                 pattern=[_js(validate.index_regex(cat.site.index_pattern, site).pattern),
                          f"格式：{validate.index_example(cat.site.index_pattern, site)}"],
                 hint=f.doc + " 新建时留空：保存后由审核人运行 make check FIX=1 分配下一个未用过的索引号。已有的索引号不要修改。")
    elif f.name == "doc_no":
        w.update(widget="string", pattern=[_js(validate.DOC_NO_RE.pattern), "写成 机关代字〔四位年份〕序号号，如 示政办〔2024〕12号"])
    elif f.name == "policy_phone":
        w.update(widget="string", pattern=[_js(validate.PHONE_RE.pattern), "如 0550-6021234"])
    elif f.name == "publisher":
        w.update(widget="select", options=[p.name for p in cat.site.publishers])
    elif f.name == "column":
        w.update(widget="hidden", default=col.name)
    elif f.name == "topic":
        w.update(widget="select", options=topics(cat))
    else:
        w["widget"] = "text" if f.multiline else "string"
    return w


def collection(cat: Catalogue, col) -> dict:
    return {
        "name": col.slug, "label": col.name, "label_singular": col.name, "description": col.description,
        "folder": f"{schema.ITEMS_DIR}/{col.slug}", "create": True, "extension": "md", "format": "yaml-frontmatter",
        # a new entry is a folder of its own (…/2026/20261204-093000/index.md) holding its attachments: the
        # attachment's path is known before the entry is first saved, so the saved path and the file agree
        "path": "{{year}}/{{slug}}/index", "slug": "{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}",
        "media_folder": "", "public_folder": "",
        "identifier_field": "标题", "sortable_fields": ["发布日期", "标题"],
        "fields": [widget(f, cat, col) for f in schema.FIELDS]
        + [{"label": "正文", "name": "body", "widget": "markdown", "required": False}],
    }


def picker(cat: Catalogue) -> dict:
    """Every item (items/<栏目>/<年>/<文件>, or …/<文件夹>/index.md from the form) as a hidden, read-only
    collection for the 关联 picker; the path only sets how deep Decap looks."""
    text = {"widget": "string", "required": False}
    return {"name": PICKER, "label": "全部信息", "folder": schema.ITEMS_DIR, "path": "{{栏目}}/{{year}}/{{month}}/{{slug}}",
            "create": False, "delete": False, "hide": True, "extension": "md", "format": "yaml-frontmatter",
            "identifier_field": "标题", "fields": [{"label": k, "name": k, **text} for k in ("标题", "索引号", "文号")]}


def config(cat: Catalogue, admin: dict, site_url: str = "") -> dict:
    backend = {k: admin[k] for k in ("name", "repo", "branch", "base_url", "api_root", "app_id") if admin.get(k)}
    if backend.get("name") in ("gitea", "forgejo", "gitlab") and "api_root" not in backend:
        backend["api_root"] = backend["base_url"].rstrip("/") + BACKENDS[backend["name"]]
    if backend.get("name") == "gitlab":
        backend["auth_type"] = "pkce"
    out = {"backend": backend, "locale": "zh_Hans", "media_folder": "catalogue/assets/uploads",
           "public_folder": "", "collections": []}
    if admin.get("workflow") == "合并请求":
        out["publish_mode"] = "editorial_workflow"
    if site_url:
        out["site_url"] = out["display_url"] = site_url
    backend["commit_messages"] = COMMIT_MESSAGES
    out["collections"] = [collection(cat, col) for col in cat.column_list() if col.is_leaf] + [picker(cat)]
    return out


def to_yaml(conf: dict) -> str:
    head = "# Generated by gongkai from hooks/gongkai/schema.py and catalogue/; do not edit.\n"
    return head + yaml.safe_dump(conf, allow_unicode=True, sort_keys=False, width=120)


INDEX = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
{csp}
<title>信息发布表单 · {body}</title>
<link rel="icon" href="../assets/gongkai/favicon.svg" type="image/svg+xml">
<link href="config.yml" type="text/yaml" rel="cms-config-url">
<style>
body {{ margin: 0; }}
.gk-admin-title {{ margin: 0; padding: .4rem 1rem; font: bold 1rem/1.5 "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
  "Source Han Sans SC", sans-serif; color: #fff; background: #1a3d8f; }}
[class*="GoBackButton"], [class*="-ButtonText"] {{ color: #3d4654 !important; }}   /* Decap's grey: 3.4:1 */
</style>
</head>
<body>
<header><h1 class="gk-admin-title">信息发布表单 · {body}</h1></header>
<main id="nc-root"></main>
<script src="gk-admin.js"></script>
<script src="decap-cms.js"></script>
</body>
</html>
"""

# A file, not inline script (the page's policy allows scripts from the site only). Runs before decap-cms.js.
ADMIN_JS = """window.CMS_MANUAL_INIT = true;
document.addEventListener("DOMContentLoaded", function () {   // Decap's zh_Hans has no Forgejo login label
  var zh = CMS.getLocale("zh_Hans");
  zh.auth.loginWithForgejo = "使用 Forgejo 登录";
  CMS.registerLocale("zh_Hans", zh);
  CMS.init();
});
"""


def policy(admin: dict) -> str:
    """The admin page's content-security policy: the public site's, plus what Decap needs: the git
    server (its API, OAuth login and pictures), inline styles, blob: previews, and eval (which also admits WebAssembly)
    (Decap validates its configuration with ajv, which compiles schemas with new Function)."""
    servers = []
    for key in ("base_url", "api_root"):
        parts = urlsplit(admin.get(key) or "")
        if parts.scheme in ("http", "https") and parts.netloc:
            servers.append(f"{parts.scheme}://{parts.netloc}")
    if admin.get("name") == "github" and not servers:
        servers = ["https://api.github.com", "https://github.com"]
    hosts = "".join(" " + s for s in dict.fromkeys(servers))
    return ("default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:{hosts}; font-src 'self' data:; connect-src 'self' blob:{hosts}; "
            "frame-src 'self' blob:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            f"form-action 'self'{hosts}")


def index_page(body: str, admin: dict) -> str:
    return INDEX.format(body=body, csp=sanitize.csp_meta(policy(admin)))


def assets(cat: Catalogue, root: Path, site_url: str = "") -> tuple[list[Asset], list[Problem]]:
    """The /admin/ folder of the intranet build: page, configuration and Decap's files."""
    admin, problems = read_admin(root)
    vendor = root / VENDOR
    if not (vendor / "decap-cms.js").is_file():
        problems.append(Problem("decap-missing", VENDOR, "缺少 Decap CMS 的文件。",
                                "运行 make vendor-decap（从 npm 仓库下载并核对校验值），再生成内网版。"))
    if any(p.severity == ERROR for p in problems):
        return [], problems
    out = [Asset(ADMIN_DIR + "index.html", data=index_page(cat.site.body_name, admin).encode()),
           Asset(ADMIN_DIR + "gk-admin.js", data=ADMIN_JS.encode()),
           Asset(ADMIN_DIR + "config.yml", data=to_yaml(config(cat, admin, site_url)).encode())]
    out += [Asset(ADMIN_DIR + p.name, src=p) for p in sorted(vendor.iterdir()) if p.is_file()]
    out += auditsheet.assets(cat)               # 发布审核单: intranet only, like the form
    return out, problems


# --- vendoring ---------------------------------------------------------------------

def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def unpack(tgz: Path, dest: Path) -> list[str]:
    """Check the package against the pinned checksum and copy the files the admin page needs."""
    data = tgz.read_bytes()
    if integrity(data) != INTEGRITY:
        raise InputError([Problem("decap-integrity", tgz.name, "下载的 Decap CMS 软件包校验值不符，已拒绝使用。",
                                  "删除后重新运行 make vendor-decap；仍不符时不要使用，检查 npm 仓库镜像设置。")])
    dest.mkdir(parents=True, exist_ok=True)
    names = []
    with tarfile.open(tgz) as tar:
        for member in tar.getmembers():
            m = VENDOR_FILES.match(member.name)
            if m and member.isfile():
                (dest / m.group(1)).write_bytes(tar.extractfile(member).read())
                names.append(m.group(1))
    return names


def vendor(root: Path) -> Path:
    dest = root / VENDOR
    if (dest / "decap-cms.js").is_file():
        return dest
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["npm", "pack", f"decap-cms@{VERSION}", "--pack-destination", tmp, "--silent"],
                              capture_output=True, text=True)
        if done.returncode:
            raise InputError([Problem("decap-download", VENDOR, "无法从 npm 仓库下载 Decap CMS。",
                                      "确认已安装 npm（Node.js）且能访问 npm 仓库或本单位镜像：" + done.stderr.strip()[-200:])])
        unpack(Path(tmp) / f"decap-cms-{VERSION}.tgz", dest)
    return dest
