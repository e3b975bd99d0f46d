"""Readable text and metadata of an HTML page, for load (pure, standard library only).

`extract_html` keeps what a reader sees: the text of the body outside scripts, styles, navigation
and footers, one paragraph per block, a line per <br>; and the title (<title>, else the first
<h1>), site name, canonical URL and publication time from the markup.
"""
from __future__ import annotations

from html.parser import HTMLParser


class _ReadableText(HTMLParser):
    """Readable text of an HTML page as paragraphs, plus the metadata in its markup."""

    SKIPPED = frozenset({"script", "style", "head", "nav", "footer", "noscript", "template"})
    BLOCKS = frozenset({"p", "div", "section", "article", "main", "header", "aside", "blockquote",
                        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
                        "table", "tr", "td", "th", "figure", "figcaption", "pre", "hr", "form",
                        "address", "body"})
    LINE_BREAK = "\x00"  # a NUL never reaches here: files containing one are rejected as binary

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] | None = None
        self.h1_parts: list[str] | None = None
        self.open: str | None = None  # "title" or "h1" while collecting one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: (value or "").strip() for key, value in attrs}
        if tag == "meta":
            key = (attributes.get("property") or attributes.get("name") or "").lower()
            if key in ("og:site_name", "og:url", "article:published_time"):
                self.meta.setdefault(key, attributes.get("content", ""))
        elif tag == "link" and "canonical" in attributes.get("rel", "").lower().split():
            self.meta.setdefault("canonical", attributes.get("href", ""))
        elif tag == "time" and attributes.get("datetime") and not self.skip_depth:
            self.meta.setdefault("time", attributes["datetime"])
        elif tag == "title" and self.title_parts is None:
            self.title_parts, self.open = [], "title"
        elif tag == "h1" and self.h1_parts is None and not self.skip_depth:
            self.h1_parts, self.open = [], "h1"
        if tag == "body":
            self.skip_depth = 0  # an unclosed <head> ends where the body starts
        if tag in self.SKIPPED:
            self.skip_depth += 1
        if tag == "br":
            self.current.append(self.LINE_BREAK)
        elif tag in self.BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag == self.open:
            self.open = None
        if tag in self.SKIPPED and self.skip_depth:
            self.skip_depth -= 1
        if tag in self.BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if self.open == "title" and self.title_parts is not None:
            self.title_parts.append(data)
        if self.skip_depth:
            return
        if self.open == "h1" and self.h1_parts is not None:
            self.h1_parts.append(data)
        self.current.append(data)

    def _end_block(self) -> None:
        # str.split() also collapses no-break spaces: the text is what a reader sees, not the markup.
        lines = (" ".join(part.split()) for part in "".join(self.current).split(self.LINE_BREAK))
        block = "\n".join(line for line in lines if line)
        if block:
            self.blocks.append(block)
        self.current = []


def extract_html(markup: str) -> tuple[str, dict[str, str | None]]:
    """(readable text as paragraphs, the title, source, url and published date the markup names)."""
    parser = _ReadableText()
    parser.feed(markup)
    parser.close()
    parser._end_block()
    title = " ".join("".join(parser.title_parts or parser.h1_parts or []).split())
    meta = parser.meta
    metadata = {"title": title, "source": meta.get("og:site_name"),
                "url": meta.get("canonical") or meta.get("og:url"),
                "published": meta.get("article:published_time") or meta.get("time")}
    return "\n\n".join(parser.blocks), metadata
