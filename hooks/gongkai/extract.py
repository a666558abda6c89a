"""Plain text of attachments, for the inspection (personal information) and the search index.

PDF through pdfminer.six (it understands the CJK CMaps Chinese PDFs use),
DOCX through python-docx, XLSX through openpyxl. A file that cannot be read
gives empty text and a warning, never a failed build.
"""
from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path

from .cache import write_whole

log = logging.getLogger("gongkai.extract")
CACHE_DIR = "build/cache/attachment-text"     # extracted text, keyed by path, size and mtime


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


def docx_parts(path: Path) -> list[tuple[str, str]]:
    """(place, text) of a .docx file, for naming where the inspection found something; [] if unreadable."""
    try:
        return _docx_parts(path.read_bytes())
    except Exception:  # noqa: BLE001 - the caller reports the unreadable file once
        return []


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


def text_of(path: Path) -> str | None:
    """Text of a file, or None when the type is not indexed or it cannot be read."""
    reader = READERS.get(path.suffix.lower().lstrip("."))
    if reader is None:
        return None
    try:
        return " ".join(reader(path.read_bytes()).split())
    except Exception as exc:  # noqa: BLE001 - a damaged attachment must not stop the build
        log.warning("无法读取附件 %s 的文字（%s），该附件不进入全文检索。", path, type(exc).__name__)
        return None


def cached_text(root: Path, path: Path) -> str | None:
    """text_of with a cache under root/CACHE_DIR: PDF extraction is slow and files rarely change."""
    st = path.stat()
    key = hashlib.sha1(f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    cache = root / CACHE_DIR / key
    if cache.with_suffix(".none").exists():
        return None
    if cache.with_suffix(".txt").exists():
        return cache.with_suffix(".txt").read_text(encoding="utf-8")
    text = text_of(path)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            cache.with_suffix(".none").touch()
        else:
            write_whole(cache.with_suffix(".txt"), text.encode("utf-8"))
    except OSError:
        pass                                      # a read-only checkout: no cache, same result
    return text
