"""A minimal PDF written by hand, for tests: pages of paragraphs, each paragraph lines of text
set in Helvetica, a line apart, with a blank line's gap between paragraphs (as a typesetter
would leave), and a real cross-reference table so that any PDF reader opens it."""
from __future__ import annotations

LEADING = 14  # points from one line to the next


def _escape(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content(paragraphs: list[list[str]]) -> bytes:
    ops = ["BT", "/F1 11 Tf", f"{LEADING} TL", "72 760 Td"]
    for number, lines in enumerate(paragraphs):
        if number:
            ops.append("T*")  # the blank line between paragraphs
        for line in lines:
            ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def minimal_pdf(pages: list[list[list[str]]], *, title: str | None = None) -> bytes:
    """A PDF of `pages`, each a list of paragraphs, each a list of lines (latin-1 text)."""
    page_ids = [4 + 2 * n for n in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in page_ids)}] "
           f"/Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, paragraphs in zip(page_ids, pages, strict=True):
        stream = _content(paragraphs)
        objects[page_id] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_id + 1} 0 R >>").encode()
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    info_id = None
    if title is not None:
        info_id = max(objects) + 1
        objects[info_id] = f"<< /Title ({_escape(title)}) >>".encode("latin-1")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (max(objects) + 1)
    for number in range(1, max(objects) + 1):
        out += b"%010d 00000 n \n" % offsets[number]
    info = f" /Info {info_id} 0 R" if info_id else ""
    trailer = f"<< /Size {max(objects) + 1} /Root 1 0 R{info} >>"
    out += b"trailer\n" + trailer.encode() + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)
