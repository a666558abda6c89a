"""import-docx: a Word document (.docx) as a new item.

mammoth converts the document to HTML (headings, lists, tables, images), which is turned
into Markdown here; images are saved beside the item as attachments. The official layout of
GB/T 9704 公文 is read with python-docx: 发文机关标志, 发文字号, 标题 (centred, possibly over
several lines), 发文机关署名 and 成文日期 at the end, 版记 (抄送, 印发) which is dropped.
What is not found is left for staff to fill, marked with schema.BLANK_MARK, so the item is
not published until it is done. A document marked 绝密/机密/秘密 is refused.
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

from . import newitem, schema, validate
from .problems import InputError, Problem, report

ATT = "@@GK_ATT@@"                      # stands for the attachment folder until the serial is known
SPACE = re.compile(r"[\s\u3000]+")
DOC_NO = re.compile(r"[\u4e00-\u9fa5A-Za-z]+[〔\[［(（【﹝〈]\d{2,4}[〕\]］)）】﹞〉]第?\d+号")
DATE_CN = re.compile(r"^([0-9〇零○一二三四五六七八九]{4})年([0-9一二三四五六七八九十]{1,3})月([0-9一二三四五六七八九十]{1,3})日$")
SECRET = re.compile(r"^(绝密|机密|秘密)(★|\s|$)")
URGENT = re.compile(r"^(特急|加急|特提|平急)$")
COPY_TO = re.compile(r"^(抄送|抄报|分送)[：:]")
PRINTED = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")
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


def _centred(p) -> bool:
    align = p.alignment if p.alignment is not None else p.style.paragraph_format.alignment
    return align == WD_ALIGN_PARAGRAPH.CENTER or (p.style.name or "").lower() in ("title", "标题")


def read_layout(data: bytes, publishers: list[str], rel: str) -> Layout:
    doc = Document(io.BytesIO(data))
    paras = [(text_of(p.text), _centred(p)) for p in doc.paragraphs if text_of(p.text)]
    out = Layout()
    texts = [t for t, _ in paras]
    for t in texts[:4]:
        if SECRET.match(t):
            raise InputError([Problem("secret-document", rel, f"文件标有密级“{t}”，涉密文件不得公开。",
                                      "经保密审查、解密后，用不带密级标志的文本导入。")])
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


def to_markdown(html: str, drop_head: list[str], drop_tail: list[str]) -> str:
    tree = _Tree()
    tree.feed(html)
    blocks = [b for b in tree.root[2] if not (isinstance(b, str) and not b.strip())]
    head, tail = list(drop_head), set(drop_tail)
    while blocks and head and not isinstance(blocks[0], str) and text_of(_plain(blocks[0])) in head:
        head.remove(text_of(_plain(blocks[0])))
        blocks.pop(0)
    while blocks and not isinstance(blocks[-1], str) and text_of(_plain(blocks[-1])) in tail:
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
        layout = read_layout(data, ctx.publishers, rel)
        result = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(save_image))
    except InputError:
        raise
    except Exception as exc:                 # not a .docx, or a damaged one
        raise InputError([Problem("docx-unreadable", rel, f"无法读取这个 Word 文件（{type(exc).__name__}）。",
                                  "确认是 .docx 格式（旧的 .doc 请先在 Word 或 WPS 中另存为 .docx）。")]) from None
    body = to_markdown(result.value, layout.head, layout.tail)
    found = [k for k, v in (("标题", layout.title), ("文号", layout.doc_no), ("成文日期", layout.signed),
                            ("发布机构", layout.publisher)) if v]
    genre = genre or layout.genre or "其他"
    made = newitem.create(ctx, column, genre, layout.title,
                          publisher or layout.publisher or newitem.blank("发布机构全称，须是 catalogue/site.yml 中的一个"),
                          summary, body, layout.signed or newitem.blank("成文日期，格式 YYYY-MM-DD"), today=today,
                          doc_no=layout.doc_no)
    folder = made.path.with_suffix("")
    if images:
        folder.mkdir(exist_ok=True)
        for name, blob in images:
            (folder / name).write_bytes(blob)
    text = made.path.read_text(encoding="utf-8")
    made.path.write_text(text.replace(ATT, folder.name), encoding="utf-8")
    notes = [layout.doc_no_note] if layout.doc_no_note else []
    notes += sorted({m.message for m in result.messages if m.type == "warning"})[:5]
    return Imported(made, found, [n for n, _ in images], notes)


def command(argv: list[str], today: date) -> int:
    parser = argparse.ArgumentParser(prog="python -m gongkai import-docx", description="把 Word 文档导入为一条公开信息")
    parser.add_argument("file", metavar="文件.docx")
    parser.add_argument("--栏目", required=True, help="末级栏目名称或标识，如 规范性文件")
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
