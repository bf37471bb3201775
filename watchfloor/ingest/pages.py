"""Single web pages and press-release index pages: main text and metadata via ``extract_page``.

A ``page`` source is one URL polled for changes (conditional GET; an edit of the text is stored
as an update). An ``index`` source is a listing such as a ministry's press-release page: it is
fetched, the links matching the source's ``follow`` regex are collected, and each link not seen
before is fetched as an article. Scripts in fetched pages are never run: the HTML is parsed as
data and ``extract_page`` strips scripts before extracting text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from urllib.parse import urljoin, urlsplit

from watchfloor.errors import ExtractionError
from watchfloor.ingest.dedup import canonical_url
from watchfloor.ingest.extract import ExtractedPage
from watchfloor.ingest.fetch import Fetcher, FetchResult, refuse_xml_entities
from watchfloor.ingest.registry import PendingItem, SourceEntry, SourcePoll
from watchfloor.records import Article, stable_id
from watchfloor.settings import Settings

__all__ = [
    "extract_result",
    "extract_target",
    "fetch_article_page",
    "find_links",
    "index_poll_from_result",
    "page_article",
    "page_poll_from_result",
    "poll_index",
    "poll_page",
    "sniff_format",
]

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/x-rss+xml"}
)
_FIRST_ELEMENT = re.compile(rb"\s*<([A-Za-z][A-Za-z0-9_.:-]*)")
_SKIPPABLE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S | re.I)
LINK_FOLLOWED = "followed"  # the fingerprint of an index link: it is fetched once


def sniff_format(result: FetchResult) -> str:
    """``"feed"`` or ``"page"``, from the first element of the body, then the media type.

    >>> sniff_format(FetchResult("u", "u", 200, b'<?xml version="1.0"?><rss version="2.0"/>'))
    'feed'
    """
    head = result.content[:4096].removeprefix(b"\xef\xbb\xbf")
    position = 0
    while (match := _SKIPPABLE.match(head, position)) and match.end() > position:
        position = match.end()
    element = _FIRST_ELEMENT.match(head, position)
    if element:
        name = element.group(1).decode("ascii", errors="ignore").lower()
        if name in ("rss", "feed", "rdf:rdf", "rdf"):
            return "feed"
        if name in ("html", "head", "body"):
            return "page"
    if result.media_type in _FEED_TYPES:
        return "feed"
    return "page"


def extract_result(result: FetchResult) -> ExtractedPage:
    """Main text and metadata of a fetched HTML page; raises ``ExtractionError`` (W303)."""
    from watchfloor.ingest.extract import extract_page

    if (
        result.media_type
        and result.media_type not in _HTML_TYPES
        and not (result.media_type.startswith("text/") or result.media_type.endswith("xml"))
    ):
        raise ExtractionError(f"{result.final_url}: {result.media_type} is not an HTML page")
    text = result.text()
    refuse_xml_entities(text, result.final_url)
    return extract_page(text, result.final_url)


def fetch_article_page(fetcher: Fetcher, url: str) -> tuple[ExtractedPage, FetchResult]:
    """Fetch one article page and extract it."""
    result = fetcher.fetch(url)
    return extract_result(result), result


def page_article(
    page: ExtractedPage, result: FetchResult, entry: SourceEntry, *, title: str | None = None
) -> Article:
    """The article an extracted page becomes (its id follows its canonical URL)."""
    curl = canonical_url(result.final_url)
    return Article(
        id=stable_id(curl, prefix="a-"),
        text=page.text,
        title=title or page.title,
        published_at=page.published,
        source=entry.name,
        url=result.final_url,
        canonical_url=curl,
        language=page.language or entry.source.language,
        kind=entry.source.kind,
        author=page.author,
    )


def find_links(html: str, base_url: str, pattern: str | re.Pattern[str] | None) -> list[str]:
    """Absolute http(s) links of a page that match ``pattern`` (searched in the absolute URL).

    Fragments are dropped and each canonical URL is listed once, in page order.

    >>> find_links('<a href="/press/2024/talks">x</a><a href="/about">y</a>',
    ...            "https://mfa.example/press/", r"/press/\\d{4}/")
    ['https://mfa.example/press/2024/talks']
    """
    from lxml import etree
    from lxml import html as lxml_html

    matcher = re.compile(pattern) if isinstance(pattern, str) else pattern
    try:
        tree = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for element in tree.iterfind(".//base[@href]"):
        base = urljoin(base_url, element.get("href", ""))
        break
    found: list[str] = []
    keys: set[str] = set()
    for anchor in tree.iterfind(".//a[@href]"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "data:")):
            continue
        absolute = urljoin(base, href).split("#", 1)[0]
        if urlsplit(absolute).scheme not in ("http", "https"):
            continue
        if matcher is not None and not matcher.search(absolute):
            continue
        key = canonical_url(absolute) or absolute
        if key not in keys:
            keys.add(key)
            found.append(absolute)
    return found


# --------------------------------------------------------------------------- polling


def page_poll_from_result(
    entry: SourceEntry, result: FetchResult, seen: Mapping[str, str]
) -> SourcePoll:
    """A fetched single page as (at most) one item: new, edited, or unchanged."""
    page = extract_result(result)
    article = page_article(page, result, entry)
    key = article.canonical_url or result.final_url
    fingerprint = article.content_hash
    poll = SourcePoll(source=entry.name, etag=result.etag, last_modified=result.last_modified)
    if seen.get(key) == fingerprint:
        return replace(poll, unchanged=1)
    return replace(
        poll, items=(PendingItem(key=key, fingerprint=fingerprint, build=lambda: article),)
    )


def _index_article(fetcher: Fetcher, entry: SourceEntry, url: str) -> Article:
    page, result = fetch_article_page(fetcher, url)
    return page_article(page, result, entry)


def index_poll_from_result(
    entry: SourceEntry, fetcher: Fetcher, result: FetchResult, seen: Mapping[str, str]
) -> SourcePoll:
    """The links of a fetched index page that match ``entry.follow`` and were never followed."""
    links = find_links(result.text(), result.final_url, entry.follow)
    pending = []
    unchanged = 0
    # listings put the newest first; following the oldest first stores them in publication order
    for link in reversed(links):
        key = canonical_url(link) or link
        if key in seen:
            unchanged += 1
            continue
        pending.append(
            PendingItem(
                key=key,
                fingerprint=LINK_FOLLOWED,
                build=partial(_index_article, fetcher, entry, link),
            )
        )
    warning = None
    if not links:
        warning = f"no link on the index page matches {entry.follow!r}"
    return SourcePoll(
        source=entry.name,
        items=tuple(pending),
        etag=result.etag,
        last_modified=result.last_modified,
        unchanged=unchanged,
        warning=warning,
    )


def _conditional(
    entry: SourceEntry, fetcher: Fetcher, etag: str | None, last_modified: str | None
) -> FetchResult:
    assert entry.source.url, "a page or index source has a URL (the registry checks it)"
    return fetcher.fetch(entry.source.url, etag=etag, last_modified=last_modified)


def poll_page(
    entry: SourceEntry,
    fetcher: Fetcher,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    seen: Mapping[str, str] | None = None,
) -> SourcePoll:
    """Fetch a single page (conditionally) and offer it if it is new or its text changed."""
    result = _conditional(entry, fetcher, etag, last_modified)
    if result.not_modified:
        return SourcePoll(
            source=entry.name, not_modified=True, etag=etag, last_modified=last_modified
        )
    return page_poll_from_result(entry, result, seen or {})


def poll_index(
    entry: SourceEntry,
    fetcher: Fetcher,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    seen: Mapping[str, str] | None = None,
) -> SourcePoll:
    """Fetch an index page (conditionally) and offer each new matching link as an item."""
    result = _conditional(entry, fetcher, etag, last_modified)
    if result.not_modified:
        return SourcePoll(
            source=entry.name, not_modified=True, etag=etag, last_modified=last_modified
        )
    return index_poll_from_result(entry, fetcher, result, seen or {})


def extract_target(target: str, settings: Settings) -> ExtractedPage:
    """Extract a URL (fetched under the fetch policy), an HTML file, or ``-`` (HTML on stdin)."""
    import sys
    from pathlib import Path

    from watchfloor.errors import InputFileError, InputProblem
    from watchfloor.ingest.extract import extract_page
    from watchfloor.ingest.fetch import decode_body

    if target.lower().startswith(("http://", "https://")):
        with Fetcher.from_settings(settings) as fetcher:
            return fetch_article_page(fetcher, target)[0]
    if target == "-":
        data, where = sys.stdin.buffer.read(), "<stdin>"
    else:
        try:
            data, where = Path(target).read_bytes(), target
        except OSError as exc:
            raise InputFileError(
                [InputProblem(target, None, f"cannot read file: {exc.strerror}")]
            ) from None
    text = decode_body(data)
    refuse_xml_entities(text, where)
    return extract_page(text, None)
