"""Tests for checker.load: every input form, every bad input, metadata precedence, the real corpus."""
from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.errors import InputError
from checker.load import Document, LoadProblem, load_documents, make_document

CORPUS = Path(__file__).parent.parent / "fixtures" / "corpus"
ARTICLE = "Musk and Putin talked.\n\nThe Kremlin denied it.\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def reasons(result) -> list[str]:
    return [problem.reason for problem in result.problems]


def only_problem(result) -> LoadProblem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# --- the real sample corpus ---------------------------------------------------------------------

def test_corpus_text_is_the_file_content_exactly():
    result = load_documents([CORPUS])
    assert result.problems == []
    files = sorted(CORPUS.glob("*.txt"))
    assert [doc.id for doc in result.documents] == [path.stem for path in files]
    for doc, path in zip(result.documents, files, strict=True):
        assert doc.text == path.read_bytes().decode("utf-8")
        assert doc.path == str(path)


def test_corpus_dates_come_from_date_line_and_dateline_and_are_never_guessed():
    docs = {doc.id[:3]: doc for doc in load_documents([CORPUS]).documents}
    assert (docs["000"].published, docs["000"].origins["published"]) == (date(2024, 10, 25), "date-line")
    assert (docs["002"].published, docs["002"].origins["published"]) == (date(2024, 10, 25), "date-line")
    assert (docs["001"].published, docs["001"].origins["published"]) == (date(2024, 10, 25), "dateline")
    assert docs["003"].published is None and "published" not in docs["003"].origins
    assert docs["004"].published is None


def test_corpus_titles_come_from_the_first_line_only_where_it_is_a_headline():
    docs = {doc.id[:3]: doc for doc in load_documents([CORPUS]).documents}
    assert docs["001"].title == "Elon Musk's secret talks with Putin spark global concern"
    assert docs["003"].title == ("Elon Musk denies the claim that he spoke to Vladimir Putin "
                                 "about the war in Ukraine")
    assert docs["004"].title == "Here\u2019s What Elon Musk Allegedly Said About Putin"
    assert all(docs[key].origins["title"] == "first-line" for key in ("001", "003", "004"))
    assert docs["000"].title is None and docs["002"].title is None  # their first line is a date line


# --- plain files: text kept exactly -------------------------------------------------------------

def test_text_file_keeps_whitespace_and_crlf_and_drops_only_the_bom(tmp_path):
    body = "  Musk spoke.\r\n\r\nPutin listened.  \n\n"
    write(tmp_path / "a.txt", b"\xef\xbb\xbf" + body.encode("utf-8"))
    doc = load_documents([tmp_path / "a.txt"]).documents[0]
    assert doc.id == "a"
    assert doc.text == body


def test_uppercase_suffix_is_supported(tmp_path):
    write(tmp_path / "A.TXT", ARTICLE)
    assert load_documents([tmp_path]).documents[0].id == "A"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               min_size=1).filter(lambda s: not s.isspace() and not s.startswith(("\ufeff", "---"))))
def test_any_text_round_trips_exactly(text):
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "doc.txt", text)
        assert load_documents([path]).documents[0].text == text


# --- front matter -------------------------------------------------------------------------------

def test_front_matter_sets_metadata_and_the_body_is_the_text(tmp_path):
    body = "\nMusk denied it.\nNobody believed him.\n"
    write(tmp_path / "fm.md", "---\ntitle: Musk denies\noutlet: CNN\nurl: https://cnn.example/a\n"
          "date: 2024-10-25\ntags: [x]\n---\n" + body)
    doc = load_documents([tmp_path / "fm.md"]).documents[0]
    assert doc.text == body
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Musk denies", "CNN", "https://cnn.example/a", date(2024, 10, 25))
    assert set(doc.origins.values()) == {"front-matter"}


def test_front_matter_canonical_keys_beat_aliases_and_datetimes_keep_their_date(tmp_path):
    write(tmp_path / "fm.txt", "---\npublished: 2024-10-26T08:30:00Z\ndate: 2020-01-01\n"
          "source: WSJ\noutlet: Other\n---\nText here.\n")
    doc = load_documents([tmp_path / "fm.txt"]).documents[0]
    assert (doc.published, doc.source) == (date(2024, 10, 26), "WSJ")


def test_front_matter_with_bad_date_is_reported_and_the_document_still_loads(tmp_path):
    write(tmp_path / "fm.md", "---\ntitle: T\npublished: last Tuesday\n---\nBody text.\n")
    result = load_documents([tmp_path / "fm.md"])
    problem = only_problem(result)
    assert problem.reason == "bad-metadata"
    assert str(tmp_path / "fm.md") in problem.message and "last Tuesday" in problem.message
    assert result.documents[0].published is None
    assert result.documents[0].title == "T"


def test_invalid_yaml_front_matter_is_reported_and_kept_as_text(tmp_path):
    content = "---\ntitle: [unclosed\n---\nBody text.\n"
    write(tmp_path / "fm.md", content)
    result = load_documents([tmp_path / "fm.md"])
    assert reasons(result) == ["bad-metadata"]
    assert result.documents[0].text == content


def test_a_leading_rule_that_is_not_a_mapping_is_ordinary_text(tmp_path):
    content = "---\nJust a paragraph between rules\n---\nMore text.\n"
    write(tmp_path / "rule.md", content)
    result = load_documents([tmp_path / "rule.md"])
    assert result.problems == []
    assert result.documents[0].text == content


# --- HTML ---------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html><head><title>Musk &amp; Putin   talk</title>
<meta property="og:site_name" content="The Journal">
<meta property="og:url" content="https://journal.example/og">
<link rel="canonical" href="https://journal.example/musk">
<meta property="article:published_time" content="2024-10-25T06:06:00+00:00">
<style>p { color: red }</style><script>var x = "<p>not text</p>";</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Musk and Putin</h1>
<p>Musk   has talked
   with Putin&nbsp;since 2022.</p>
<p>The Kremlin &quot;denied&quot; it.<br>Line two.</p>
<ul><li>one</li><li>two</li></ul>
</article>
<footer>Copyright 2024 <time datetime="2001-01-01">then</time></footer>
</body></html>"""


def test_html_text_is_the_readable_text_in_paragraphs(tmp_path):
    write(tmp_path / "page.html", PAGE)
    doc = load_documents([tmp_path / "page.html"]).documents[0]
    assert doc.text == ("Musk and Putin\n\nMusk has talked with Putin since 2022.\n\n"
                        "The Kremlin \"denied\" it.\nLine two.\n\none\n\ntwo")


def test_html_metadata_comes_from_the_markup(tmp_path):
    write(tmp_path / "page.htm", PAGE)
    doc = load_documents([tmp_path / "page.htm"]).documents[0]
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Musk and Putin", "The Journal", "https://journal.example/og", date(2024, 10, 25))
    assert set(doc.origins.values()) == {"html-meta"}


def test_html_falls_back_to_h1_and_time_datetime(tmp_path):
    write(tmp_path / "bare.html", "<body><h1>Headline <b>here</b></h1><p>By staff</p>"
          "<time datetime=\"2024-10-24T10:00\">Thursday</time><p>Story text.</p></body>")
    doc = load_documents([tmp_path / "bare.html"]).documents[0]
    assert (doc.title, doc.published, doc.text) == ("Headline here", date(2024, 10, 24),
                                                    "By staff\n\nStory text.")


def test_html_never_guesses_a_date_from_a_copyright_line_or_the_text(tmp_path):
    write(tmp_path / "undated.html", "<html><body><article><p>The bridge closed on 3 March 2025, "
          "the council said.</p></article><footer>Copyright 2024 Herald</footer></body></html>")
    doc = load_documents([tmp_path / "undated.html"]).documents[0]
    assert doc.published is None and doc.text == "The bridge closed on 3 March 2025, the council said."


def test_html_with_no_readable_text_is_empty(tmp_path):
    write(tmp_path / "blank.html", "<html><head><title>x</title></head><body><script>1</script></body>")
    result = load_documents([tmp_path / "blank.html", CORPUS])
    assert reasons(result) == ["empty"]
    assert str(tmp_path / "blank.html") in result.problems[0].message


# --- folders and globs --------------------------------------------------------------------------

def test_folder_is_walked_recursively_in_name_order_skipping_hidden_files(tmp_path):
    write(tmp_path / "b.txt", "Second story text.")
    write(tmp_path / "a.md", "First story text.")
    write(tmp_path / "sub" / "c.html", "<p>Third story text.</p>")
    write(tmp_path / ".hidden.txt", "Hidden story.")
    write(tmp_path / ".git" / "x.txt", "Inside hidden folder.")
    write(tmp_path / "manifest.json", "{}")
    write(tmp_path / "review.toml", "")
    result = load_documents([tmp_path])
    assert [doc.id for doc in result.documents] == ["a", "b", "c"]
    assert result.problems == []  # hidden entries and a folder's companion files are no news


def test_every_file_skipped_inside_a_folder_is_a_listed_problem(tmp_path):
    write(tmp_path / "story.txt", ARTICLE)
    write(tmp_path / "data.json", "{}")
    write(tmp_path / "sub" / "photo.jpg", b"\xff\xd8")
    write(tmp_path / "notes.pdf", b"%PDF-1.4")  # a PDF now, but not a readable one
    result = load_documents([tmp_path])
    assert [doc.id for doc in result.documents] == ["story"]
    assert [(Path(p.path).name, p.reason) for p in result.problems] == [
        ("data.json", "unsupported"), ("notes.pdf", "bad-pdf"), ("photo.jpg", "unsupported")]
    assert result.problems[0].message == (f"{tmp_path / 'data.json'}: skipped: unsupported file type "
                                          ".json; expected .txt, .md, .html, .htm, .pdf, .docx or .jsonl")


def test_glob_patterns_are_expanded_recursively(tmp_path):
    write(tmp_path / "one.txt", "Story one.")
    write(tmp_path / "deep" / "er" / "two.txt", "Story two.")
    write(tmp_path / "deep" / "three.md", "Story three.")
    write(tmp_path / "deep" / "skip.csv", "a,b")
    result = load_documents([str(tmp_path / "**" / "*.txt")])
    assert [doc.id for doc in result.documents] == ["two", "one"]  # sorted by path
    result = load_documents([str(tmp_path / "deep" / "*")])
    assert sorted(doc.id for doc in result.documents) == ["three", "two"]
    assert [(Path(p.path).name, p.reason) for p in result.problems] == [("skip.csv", "unsupported")]


def test_recursive_glob_does_not_report_subfolders_without_documents(tmp_path):
    write(tmp_path / "story.txt", ARTICLE)
    write(tmp_path / "images" / "photo.jpg", b"\xff\xd8")
    result = load_documents([str(tmp_path / "**")])
    assert [doc.id for doc in result.documents] == ["story"]
    assert [p.reason for p in result.problems] == ["unsupported"]  # the photo, not its folder


def test_a_literal_name_with_glob_characters_is_loaded_as_named(tmp_path):
    write(tmp_path / "notes[1].txt", "Bracketed name.")
    assert load_documents([tmp_path / "notes[1].txt"]).documents[0].id == "notes[1]"


def test_glob_matching_nothing_is_not_found(tmp_path):
    pattern = str(tmp_path / "*.txt")
    result = load_documents([pattern, CORPUS])
    problem = only_problem(result)
    assert (problem.reason, problem.path) == ("not-found", pattern)
    assert pattern in problem.message


def test_the_same_file_reached_twice_loads_once_without_a_problem(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE)
    result = load_documents([tmp_path, path, str(tmp_path / "*.txt")])
    assert len(result.documents) == 1 and result.problems == []


def test_empty_folder_is_a_problem_naming_it(tmp_path):
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "readme.rtf", b"x")
    result = load_documents([tmp_path / "empty", CORPUS])
    assert reasons(result) == ["no-documents", "unsupported"]  # the folder, then the file it skipped
    assert str(tmp_path / "empty") in result.problems[0].message


# --- JSONL feeds --------------------------------------------------------------------------------

def test_feed_lines_become_documents_and_a_bad_line_names_its_number(tmp_path):
    lines = [
        json.dumps({"id": "wsj", "title": "Talks", "source": "WSJ", "url": "https://w.example",
                    "published": "2024-10-25T09:00:00Z", "text": " Musk talked.\r\nWith Putin. "}),
        "{not json",
        "",
        json.dumps({"id": "no-text"}),
        json.dumps(["a list"]),
        json.dumps({"text": "no id"}),
        json.dumps({"id": "cnn", "text": "Musk denied.\n\nCNN reports.", "published": "soon"}),
    ]
    feed = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    result = load_documents([feed])
    assert [doc.id for doc in result.documents] == ["wsj", "cnn"]
    wsj, cnn = result.documents
    assert wsj.text == " Musk talked.\r\nWith Putin. "
    assert (wsj.title, wsj.source, wsj.url, wsj.published) == (
        "Talks", "WSJ", "https://w.example", date(2024, 10, 25))
    assert wsj.origins == {"title": "feed", "source": "feed", "url": "feed", "published": "feed"}
    assert wsj.path == str(feed)
    assert cnn.published is None and cnn.title is None
    assert reasons(result) == ["bad-feed-line"] * 4 + ["bad-metadata"]
    for problem, number in zip(result.problems, (2, 4, 5, 6, 7), strict=True):
        assert problem.path == str(feed)
        assert f"{feed} line {number}:" in problem.message


def test_feed_with_empty_text_line_is_empty(tmp_path):
    feed = write(tmp_path / "f.jsonl", json.dumps({"id": "x", "text": "  \n"}) + "\n"
                 + json.dumps({"id": "y", "text": "Real text."}) + "\n")
    result = load_documents([feed])
    problem = only_problem(result)
    assert problem.reason == "empty" and f"{feed} line 1" in problem.message


def test_feed_ids_clash_with_file_stems(tmp_path):
    write(tmp_path / "a" / "story.txt", "From a file.")
    write(tmp_path / "b" / "feed.jsonl", json.dumps({"id": "story", "text": "From a feed."}))
    result = load_documents([tmp_path])
    problem = only_problem(result)
    assert problem.reason == "duplicate-id"
    assert "line 1" in problem.message and str(tmp_path / "a" / "story.txt") in problem.message


# --- duplicates -------------------------------------------------------------------------------

def test_duplicate_id_keeps_the_first(tmp_path):
    first = write(tmp_path / "x" / "same.txt", "First version.")
    second = write(tmp_path / "y" / "same.md", "Second version.")
    result = load_documents([tmp_path])
    assert [doc.text for doc in result.documents] == ["First version."]
    problem = only_problem(result)
    assert (problem.reason, problem.path) == ("duplicate-id", str(second))
    assert str(second) in problem.message and str(first) in problem.message


def test_duplicate_content_ignores_outer_whitespace_and_keeps_the_first(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    copy = write(tmp_path / "b.txt", "\n\n" + ARTICLE.strip() + "   ")
    result = load_documents([tmp_path])
    assert [doc.id for doc in result.documents] == ["a"]
    problem = only_problem(result)
    assert problem.reason == "duplicate-content" and str(copy) in problem.message


# --- bad inputs ---------------------------------------------------------------------------------

def test_missing_path_is_not_found(tmp_path):
    missing = tmp_path / "nope.txt"
    result = load_documents([missing, CORPUS])
    problem = only_problem(result)
    assert (problem.reason, problem.path) == ("not-found", str(missing))
    assert str(missing) in problem.message
    assert len(result.documents) == 5


def test_nul_byte_is_binary(tmp_path):
    path = write(tmp_path / "image.txt", b"GIF89a\x00\x01\x02")
    problem = only_problem(load_documents([path, CORPUS]))
    assert problem.reason == "binary" and str(path) in problem.message


def test_a_latin1_file_is_read_in_the_encoding_detected_and_the_encoding_is_kept(tmp_path):
    text = "Le café a fermé le 14 mars.\n\nLe maire a réagi à la décision."
    path = write(tmp_path / "latin1.txt", text.encode("latin-1"))
    doc = load_documents([path]).documents[0]
    assert doc.text == text and doc.origins["encoding"] == "cp1252"
    utf8 = load_documents([write(tmp_path / "utf8.txt", text)]).documents[0]
    assert utf8.text == text and "encoding" not in utf8.origins  # UTF-8 is not a detection


def test_cyrillic_in_windows_1251_is_read_as_cyrillic(tmp_path):
    text = "Мост закрыли 10 марта, сообщил мэр города."
    doc = load_documents([write(tmp_path / "ru.txt", text.encode("cp1251"))]).documents[0]
    assert (doc.text, doc.origins["encoding"]) == (text, "cp1251")


UNDECODABLE = bytes(range(1, 256))  # no NUL, not UTF-8, and no encoding reads it as text


def test_bytes_no_encoding_reads_are_invalid_utf8_and_say_at_which_byte(tmp_path):
    path = write(tmp_path / "noise.txt", UNDECODABLE)
    problem = only_problem(load_documents([path, CORPUS]))
    assert problem.reason == "invalid-utf8"
    assert str(path) in problem.message and "offset 127" in problem.message and "0x80" in problem.message


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n", b"\xef\xbb\xbf"])
def test_empty_or_whitespace_file_is_empty(tmp_path, content):
    path = write(tmp_path / "blank.txt", content)
    problem = only_problem(load_documents([path, CORPUS]))
    assert problem.reason == "empty" and str(path) in problem.message


def test_front_matter_with_no_body_is_empty(tmp_path):
    path = write(tmp_path / "only.md", "---\ntitle: Nothing else\n---\n")
    assert reasons(load_documents([path, CORPUS])) == ["empty"]


def test_file_without_permission_is_unreadable(tmp_path):
    path = write(tmp_path / "secret.txt", ARTICLE)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: permissions do not stop reading")
        problem = only_problem(load_documents([path, CORPUS]))
        assert problem.reason == "unreadable" and str(path) in problem.message
    finally:
        path.chmod(0o644)


def test_os_error_while_reading_is_unreadable(tmp_path, monkeypatch):
    path = write(tmp_path / "flaky.txt", ARTICLE)
    import checker.load_files
    real_read = checker.load_files.read_regular

    def failing_read(name, **options):
        if Path(name).name == "flaky.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(name, **options)

    monkeypatch.setattr(checker.load_files, "read_regular", failing_read)
    problem = only_problem(load_documents([path, CORPUS]))
    assert problem.reason == "unreadable"
    assert str(path) in problem.message and "Permission denied" in problem.message


def test_unsupported_suffix_named_explicitly_is_a_problem(tmp_path):
    path = write(tmp_path / "story.rtf", b"{\\rtf1 Story}")
    problem = only_problem(load_documents([path, CORPUS]))
    assert problem.reason == "unsupported"
    assert problem.message == f"{path}: unsupported file type .rtf; expected .txt, .md, .html, .htm, " \
        ".pdf, .docx or .jsonl"


def test_self_referencing_symlink_is_a_symlink_loop(tmp_path):
    link = tmp_path / "loop.txt"
    os.symlink(link, link)
    write(tmp_path / "ok.txt", ARTICLE)
    result = load_documents([tmp_path])
    assert [doc.id for doc in result.documents] == ["ok"]
    problem = only_problem(result)
    assert problem.reason == "symlink-loop" and str(link) in problem.message
    assert reasons(load_documents([link, CORPUS])) == ["symlink-loop"]


def test_symlinked_directory_back_to_an_ancestor_is_not_followed_forever(tmp_path):
    write(tmp_path / "top" / "a.txt", ARTICLE)
    os.symlink(tmp_path / "top", tmp_path / "top" / "again")
    result = load_documents([tmp_path / "top"])
    assert [doc.id for doc in result.documents] == ["a"]
    problem = only_problem(result)
    assert problem.reason == "symlink-loop" and str(tmp_path / "top" / "again") in problem.message


def test_symlinked_directory_elsewhere_is_followed_only_when_asked(tmp_path):
    write(tmp_path / "elsewhere" / "b.txt", ARTICLE)
    write(tmp_path / "top" / "a.txt", "A story of its own.")
    os.symlink(tmp_path / "elsewhere", tmp_path / "top" / "linked")
    result = load_documents([tmp_path / "top"])
    assert [doc.id for doc in result.documents] == ["a"]
    assert only_problem(result).reason == "outside-corpus"
    followed = load_documents([tmp_path / "top"], follow_links=True)
    assert [doc.id for doc in followed.documents] == ["a", "b"] and followed.problems == []
    # a link to another folder the caller named stays inside the corpus
    both = load_documents([tmp_path / "top", tmp_path / "elsewhere"])
    assert [doc.id for doc in both.documents] == ["a", "b"] and both.problems == []


# --- strict mode and total failure --------------------------------------------------------------

def test_strict_raises_the_first_problem_with_path_and_reason(tmp_path):
    path = write(tmp_path / "bad.txt", UNDECODABLE)
    with pytest.raises(InputError) as caught:
        load_documents([CORPUS, path], strict=True)
    assert caught.value.reason == "invalid-utf8"
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)


def test_without_strict_good_documents_load_beside_problems(tmp_path):
    bad = write(tmp_path / "bad.txt", b"")
    result = load_documents([bad, CORPUS])
    assert len(result.documents) == 5 and reasons(result) == ["empty"]


def test_nothing_loaded_raises_no_documents_naming_the_first_problem(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(InputError) as caught:
        load_documents([missing, write(tmp_path / "e.txt", "")])
    assert caught.value.reason == "no-documents"
    assert str(missing) in str(caught.value)


def test_no_inputs_raises_no_documents():
    with pytest.raises(InputError) as caught:
        load_documents([])
    assert caught.value.reason == "no-documents"


def test_a_single_path_is_accepted_as_one_input():
    assert len(load_documents(CORPUS).documents) == 5


# --- manifests and precedence -----------------------------------------------------------------

def test_manifest_in_a_folder_is_detected_and_not_loaded(tmp_path):
    write(tmp_path / "a.txt", "Story\nMusk talked.")
    write(tmp_path / "manifest.json", json.dumps(
        {"a": {"title": "Manifest title", "source": "WSJ", "url": "https://w.example",
               "published": "2024-10-25"}}))
    result = load_documents([tmp_path])
    doc = result.documents[0]
    assert (doc.title, doc.source, doc.url, doc.published) == (
        "Manifest title", "WSJ", "https://w.example", date(2024, 10, 25))
    assert set(doc.origins.values()) == {"manifest"}
    assert result.problems == []


def test_manifest_argument_wins_over_a_detected_one(tmp_path):
    write(tmp_path / "docs" / "a.txt", ARTICLE)
    write(tmp_path / "docs" / "manifest.json", json.dumps({"a": {"source": "Detected"}}))
    given = write(tmp_path / "meta.json", json.dumps({"a": {"source": "Given"}}))
    doc = load_documents([tmp_path / "docs"], manifest=given).documents[0]
    assert doc.source == "Given"


def test_manifest_unknown_key_and_bad_date_are_bad_metadata(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    manifest = write(tmp_path / "m.json", json.dumps(
        {"a": {"author": "Someone", "published": "25/10/2024", "source": "WSJ"}}))
    result = load_documents([tmp_path], manifest=manifest)
    assert reasons(result) == ["bad-metadata", "bad-metadata"]
    assert all(str(manifest) in problem.message for problem in result.problems)
    assert "'author'" in result.problems[0].message and "25/10/2024" in result.problems[1].message
    assert result.documents[0].source == "WSJ" and result.documents[0].published is None
    with pytest.raises(InputError) as caught:
        load_documents([tmp_path], manifest=manifest, strict=True)
    assert caught.value.reason == "bad-metadata"


def test_manifest_that_is_not_json_or_missing(tmp_path):
    write(tmp_path / "corpus" / "a.txt", ARTICLE)
    broken = write(tmp_path / "broken.json", "{oops")
    assert reasons(load_documents([tmp_path / "corpus"], manifest=broken)) == ["bad-metadata"]
    assert reasons(load_documents([tmp_path / "corpus"], manifest=tmp_path / "none.json")) == ["not-found"]


def test_precedence_cli_over_front_matter_over_manifest_over_text(tmp_path):
    write(tmp_path / "a.md", "---\nsource: FrontMatter\ntitle: FM title\n---\n"
          "Text title\ndate line below\n25 October 2024\nBody.\n")
    write(tmp_path / "manifest.json", json.dumps(
        {"a": {"source": "Manifest", "title": "Manifest title", "url": "https://m.example",
               "published": "2024-10-20"}}))
    doc = load_documents([tmp_path], metadata={"a": {"source": "Cli"}}).documents[0]
    assert doc.source == "Cli" and doc.origins["source"] == "cli"
    assert doc.title == "FM title" and doc.origins["title"] == "front-matter"
    assert doc.url == "https://m.example" and doc.origins["url"] == "manifest"
    assert doc.published == date(2024, 10, 20) and doc.origins["published"] == "manifest"


def test_text_detection_fills_only_what_is_missing(tmp_path):
    write(tmp_path / "a.txt", "Text title\n25 October 2024\nBody.\n")
    write(tmp_path / "manifest.json", json.dumps({"a": {"source": "Manifest"}}))
    doc = load_documents([tmp_path]).documents[0]
    assert doc.origins == {"source": "manifest", "published": "dateline", "title": "first-line"}


def test_cli_metadata_is_validated(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    result = load_documents([tmp_path], metadata={"a": {"published": "2024-10-25T10:00:00",
                                                        "colour": "red"}})
    assert result.documents[0].published == date(2024, 10, 25)
    problem = only_problem(result)
    assert problem.reason == "bad-metadata" and "'colour'" in problem.message


# --- date and title detection -------------------------------------------------------------------

@pytest.mark.parametrize("text, published, origin", [
    (" date 2024-10-25 American billionaire Elon Musk spoke.", "2024-10-25", "date-line"),
    ("Date: 2024-10-25\nStory.", "2024-10-25", "date-line"),
    ("Headline\n\n25 October 2024 06:06\nStory.", "2024-10-25", "dateline"),
    ("Headline\nOctober 25, 2024\nStory.", "2024-10-25", "dateline"),
    ("Headline\nPublished: Friday, Oct. 25, 2024 at 6:06 p.m. ET\nStory.", "2024-10-25", "dateline"),
    ("Headline\n2024-10-25\nStory.", "2024-10-25", "dateline"),
    ("Headline\n1\n2\n3\n4\n5\n6\n7\n25 October 2024\nStory.", None, None),  # 9th line: too far
    ("Musk said on 25 October 2024 that he had spoken once.\nMore.", None, None),
    ("Headline\n30 February 2024\nStory.", None, None),
    ("date 2024-13-45 Story.\nMore.", None, None),
    ("update 2024-10-25 is not a date line.\nMore.", None, None),
])
def test_date_detection(text, published, origin):
    doc = make_document("d", text)
    assert doc.published == (date.fromisoformat(published) if published else None)
    assert doc.origins.get("published") == origin


@pytest.mark.parametrize("text, title", [
    ("Musk denies talks\nBody text.", "Musk denies talks"),
    ("\n\n  # Musk denies talks  \n\nBody text.", "Musk denies talks"),
    ("Musk denied the talks.\nBody text.", None),          # a sentence, not a headline
    ("Only one line without a full stop", None),            # nothing follows it
    ("x" * 151 + "\nBody text.", None),                     # too long
    ("25 October 2024\nBody text.", None),                  # a dateline is not a title
    ("date 2024-10-25\nBody text.", None),                  # nor is a date line
])
def test_first_line_title_detection(text, title):
    assert make_document("d", text).title == title


def test_make_document_detects_like_files_and_explicit_arguments_win():
    doc = make_document("x", "Headline\n25 October 2024\nStory.")
    assert (doc.title, doc.published, doc.path) == ("Headline", date(2024, 10, 25), None)
    doc = make_document("x", "Headline\n25 October 2024\nStory.", title="Given",
                        published="2024-10-01T12:00:00+02:00", source="AP")
    assert (doc.title, doc.published, doc.source) == ("Given", date(2024, 10, 1), "AP")
    assert doc.origins == {"title": "cli", "published": "cli", "source": "cli"}
    assert isinstance(doc, Document) and hash(doc) == hash(doc)


def test_make_document_rejects_bad_input():
    with pytest.raises(InputError) as caught:
        make_document("x", "Story.", published="yesterday")
    assert caught.value.reason == "bad-metadata" and "yesterday" in str(caught.value)
    with pytest.raises(InputError) as caught:
        make_document("x", "   ")
    assert caught.value.reason == "empty"


# --- scale (correctness at size; timings belong in bench/) -------------------------------------

def test_a_20_mb_document_loads_exactly(tmp_path):
    paragraph = "Musk and Putin talked about Starlink, Taiwan and business. " * 20 + "\n\n"
    text = "Big story\n" + paragraph * (20_000_000 // len(paragraph))
    path = write(tmp_path / "big.txt", text)
    doc = load_documents([path]).documents[0]
    assert doc.text == text and doc.title == "Big story"


def test_ten_thousand_tiny_documents_load(tmp_path):
    for number in range(10_000):
        (tmp_path / f"{number:05d}.txt").write_text(f"Story number {number}.", encoding="utf-8")
    (tmp_path / "dup.txt").write_text("Story number 7.", encoding="utf-8")
    result = load_documents([tmp_path])
    assert len(result.documents) == 10_000
    assert result.documents[0].id == "00000" and result.documents[-1].id == "09999"
    assert reasons(result) == ["duplicate-content"]



# --- confinement: links out of the corpus, file kinds, sizes --------------------------------------

def test_a_link_out_of_the_corpus_is_a_problem_and_nothing_behind_it_is_read(tmp_path, monkeypatch):
    write(tmp_path / "private" / "notes.txt", "Private notes that must never reach a model.")
    write(tmp_path / "elsewhere.txt", "Another private file.")
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", ARTICLE)
    os.symlink("..", corpus / "up")  # the probe's case: a folder link to the corpus's parent
    os.symlink(tmp_path / "elsewhere.txt", corpus / "b.txt")
    import checker.load_files
    real_read, read = checker.load_files.read_regular, []
    monkeypatch.setattr(checker.load_files, "read_regular",
                        lambda name, **options: read.append(str(name)) or real_read(name, **options))
    result = load_documents([corpus])
    assert [doc.id for doc in result.documents] == ["a"]
    assert reasons(result) == ["outside-corpus", "outside-corpus"]
    assert f"{corpus / 'b.txt'}: symbolic link to {tmp_path / 'elsewhere.txt'}, outside" in \
        result.problems[0].message and "not read (--follow-links reads it)" in result.problems[0].message
    assert read == [str(corpus / "a.txt")]  # the warning is true: nothing behind the links was read
    read.clear()
    followed = load_documents([corpus], follow_links=True)
    assert {"notes", "b"} <= {doc.id for doc in followed.documents}


def test_a_pattern_reaches_only_files_inside_the_folder_it_starts_in(tmp_path):
    write(tmp_path / "private" / "notes.txt", "Private notes that must never reach a model.")
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", ARTICLE)
    os.symlink(tmp_path / "private", corpus / "linked")
    result = load_documents([str(corpus / "*" / "*.txt"), str(corpus / "*.txt")])
    assert [doc.id for doc in result.documents] == ["a"]
    assert reasons(result) == ["outside-corpus"]


def test_a_manifest_linked_from_outside_the_corpus_is_not_read(tmp_path):
    write(tmp_path / "secret.json", json.dumps({"a": {"source": "Leaked"}}))
    write(tmp_path / "corpus" / "a.txt", ARTICLE)
    os.symlink(tmp_path / "secret.json", tmp_path / "corpus" / "manifest.json")
    result = load_documents([tmp_path / "corpus"])
    assert result.documents[0].source is None and reasons(result) == ["outside-corpus"]


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "socket"])
def test_only_regular_files_are_read(kind, tmp_path, no_hang):
    path = tmp_path / "odd.txt"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block until a writer came
        expected = "a FIFO (named pipe), not a regular file; not read"
    elif kind == "dev-zero":
        os.symlink("/dev/zero", path)  # reading it would never end
        expected = "a character device, not a regular file; not read"
    else:
        import socket
        listening = socket.socket(socket.AF_UNIX)
        listening.bind(str(path))
        expected = "a socket, not a regular file; not read"
    result = load_documents([path, CORPUS])
    assert only_problem(result).reason == "not-regular"
    assert result.problems[0].message == f"{path}: {expected}"
    folder = load_documents([tmp_path, CORPUS], follow_links=True)  # found in a folder, the same
    assert reasons(folder) == ["not-regular"]


def test_a_file_over_the_size_limit_is_a_problem_not_read(tmp_path):
    big = write(tmp_path / "big.txt", "A long story. " * 100)  # 1,400 bytes
    small = write(tmp_path / "small.txt", ARTICLE)
    result = load_documents([big, small], max_file_bytes=1_399)
    assert [doc.id for doc in result.documents] == ["small"]
    assert only_problem(result).reason == "too-large"
    assert result.problems[0].message == (f"{big}: larger than the 1,399-byte limit "
                                          "(CHECKER_MAX_FILE_BYTES); not read")
    assert load_documents([big], max_file_bytes=1_400).documents[0].text == "A long story. " * 100


def _deep_folders(top: Path, depth: int) -> Path:
    """top/d/d/.../d/a.txt, made level by level: os.makedirs recurses once per level and would
    fail at this depth itself (the path stays under PATH_MAX)."""
    folder = top
    for _ in range(depth + 1):
        folder.mkdir()
        folder = folder / "d"
    return write(folder.parent / "a.txt", "A story at the bottom of a deep folder. It ran.")


def _remove_deep_folders(top: Path, depth: int) -> None:
    """Level by level, for the same reason (shutil.rmtree recurses too)."""
    (top / ("d/" * depth) / "a.txt").unlink()
    for level in range(depth, -1, -1):
        (top / ("d/" * level)).rmdir()


def test_folders_1200_deep_are_one_problem_and_the_rest_loads(tmp_path):
    top = tmp_path / "deep"
    _deep_folders(top, 1200)
    try:
        result = load_documents([top, CORPUS])
        assert len(result.documents) == 5 and reasons(result) == ["too-deep", "no-documents"]
        assert "folders nested more than 100 deep; not read" in result.problems[0].message
    finally:
        _remove_deep_folders(top, 1200)


# --- encodings and feeds ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(encoding, tmp_path):
    text = "Zürich — the story. It ran 5 € cheaper.\n\n“Quoted” 🦆 text.\n"
    data = "\ufeff".encode(encoding) + text.encode(encoding)
    doc = load_documents([write(tmp_path / "wide.txt", data)]).documents[0]
    assert doc.text == text
    feed = "\ufeff" + json.dumps({"id": "f", "text": text}) + "\n"
    assert load_documents([write(tmp_path / "f.jsonl", feed.encode(encoding))]).documents[0].text == text


def test_a_bad_utf16_file_is_named_as_such(tmp_path):
    path = write(tmp_path / "half.txt", b"\xff\xfeA\x00\x00\xd8")  # a lone high surrogate
    assert only_problem(load_documents([path, CORPUS])).reason == "invalid-utf16"


def test_a_feed_keeps_its_good_lines_beside_a_nul_byte_and_bad_utf8(tmp_path):
    feed = write(tmp_path / "feed.jsonl", b"\n".join([
        json.dumps({"id": "one", "text": "The first story. It ran."}).encode(),
        b'{"id": "nul", "text": "a \x00 byte"}',
        b'{"id": "latin", "text": "caf\xe9"}',
        json.dumps({"id": "two", "text": "The second story. It ran."}).encode()]) + b"\n")
    result = load_documents([feed])
    assert [doc.id for doc in result.documents] == ["one", "two"]
    assert [p.message for p in result.problems] == [
        f"{feed} line 2: not valid JSON (Invalid control character at)",
        f"{feed} line 3: not valid UTF-8"]


# --- state files nested too deep, dates that are no dates ----------------------------------------

def test_nesting_too_deep_to_parse_is_a_problem_in_feeds_manifests_and_front_matter(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    feed = write(tmp_path / "c" / "feed.jsonl", f'{{"id": "x", "text": "t", "title": {deep}}}\n'
                 + json.dumps({"id": "ok", "text": "A story that loads. It ran."}) + "\n")
    write(tmp_path / "c" / "manifest.json", f'{{"ok": {deep}}}')
    write(tmp_path / "c" / "fm.md", "---\ntitle: " + "[" * 5_000 + "]" * 5_000 + "\n---\nBody text.\n")
    write(tmp_path / "c" / "block.md", "---\ntitle:\n" + "".join(" " * n + "- \n" for n in range(300))
          + "---\nMore body text.\n")
    result = load_documents([tmp_path / "c"])
    assert sorted(doc.id for doc in result.documents) == ["block", "fm", "ok"]
    assert sorted(reasons(result)) == ["bad-feed-line"] + ["bad-metadata"] * 3
    assert all("nested deeper than 100 levels" in p.message for p in result.problems)
    assert any(p.message.startswith(f"{feed} line 1: ") for p in result.problems)


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13-01T25:61:00"])
def test_a_front_matter_date_that_is_no_calendar_date_is_a_problem(value, tmp_path):
    path = write(tmp_path / "fm.md", f"---\ntitle: T\ndate: {value}\n---\nBody text.\n")
    result = load_documents([path])
    assert only_problem(result).message == \
        f"{path} front matter: date {value!r} is not a date (YYYY-MM-DD, or a day, month and year " \
        "such as March 14, 2025)"
    assert result.documents[0].published is None and result.documents[0].title == "T"


def test_metadata_for_a_document_that_is_not_loaded_is_an_error(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    with pytest.raises(InputError) as caught:
        load_documents([tmp_path], metadata={"nosuchdoc": {"published": "2024-10-25"}})
    assert str(caught.value) == "metadata for document 'nosuchdoc': no document loaded has that id"


# --- standard input -----------------------------------------------------------------------------

def stdin_of(monkeypatch, data: bytes) -> None:
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_a_dash_reads_standard_input_as_one_document_with_a_stable_id(monkeypatch):
    text = "---\nsource: Herald\n---\nBridge closes\n\nThe bridge closed on 3 March.\n"
    stdin_of(monkeypatch, text.encode("utf-8"))
    result = load_documents(["-", CORPUS, "-"])  # read once, however often it is named
    doc = result.documents[0]
    assert (doc.id, doc.path, doc.source, doc.title) == ("stdin", "<stdin>", "Herald", "Bridge closes")
    assert doc.text == "Bridge closes\n\nThe bridge closed on 3 March.\n" and len(result.documents) == 6
    assert result.problems == []


def test_standard_input_holding_html_or_latin1_is_read_as_such(monkeypatch):
    stdin_of(monkeypatch, b"<!doctype html><html><body><article><p>The bridge closed on 3 March, "
                          b"the council said on Friday.</p></article></body></html>")
    assert load_documents(["-"]).documents[0].text == ("The bridge closed on 3 March, the council "
                                                       "said on Friday.")
    stdin_of(monkeypatch, "Le café a fermé.".encode("latin-1"))
    doc = load_documents(["/dev/stdin"]).documents[0]
    assert (doc.text, doc.origins["encoding"]) == ("Le café a fermé.", "cp1252")


def test_empty_or_oversized_standard_input_is_a_problem(monkeypatch):
    stdin_of(monkeypatch, b"")
    assert [(p.path, p.reason) for p in load_documents(["-", CORPUS]).problems] == [("<stdin>", "empty")]
    stdin_of(monkeypatch, b"x" * 100)
    with pytest.raises(InputError, match="first problem: <stdin>: larger than the 10-byte limit"):
        load_documents(["-"], max_file_bytes=10)


def test_the_detected_encoding_is_shown_in_every_rendering_of_the_report(tmp_path):
    from conftest import first_sentence_model

    from checker import Settings, check
    from checker.model import ModelResponse

    def model(request):
        body = {"messages": request.chat_messages(),
                "response_format": {"json_schema": {"name": request.schema_id}}}
        return ModelResponse(raw=first_sentence_model(body), model="stand-in")

    (tmp_path / "latin.txt").write_bytes("Le maire a déclaré que le pont fermerait à Noël.\n"
                                         .encode("latin-1"))
    report = check([tmp_path / "latin.txt"], transport=model, settings=Settings(mode="live"))
    [document] = report.data["documents"]
    assert document["encoding"] == report.documents[0].encoding and document["encoding"]
    assert report.validate() == []
    assert f"read as {document['encoding']}" in report.to_markdown()
    assert f"read as {document['encoding']}" in report.to_html()
