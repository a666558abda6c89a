"""The Art. 29 application form: the rows shared by the printable page and
the DOCX generated at build time (part of render)."""
from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

APPLICANT = ("申请人类型（□公民　□法人或者其他组织）", "姓名或者名称", "身份证明（证件名称及号码，或统一社会信用代码）",
             "联系人", "联系电话", "通信地址及邮政编码", "电子邮箱")
REQUEST = ("所需政府信息的名称", "文号（如知道）", "便于查询的其他特征性描述")
DELIVERY = (("提供形式", ("纸质", "电子邮件", "光盘", "其他")),
            ("获取方式", ("邮寄", "电子邮件", "当面领取", "传真")))
NOTE = ("填写说明：依据《中华人民共和国政府信息公开条例》第二十九条，申请应当包括申请人的姓名或者名称、身份证明、"
        "联系方式；申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述；申请公开的政府信息的形式要求，"
        "包括获取信息的方式、途径。一份申请表只填写一项政府信息为宜。申请人提供的个人信息仅用于办理本申请。")
ROWS = {"applicant": APPLICANT, "request": REQUEST, "delivery": DELIVERY}


def docx(site) -> bytes:
    """The application form as a Word document addressed to the site's body."""
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    doc.core_properties.title = "政府信息公开申请表"
    doc.core_properties.author = site.body_name
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("政府信息公开申请表")
    run.bold, run.font.size = True, Pt(18)
    doc.add_paragraph(f"受理机关：{site.body_name}　　　　编号（由受理机关填写）：")
    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"

    def group(label: str, rows):
        first = None
        for i, row in enumerate(rows):
            cells = table.add_row().cells
            cells[1].text = row if isinstance(row, str) else row[0]
            if not isinstance(row, str):
                cells[2].text = "　".join("□" + o for o in row[1])
            first = first or cells[0]
            if i == len(rows) - 1:
                first.merge(cells[0]).text = label

    group("申请人信息", APPLICANT)
    group("所需政府信息", REQUEST)
    group("获取信息的方式", DELIVERY)
    cells = table.add_row().cells
    cells[0].merge(cells[1]).text = "申请人签名（盖章）"
    cells[2].text = "\n\n　　　　年　　月　　日"
    doc.add_paragraph(NOTE)
    doc.add_paragraph(f"受理地址：{site.office_address}　电话：{site.office_phone}　传真：{site.office_fax}")
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def stable_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX) with fixed timestamps so identical input gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type, fixed.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
