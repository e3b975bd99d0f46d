"""Chunks are exact, budgeted slices that cover the text, cut at the coarsest boundary that fits."""
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.chunk import DEFAULT_MAX_TOKENS, chunk_document
from checker.errors import ConfigurationError
from checker.tokens import count_tokens
from checker.types import Chunk

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
ARTICLES = sorted(CORPUS.glob("*.txt"))
BLANK_LINE = re.compile(r"\n[ \t]*\n")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")


@dataclass(frozen=True)
class Doc:
    id: str
    text: str


def read_article(path: Path) -> Doc:
    # Bytes decoded as-is: read_text would translate newlines and shift offsets.
    return Doc(path.stem, path.read_bytes().decode("utf-8"))


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, split on blank lines, without outer whitespace."""
    cuts = [0] + [pos for brk in BLANK_LINE.finditer(text) for pos in brk.span()] + [len(text)]
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=True):
        body = text[start:end]
        if body.strip():
            spans.append((start + len(body) - len(body.lstrip()), start + len(body.rstrip())))
    return spans


def check_invariants(doc: Doc, chunks: list[Chunk], max_tokens: int, overlap_tokens: int) -> None:
    text = doc.text
    for index, chunk in enumerate(chunks):
        assert chunk.text == text[chunk.start:chunk.end]
        assert chunk.text and chunk.text == chunk.text.strip(), "outer whitespace"
        assert chunk.tokens == count_tokens(chunk.text) <= max_tokens
        assert (chunk.doc_id, chunk.index, chunk.id) == (doc.id, index, f"{doc.id}#{index}")
    covered = bytearray(len(text))
    for chunk in chunks:
        covered[chunk.start:chunk.end] = b"\1" * (chunk.end - chunk.start)
    missed = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]
    assert not missed, f"characters in no chunk at {missed[:5]}"
    for before, after in itertools.pairwise(chunks):
        assert before.start < after.start and before.end < after.end
        if overlap_tokens == 0:
            assert before.end <= after.start
        elif after.start < before.end:
            assert count_tokens(text[after.start:before.end]) <= overlap_tokens


FRAGMENTS = ["The minister said", "no.", "Really?", "Yes!", "Wait…", "“Quoted.”", "(aside.)",
             "3.5", "U.S.", "naïve", "e\u0301\u0301", "👍🏽", "👨‍👩‍👧", "漢字かな", "<|endoftext|>",
             "<|fim_prefix|>", "x" * 120, "ab" * 300, "😀é" * 80]
SEPARATORS = [" ", "  ", "\n", "\n\n", "\n \n", "\r\n\r\n", "\t", "\u00a0", "\u3000", "\n\n\n"]
long_words = st.text(st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")),
                     min_size=30, max_size=300)
words = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12), long_words)
texts = st.builds(lambda lead, parts: lead + "".join(w + s for w, s in parts),
                  st.sampled_from(["", " ", "\n\n"]),
                  st.lists(st.tuples(words, st.sampled_from(SEPARATORS)), max_size=40))
budgets = st.integers(min_value=5, max_value=300)
fast = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@fast
@given(text=texts, max_tokens=budgets)
def test_chunks_without_overlap_are_exact_disjoint_and_cover_the_text(text, max_tokens):
    doc = Doc("doc", text)
    chunks = chunk_document(doc, max_tokens=max_tokens)
    check_invariants(doc, chunks, max_tokens, 0)
    assert chunk_document(doc, max_tokens=max_tokens) == chunks


@fast
@given(text=texts, max_tokens=budgets, data=st.data())
def test_overlap_repeats_no_more_than_overlap_tokens(text, max_tokens, data):
    overlap_tokens = data.draw(st.integers(min_value=1, max_value=max_tokens - 1))
    doc = Doc("doc", text)
    chunks = chunk_document(doc, max_tokens=max_tokens, overlap_tokens=overlap_tokens)
    check_invariants(doc, chunks, max_tokens, overlap_tokens)
    assert chunk_document(doc, max_tokens=max_tokens, overlap_tokens=overlap_tokens) == chunks


@pytest.mark.parametrize("text", ["", " ", "\n\n \t\r\n", "\u00a0\u3000"])
def test_blank_text_gives_no_chunks(text):
    assert chunk_document(Doc("doc", text)) == []


def test_short_text_is_one_chunk_without_its_outer_whitespace():
    text = "\n  Musk denied it.\n\nBremer did not.  \n"
    assert chunk_document(Doc("a", text)) == [
        Chunk(doc_id="a", index=0, start=3, end=35, text=text[3:35],
              tokens=count_tokens(text[3:35]))]


def test_long_multibyte_word_splits_between_characters():
    # Each emoji is two tokens whose boundary falls inside the character's UTF-8 bytes.
    word = "😀é漢" * 200
    chunks = chunk_document(Doc("w", word), max_tokens=5)
    check_invariants(Doc("w", word), chunks, 5, 0)
    assert "".join(c.text for c in chunks) == word


def test_special_token_strings_are_chunked_as_text():
    text = "<|endoftext|> " * 50 + "<|endoftext|>" * 50
    chunks = chunk_document(Doc("s", text), max_tokens=10)
    check_invariants(Doc("s", text), chunks, 10, 0)


def test_overlap_repeats_whole_sentences_of_the_previous_tail():
    numbers = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    text = " ".join(f"Sentence {n} ends here." for n in numbers)
    # Each sentence is 4 or 5 tokens: 20 hold four sentences, 8 tokens of overlap hold one.
    chunks = chunk_document(Doc("o", text), max_tokens=20, overlap_tokens=8)
    assert [c.text for c in chunks] == [
        "Sentence one ends here. Sentence two ends here. Sentence three ends here. "
        "Sentence four ends here.",
        "Sentence four ends here. Sentence five ends here. Sentence six ends here. "
        "Sentence seven ends here.",
        "Sentence seven ends here. Sentence eight ends here. Sentence nine ends here. "
        "Sentence ten ends here.",
    ]


def test_over_long_paragraph_splits_after_sentence_punctuation_and_closing_quotes():
    text = ("“Is it over?” he asked the crowd. Nobody in the hall knew… Then came the silence! "
            "(It was very late.) The end")
    chunks = chunk_document(Doc("s", text), max_tokens=6)
    assert [c.text for c in chunks] == ["“Is it over?”", "he asked the crowd.",
                                        "Nobody in the hall knew…", "Then came the silence!",
                                        "(It was very late.)", "The end"]


def test_chunks_are_packed_full():
    # " word" is one token, so 95 words under a budget of 10 make nine full chunks and a rest.
    chunks = chunk_document(Doc("p", " ".join(["word"] * 95)), max_tokens=10)
    assert [c.tokens for c in chunks] == [10] * 9 + [5]


def lumpy_count(text: str) -> int:
    """A stand-in tokenizer whose count of joined pieces exceeds the sum of their counts."""
    body = text.strip()
    return len(body) + len(re.findall(r"\s+", body))


def test_packing_verifies_real_counts_when_the_estimate_is_low(monkeypatch):
    monkeypatch.setattr("checker.chunk.count_tokens", lumpy_count)
    text = " ".join(["ab"] * 30)
    # Estimated as 2 per word, "ab ab ab" really counts 8: chunks and overlaps must use the latter.
    chunks = chunk_document(Doc("l", text), max_tokens=12, overlap_tokens=4)
    assert all(c.tokens == lumpy_count(c.text) <= 12 for c in chunks)
    # Three words (10) per chunk, repeating one word (2): two words would count 6.
    spans = [(6 * i, 6 * i + 8) for i in range(14)] + [(84, 89)]
    assert [(c.start, c.end) for c in chunks] == spans


def test_character_larger_than_the_budget_is_a_configuration_error():
    with pytest.raises(ConfigurationError) as raised:
        chunk_document(Doc("e", "ok 😀"), max_tokens=1)
    assert raised.value.setting == "max_tokens" and raised.value.value == 1
    assert "offset 3" in str(raised.value)


@pytest.mark.parametrize("max_tokens, overlap_tokens, setting", [
    (0, 0, "max_tokens"), (-5, 0, "max_tokens"), (1.5, 0, "max_tokens"), (True, 0, "max_tokens"),
    ("1500", 0, "max_tokens"), (10, -1, "overlap_tokens"), (10, 10, "overlap_tokens"),
    (10, 11, "overlap_tokens"), (10, 2.0, "overlap_tokens"), (1, 1, "overlap_tokens"),
])
def test_bad_budget_is_a_configuration_error(max_tokens, overlap_tokens, setting):
    with pytest.raises(ConfigurationError) as raised:
        chunk_document(Doc("d", "text"), max_tokens=max_tokens, overlap_tokens=overlap_tokens)
    error = raised.value
    assert error.setting == setting
    assert error.value == (max_tokens if setting == "max_tokens" else overlap_tokens)
    assert setting in str(error)


def test_corpus_is_present():
    assert len(ARTICLES) == 5


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.stem)
def test_default_budget_keeps_each_article_that_fits_whole(path):
    doc = read_article(path)
    chunks = chunk_document(doc)
    check_invariants(doc, chunks, DEFAULT_MAX_TOKENS, 0)
    whole = doc.text.strip()
    if count_tokens(whole) <= DEFAULT_MAX_TOKENS:
        assert [c.text for c in chunks] == [whole]
    else:
        # 003 is 1541 tokens: it may split, but only between paragraphs.
        ends = {end for _, end in paragraphs(doc.text)}
        assert len(chunks) == 2 and all(c.end in ends for c in chunks)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.stem)
def test_small_budget_breaks_at_paragraphs_then_sentences(path):
    doc = read_article(path)
    chunks = chunk_document(doc, max_tokens=200)
    check_invariants(doc, chunks, 200, 0)
    assert len(chunks) > 1
    for chunk in chunks:
        start, end = next(span for span in paragraphs(doc.text) if span[0] < chunk.end <= span[1])
        if count_tokens(doc.text[start:end]) <= 200:
            # The paragraph fits, so the chunk ends with it, right before a blank line.
            assert chunk.end == end and chunk.start <= start
        else:
            assert SENTENCE_END.search(chunk.text), "a cut inside a paragraph ends a sentence"
    if len(paragraphs(doc.text)) > 1:
        assert any(BLANK_LINE.match(doc.text, c.end) for c in chunks), "none ends at a blank line"


def test_large_document_keeps_every_invariant():
    text = "\n\n".join(read_article(path).text for path in ARTICLES) * 20
    doc = Doc("big", text)
    check_invariants(doc, chunk_document(doc), DEFAULT_MAX_TOKENS, 0)
    check_invariants(doc, chunk_document(doc, max_tokens=300, overlap_tokens=60), 300, 60)
