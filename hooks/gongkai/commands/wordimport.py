"""import-docx: a Word document (.docx) as a new item.

mammoth converts the document to HTML (headings, lists, tables, images), which is turned
into Markdown here; images are saved beside the item as attachments. The official layout of
GB/T 9704 公文 is read with python-docx: 发文机关标志, 发文字号, 标题 (centred, possibly over
several lines), 发文机关署名 and 成文日期 at the end, 版记 (抄送, 印发) which is dropped.
What is not found is left for staff to fill, marked with schema.BLANK_MARK, so the item is
not published until it is done. A document with a 密级 or 内部 mark anywhere (text, tables, headers,
footers) is refused, and so are scans (no text layer) and documents already in the catalogue (same 文号
or text). The 公开属性 (“此件公开发布”“此件依申请公开”“此件不予公开”, or a 发文稿纸's 公开属性 field)
sets 公开方式; headings set in 黑体 (“一、”) and 楷体 (“（一）”) become headings; a 版记 laid out as a
table is dropped like one in paragraphs.
"""
from __future__ import annotations

import argparse
import io
import re
from dataclasses import dataclass, field
from datetime import date
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import mammoth
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from ..inspection import checks
from ..stages import extract, load, settings, validate
from . import newitem
from ..core import schema
from ..core.problems import InputError, Problem, report

ATT = "@@GK_ATT@@"                      # stands for the attachment folder until the serial is known
SPACE = re.compile(r"[\s\u3000]+")
DOC_NO = re.compile(r"[\u4e00-\u9fa5A-Za-z]+[〔\[［(（【﹝〈]\d{2,4}[〕\]］)）】﹞〉]第?\d+号")
DATE_CN = re.compile(r"^([0-9〇零○一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月([0-9一二三四五六七八九十]{1,3})日$")
URGENT = re.compile(r"^(特急|加急|特提|平急)$")
COPY_TO = re.compile(r"^(抄送|抄报|分送)[：:]")
PRINTED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")
HEADING_FONTS = ((re.compile(r"^[一二三四五六七八九十]+、"), ("黑体", "SimHei", "方正黑体"), 2),
                 (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), ("楷体", "KaiTi", "楷体_GB2312", "方正楷体"), 3))
MIN_TEXT = 30                           # characters of text below which a document counts as a scan
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


def text_of(s: str) -> str:
    return SPACE.sub("", s)


def cn_number(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return int("".join(str(CN_DIGITS[c]) for c in s))


def parse_cn_date(s: str) -> date | None:
    m = DATE_CN.match(text_of(s))
    if not m:
        return None
    try:
        return date(*(cn_number(g) for g in m.groups()))
    except (ValueError, KeyError):
        return None


# --- the official layout -------------------------------------------------------

@dataclass
class Layout:
    title: str | None = None
    doc_no: str | None = None
    doc_no_note: str | None = None          # how a 文号 written the wrong way was corrected
    signed: date | None = None
    publisher: str | None = None            # 发文机关署名 or 标志, when it is one of the site's publishers
    genre: str | None = None
    head: list[str] = field(default_factory=list)   # paragraph texts to drop from the body's start
    tail: list[str] = field(default_factory=list)   # 版记 texts to drop from the end
    disclosure: str | None = None           # 公开方式 from the 公开属性 mark
    disclosure_text: str = ""               # the mark as written
    headings: dict[str, int] = field(default_factory=dict)   # paragraph text → heading level (黑体/楷体)


def _centred(p) -> bool:
    align = p.alignment if p.alignment is not None else p.style.paragraph_format.alignment
    return align == WD_ALIGN_PARAGRAPH.CENTER or (p.style.name or "").lower() in ("title", "标题")


def _east_asian_font(run, para) -> str:
    """The East Asian font of a run, from the run, else the paragraph style (its base styles)."""
    def of(rpr) -> str:
        fonts = rpr.rFonts if rpr is not None else None
        return (fonts.get(qn("w:eastAsia")) or fonts.get(qn("w:ascii")) or "") if fonts is not None else ""
    found = of(run._element.rPr)
    style = para.style
    while not found and style is not None:
        found = of(style.element.rPr)
        style = style.base_style
    return found


def _heading_level(p) -> int | None:
    """GB/T 9704 结构层次序数: “一、” in 黑体 is the first level, “（一）” in 楷体 the second."""
    text = text_of(p.text)
    if len(text) > 40 or "。" in text[:-1]:
        return None
    for rx, fonts, level in HEADING_FONTS:
        runs = [r for r in p.runs if text_of(r.text)]
        if rx.match(text) and runs and all(any(f in _east_asian_font(r, p) for f in fonts) for r in runs):
            return level
    return None


def check_marks(data: bytes, rel: str, marks) -> None:
    """Refuse a document with a 密级 or 内部 mark in its text, tables, headers or footers."""
    for place, text in extract._docx_parts(data):
        found = checks.find_marks(text, marks)
        if found:
            mark, line, seen, _ = found[0]
            raise InputError([Problem("secret-document", rel,
                                      f"文件{place}第{line}行有密级或内部标志“{seen}”：涉密文件不得公开，内部文件也不得公开，都不要放入本仓库。",
                                      "经保密审查、解密或删去标志后，用不带标志的文本导入。")])


def read_layout(data: bytes, publishers: list[str], rel: str, marks=settings.SECRET_MARKS) -> Layout:
    doc = Document(io.BytesIO(data))
    check_marks(data, rel, marks)
    paras = [(text_of(p.text), _centred(p)) for p in doc.paragraphs if text_of(p.text)]
    out = Layout()
    out.headings = {text_of(p.text): level for p in doc.paragraphs if (level := _heading_level(p))}
    texts = [t for t, _ in paras]
    cells = ["：".join(text_of(c.text) for c in row.cells) for t in doc.tables for row in t.rows]
    for t in texts + cells:
        m = validate.DISCLOSURE_MARK.search(t)
        if m:
            out.disclosure = validate.MARK_MODES[m.group(1) or m.group(2)]
            out.disclosure_text = m.group(0)
            break
    i = 0
    # 份号, 紧急程度, 发文机关标志 and 发文字号 (with 签发人) form the head.
    while i < min(len(paras), 6):
        t = texts[i]
        m = DOC_NO.search(t)
        if re.fullmatch(r"\d{1,6}", t) or URGENT.match(t) or (t.endswith("文件") and len(t) < 40):
            out.head.append(t)
            if t.endswith("文件") and t[:-2] in publishers:
                out.publisher = out.publisher or t[:-2]
        elif m and len(t) < 60:
            out.head.append(t)
            wrong = validate.check_doc_no(m.group(0))
            out.doc_no = wrong[1] if wrong else m.group(0)
            if wrong:
                out.doc_no_note = f"文档中的文号“{m.group(0)}”{wrong[0]}，已改为“{out.doc_no}”"
        elif t in publishers and i == 0:
            out.head.append(t)
            out.publisher = t
        else:
            break
        i += 1
    # 标题: the centred lines that follow, up to the 主送机关 or the text.
    lines = []
    while i < len(paras) and paras[i][1] and not texts[i].endswith(("：", ":")) and len(lines) < 4:
        lines.append(texts[i])
        i += 1
    if not lines:
        for j in range(i, min(len(texts), i + 5)):
            if len(texts[j]) < 80 and (texts[j].startswith("关于") or "关于" in texts[j][:20]) \
                    and texts[j].endswith(schema.GENRES):
                lines = [texts[j]]
                out.head += texts[i:j]
                break
    if lines:
        out.title = "".join(lines)
        out.head += lines
        out.genre = next((g for g in sorted(schema.GENRES, key=len, reverse=True)
                          if out.title.endswith(g) or out.title.endswith(g.replace("（令）", ""))), None)
    # the end: 版记 (dropped), then 成文日期 and 发文机关署名 (kept in the text).
    j = len(texts) - 1
    while j > i and (COPY_TO.match(texts[j]) or PRINTED.search(texts[j])):
        out.tail.append(texts[j])
        j -= 1
    for k in range(j, max(i, j - 4), -1):
        signed = parse_cn_date(texts[k])
        if signed:
            out.signed = signed
            signer = texts[k - 1] if k - 1 >= i else ""
            if signer in publishers:
                out.publisher = signer
            break
    return out


# --- HTML (from mammoth) → Markdown ---------------------------------------------

class _Tree(HTMLParser):
    """mammoth's HTML as nested [tag, attrs, children] lists (text nodes are str)."""
    VOID = {"img", "br", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ["root", {}, []]
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = [tag, dict(attrs), []]
        self.stack[-1][2].append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        self.stack[-1][2].append(data)


def _esc(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<])", r"\\\1", text)


def _plain(node) -> str:
    if isinstance(node, str):
        return node
    return "".join(_plain(c) for c in node[2])


def _inline(nodes) -> str:
    out = []
    for n in nodes:
        if isinstance(n, str):
            out.append(_esc(n))
            continue
        tag, attrs, kids = n
        inner = _inline(kids)
        if tag in ("strong", "b") and inner.strip():
            out.append(f"**{inner}**")
        elif tag in ("em", "i") and inner.strip():
            out.append(f"*{inner}*")
        elif tag == "a" and attrs.get("href"):
            out.append(f"[{inner}]({attrs['href']})")
        elif tag == "img":
            out.append(f"![{_esc(attrs.get('alt') or '图片')}]({attrs.get('src', '')})")
        elif tag == "br":
            out.append("  \n")
        elif tag in ("sup", "sub"):
            out.append(f"<{tag}>{inner}</{tag}>")
        else:
            out.append(inner)
    return "".join(out)


def _line_start(text: str) -> str:
    """Keep a paragraph that starts like Markdown syntax (1. / - / # / >) a paragraph."""
    return re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", re.sub(r"^([#>+\-])", r"\\\1", text))


def _list(node, depth: int) -> list[str]:
    out = []
    for n, li in enumerate([k for k in node[2] if not isinstance(k, str) and k[0] == "li"], 1):
        marker = f"{n}." if node[0] == "ol" else "-"
        inline = [k for k in li[2] if isinstance(k, str) or k[0] not in ("ul", "ol")]
        out.append("    " * depth + f"{marker} " + _inline(inline).strip())
        for sub in li[2]:
            if not isinstance(sub, str) and sub[0] in ("ul", "ol"):
                out += _list(sub, depth + 1)
    return out


def _table(node) -> str:
    rows = [r for r in _descend(node, "tr")]
    cells = [[c for c in r[2] if not isinstance(c, str) and c[0] in ("td", "th")] for r in rows]
    spans = any(c[1].get("colspan") or c[1].get("rowspan") for row in cells for c in row)
    if spans or len({len(r) for r in cells}) > 1:
        html = ["<table>"]
        for row in cells:
            html.append("<tr>" + "".join(
                f"<{c[0]}" + "".join(f' {a}="{escape(c[1][a])}"' for a in ("colspan", "rowspan") if c[1].get(a))
                + ">" + "<br>".join(escape(text_of(_plain(p))) for p in _blocks(c)) + f"</{c[0]}>" for c in row) + "</tr>")
        return "\n".join(html + ["</table>"])
    lines = []
    for n, row in enumerate(cells):
        lines.append("| " + " | ".join("<br>".join(_inline(p[2] if not isinstance(p, str) else [p]).strip()
                                                   for p in _blocks(c)).replace("|", "\\|") for c in row) + " |")
        if n == 0:
            lines.append("|" + "---|" * len(row))
    return "\n".join(lines)


def _descend(node, tag):
    for k in node[2]:
        if isinstance(k, str):
            continue
        if k[0] == tag:
            yield k
        elif k[0] in ("thead", "tbody", "tfoot"):
            yield from _descend(k, tag)


def _blocks(cell) -> list:
    found = [k for k in cell[2] if not isinstance(k, str) and k[0] == "p"]
    return found or [cell]


def _is_colophon(block) -> bool:
    """A 版记 laid out as a table: 抄送 and/or the 印发 line in its cells."""
    if isinstance(block, str) or block[0] != "table":
        return False
    cells = [text_of(_plain(c)) for r in _descend(block, "tr") for c in r[2] if not isinstance(c, str)]
    return any(COPY_TO.match(c) or PRINTED.search(c) for c in cells)


def to_markdown(html: str, drop_head: list[str], drop_tail: list[str], headings: dict[str, int] | None = None) -> str:
    headings = headings or {}
    tree = _Tree()
    tree.feed(html)
    blocks = [b for b in tree.root[2] if not (isinstance(b, str) and not b.strip())]
    head, tail = list(drop_head), set(drop_tail)
    while blocks and head and not isinstance(blocks[0], str) and text_of(_plain(blocks[0])) in head:
        head.remove(text_of(_plain(blocks[0])))
        blocks.pop(0)
    while blocks and not isinstance(blocks[-1], str) and (text_of(_plain(blocks[-1])) in tail
                                                         or _is_colophon(blocks[-1])):
        blocks.pop()
    out = []
    for b in blocks:
        if isinstance(b, str):
            out.append(_esc(b.strip()))
        elif re.fullmatch(r"h[1-6]", b[0]):
            out.append("#" * min(6, int(b[0][1]) + 1) + " " + _inline(b[2]).strip())
        elif b[0] in ("ul", "ol"):
            out.append("\n".join(_list(b, 0)))
        elif b[0] == "table":
            out.append(_table(b))
        elif b[0] == "p" and text_of(_plain(b)) in headings:
            out.append("#" * headings[text_of(_plain(b))] + " " + _inline(b[2]).strip())
        else:
            text = _inline(b[2]).strip()
            if text:
                out.append(_line_start(text))
    return "\n\n".join(out) + "\n"


# --- the command ----------------------------------------------------------------

@dataclass
class Imported:
    item: newitem.NewItem
    found: list[str]                 # front-matter keys read from the document
    images: list[str]
    notes: list[str]


def import_docx(ctx: newitem.Context, path: Path, column: str, genre: str | None = None,
                publisher: str | None = None, summary: str | None = None, today: date | None = None) -> Imported:
    rel = path.name
    images: list[tuple[str, bytes]] = []

    def save_image(image):
        ext = (image.content_type or "image/png").split("/")[-1].replace("jpeg", "jpg").replace("x-emf", "emf")
        name = f"图片{len(images) + 1}.{ext}"
        with image.open() as f:
            images.append((name, f.read()))
        return {"src": f"{ATT}/{name}", "alt": image.alt_text or name.rsplit(".", 1)[0]}

    try:
        data = path.read_bytes()
        layout = read_layout(data, ctx.publishers, rel, secret_marks(ctx.root))
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(save_image))
    except InputError:
        raise
    except Exception as exc:                 # not a .docx, or a damaged one
        raise InputError([Problem("docx-unreadable", rel, f"无法读取这个 Word 文件（{type(exc).__name__}）。",
                                  "确认是 .docx 格式（旧的 .doc 请先在 Word 或 WPS 中另存为 .docx）。")]) from None
    body = to_markdown(result.value, layout.head, layout.tail, layout.headings)
    letters = len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", extract._docx(data)))
    if letters < (MIN_TEXT if images else 5):
        what = f"只有图片（{len(images)}张）" if images else "几乎没有文字"
        raise InputError([Problem("docx-scan", rel, f"这个文档{what}，文字层只有{letters}个字：像是扫描件，"
                                  "读屏软件和检索都读不到内容，也无法检查其中的个人信息和密级标志。",
                                  "请用原始的电子文档（Word 原稿）导入；只有纸质件的，先转成可编辑的文字并逐字校对。")])
    duplicates(ctx, rel, layout, body)
    found = [k for k, v in (("标题", layout.title), ("文号", layout.doc_no), ("成文日期", layout.signed),
                            ("发布机构", layout.publisher)) if v]
    genre = genre or layout.genre or "其他"
    made = newitem.create(ctx, column, genre, layout.title,
                          publisher or layout.publisher or newitem.blank("发布机构全称，须是 catalogue/site.yml 中的一个"),
                          summary, body, layout.signed or newitem.blank("成文日期，格式 YYYY-MM-DD"), today=today,
                          doc_no=layout.doc_no)
    if layout.disclosure:
        text = made.path.read_text(encoding="utf-8")
        head, sep, rest = text.partition("\n体裁:")
        made.path.write_text(f"{head}\n公开方式: {layout.disclosure}{sep}{rest}", encoding="utf-8")
    folder = made.path.with_suffix("")
    if images:
        folder.mkdir(exist_ok=True)
        for name, blob in images:
            (folder / name).write_bytes(blob)
    text = made.path.read_text(encoding="utf-8")
    made.path.write_text(text.replace(ATT, folder.name), encoding="utf-8")
    notes = [layout.doc_no_note] if layout.doc_no_note else []
    if layout.disclosure and layout.disclosure != schema.PUBLIC_MODE:
        notes.append(f"文件标注“{layout.disclosure_text}”：公开方式已设为“{layout.disclosure}”，本信息不在网站上发布正文和附件"
                     + ("；请填写“不予公开理由”" if layout.disclosure == "不予公开" else "") + "。")
    elif not layout.disclosure:
        notes.append("文档中没有公开属性标注（如“此件公开发布”），公开方式按默认值“主动公开”：请与原件和发文稿纸核对。")
    if layout.headings:
        notes.append(f"{len(layout.headings)}个黑体、楷体的层次标题已转为标题。")
    notes += sorted({m.message for m in result.messages if m.type == "warning"})[:5]
    return Imported(made, found, [n for n, _ in images], notes)


def secret_marks(root: Path) -> list[str]:
    """The 密级标志 of catalogue/inspection.yml, else the default list."""
    cfg, _ = load.load_yaml_file(root / settings.INSPECTION_FILE, root, required=False)
    marks = cfg.data.get("密级标志") if cfg is not None and isinstance(cfg.data, dict) else None
    return [str(m) for m in marks] if isinstance(marks, list) else list(settings.SECRET_MARKS)


def duplicates(ctx: newitem.Context, rel: str, layout: Layout, body: str) -> None:
    """Refuse a document already in the catalogue: the same 文号, or the same text."""
    text = validate.normal_text(body)
    found = []
    for src in ctx.sources:
        where = f"{src.rel}（索引号 {src.meta.get('索引号', '')}《{src.meta.get('标题', '')}》）"
        if layout.doc_no and str(src.meta.get("文号") or "").strip() == layout.doc_no:
            found.append(f"文号 {layout.doc_no} 已在 {where} 中使用")
        elif len(text) >= MIN_TEXT and validate.normal_text(src.body) == text:
            found.append(f"正文与 {where} 相同")
    if found:
        raise InputError([Problem("docx-duplicate", rel, "这个文件已经在公开目录中：" + "；".join(found) + "。",
                                  "不要重复导入。要更正已发布的信息，直接修改原文件并在“修订记录”中说明。")])


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai import-docx", description="把 Word 文档导入为一条公开信息")
    parser.add_argument("file", metavar="文件.docx")
    parser.add_argument("--栏目", help="末级栏目名称或标识，如 规范性文件")
    parser.add_argument("--体裁", help="默认从标题末尾识别（通知、决定……），识别不到为“其他”")
    parser.add_argument("--发布机构", help="默认从发文机关署名识别")
    parser.add_argument("--内容概述", help="一两句话")
    parser.add_argument("--root", default=".", help="项目目录（默认当前目录）")
    args = vars(parser.parse_args(argv))
    path = Path(args["file"])
    try:
        if not path.is_file():
            raise InputError([Problem("missing-file", str(path), "找不到这个文件。", "核对文件名和路径。")])
        ctx = newitem.load_context(Path(args["root"]))
        if not args["栏目"]:
            raise InputError([Problem("missing-argument", "(make import-docx)", "没有指定栏目。",
                                      f"写成 make import-docx FILE={path} 栏目=规范性文件。可用的栏目："
                                      + "、".join(c["name"] for c in ctx.leaves) + "。", field="栏目")])
        done = import_docx(ctx, path, args["栏目"], args["体裁"], args["发布机构"], args["内容概述"], today)
    except InputError as exc:
        print(report(exc.problems))
        return 1
    newitem.print_result(ctx, done.item)
    print("从文档中识别：" + ("、".join(done.found) or "（无）") + "。请与原件核对。")
    if done.images:
        print(f"图片 {len(done.images)} 张已存为附件：{done.item.path.with_suffix('').relative_to(ctx.root).as_posix()}/")
    for note in done.notes:
        print(f"注意：{note}")
    return 0
