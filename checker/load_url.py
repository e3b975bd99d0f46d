"""http(s) URLs named as inputs: fetched with httpx, kept in a cache beside the cassette.

A page is fetched once: its bytes and what the fetch said (the final URL after redirects, when,
the content type) are kept in the cache folder (`<cassette stem>.pages/`), and a later run reads
them from there, so a replay reads the same text its answers were recorded for, offline. The
document's url is the final URL (origin "url"); `notes["fetched"]` says when. A timeout, an HTTP
error or a refused connection is one load problem, never a traceback.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .atomic import atomic_write
from .load_drafts import Draft, draft_from_bytes, kind_of, sniff_kind
from .load_files import ProblemLog
from .load_office import first_line

DEFAULT_FETCH_TIMEOUT = 30.0  # seconds for connecting, and between bytes received
USER_AGENT = "checker/0.1 (news contradiction checker)"
_URL = re.compile(r"\Ahttps?://", re.IGNORECASE)
_KINDS = {"text/html": "html", "application/xhtml+xml": "html", "application/pdf": "pdf",
          "text/plain": "text", "text/markdown": "text",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx"}


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is the load problem's."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Page:
    """What one fetch brought back, as cached."""

    url: str          # as the user named it
    final_url: str    # after redirects
    fetched_at: str   # ISO 8601, UTC
    content_type: str
    body: bytes


def is_url(name: str | os.PathLike[str]) -> bool:
    return isinstance(name, str) and bool(_URL.match(name))


def pages_folder(cassette: str | os.PathLike[str]) -> Path:
    """The page cache that belongs to a cassette: answers.jsonl -> answers.pages/ beside it."""
    path = Path(cassette)
    return path.with_name(f"{path.stem}.pages")


def url_id(url: str) -> str:
    """A readable, stable document id: host and path, e.g. herald.example-news-bridge."""
    parts = urlsplit(url)
    slug = re.sub(r"[^\w.-]+", "-", f"{parts.hostname or ''}{parts.path}"
                  + (f"?{parts.query}" if parts.query else "")).strip("-.")
    if len(slug) <= 80:
        return slug or "page"
    return f"{slug[:67]}-{hashlib.sha256(url.encode()).hexdigest()[:12]}"


class UrlReader:
    """Reads URLs for one load: from the cache when the page is there, else from the network."""

    def __init__(self, *, cache: str | os.PathLike[str] | None, timeout: float, limit: int) -> None:
        self.cache = Path(cache) if cache is not None else None
        self.timeout = timeout
        self.limit = limit

    def drafts(self, url: str, log: ProblemLog) -> list[Draft]:
        page = self._cached(url)
        if page is None:
            try:
                page = fetch_page(url, timeout=self.timeout, limit=self.limit)
            except FetchError as err:
                log.add(url, err.reason, f"{url}: {err.message}")
                return []
            self._keep(page, log)
        draft = draft_from_bytes(page.body, _kind(page), doc_id=url_id(url), name=url, log=log,
                                 layers=[("url", {"url": page.final_url})],
                                 notes={"fetched": page.fetched_at}, charset=_charset(page.content_type))
        return [draft] if draft else []

    def _keep(self, page: Page, log: ProblemLog) -> None:
        """Cache a fetched page (the body first: its record says the entry is complete)."""
        if self.cache is None:
            return
        key = self.cache / _key(page.url)
        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            atomic_write(key.with_suffix(".body"), page.body)
            info = {k: v for k, v in asdict(page).items() if k != "body"}
            atomic_write(key.with_suffix(".json"), json.dumps(info, indent=1) + "\n")
        except OSError as err:  # the page is still read; only a later run cannot reuse it
            log.add(page.url, "unwritable", f"{page.url}: fetched, but cannot be kept in "
                    f"{self.cache} ({err.strerror or err}); a later run fetches it again")

    def _cached(self, url: str) -> Page | None:
        if self.cache is None:
            return None
        key = self.cache / _key(url)
        try:
            info = json.loads(key.with_suffix(".json").read_text(encoding="utf-8"))
            return Page(body=key.with_suffix(".body").read_bytes(), **info)
        except (OSError, ValueError, TypeError):
            return None  # not cached yet, or a broken entry: fetch again


def fetch_page(url: str, *, timeout: float, limit: int) -> Page:
    """GET `url` (following redirects) within `limit` bytes; FetchError with one line otherwise."""
    import httpx  # only a run that names a URL needs it

    try:
        with httpx.Client(follow_redirects=True, timeout=timeout,
                          headers={"User-Agent": USER_AGENT}) as client, \
                client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".rstrip(),
                                 reason="http-error")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limit:
                    raise FetchError(f"larger than the {limit:,}-byte limit (CHECKER_MAX_FILE_BYTES); "
                                     "not read", reason="too-large")
            return Page(url, str(response.url), _now(), response.headers.get("content-type", ""),
                        bytes(body))
    except httpx.TimeoutException:
        raise FetchError(f"no answer within {timeout:g} s; not read", reason="timeout") from None
    except httpx.TooManyRedirects:
        raise FetchError("too many redirects; not read", reason="http-error") from None
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise FetchError(f"cannot fetch ({first_line(err)})", reason="unreachable") from None


def _kind(page: Page) -> str:
    media = page.content_type.split(";")[0].strip().lower()
    if media in _KINDS:
        return _KINDS[media]
    by_name = kind_of(Path(urlsplit(page.final_url).path))
    return by_name if by_name not in (None, "feed") else sniff_kind(page.body)


def _charset(content_type: str) -> str | None:
    found = re.search(r"charset=\"?([\w.:-]+)", content_type, re.IGNORECASE)
    return found.group(1) if found else None


def _key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
