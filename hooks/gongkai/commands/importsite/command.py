"""make import-site SRC=<mirror> [MAP=<mapping.yml>] [LIST=<export .xlsx/.csv>] [PLAN=1] [FORCE=1]."""
from __future__ import annotations

import argparse
import os
import posixpath
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .. import newitem
from ...core import schema
from ...stages.load import DATA_DIR, load_yaml_file
from ...core.problems import WARNING, InputError, Problem, report as format_problems
from ...stages.validate import validate_topics
from . import annual, body as bodymod, fields as F, identity, pages, writer
from .columns import Mapper
from .report import Report, progress

REPORT_DIR = "build/import-site"
RESTRICTED = re.compile(r"依申请公开|不予公开|不公开")
SECRET = re.compile(r"(绝密|机密|秘密)★")


@dataclass
class Record:
    page: pages.Page
    values: dict
    body: bodymod.Body
    column_name: str
    trail: list[str]
    urls: list[str]
    rels: list[str]
    topic_code: str | None = None
    column: str | None = None
    sources: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _topics(root: Path) -> set[str]:
    """The site's 主题分类 names ("一级" and "一级\\二级"): catalogue/topics.yml, else the default table."""
    cfg, _ = load_yaml_file(root / "catalogue" / "topics.yml", root, required=False)
    if cfg is None:
        cfg, _ = load_yaml_file(DATA_DIR / "topics.yml", DATA_DIR)
    topics, _ = validate_topics(cfg)
    return {t["name"] for t in topics} | {f"{t['name']}\\{c}" for t in topics for c in t["children"]}


def _trail(tree) -> list[str]:
    crumb = tree.css_first(".breadcrumb, .position, .location, .dqwz, #position")
    if crumb is None:
        return []
    names = [F.SPACE.sub("", a.text()) for a in crumb.css("a")]
    return [n for n in names if n and n not in ("首页", "网站首页")]


def read_item(page: pages.Page, export: F.Export | None, report: Report) -> Record | None:
    tree = page.tree
    meta = page.meta
    head = F.header(tree)
    trail = _trail(tree)
    body = bodymod.extract(tree, page.url)
    node = pages.body_node(tree)
    if node is not None:
        node.decompose()
    grid, coded = F.grid(tree)
    urls = list(dict.fromkeys(u for u in (page.url, pages.url_of(page.rel)) if u))
    values, src = {}, {}

    def pick(key, *candidates):
        for where, value in candidates:
            if value not in (None, "") and str(value).strip() not in F.NONE_VALUES:
                values[key], src[key] = value, where
                return

    title_tag = (tree.css_first("title").text() if tree.css_first("title") else "").strip()
    title_first = title_tag.split("_")[0].strip()
    pick("标题", ("网格", grid.get("标题")), ("meta", meta.get("ArticleTitle")), ("标题栏", head.get("标题")))
    ex = export.match(urls, values.get("标题")) if export else {}
    if "标题" not in values:
        pick("标题", ("目录导出", ex.get("标题")),
             ("网页标题", title_first if title_first and title_first != meta.get("ColumnName") else None))
    pick("索引号", ("网格", grid.get("索引号")), ("目录导出", ex.get("索引号")))
    pick("发布机构", ("网格", grid.get("发布机构")), ("meta", meta.get("ContentSource")), ("来源", head.get("来源")),
         ("网格", grid.get("来源")), ("目录导出", ex.get("发布机构")))
    pick("文号", ("网格", grid.get("文号")), ("标题栏", head.get("文号")), ("目录导出", ex.get("文号")))
    for key, extra in (("成文日期", ()), ("生成日期", ()),
                       ("发布日期", (("meta", meta.get("PubDate")), ("标题栏", head.get("时间")))),
                       ("有效性", ()), ("公开方式", ()), ("公开范围", ()), ("主题分类", ()),
                       ("关键词", (("meta", meta.get("KeyWords") or meta.get("Keywords")),)),
                       ("内容概述", ())):
        pick(key, ("网格", grid.get(key)), *extra, ("目录导出", ex.get(key)))
    rec = Record(page, values, body, meta.get("ColumnName") or (trail[-1] if trail else ""), trail, urls, [page.rel],
                 sources=src)
    if "主题分类" in coded and not values.get("主题分类"):
        rec.topic_code = coded["主题分类"]
    mode = str(values.get("公开方式") or "")
    secret = SECRET.search(body.text[:300] if body else "")
    if RESTRICTED.search(mode):
        report.refused.append((page.rel, f"公开方式为“{mode}”，不属于主动公开，不导入公开网站"))
        return None
    if secret:
        report.refused.append((page.rel, f"正文开头标有密级（{secret.group(0)}），不导入公开网站"))
        return None
    if body is None or not (body.text or values.get("标题")):
        report.refused.append((page.rel, "既没有标题也没有正文"))
        return None
    return rec


def normalise(rec: Record, mapper: Mapper, topics: set[str], report: Report) -> dict:
    """Front-matter values in the schema's terms; what the old site lacks becomes a 【待填写】 mark."""
    v, out = rec.values, {}
    blank = newitem.blank
    title = F.SPACE.sub(" ", str(v.get("标题") or "")).strip()
    out["标题"] = title or blank("标题")
    pub = str(v.get("发布机构") or "").strip()
    pub = mapper.publishers.get(pub, pub)
    out["发布机构"] = pub or blank("发布机构全称，须是 catalogue/site.yml 中的一个")
    if v.get("文号"):
        out["文号"], changed = F.doc_no(str(v["文号"]))
        if changed:
            report.defaults["文号括号改为〔〕"] += 1
    for key in ("成文日期", "生成日期", "发布日期"):
        raw = v.get(key)
        if raw in (None, ""):
            continue
        day = (raw.date() if isinstance(raw, datetime) else raw) if isinstance(raw, date) else F.parse_day(str(raw))
        if day is None:
            rec.notes.append(f"{key}“{raw}”无法识别为日期")
            if key == "发布日期":
                out[key] = blank(f"发布日期，原网站写作“{raw}”，改为 YYYY-MM-DD")
        else:
            out[key] = day.isoformat()
    out.setdefault("发布日期", blank("发布日期，格式 YYYY-MM-DD"))
    if "成文日期" not in out and "生成日期" not in out:
        out["成文日期"] = blank("成文日期（原网站未写明），格式 YYYY-MM-DD；数据类信息可改填生成日期")
    if v.get("有效性"):
        mapped = F.VALIDITY.get(F.norm(str(v["有效性"])))
        if mapped:
            out["有效性"] = mapped
            if mapped == "已废止":
                out["废止日期"] = blank("废止日期（原网站未写明），格式 YYYY-MM-DD")
        else:
            rec.notes.append(f"有效性“{v['有效性']}”不是本站可用的值，未填入")
    if v.get("公开范围"):
        scope = F.SCOPES.get(F.norm(str(v["公开范围"])))
        if scope:
            out["公开范围"] = scope
    topic = F.norm(str(v.get("主题分类") or "")).replace("/", "\\")
    if topic:
        if topic in topics:
            out["主题分类"] = topic
        else:
            report.defaults[f"主题分类“{topic}”不在分类表中，按栏目默认主题"] += 1
    if rec.topic_code is not None:
        report.defaults["主题分类由原网页脚本按代码显示，未取得名称，按栏目默认主题"] += 1
    kws = [k for k in re.split(r"[、，,；;\s]+", str(v.get("关键词") or "")) if k]
    if kws:
        out["关键词"] = kws
    summary = str(v.get("内容概述") or rec.page.meta.get("Description") or rec.page.meta.get("Desctiption") or "").strip()
    if summary and F.norm(summary) not in F.norm(title) and F.norm(title) not in F.norm(summary) and len(summary) >= 8:
        out["内容概述"] = summary
    else:
        out["内容概述"] = blank("内容概述，一两句话，100字以内")
    return out


def genre_of(title: str, doc_class: str | None) -> str:
    if doc_class == "年报":
        return "年报"
    title = re.sub(r"[（(][^）)]*[）)]$", "", title.strip())
    return next((g for g in sorted(schema.GENRES, key=len, reverse=True) if title.endswith(g) and g != "其他"), "其他")


def annual_body(md: str) -> str:
    """An old 年报 body in the layout the site generates from: the text sections under their exact
    headings; sections 二, 三, 四 (the tables) come from the report data."""
    fmt_sections = annual.load_format().sections
    labels = {s["label"][0]: s for s in fmt_sections}
    out, keep = [], True
    for line in md.split("\n"):
        text = re.sub(r"^[#*\s]+|[*\s]+$", "", line)
        num = text[:1]
        if num in labels and text[1:2] == "、" and len(text) < 40 and labels[num]["label"][2:4] in text:
            sec = labels[num]
            keep = sec["kind"] == "text"
            if keep:
                out.append(f"## {sec['label']}")
            continue
        if keep:
            out.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def run(root: Path, src: Path, map_path: Path | None, list_path: Path | None, plan: bool, force: bool,
        today: date, stream=sys.stderr) -> tuple[Report, list[Problem]]:
    t0 = time.time()
    if not src.is_dir():
        raise InputError([Problem("missing-file", str(src), "找不到网站备份文件夹。",
                                  "SRC= 写 wget --mirror 保存的文件夹（其中有以网站域名命名的子文件夹）。")])
    ctx = newitem.load_context(root)
    mapper = Mapper.load(ctx.leaves, map_path)
    problems = list(mapper.problems)
    export = F.Export.read(list_path) if list_path else None
    topics = _topics(root)
    rep = Report(str(src))
    files = pages.walk(str(src))
    rep.files = len(files)
    tty = stream.isatty() if hasattr(stream, "isatty") else False
    records: list[Record] = []
    mirror: dict[str, str] = {}
    for i, rel in enumerate(files, 1):
        try:
            page = pages.classify(str(src), rel)
        except OSError as exc:
            page = pages.Page(rel, pages.UNREADABLE, reason=f"无法读取（{exc.strerror or type(exc).__name__}）")
        if page.kind in (pages.ATTACHMENT, pages.ASSET):
            mirror[pages.url_key(page.url)] = rel
            rep.counts[page.kind] += 1
        elif page.kind == pages.LISTING:
            rep.counts["listing"] += 1
        elif page.kind == pages.UNREADABLE:
            rep.refused.append((rel, page.reason))
        else:
            try:
                rec = read_item(page, export, rep)
            except Exception as exc:          # a page the parser cannot take apart: refused, never a traceback
                rep.refused.append((rel, f"网页结构无法解析（{type(exc).__name__}）"))
                rec = None
            if rec is not None:
                records.append(rec)
        page.tree = None
        page.text = ""
        progress(i, len(files), stream, tty)
    # duplicates: the same canonical address, or the same title and body text
    by_key: dict[str, Record] = {}
    kept: list[Record] = []
    for rec in records:
        keys = [pages.url_key(rec.urls[0]), identity.content_key(str(rec.values.get("标题") or ""), rec.body.text)]
        first = next((by_key[k] for k in keys if k in by_key), None)
        if first is None:
            kept.append(rec)
            for k in keys:
                by_key[k] = rec
            continue
        first.urls += [u for u in rec.urls if u not in first.urls]
        first.rels.append(rec.page.rel)
    for rec in kept:
        if len(rec.rels) > 1:
            rep.duplicates.append((rec.rels[0], rec.rels[1:]))
    rep.counts["merged"] = len(records) - len(kept)
    rep.refused.sort()
    rep.counts["refused"] = len(rep.refused)
    for rec in kept:
        rec.column, _ = mapper.column(rec.column_name, rec.trail, rec.urls[0])
    rep.columns = list(mapper.seen.values())
    for old in rep.columns:
        if old.how == "暂存":
            problems.append(Problem("import-unmapped-column", map_path.as_posix() if map_path else str(src),
                                    f"原栏目“{old.trail}”（{old.pages} 个页面）没有对应的本站栏目，"
                                    f"{'已放入“' + old.target + '”' if old.target else '无法导入'}。",
                                    f"在映射文件的“栏目:”下加一行“  {old.name}: 本站栏目名称”后重新导入。", severity=WARNING))
    unplaced = [r for r in kept if r.column is None]
    for r in unplaced:
        rep.refused.append((r.page.rel, "原栏目没有对应的本站栏目，也没有可用的暂存栏目"))
    kept = [r for r in kept if r.column is not None]
    rep.counts["refused"] = len(rep.refused)
    rep.counts["merged"] += sum(len(r.rels) - 1 for r in unplaced)
    rep.counts["imported"] = len(kept)
    publishers = set(ctx.publishers)
    finals = [normalise(r, mapper, topics, rep) for r in kept]
    new_publishers = sorted({f["发布机构"] for f in finals if schema.BLANK_MARK not in f["发布机构"]} - publishers)
    if plan:
        rep.seconds = time.time() - t0
        return rep, problems + [Problem("import-plan", str(src), "只是预览（--plan），没有写入任何文件。"
                                        + (f"将在 site.yml 中加入 {len(new_publishers)} 个发布机构：" + "、".join(new_publishers)
                                           if new_publishers else ""), "确认栏目对应后去掉 PLAN=1 正式导入。",
                                        severity=WARNING)]
    hosts = {pages.url_key(r.page.url).split("/", 1)[0] for r in kept} | {k.split("/", 1)[0] for k in mirror}
    write_all(root, ctx, kept, finals, mirror, hosts, src, rep, force, today, new_publishers)
    rep.seconds = time.time() - t0
    rep.write(root / REPORT_DIR)
    return rep, problems


def write_all(root: Path, ctx, kept: list[Record], finals: list[dict], mirror: dict, hosts: set[str], src: Path,
              rep: Report, force: bool, today: date, new_publishers: list[str]) -> None:
    """Write every item (or leave it, on a re-run), its attachments, report data, new publishers, the state.
    `mirror`: address key → mirror path of attachments and assets; `hosts`: the old site's hosts (links to
    other hosts stay as they are, but images from them are not embedded: the site loads nothing from outside)."""
    added = writer.add_publishers(root / "catalogue" / "site.yml", new_publishers,      # first: it may refuse
                                  {p["slug"] for p in ctx.site["publishers"]})
    if added:
        rep.notes.append("在 catalogue/site.yml 的“发布机构”中加入了原网站的 " + str(len(added)) + " 个机构："
                         + "、".join(n for n, _ in added) + "。请核对全称，标识可改为本单位习惯的写法。")
    state = identity.load_state(root)
    known = state["items"]                             # url key → {file, index, written}
    used = newitem.used_numbers(ctx) | {e["index"] for e in known.values()}
    numbers = identity.Numbers(ctx.site, used)
    leaves = {c["name"]: c for c in ctx.leaves}
    # identity first: every item's 索引号 and file, so links between imported pages can be rewritten
    olds = {}
    for rec, fin in zip(kept, finals):
        old = F.norm(str(rec.values.get("索引号") or ""))
        olds.setdefault(old, 0)
        olds[old] += 1
    plan, planned = [], set()
    for rec, fin in zip(kept, finals):
        keys = [pages.url_key(u) for u in rec.urls]
        entry = next((known[k] for k in keys if k in known), None)
        old = F.norm(str(rec.values.get("索引号") or ""))
        day = date.fromisoformat(fin["发布日期"]) if re.match(r"^\d{4}-\d\d-\d\d$", fin["发布日期"]) else today
        if entry is not None:
            number = entry["index"]
            if entry.get("former"):
                fin["曾用索引号"] = entry["former"]
        elif old and numbers.valid(old) and olds[old] == 1 and old not in numbers.used:
            number = old
            numbers.take(old)
            rep.sources["索引号：沿用原索引号"] += 1
        else:
            number = numbers.new(day)
            rep.sources["索引号：按本站格式新分配"] += 1
            if old and olds[old] == 1 and old not in numbers.used:
                fin["曾用索引号"] = [old]
                numbers.used.add(old)
            elif old:
                rec.notes.append(f"原索引号“{old}”与其他信息重复或已被使用，未保留")
        col = leaves[rec.column]
        rel = entry["file"] if entry else None
        if rel is None:
            folder = f"{newitem.ITEMS}/{col['slug']}/{day.year:04d}"
            rel = f"{folder}/{numbers.serial(number)}.md"
            n = 1
            while (root / rel).exists() or rel in planned:
                n += 1
                rel = f"{folder}/{numbers.serial(number)}-{n}.md"
        planned.add(rel)
        plan.append((rec, fin, rel, number, keys))
    target = {k: rel for rec, fin, rel, number, keys in plan for k in keys}          # links between items: .md paths
    reports_dir = root / "catalogue" / "reports"
    written = {int(y): u for y, u in state.setdefault("reports", {}).items()}
    mine = {e["file"] for e in known.values()} | {p[2] for p in plan}
    taken_years = {int(s.meta["报告年度"]) for s in ctx.sources
                   if s.rel not in mine and str(s.meta.get("报告年度") or "").strip().isdigit()}
    try:                                # the state is kept even when a write fails half-way
        for rec, fin, rel, number, keys in plan:
            col = leaves[rec.column]
            fin["索引号"] = number
            fin["栏目"] = col["name"]
            fin["体裁"] = genre_of(fin["标题"], col.get("doc_class"))
            if col.get("doc_class") in ("规范性文件", "规章") and "有效性" not in fin:
                fin["有效性"] = newitem.blank("有效性：现行有效、已修改、已废止、已失效或部分失效")
            fin["原网址"] = rec.urls
            folder_name = Path(rel).stem
            copies, attachments, names = [], [], {}

            def link_target(link, rel=rel, folder_name=folder_name, copies=copies, attachments=attachments, names=names):
                key = pages.url_key(link.url)
                if key in target and not link.image:
                    return posixpath.relpath(target[key], posixpath.dirname(rel))
                if key in mirror:
                    src_rel = mirror[key]
                    if src_rel not in names:
                        name = writer.safe_name(os.path.basename(src_rel))
                        while name in names.values():
                            stem, ext = os.path.splitext(name)
                            name = f"{stem}-{len(names) + 1}{ext}"
                        names[src_rel] = name
                        copies.append((str(src / src_rel), name))
                        if not link.image:
                            title = os.path.splitext(link.text or name)[0]
                            attachments.append({"文件": f"{folder_name}/{name}", "标题": title})
                    return f"{folder_name}/{names[src_rel]}"
                if link.image or (key.split("/", 1)[0] in hosts and (bodymod.is_file_link(link.url) or link.listed)):
                    return None
                return link.url

            md, missing = bodymod.finish(rec.body, link_target)
            for link in rec.body.links:
                if link.listed and not any(link.url == u for _, u in missing):
                    target_of = link_target(link)
                    if target_of is None:
                        missing.append((link.text or link.url.rsplit("/", 1)[-1], link.url))
            if attachments:
                fin["附件"] = attachments
            if missing:
                md += ("\n\n> **迁移说明**：原网站的以下附件未能从网站备份中取得，请向原网站运维单位索取，"
                       "放入附件文件夹并列入“附件”：\n>\n" + "\n".join(f"> - {n}（原网址：{u}）" for n, u in missing))
                rep.missing += [(rel, n, u) for n, u in missing]
            if col.get("doc_class") == "年报":
                md = annual_report(rec, fin, md, reports_dir, rep, written, taken_years)
            for note in rec.notes:
                rep.notes.append(f"`{rel}`：{note}")
            for key in ("标题", "索引号", "发布机构", "文号", "成文日期", "发布日期", "主题分类", "有效性", "内容概述", "关键词"):
                value = fin.get(key)
                if value and schema.BLANK_MARK not in str(value):
                    rep.filled[key] += 1
                elif value:
                    rep.blanks[key] += 1
            for key, where in rec.sources.items():
                rep.sources[f"{key}：{where}"] += 1
            text = writer.front_matter(fin) + "\n" + md.strip() + "\n"
            entry = next((known[k] for k in keys if k in known), None)
            path = root / rel
            status = "新增"
            if entry is not None:
                current = path.read_text(encoding="utf-8") if path.exists() else None
                if current is not None and identity.text_hash(current) != entry["written"] and not force:
                    if text != current and identity.text_hash(text) != entry.get("imported", entry["written"]):
                        rep.kept_edits.append(rel)
                        rep.changes["已被修改、未覆盖"] += 1
                    else:
                        rep.changes["已被修改、保留"] += 1
                    for k in keys:
                        known[k] = dict(entry, imported=identity.text_hash(text))
                    continue
                if current == text:
                    rep.changes["未变"] += 1
                    copies_needed = [c for c in copies if not (path.with_suffix("") / c[1]).exists()]
                    writer.copy_files(path.with_suffix(""), copies_needed)
                    continue
                status = "更新" if current is not None else "重新写入"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            writer.copy_files(path.with_suffix(""), copies)
            rep.changes[status] += 1
            for k in keys:
                known[k] = {"file": rel, "index": number, "written": identity.text_hash(text),
                            "imported": identity.text_hash(text), "former": fin.get("曾用索引号") or []}
    finally:
        state["reports"] = {str(y): u for y, u in sorted(written.items())}
        identity.save_state(root, state)


def annual_report(rec: Record, fin: dict, md: str, reports_dir: Path, rep: Report, written: dict,
                  taken: set[int]) -> str:
    """Report data for an old 年报 whose tables parse, unless the year has data or a report already
    (`written`: year → old address of the reports this import wrote; `taken`: years of other items)."""
    year = annual.report_year(fin["标题"])
    if year is None:
        rep.years.append(f"{fin['标题']}：标题中没有年度，表格留在正文中")
        return md
    path = reports_dir / f"{year}.yml"
    if year in taken or (year in written and written[year] != rec.urls[0]):
        rep.years.append(f"{year}年：公开目录中已有该年度的年报，未写入表格数据；表格留在正文中")
        return md
    if path.exists() and year not in written:
        rep.years.append(f"{year}年：catalogue/reports/{year}.yml 已存在，未覆盖；表格留在正文中")
        return md
    try:
        data, why = annual.parse(rec.body.html_tables, year, rec.urls[0])
    except (ValueError, KeyError, IndexError, TypeError) as exc:     # a table shape the parser does not expect
        data, why = None, f"表格结构无法解析（{type(exc).__name__}）"
    if data is None:
        rep.years.append(f"{year}年：表格未能识别（{why}），表格留在正文中")
        return md
    path.parent.mkdir(parents=True, exist_ok=True)
    written[year] = rec.urls[0]
    text = annual.dump_data(data)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    fin["报告年度"] = year
    rep.years.append(f"{year}年：表二、表三、表四已识别，写入 catalogue/reports/{year}.yml")
    return annual_body(md)


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai import-site", description="把旧网站（wget 备份）导入公开目录")
    parser.add_argument("src", metavar="网站备份文件夹")
    parser.add_argument("--map", help="栏目映射文件（YAML）")
    parser.add_argument("--list", help="原网站的目录导出（.xlsx 或 .csv）")
    parser.add_argument("--plan", action="store_true", help="只预览：列出原栏目、页面数和对应栏目，不写入")
    parser.add_argument("--force", action="store_true", help="覆盖上次导入后被修改过的信息")
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    try:
        if not args.src.strip():
            raise InputError([Problem("missing-file", "(make import-site)", "没有写网站备份文件夹。",
                                      "写成 make import-site SRC=备份文件夹 PLAN=1。")])
        rep, problems = run(root, Path(args.src), Path(args.map) if args.map else None,
                            Path(args.list) if args.list else None, args.plan, args.force, today)
    except InputError as exc:
        print(format_problems(exc.problems))
        return 1
    except OSError as exc:
        print(format_problems([Problem("write-failed", str(exc.filename or root), f"无法读写文件（{exc.strerror}）。",
                                       "检查磁盘空间和文件权限后重新运行；已写入的信息在重新运行时会被识别，不会重复。")]))
        return 1
    c = rep.counts
    print(f"网站备份中共 {rep.files} 个文件：信息页面 {c['imported']} 个，重复页面 {c['merged']} 个，列表页 {c['listing']} 个，"
          f"附件 {c['attachment']} 个，资源文件 {c['asset']} 个，未导入 {c['refused']} 个。")
    print("原栏目 → 本站栏目：")
    for old in sorted(rep.columns, key=lambda o: -o.pages):
        print(f"  {old.trail}（{old.pages} 页）→ {old.target or '（无）'}  [{old.how}]")
    if problems:
        print(format_problems(problems))
    if not args.plan:
        print(("本次写入：" + "，".join(f"{k} {v} 条" for k, v in rep.changes.items()) + "。") if rep.changes else "")
        print(f"缺失附件 {len(rep.missing)} 个，待填写 {sum(rep.blanks.values())} 处。报告：{root / REPORT_DIR / 'index.html'}")
        print("下一步：make check（列出所有待填写的内容）。")
    return 0
