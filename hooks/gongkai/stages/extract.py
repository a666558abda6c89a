"""Plain text of attachments, for the inspection (personal information) and the search index.

PDF through pdfminer.six (it understands the CJK CMaps Chinese PDFs use),
DOCX through python-docx, XLSX through openpyxl. A file that cannot be read
gives empty text and a warning, never a failed build. The load stage reads the files and keeps
their text in the build cache by content hash; this module only turns bytes into text.
"""
from __future__ import annotations

import io
import logging

log = logging.getLogger("gongkai.extract")


def _pdf(data: bytes) -> str:
    from pdfminer.high_level import extract_text
    return extract_text(io.BytesIO(data))


def _docx_parts(data: bytes) -> list[tuple[str, str]]:
    """(place, text) of a Word document: 正文, 表格, 页眉, 页脚."""
    from docx import Document
    doc = Document(io.BytesIO(data))
    parts = [("正文", "\n".join(p.text for p in doc.paragraphs))]
    rows = [" ".join(cell.text for cell in row.cells) for table in doc.tables for row in table.rows]
    parts.append(("表格", "\n".join(rows)))
    for n, section in enumerate(doc.sections, 1):
        for place, part in (("页眉", section.header), ("页脚", section.footer),
                            ("首页页眉", section.first_page_header), ("首页页脚", section.first_page_footer)):
            if part.is_linked_to_previous and n > 1:
                continue
            text = "\n".join([p.text for p in part.paragraphs] +
                             [" ".join(c.text for c in row.cells) for t in part.tables for row in t.rows])
            if text.strip():
                parts.append((place, text))
    return [(place, text) for place, text in parts if text.strip()]


def _docx(data: bytes) -> str:
    return "\n".join(text for _, text in _docx_parts(data))


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    parts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            parts.append(" ".join(str(v) for v in row if v is not None))
    return "\n".join(parts)


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "txt": lambda d: d.decode("utf-8", "replace"),
           "csv": lambda d: d.decode("utf-8-sig", "replace")}


def extract(data: bytes, name: str) -> tuple[str | None, list[tuple[str, str]]]:
    """(text, parts) of a file's bytes: the text is None when the type is not read or the file cannot be
    read; parts are a .docx's (place, text), [] for other types."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    reader = READERS.get(ext)
    if reader is None:
        return None, []
    try:
        parts = _docx_parts(data) if ext == "docx" else []
        text = "\n".join(t for _, t in parts) if ext == "docx" else reader(data)
        return " ".join(text.split()), parts
    except Exception as exc:  # noqa: BLE001 - a damaged attachment must not stop the build
        log.warning("无法读取附件 %s 的文字（%s），该附件不进入全文检索。", name, type(exc).__name__)
        return None, []
