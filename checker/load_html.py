"""The article in a web page: trafilatura's main text as paragraphs, and the page's metadata.

`extract_html` keeps what the article says and drops what surrounds it: menus, "Related" boxes,
newsletter sign-ups, reader comments and footers (a comment's "not 3 March!" must never become a
claim). Paragraphs, headings, list items, quotes and table rows (cells joined by " | ") are one
paragraph each, blank lines between them as chunking and sentences expect; a <br> stays a line
break. The title, site name,
canonical URL and publication date come from the markup; a date is never guessed from the text.
"""
from __future__ import annotations

import logging
import re
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from configparser import ConfigParser

# trafilatura logs what it could not find; unconfigured, Python would print that to stderr.
logging.getLogger("trafilatura").addHandler(logging.NullHandler())
logging.getLogger("htmldate").addHandler(logging.NullHandler())

_CONTAINERS = frozenset({"list", "table", "quote", "div"})
_WHOLE_PAGE = re.compile(r"<html|<body", re.IGNORECASE)
# Only dates the markup states (meta tags, <time>): the extensive search reads them from text,
# URLs and copyright lines, which is guessing.
_DATE_SEARCH = {"extensive_search": False, "original_date": True}


@cache
def _config() -> ConfigParser:
    from trafilatura.settings import use_config
    config = use_config()
    # Below MIN_EXTRACTED_SIZE characters trafilatura falls back to the whole page's text as one
    # paragraph, menus and comments included: a short article is still an article.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def extract_html(markup: str) -> tuple[str, dict[str, str | None]]:
    """(the article's text as paragraphs, the title, source, url and published date the page gives)."""
    # Imported here: trafilatura takes half a second to import, and most corpora hold no HTML.
    import trafilatura
    from trafilatura.settings import Document as Extracted

    if not _WHOLE_PAGE.search(markup[:4096]):
        markup = f"<html><body>{markup}</body></html>"  # trafilatura reads whole pages only
    found = trafilatura.bare_extraction(markup, include_comments=False, include_tables=True,
                                        favor_precision=True, with_metadata=True,
                                        date_extraction_params=_DATE_SEARCH, config=_config())
    if not isinstance(found, Extracted) or found.body is None:
        return "", {}
    blocks: list[str] = []
    for element in found.body:
        _collect(element, blocks)
    metadata = {"title": found.title, "source": found.sitename, "url": found.url,
                "published": found.date}
    return "\n\n".join(blocks), metadata


def _collect(element: Any, blocks: list[str]) -> None:
    """Append the paragraphs of one element of trafilatura's tree (p, head, list, quote, table...)."""
    if element.tag in _CONTAINERS and any(child.tag != "lb" for child in element):
        if element.text and element.text.strip():
            blocks.append(" ".join(element.text.split()))
        for child in element:
            _collect(child, blocks)
            if child.tail and child.tail.strip():
                blocks.append(" ".join(child.tail.split()))
        return
    text = " | ".join(_inline_text(cell) for cell in element) if element.tag == "row" else \
        _inline_text(element)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    block = "\n".join(line for line in lines if line)
    if block:
        blocks.append(block)


def _inline_text(element: Any) -> str:
    """An element's text with its inline markup dropped and each <lb/> (a <br>) as a line break."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
