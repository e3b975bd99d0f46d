"""PDF and Word files load as paragraphs (blank lines between them), from real files made here."""
from __future__ import annotations

from pathlib import Path

import docx
from pdf_writer import minimal_pdf

from checker.chunk import chunk_document
from checker.load import load_documents
from checker.sentences import sentence_spans

BRIDGE = [["The Old Mill bridge closed on 3 March after engineers",
           "found cracks in two of its supports, the council said."],
          ["Council leader Maria Grant said the bridge would stay",
           "shut \"for at least six weeks\" (while repairs are planned)."]]
SECOND_PAGE = [["About 4,000 vehicles cross it every day."]]


def test_a_pdf_loads_its_pages_as_paragraphs_with_its_title(tmp_path):
    path = tmp_path / "bridge.pdf"
    path.write_bytes(minimal_pdf([BRIDGE, SECOND_PAGE], title="Bridge closes"))
    doc = load_documents([path]).documents[0]
    assert doc.text == (
        "The Old Mill bridge closed on 3 March after engineers "
        "found cracks in two of its supports, the council said.\n\n"
        "Council leader Maria Grant said the bridge would stay "
        "shut \"for at least six weeks\" (while repairs are planned).\n\n"
        "About 4,000 vehicles cross it every day.")
    assert (doc.id, doc.title, doc.origins["title"]) == ("bridge", "Bridge closes", "pdf-meta")


def test_paragraph_breaks_from_a_pdf_are_the_ones_sentences_and_chunks_use(tmp_path):
    path = tmp_path / "bridge.pdf"
    path.write_bytes(minimal_pdf([BRIDGE, SECOND_PAGE]))
    doc = load_documents([path]).documents[0]
    sentences = [doc.text[start:end] for start, end in sentence_spans(doc.text)]
    assert sentences[0] == ("The Old Mill bridge closed on 3 March after engineers "
                            "found cracks in two of its supports, the council said.")
    assert sentences[-1] == "About 4,000 vehicles cross it every day."
    chunks = chunk_document(doc, max_tokens=30)  # a paragraph each: chunks end at paragraph breaks
    assert [c.text for c in chunks] == doc.text.split("\n\n")


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.core_properties.title = "Bridge closes after inspection"
    document.add_heading("Millbrook bridge closes", level=1)
    document.add_paragraph("The Old Mill bridge closed on 3 March, the council said.")
    paragraph = document.add_paragraph("Council leader Maria Grant said it would stay shut.")
    paragraph.add_run().add_break()
    paragraph.add_run("Repairs are being planned.")
    document.add_paragraph("")  # an empty paragraph is no paragraph
    table = document.add_table(rows=2, cols=2)
    for row, (what, count) in enumerate([("Vehicles a day", "4,000"), ("Weeks shut", "six")]):
        table.cell(row, 0).text, table.cell(row, 1).text = what, count
    document.add_paragraph("Businesses said trade had fallen.")
    document.save(path)
    return path


def test_a_word_file_loads_paragraphs_and_table_rows_in_order_with_its_title(tmp_path):
    doc = load_documents([make_docx(tmp_path / "bridge.docx")]).documents[0]
    assert doc.text == (
        "Millbrook bridge closes\n\n"
        "The Old Mill bridge closed on 3 March, the council said.\n\n"
        "Council leader Maria Grant said it would stay shut.\nRepairs are being planned.\n\n"
        "Vehicles a day | 4,000\n\nWeeks shut | six\n\n"
        "Businesses said trade had fallen.")
    assert (doc.title, doc.origins["title"]) == ("Bridge closes after inspection", "docx-meta")


def test_broken_pdf_and_word_files_are_one_line_problems_beside_good_documents(tmp_path):
    (tmp_path / "story.txt").write_text("A story that loads. It does.")
    (tmp_path / "cut.pdf").write_bytes(minimal_pdf([BRIDGE])[:200])
    (tmp_path / "fake.docx").write_bytes(b"PK\x03\x04 not really a zip")
    result = load_documents([tmp_path])
    assert [d.id for d in result.documents] == ["story"]
    assert [(Path(p.path).name, p.reason) for p in result.problems] == [
        ("cut.pdf", "bad-pdf"), ("fake.docx", "bad-docx")]
    assert all("\n" not in p.message and p.path in p.message for p in result.problems)


def test_a_word_file_whose_text_inflates_past_the_limit_is_refused(tmp_path):
    document = docx.Document()
    document.add_paragraph("bridge " * 100_000)  # compresses to almost nothing
    document.save(tmp_path / "big.docx")
    (tmp_path / "story.txt").write_text("A story that loads. It does.")
    limit = (tmp_path / "big.docx").stat().st_size
    result = load_documents([tmp_path], max_file_bytes=limit)
    problem, = result.problems
    assert problem.reason == "too-large" and f"more than the {limit:,} allowed" in problem.message
