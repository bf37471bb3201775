"""RSS 0.9x/1.0/2.0 and Atom feeds: items to articles.

The feed is decoded by watchfloor (``fetch.decode_body``: header, BOM, XML declaration, with a
fallback when a declared charset is wrong), checked for entity declarations, and handed to
feedparser as UTF-8 with a consistent declaration, so feedparser never guesses an encoding,
never sees a DTD with entities, and never opens a URL or a file itself.

Each item has a key (its guid, else its link) and a fingerprint of what it says; an item whose
key and fingerprint are already recorded is skipped, one whose fingerprint changed is an edit.
When the feed carries only a teaser, the linked page is fetched and its main text extracted.
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urljoin

from watchfloor.errors import FeedError, WatchfloorError
from watchfloor.ingest.dedup import canonical_url
from watchfloor.ingest.fetch import (
    Fetcher,
    FetchResult,
    decode_body,
    is_transient,
    refuse_xml_entities,
)
from watchfloor.ingest.registry import PendingItem, SourceEntry, SourcePoll
from watchfloor.records import Article, content_hash, stable_id

__all__ = [
    "FULL_TEXT_MIN_CHARS",
    "FeedItem",
    "ParsedFeed",
    "feed_article",
    "feed_poll_from_result",
    "html_to_text",
    "parse_feed",
    "poll_feed",
]

# A feed text at least this long is taken as the full article; a shorter one is a teaser and
# the linked page is fetched instead (``fetch_articles: auto``).
FULL_TEXT_MIN_CHARS = 600
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "tr", "table", "section", "article", "figure", "figcaption", "pre", "hr",
)  # fmt: skip
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, its HTML already turned into plain text."""

    key: str
    link: str | None
    title: str | None
    summary: str
    content: str
    published: datetime | None
    author: str | None
    language: str | None
    fingerprint: str

    @property
    def text(self) -> str:
        """The fuller of the item's content and summary."""
        return self.content if len(self.content) >= len(self.summary) else self.summary


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed: ``format`` is feedparser's version (``rss20``, ``atom10``, ``rss10`` ...)."""

    title: str | None
    format: str
    language: str | None
    items: tuple[FeedItem, ...]
    warning: str | None = None


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment, one line per block; scripts and styles dropped.

    >>> html_to_text("<p>Talks <b>resumed</b>.</p><script>alert(1)</script><p>Both sides met.</p>")
    'Talks resumed.\\nBoth sides met.'
    """
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _tidy(fragment)
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]*>", " ", fragment))
    for element in list(root.iter(*_DROP_TAGS)):
        element.drop_tree()  # keeps the tail text, which belongs to the surrounding block
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag != "br":
            element.text = "\n" + (element.text or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:  # feedparser's parsed times are UTC struct_time
        stamp = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return stamp if stamp.year >= 1990 else None


def _language(value: Any) -> str | None:
    if not value or not isinstance(value, str):
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else None


def _detail_text(detail: Mapping[str, Any] | None, fallback: str | None) -> str:
    value = (detail or {}).get("value", fallback) if detail else fallback
    kind = (detail or {}).get("type", "text/html") if detail else "text/html"
    if value is None:
        return ""
    return _tidy(value) if kind == "text/plain" else html_to_text(value)


def parse_feed(
    data: bytes | str, *, url: str | None = None, charset: str | None = None
) -> ParsedFeed:
    """Parse an RSS or Atom document; raises ``FeedError`` (W304) when it is not one.

    A malformed feed that feedparser can still read (an unescaped ``&``, a missing end tag)
    is returned with its items and a ``warning``.
    """
    import feedparser

    where = url or "feed"
    text = data if isinstance(data, str) else decode_body(data, charset)
    text = text.lstrip("\ufeff")
    refuse_xml_entities(text, where)
    payload = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + _XML_DECLARATION.sub("", text, count=1).lstrip()
    ).encode("utf-8")
    # A stream, never a str or bytes: feedparser treats a string that looks like a URL or a
    # file name as something to open.
    parsed = feedparser.parse(
        io.BytesIO(payload),
        response_headers={"content-type": "application/xml; charset=utf-8"},
        sanitize_html=True,
        resolve_relative_uris=False,
    )
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    version = parsed.get("version") or ""
    if not version and not parsed.entries:
        detail = f" ({type(problem).__name__}: {problem})" if problem else ""
        raise FeedError(f"{where}: not an RSS or Atom feed{detail}")
    feed_info = parsed.get("feed", {})
    feed_language = _language(feed_info.get("language"))
    items = []
    for number, entry in enumerate(parsed.entries):
        link = entry.get("link")
        link = urljoin(url, link) if (link and url) else link
        title = _detail_text(entry.get("title_detail"), entry.get("title")) or None
        summary = _detail_text(entry.get("summary_detail"), entry.get("summary"))
        contents = [_detail_text(c, c.get("value")) for c in entry.get("content", []) or []]
        content = max(contents, key=len) if contents else ""
        # dict.get: feedparser's own get() maps a missing "updated" to "published" with a warning
        updated = dict.get(entry, "updated")
        published = _when(entry.get("published_parsed")) or _when(dict.get(entry, "updated_parsed"))
        guid = entry.get("id") or entry.get("guid")
        key = str(guid or link or stable_id(title, entry.get("published"), number, prefix="item-"))
        fingerprint = content_hash(
            "\x1f".join(
                str(part or "")
                for part in (title, link, summary, content, updated or entry.get("published"))
            )
        )
        summary_detail = entry.get("summary_detail") or {}
        items.append(
            FeedItem(
                key=key,
                link=link,
                title=title,
                summary=summary,
                content=content,
                published=published,
                author=entry.get("author"),
                language=_language(summary_detail.get("language")) or feed_language,
                fingerprint=fingerprint,
            )
        )
    warning = None
    if problem is not None:
        warning = f"malformed feed read leniently ({type(problem).__name__}: {problem})"
    return ParsedFeed(
        title=_detail_text(feed_info.get("title_detail"), feed_info.get("title")) or None,
        format=version or "unknown",
        language=feed_language,
        items=tuple(items),
        warning=warning,
    )


# --------------------------------------------------------------------------- items to articles


def feed_article(
    entry: SourceEntry, fetcher: Fetcher | None, feed: ParsedFeed, item: FeedItem
) -> Article | None:
    """The article for one feed item: its linked page's main text, or the feed's own text.

    The page is fetched when ``entry.fetch_articles`` is ``always``, or ``auto`` and the feed
    text is a teaser. A page that can never be read (404, refused, no main text) falls back to
    the feed text; a transient failure (timeout, 5xx) raises so the item is tried next time.
    """
    from watchfloor.ingest.extract import detect_language
    from watchfloor.ingest.pages import fetch_article_page

    feed_text = item.text
    mode = entry.fetch_articles
    want_page = (
        bool(item.link)
        and fetcher is not None
        and (mode == "always" or (mode == "auto" and len(feed_text) < FULL_TEXT_MIN_CHARS))
    )
    page = None
    final_url = item.link
    if want_page:
        assert fetcher is not None and item.link is not None
        try:
            page, result = fetch_article_page(fetcher, item.link)
            final_url = result.final_url
        except WatchfloorError as exc:
            if is_transient(exc) or not feed_text:
                raise
    if page is not None:
        text = page.text
        language = page.language
    elif feed_text:
        text = feed_text
        language = detect_language(feed_text) or item.language or entry.source.language
    else:
        return None
    curl = canonical_url(final_url) if final_url else None
    return Article(
        id=stable_id(curl, prefix="a-") if curl else stable_id(entry.name, item.key, prefix="a-"),
        text=text,
        title=item.title or (page.title if page else None),
        published_at=item.published or (page.published if page else None),
        source=entry.name,
        url=final_url,
        canonical_url=curl,
        language=language,
        kind=entry.source.kind,
        author=item.author or (page.author if page else None),
    )


def feed_poll_from_result(
    entry: SourceEntry, fetcher: Fetcher | None, result: FetchResult, seen: Mapping[str, str]
) -> SourcePoll:
    """The new and edited items of an already-fetched feed, oldest first."""
    feed = parse_feed(result.content, url=result.final_url, charset=result.charset)
    pending: list[PendingItem] = []
    unchanged = 0
    done: set[str] = set()
    # feeds list the newest first; storing the oldest first makes "the first stored copy" of a
    # syndicated story the earliest one
    for item in reversed(feed.items):
        if seen.get(item.key) == item.fingerprint or item.key in done:
            unchanged += 1
            continue
        done.add(item.key)
        pending.append(
            PendingItem(
                key=item.key,
                fingerprint=item.fingerprint,
                build=partial(feed_article, entry, fetcher, feed, item),
            )
        )
    return SourcePoll(
        source=entry.name,
        items=tuple(pending),
        etag=result.etag,
        last_modified=result.last_modified,
        unchanged=unchanged,
        warning=feed.warning,
    )


def poll_feed(
    entry: SourceEntry,
    fetcher: Fetcher,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    seen: Mapping[str, str] | None = None,
) -> SourcePoll:
    """Fetch a feed (conditionally) and list its new and edited items."""
    assert entry.source.url, "a feed source has a URL (the registry checks it)"
    result = fetcher.fetch(entry.source.url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        return SourcePoll(
            source=entry.name,
            not_modified=True,
            etag=result.etag or etag,
            last_modified=result.last_modified or last_modified,
        )
    return feed_poll_from_result(entry, fetcher, result, seen or {})
