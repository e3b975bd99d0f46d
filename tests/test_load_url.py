"""URLs load through a real HTTP server on 127.0.0.1: fetched with httpx, kept beside the
cassette, read again from there; a timeout or an HTTP error is one load problem, never a traceback."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pdf_writer import minimal_pdf

from checker.cli import main
from checker.errors import InputError
from checker.load import load_documents
from checker.load_url import pages_folder, url_id

PAGE = (Path(__file__).parent / "pages" / "bridge.html").read_bytes()
PDF = minimal_pdf([[["The Old Mill bridge closed on 3 March."], ["Repairs will take six weeks."]]])
LATIN = "Le pont a été fermé le 3 mars, a déclaré le maire.".encode("latin-1")


class Site:
    """A small site: a page, a redirect to it, a PDF, a latin-1 text, a 404 and a slow page."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                site.hits.append(self.path)
                if self.path == "/old-bridge":
                    self.send_response(301)
                    self.send_header("Location", "/news/bridge")
                    self.end_headers()
                    return
                routes = {"/news/bridge": ("text/html; charset=utf-8", PAGE),
                          "/report": ("application/pdf", PDF),
                          "/mairie.txt": ("text/plain", LATIN)}
                if self.path == "/slow":
                    time.sleep(1.5)
                    routes[self.path] = routes["/news/bridge"]
                if self.path not in routes:
                    self.send_error(404, "Not Found")
                    return
                kind, body = routes[self.path]
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped waiting (the timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    served.thread.start()
    yield served
    served.server.shutdown()
    served.server.server_close()


def test_a_page_is_fetched_after_redirects_and_keeps_its_final_url_and_fetch_time(site, tmp_path):
    doc = load_documents([f"{site.url}/old-bridge"], cache=tmp_path / "pages").documents[0]
    assert doc.text.startswith("Millbrook bridge closes after inspection\n\nThe Old Mill bridge")
    assert "10 March" not in doc.text
    assert (doc.url, doc.origins["url"]) == (f"{site.url}/news/bridge", "url")  # not the canonical
    assert doc.origins["fetched"].endswith("+00:00") and doc.source == "Millbrook Herald"
    assert doc.id == url_id(f"{site.url}/old-bridge") == "127.0.0.1-old-bridge"


def test_a_cached_page_is_read_again_without_the_network(site, tmp_path):
    url = f"{site.url}/news/bridge"
    first = load_documents([url], cache=tmp_path / "pages").documents[0]
    site.server.shutdown()  # nothing answers any more
    again = load_documents([url], cache=tmp_path / "pages").documents[0]
    assert again == first and again.origins == first.origins and site.hits == ["/news/bridge"]


def test_a_pdf_and_a_latin1_text_are_read_as_what_the_server_says_they_are(site):
    pdf, text = load_documents([f"{site.url}/report", f"{site.url}/mairie.txt"]).documents
    assert pdf.text == "The Old Mill bridge closed on 3 March.\n\nRepairs will take six weeks."
    assert (text.text, text.origins["encoding"]) == (LATIN.decode("latin-1"), "cp1252")


def test_http_errors_and_timeouts_are_one_line_problems(site, tmp_path):
    result = load_documents([f"{site.url}/gone", f"{site.url}/slow", f"{site.url}/news/bridge"],
                            fetch_timeout=0.3)
    assert [doc.id for doc in result.documents] == ["127.0.0.1-news-bridge"]
    assert [(p.reason, p.message) for p in result.problems] == [
        ("http-error", f"{site.url}/gone: HTTP 404 Not Found"),
        ("timeout", f"{site.url}/slow: no answer within 0.3 s; not read")]


def test_a_refused_connection_is_one_error_line_from_the_command(tmp_path, capsys):
    with pytest.raises(InputError, match="cannot fetch"):
        load_documents(["http://127.0.0.1:9/nothing"])
    code = main(["report", "http://127.0.0.1:9/nothing", "--quiet", "--mode", "replay",
                 "--cassette", str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "out")])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and "http://127.0.0.1:9/nothing: cannot fetch" in err


def test_the_command_keeps_fetched_pages_beside_the_cassette(site, tmp_path, capsys):
    cassette = tmp_path / "answers.jsonl"
    code = main(["estimate", f"{site.url}/news/bridge", "--cassette", str(cassette)])
    capsys.readouterr()
    assert code == 0 and pages_folder(cassette) == tmp_path / "answers.pages"
    assert sorted(p.suffix for p in (tmp_path / "answers.pages").iterdir()) == [".body", ".json"]


def test_a_cache_that_cannot_be_written_costs_the_reuse_not_the_page(site, tmp_path):
    (tmp_path / "file").write_text("not a folder")
    result = load_documents([f"{site.url}/news/bridge"], cache=tmp_path / "file" / "pages")
    assert len(result.documents) == 1 and [p.reason for p in result.problems] == ["unwritable"]
