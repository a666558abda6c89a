"""wordimport: .docx files made here with python-docx become items that pass make check."""
import struct
import zlib

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from conftest import CODE, TODAY
from gongkai.commands import newitem, wordimport
from gongkai import pipeline
from gongkai.core.problems import errors

CENTER, RIGHT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT


def png(w=3, h=2) -> bytes:
    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * w for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def para(doc, text, align=None, style=None):
    p = doc.add_paragraph(text, style=style)
    if align is not None:
        p.alignment = align
    return p


def official_docx(path, tmp_path, doc_no="示政办〔2026〕21号", date_text="2026年3月6日"):
    """A 公文 in GB/T 9704 layout: 份号, 标志, 文号 with 签发人, two-line title, text, signature, 版记."""
    doc = Document()
    para(doc, "000123")
    para(doc, "示例县人民政府办公室文件", CENTER)
    para(doc, f"{doc_no}　　　签发人：张三", CENTER)
    para(doc, "")
    para(doc, "示例县人民政府办公室关于印发", CENTER)
    para(doc, "《示例县农村供水工程管理办法》的通知", CENTER)
    para(doc, "各乡镇人民政府，县政府各部门：")
    para(doc, "现将《示例县农村供水工程管理办法》印发给你们，请认真贯彻执行。")
    doc.add_heading("一、管理职责", level=1)
    para(doc, "县水利局负责全县农村供水工程的*监督*管理。")
    para(doc, "1. 这一段以数字和点开头，但不是列表。")
    para(doc, "水源保护", style="List Bullet")
    para(doc, "水质检测", style="List Bullet")
    para(doc, "提出申请", style="List Number")
    para(doc, "现场核查", style="List Number")
    doc.add_heading("二、工程清单", level=2)
    table = doc.add_table(rows=2, cols=3)
    for c, text in enumerate(("乡镇", "工程数", "受益人口")):
        table.cell(0, c).text = text
    for c, text in enumerate(("城关镇", "12", "3.2万")):
        table.cell(1, c).text = text
    merged = doc.add_table(rows=2, cols=2)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合计"
    merged.cell(1, 0).text, merged.cell(1, 1).text = "城关镇", "12"
    image = tmp_path / "图.png"
    image.write_bytes(png())
    doc.add_picture(str(image))
    para(doc, "附件：农村供水工程名录")
    para(doc, "示例县人民政府办公室", RIGHT)
    para(doc, date_text, RIGHT)
    para(doc, "（此件公开发布）")
    para(doc, "抄送：县委办公室，县人大常委会办公室。")
    para(doc, "示例县人民政府办公室　　　　　　　　2026年3月6日印发")
    doc.save(path)
    return path


def run(project, path, column="规范性文件", **kw):
    return wordimport.import_docx(newitem.load_context(project.root), path, column, today=TODAY, **kw)


def test_official_layout_is_read_and_text_kept(project, tmp_path):
    done = run(project, official_docx(tmp_path / "通知.docx", tmp_path))
    text = done.item.path.read_text()
    assert done.found == ["标题", "文号", "成文日期", "发布机构"] and done.item.blanks == ["内容概述"]
    head, body = text.split("\n---\n", 1)
    assert "标题: 示例县人民政府办公室关于印发《示例县农村供水工程管理办法》的通知" in head
    assert "文号: 示政办〔2026〕21号" in head and "成文日期: 2026-03-06" in head and "体裁: 通知" in head
    assert "发布机构: 示例县人民政府办公室" in head and f"索引号: {CODE}/2026-00001" in head
    # header and 版记 dropped; signature and date kept
    assert "000123" not in body and "签发人" not in body and "抄送" not in body and "印发\n" not in body
    assert body.lstrip().startswith("各乡镇人民政府，县政府各部门：")
    assert "示例县人民政府办公室\n\n2026年3月6日\n\n（此件公开发布）" in body
    # headings one level below the page title, lists, tables, escaping
    assert "\n## 一、管理职责\n" in body and "\n### 二、工程清单\n" in body
    assert "\\*监督\\*" in body and "1\\. 这一段以数字和点开头" in body
    assert "- 水源保护\n- 水质检测" in body and "1. 提出申请\n2. 现场核查" in body
    assert "| 乡镇 | 工程数 | 受益人口 |\n|---|---|---|\n| 城关镇 | 12 | 3.2万 |" in body
    assert '<td colspan="2">合计</td>' in body
    # the image is an attachment beside the item
    assert done.images == ["图片1.png"]
    assert "![图片1](00001/图片1.png)" in body
    assert (done.item.path.parent / "00001" / "图片1.png").read_bytes() == png()


def test_imported_item_passes_check_and_renders(project, tmp_path):
    done = run(project, official_docx(tmp_path / "通知.docx", tmp_path), summary="规定农村供水工程的建设、运行和管护责任。")
    assert not done.item.blanks
    result = pipeline.build(project.root, TODAY)
    assert not errors(result.problems), [p.format() for p in errors(result.problems)]
    page = next(p for p in result.output.bulk_pages if p.path == f"gk/{CODE}-2026-00001/")
    assert '<img alt="图片1" src="00001/图片1.png"' in page.body and "<h2>一、管理职责</h2>" in page.body
    assert "<table>" in page.body and "<ul>" in page.body and "<ol>" in page.body
    assert any(a.path == f"gk/{CODE}-2026-00001/00001/图片1.png" for a in result.output.assets)


def test_doc_no_written_wrongly_is_corrected_and_chinese_date_read(project, tmp_path):
    done = run(project, official_docx(tmp_path / "a.docx", tmp_path, "示政办[2026]021号", "二〇二六年三月十六日"))
    text = done.item.path.read_text()
    assert "文号: 示政办〔2026〕21号" in text and "成文日期: 2026-03-16" in text
    assert any("示政办[2026]021号" in n and "六角括号" in n for n in done.notes)


def test_plain_document_leaves_marked_fields_that_block_publishing(project, tmp_path):
    doc = Document()
    para(doc, "关于秋季森林防火的几点提示")
    para(doc, "进入林区严禁携带火种。")
    doc.save(tmp_path / "提示.docx")
    done = run(project, tmp_path / "提示.docx", "其他文件")
    assert done.found == [] and "体裁: 其他" in done.item.path.read_text()
    assert done.item.blanks[:3] == ["标题", "发布机构全称", "成文日期"]
    _, problems = project.check()
    assert {p.field for p in problems if p.code == "placeholder"} == {"标题", "发布机构", "成文日期", "内容概述"}
    assert "关于秋季森林防火的几点提示" in done.item.path.read_text().split("\n---\n", 1)[1]


def test_secret_and_unreadable_documents_are_refused(project, tmp_path, capsys):
    doc = Document()
    para(doc, "机密★1年")
    para(doc, "示例县人民政府办公室文件", CENTER)
    doc.save(tmp_path / "密.docx")
    (tmp_path / "旧.docx").write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    for name, expect in (("密.docx", "涉密文件不得公开"), ("旧.docx", "另存为 .docx"), ("无.docx", "找不到这个文件")):
        code = wordimport.command([str(tmp_path / name), "--栏目", "其他文件", "--root", str(project.root)], TODAY)
        out = capsys.readouterr().out
        assert code == 1 and expect in out and "Traceback" not in out
    assert not list((project.root / "catalogue/items").rglob("*.md"))


def test_command_prints_what_was_found(project, tmp_path, capsys):
    path = official_docx(tmp_path / "通知.docx", tmp_path)
    assert wordimport.command([str(path), "--栏目", "规范性文件", "--root", str(project.root)], TODAY) == 0
    out = capsys.readouterr().out
    assert "已新建：catalogue/items/gfxwj/2026/00001.md" in out and "从文档中识别：标题、文号、成文日期、发布机构" in out
    assert "还需填写：内容概述" in out and "图片 1 张已存为附件" in out


# --- the publishing gate and #15 item 24 ----------------------------------------

def notice(title, text):
    """A short 公文: title, 主送机关, one paragraph, 署名 and 成文日期."""
    doc = Document()
    para(doc, title, CENTER)
    para(doc, "各乡镇人民政府，县政府各部门：")
    para(doc, text)
    para(doc, "示例县人民政府办公室", RIGHT)
    para(doc, "2026年3月6日", RIGHT)
    return doc


def marked_docx(path, mark="（此件依申请公开）", in_table=False):
    doc = notice("示例县人民政府办公室关于调整县政府领导工作分工的通知",
                 "根据工作需要，经县政府研究，现将县政府领导工作分工调整如下，请遵照执行。")
    if in_table:
        table = doc.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "公开属性", mark
    else:
        para(doc, mark)
    doc.save(path)
    return path


def test_disclosure_mark_sets_the_field_and_withholds_the_item(project, tmp_path):
    done = run(project, marked_docx(tmp_path / "分工.docx"), "其他文件", summary="调整县政府领导分工。")
    text = done.item.path.read_text()
    assert "公开方式: 依申请公开" in text and any("不在网站上发布" in n for n in done.notes)
    cat, problems = project.check()
    assert not errors(problems) and [i.title for i in cat.withheld] == [
        "示例县人民政府办公室关于调整县政府领导工作分工的通知"] and not cat.items
    # the clerk "fixes" the field by hand: the document's mark disagrees, an error
    done.item.path.write_text(text.replace("公开方式: 依申请公开", "公开方式: 主动公开"))
    assert [p.code for p in errors(project.check()[1])] == ["disclosure-mismatch"]


def test_issuing_form_field_and_withheld_reason_note(project, tmp_path):
    done = run(project, marked_docx(tmp_path / "稿纸.docx", "不予公开", in_table=True), "其他文件")
    assert "公开方式: 不予公开" in done.item.path.read_text()
    assert any("不予公开理由" in n for n in done.notes)


def test_marks_in_tables_and_headers_refuse_the_document(project, tmp_path, capsys):
    doc = Document()
    para(doc, "示例县人民政府办公室关于做好冬季安全生产工作的通知", CENTER)
    para(doc, "各乡镇人民政府，县政府各部门：现将有关事项通知如下，请认真贯彻落实。")
    doc.sections[0].header.paragraphs[0].text = "秘密★1年"
    doc.save(tmp_path / "页眉.docx")
    doc = Document()
    para(doc, "示例县人民政府办公室关于做好冬季安全生产工作的通知", CENTER)
    para(doc, "各乡镇人民政府，县政府各部门：现将有关事项通知如下，请认真贯彻落实。")
    doc.add_table(rows=1, cols=2).cell(0, 1).text = "内部"
    doc.save(tmp_path / "表格.docx")
    for name, place in (("页眉.docx", "页眉"), ("表格.docx", "表格")):
        assert wordimport.command([str(tmp_path / name), "--栏目", "其他文件", "--root", str(project.root)], TODAY) == 1
        out = capsys.readouterr().out
        assert f"文件{place}第1行有密级或内部标志" in out and "Traceback" not in out
    assert not list((project.root / "catalogue/items").rglob("*.md"))


def test_scanned_document_is_refused_alt_text_does_not_count(project, tmp_path, capsys):
    doc = Document()
    image = tmp_path / "扫描.png"
    image.write_bytes(png(40, 40))
    doc.add_picture(str(image))
    doc.add_picture(str(image))
    para(doc, "第1页")
    doc.save(tmp_path / "扫描件.docx")
    assert wordimport.command([str(tmp_path / "扫描件.docx"), "--栏目", "其他文件", "--root", str(project.root)],
                              TODAY) == 1
    out = capsys.readouterr().out
    assert "像是扫描件" in out and "只有图片（2张）" in out
    assert not list((project.root / "catalogue/items").rglob("*"))  # no item, no images saved


def test_same_document_imported_twice_names_the_existing_item(project, tmp_path, capsys):
    path = official_docx(tmp_path / "通知.docx", tmp_path)
    assert wordimport.command([str(path), "--栏目", "规范性文件", "--root", str(project.root)], TODAY) == 0
    capsys.readouterr()
    assert wordimport.command([str(path), "--栏目", "规范性文件", "--root", str(project.root)], TODAY) == 1
    out = capsys.readouterr().out
    assert "文号 示政办〔2026〕21号 已在 catalogue/items/gfxwj/2026/00001.md" in out
    other = marked_docx(tmp_path / "分工.docx", "（此件公开发布）")
    assert wordimport.command([str(other), "--栏目", "其他文件", "--root", str(project.root)], TODAY) == 0
    capsys.readouterr()
    renamed = tmp_path / "分工（重新导出）.docx"
    renamed.write_bytes(other.read_bytes())
    assert wordimport.command([str(renamed), "--栏目", "其他文件", "--root", str(project.root)], TODAY) == 1
    assert "正文与 catalogue/items/qtwj/2026/" in capsys.readouterr().out


def test_colophon_in_a_table_is_dropped(project, tmp_path):
    doc = notice("示例县人民政府办公室关于做好冬季安全生产工作的通知", "现将有关事项通知如下，请认真贯彻落实。")
    para(doc, "（此件公开发布）")
    table = doc.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "抄送：县委办公室，县人大常委会办公室。"
    table.cell(1, 0).text = "示例县人民政府办公室　　2026年3月6日印发"
    doc.save(tmp_path / "版记.docx")
    body = run(project, tmp_path / "版记.docx", "其他文件").item.path.read_text().split("\n---\n", 1)[1]
    assert "抄送" not in body and "印发" not in body and "此件公开发布" in body


def _font(run_, name):
    from docx.oxml.ns import qn
    run_.font.name = name
    run_._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def test_headings_set_in_heiti_and_kaiti_become_headings(project, tmp_path):
    doc = Document()
    para(doc, "示例县人民政府办公室关于做好冬季安全生产工作的通知", CENTER)
    para(doc, "各乡镇人民政府，县政府各部门：")
    _font(doc.add_paragraph().add_run("一、总体要求"), "黑体")
    para(doc, "坚持安全第一、预防为主。")
    _font(doc.add_paragraph().add_run("（一）压实责任"), "楷体_GB2312")
    para(doc, "各单位主要负责人是第一责任人。")
    para(doc, "二、这一行不是黑体，不是标题。")
    doc.save(tmp_path / "标题.docx")
    body = run(project, tmp_path / "标题.docx", "其他文件").item.path.read_text().split("\n---\n", 1)[1]
    assert "\n## 一、总体要求\n" in body and "\n### （一）压实责任\n" in body
    assert "\n二、这一行不是黑体，不是标题。\n" in body


def test_missing_column_is_a_chinese_message(project, tmp_path, capsys):
    path = official_docx(tmp_path / "通知.docx", tmp_path)
    assert wordimport.command([str(path), "--root", str(project.root)], TODAY) == 1
    out = capsys.readouterr().out
    assert "没有指定栏目" in out and "栏目=规范性文件" in out and "通知公告" in out and "required" not in out


def test_notice_column_default_topic_applies(project, tmp_path):
    run(project, marked_docx(tmp_path / "通知.docx", "（此件公开发布）"), "通知公告", summary="调整分工。")
    cat, problems = project.check()
    assert not errors(problems) and cat.items[0].topic == "综合政务\\其他"
