"""Quote alignment against the real corpus: every level, windows, and typographic perturbations."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.align import FULL_SCAN_LIMIT, MAX_ELISION_GAP, Alignment, align_quote, normalize_with_map

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
DOCS = [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.txt"))]
DOC_WORDS = [[m.span() for m in re.finditer(r"\S+", doc)] for doc in DOCS]

MUSK = DOCS[0]  # the WSJ story; spells "Muskʼs" with U+02BC
BREMMER = DOCS[4]  # the Daily Caller story; curly quotes and "—" throughout

APOSTROPHES = "'’‘ʼ‛′`´"
DOUBLE_QUOTES = '"“”„«»″'
DASHES = "-‐‑‒–—―−"
SPACES = [" ", "  ", "\n", "\n\n", "\u00a0", "\u2009", " \t ", "\u3000"]

EXAMPLES = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def span_of(alignment: Alignment | None, text: str) -> str:
    """The aligned text, after checking the invariants every alignment must keep."""
    assert alignment is not None
    assert 0 <= alignment.start < alignment.end <= len(text)
    span = text[alignment.start:alignment.end]
    assert span == span.strip(), f"outer whitespace in {span!r}"
    return span


def normalized(text: str) -> str:
    return normalize_with_map(text)[0]


# --- exact --------------------------------------------------------------------------------------

def test_exact_returns_the_verbatim_span():
    quote = "Musk has developed deep business ties with the US military"
    found = align_quote(quote, MUSK)
    assert span_of(found, MUSK) == quote
    assert (found.level, found.score) == ("exact", 1.0)
    assert found.start == MUSK.index(quote)


def test_exact_takes_the_first_occurrence_and_ignores_outer_whitespace():
    text = "Putin said no. Later, Putin said no again."
    found = align_quote("  Putin said no \n", text)
    assert (found.start, found.end, found.level) == (0, 13, "exact")


# --- normalized ---------------------------------------------------------------------------------

def test_modifier_apostrophe_matches_a_straight_one():
    found = align_quote("Musk's Kremlin contacts", MUSK)
    assert span_of(found, MUSK) == "Muskʼs Kremlin contacts"
    assert (found.level, found.score) == ("normalized", 1.0)


def test_straight_apostrophe_in_text_matches_a_curly_quote():
    text = "He said the States don't like it."
    assert span_of(align_quote("don’t like it", text), text) == "don't like it"


def test_dashes_whitespace_and_case_are_folded():
    text = ("Putin said these were goals\u00a0he would accomplish “no matter what”—the\n"
            "alternative being escalation.")
    quote = 'GOALS he  would accomplish "No Matter What"-the alternative'
    found = align_quote(quote, text)
    assert span_of(found, text) == "goals\u00a0he would accomplish “no matter what”—the\nalternative"
    assert found.level == "normalized"


def test_outer_quote_marks_of_the_quote_are_ignored_when_the_text_lacks_them():
    text = "Musk wrote: I only spoke to Putin once, and that was long ago."
    found = align_quote('  “I only spoke to Putin once,”  ', text)
    assert span_of(found, text) == "I only spoke to Putin once,"


def test_outer_quote_marks_stay_in_the_span_when_the_text_has_them():
    text = 'Musk wrote: "I only spoke to Putin once." Then he left.'
    found = align_quote("“I only spoke to Putin once.”", text)
    assert span_of(found, text) == '"I only spoke to Putin once."'


def test_unicode_ellipsis_and_three_dots_are_equivalent():
    text = "He paused… then said it was space talk."
    assert span_of(align_quote("paused... then said", text), text) == "paused… then said"
    text = "He paused... then said it was space talk."
    assert span_of(align_quote("paused… then said", text), text) == "paused... then said"


def test_ellipsis_inside_a_quote_spans_from_the_first_part_to_the_last():
    quote = "Musk has developed deep business ties … through his company SpaceX"
    found = align_quote(quote, MUSK)
    span = span_of(found, MUSK)
    assert span.startswith("Musk has developed deep business ties")
    assert span.endswith("through his company SpaceX")
    assert found.level == "normalized"


def test_elided_parts_must_lie_within_the_gap():
    filler = "word " * (MAX_ELISION_GAP // 5 + 10)
    text = f"Alpha begins here. {filler}Omega ends here."
    assert align_quote("Alpha begins here … Omega ends here", text) is None
    near = "Alpha begins here. A short aside. Omega ends here."
    assert span_of(align_quote("Alpha begins here … Omega ends here", near), near) == (
        "Alpha begins here. A short aside. Omega ends here")


def test_leading_ellipsis_is_ignored():
    found = align_quote("…the talks between Musk and Putin", MUSK)
    assert span_of(found, MUSK) == "The talks between Musk and Putin"


def test_case_folding_with_longer_lowercase_keeps_offsets():
    text = "Vom İSTANBUL Büro: Die Straße war leer."
    found = align_quote("die STRASSE war", text)
    assert span_of(found, text) == "Die Straße war"
    found = align_quote("büro: die", text)
    assert span_of(found, text) == "Büro: Die"
    found = align_quote("İstanbul büro", text)
    assert span_of(found, text) == "İSTANBUL Büro"


def test_invisible_characters_are_ignored():
    text = "the bil\u00adlion\u200baire most likely has access"
    found = align_quote("billionaire most likely", text)
    assert span_of(found, text) == "bil\u00adlion\u200baire most likely"


# --- fuzzy --------------------------------------------------------------------------------------

def test_fuzzy_finds_a_quote_with_typos():
    quote = "Musk has developd deep busines ties with the US military"
    found = align_quote(quote, MUSK)
    assert span_of(found, MUSK) == "Musk has developed deep business ties with the US military"
    assert found.level == "fuzzy"
    assert 0.9 <= found.score < 1.0


def test_fuzzy_snaps_outward_to_whole_words():
    quote = "usk has developed deep business ties with the US militar"
    found = align_quote(quote.replace("deep", "deap"), MUSK)
    assert span_of(found, MUSK) == "Musk has developed deep business ties with the US military"


def test_fuzzy_below_min_score_is_rejected():
    quote = "Musk has develoqed deeq businezs ties with the UZ military"
    assert align_quote(quote, MUSK, min_score=0.99) is None
    assert align_quote(quote, MUSK, min_score=0.8).level == "fuzzy"


def test_fuzzy_in_a_large_window_uses_anchors():
    filler = "\n\n".join(DOCS[:4]) * (FULL_SCAN_LIMIT // 10_000 + 3)
    text = filler + "\n\n" + BREMMER
    quote = "SpaceX and the Kremlin did not immediatly respond to the DCNF's request for coment."
    found = align_quote(quote, text)
    assert span_of(found, text) == (
        "SpaceX and the Kremlin did not immediately respond to the DCNF’s request for comment.")
    assert found.level == "fuzzy"


def test_without_anchors_only_a_small_window_is_scanned():
    garbled = "Sbacex amd tge Krenlin dud bot inmediately"
    small = BREMMER
    assert span_of(align_quote(garbled, small, min_score=0.75), small).startswith("SpaceX and the Kremlin")
    large = "\n\n".join(DOCS[:4]) * (FULL_SCAN_LIMIT // 10_000 + 3) + "\n\n" + BREMMER
    assert align_quote(garbled, large, min_score=0.75) is None


# --- windows, absence, bad input ----------------------------------------------------------------

def test_window_offsets_are_into_the_full_text():
    sentence = "Musk has developed deep business ties"
    first = MUSK.index(sentence)
    for quote, level in [(sentence, "exact"), (sentence.upper(), "normalized"),
                         ("Musk has develoed deep busines ties", "fuzzy")]:
        found = align_quote(quote, MUSK, start=first - 50, end=first + 200)
        assert (found.start, found.level) == (first, level)
        assert span_of(found, MUSK) == sentence


def test_quote_outside_the_window_is_not_found():
    sentence = "Musk has developed deep business ties"
    first = MUSK.index(sentence)
    assert align_quote(sentence, MUSK, start=first + len(sentence)) is None
    assert align_quote(sentence.upper(), MUSK, end=first) is None
    # Cut by the window: only a fuzzy match of the part inside could remain, and 1.0 forbids it.
    assert align_quote(sentence, MUSK, start=first + 1, min_score=1.0) is None
    assert align_quote(sentence, MUSK, end=first + len(sentence) - 1, min_score=1.0) is None


def test_absent_quotes_and_empty_quotes_return_none():
    assert align_quote("The Kremlin confirmed a meeting in Moscow last spring.", MUSK) is None
    assert align_quote("", MUSK) is None
    assert align_quote(" \n\u00a0 ", MUSK) is None
    assert align_quote("“”", MUSK) is None
    assert align_quote("anything", "") is None


@pytest.mark.parametrize("window", [dict(start=-1), dict(start=10, end=5), dict(end=10**9),
                                    dict(start=10**9)])
def test_invalid_windows_raise(window):
    with pytest.raises(ValueError):
        align_quote("Musk", MUSK, **window)


def test_invalid_min_score_and_level_raise():
    with pytest.raises(ValueError):
        align_quote("Musk", MUSK, min_score=90)
    with pytest.raises(ValueError):
        Alignment(0, 1, "approximate", 1.0)


# --- normalize_with_map -------------------------------------------------------------------------

def test_normalize_with_map_examples():
    assert normalize_with_map("A\u00a0\n “B”—c…") == ("a \"b\"-c...", [0, 1, 4, 5, 6, 7, 8, 9, 9, 9])
    assert normalize_with_map("İx") == ("i\u0307x", [0, 0, 1])
    assert normalize_with_map("") == ("", [])


@EXAMPLES
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(
    APOSTROPHES + DOUBLE_QUOTES + DASHES + "…ßİ\u00ad\u200b" + "".join(SPACES)), max_size=60))
def test_normalize_with_map_points_each_char_at_its_source(text):
    norm, index_map = normalize_with_map(text)
    assert len(index_map) == len(norm)
    assert index_map == sorted(index_map)
    for char, origin in zip(norm, index_map, strict=True):
        source = text[origin]
        assert char in source.casefold() or (char == " " and source.isspace()) or char in "'\"-."
    assert not re.search(r"\s\s", norm)


# --- properties on the corpus -------------------------------------------------------------------

@st.composite
def corpus_spans(draw, min_words: int, max_words: int) -> tuple[str, int, int]:
    """A word-aligned span of one corpus article: (text, start, end)."""
    doc = draw(st.integers(0, len(DOCS) - 1))
    words = DOC_WORDS[doc]
    count = draw(st.integers(min_words, max_words))
    first = draw(st.integers(0, len(words) - count))
    return DOCS[doc], words[first][0], words[first + count - 1][1]


def perturb(quote: str, rng) -> str:
    """The same words as a model might echo them: other quote marks, dashes, spacing and case."""
    out = []
    for piece in re.split(r"(\s+)", quote):
        if piece.isspace():
            out.append(rng.choice(SPACES))
            continue
        for char in piece:
            if char in APOSTROPHES:
                char = rng.choice(APOSTROPHES)
            elif char in DOUBLE_QUOTES:
                char = rng.choice(DOUBLE_QUOTES)
            elif char in DASHES:
                char = rng.choice(DASHES)
            elif char == "…":
                char = rng.choice(["…", "..."])
            elif rng.random() < 0.3:
                char = char.swapcase()
            out.append(char)
    return "".join(out)


@EXAMPLES
@given(corpus_spans(3, 40), st.randoms(use_true_random=False))
def test_perturbed_spans_align_to_the_original(span, rng):
    text, start, end = span
    found = align_quote(perturb(text[start:end], rng), text)
    aligned = span_of(found, text)
    assert found.level in ("exact", "normalized")
    # An earlier copy of the same words is an equally right answer (one article repeats a sentence).
    assert normalized(aligned) == normalized(text[start:end])
    assert found.start <= start
    if normalized(text).count(normalized(text[start:end])) == 1:
        assert (found.start, found.end) == (start, end)


PADDING = "\n\n".join(DOCS) * (FULL_SCAN_LIMIT // 20_000 + 1) + "\n\n"


@EXAMPLES
@given(corpus_spans(8, 40), st.data())
def test_one_edit_is_found_by_the_fuzzy_level(span, data):
    text, start, end = span
    original = text[start:end]
    assume(normalized(text).count(normalized(original)) == 1)
    # Padded beyond FULL_SCAN_LIMIT so that only the anchors can find it; its copy in the padding
    # is avoided by putting the article first.
    text = text + "\n\n" + PADDING
    # Not the first or last letter: deleting one of those may leave a verbatim substring.
    letters = [i for i, c in enumerate(original) if c.isalnum()][1:-1]
    position = data.draw(st.sampled_from(letters))
    replacement = data.draw(st.sampled_from(["", "x", "q", "e", "7"]))
    assume(replacement != original[position].casefold())
    quote = original[:position] + replacement + original[position + 1:]

    found = align_quote(quote, text)
    span_of(found, text)
    overlap = min(found.end, end) - max(found.start, start)
    assert overlap >= 0.9 * (end - start)
    assert found.level == "fuzzy"
