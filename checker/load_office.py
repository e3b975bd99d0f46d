"""Text of PDF (pypdf) and Word .docx (python-docx) files as paragraphs, blank lines between them.

Chunking and sentence offsets read a blank line as a paragraph break, so each extractor keeps
one: a Word paragraph or table row is one paragraph; in a PDF, where paragraphs exist only as
vertical gaps, a gap of a blank line or more is one, and each page ends one (the lines inside
one are joined: a line break would end a sentence). A file either
parser refuses raises `UnreadableDocument` with one line to show.
"""
from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

# pypdf and python-docx are imported where used: most corpora hold neither kind of file.
if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_DOCUMENT_PART = "word/document.xml"
# pypdf logs what it repairs in a damaged file; unconfigured, Python would print each to stderr,
# where checker prints one line per problem. What it could not repair is an UnreadableDocument.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


class UnreadableDocument(Exception):
    """A PDF or Word file whose text cannot be read; `reason` is the load problem's reason."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def paragraphs_text(paragraphs: Iterable[str], *, unwrap: bool = False) -> str:
    """Paragraphs with spaces collapsed on each line, blank lines between them, empty ones dropped.
    With `unwrap`, a paragraph's lines are one line: a PDF breaks lines only where the page
    ends, and a line break would end a sentence."""
    kept = []
    for paragraph in paragraphs:
        lines = [" ".join(line.split()) for line in paragraph.split("\n")]
        block = _unwrapped(lines) if unwrap else "\n".join(line for line in lines if line)
        if block:
            kept.append(block)
    return "\n\n".join(kept)


def _unwrapped(lines: list[str]) -> str:
    text = ""
    for line in filter(None, lines):
        # "cross-" + "border": a hyphen at the end of a line joins, without a space.
        text += line if not text or text.endswith("-") else " " + line
    return text


def extract_pdf(data: bytes) -> tuple[str, dict[str, str | None]]:
    """(the text of every page, {"title": the document's own title, if any})."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("PDF is encrypted with a password", reason="encrypted")
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except UnreadableDocument:
        raise
    except Exception as err:  # a malformed file can fail anywhere inside the parser
        raise UnreadableDocument(f"not a readable PDF ({first_line(err)})", reason="bad-pdf") from None
    # Layout mode leaves a blank line where the page leaves a line's gap: a paragraph break.
    blocks = [block for page in pages for block in page.split("\n\n")]
    return paragraphs_text(blocks, unwrap=True), {"title": title if isinstance(title, str) else None}


def extract_docx(data: bytes, *, max_bytes: int) -> tuple[str, dict[str, str | None]]:
    """(the text of the body's paragraphs and table rows in order, {"title": the core title})."""
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = archive.getinfo(_DOCUMENT_PART).file_size
        if size > max_bytes:  # a few KB of zip can inflate to gigabytes
            raise UnreadableDocument(f"its text unpacks to {size:,} bytes, more than the "
                                     f"{max_bytes:,} allowed", reason="too-large")
        document = docx.Document(io.BytesIO(data))
        blocks = [block for item in document.iter_inner_content() for block in _blocks(item)]
        title = document.core_properties.title
    except UnreadableDocument:
        raise
    except Exception as err:  # not a zip, no document part, or malformed XML
        raise UnreadableDocument(f"not a readable Word .docx file ({first_line(err)})",
                                 reason="bad-docx") from None
    return paragraphs_text(blocks), {"title": title or None}


def _blocks(item: Paragraph | Table) -> list[str]:
    """A paragraph's text (a line break inside it is "\n"), or one block per table row."""
    from docx.text.paragraph import Paragraph

    if isinstance(item, Paragraph):
        return [item.text]
    rows = []
    for row in item.rows:
        cells: list[str] = []
        for cell in row.cells:
            if not cells or cell.text != cells[-1]:  # a merged cell repeats in every column it spans
                cells.append(cell.text)
        rows.append(" | ".join(" ".join(cell.split()) for cell in cells))
    return rows


def first_line(err: BaseException) -> str:
    """An exception as one line to show: its message's first line, else its type."""
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__
