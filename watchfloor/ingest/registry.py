"""The source registry: which feeds, pages and press-release indexes to follow, and how.

A registry is a YAML file users keep in version control (``watchfloor sources import FILE`` /
``export``) or the ``sources`` table of the store (``watchfloor sources add``). Each entry is a
``Source`` record (name, kind, URL, country, language, poll interval, Admiralty reliability,
state affiliation) plus the polling options the record does not carry::

    sources:
      - name: Harbour Ministry press releases
        kind: ministry            # what the outlet is; polled when `fetch` says how
        fetch: index              # feed | page | index (rss, atom and rdf mean feed)
        url: https://www.harbour-ministry.example/press/
        follow: '/press/\\d{4}/'  # index pages: article links must match this regex
        country: XHB
        language: en
        reliability: B
        state_affiliated: true
        poll_interval: 30m

This module also defines what polling one source yields (``SourcePoll``): the items it found,
each with a key, a fingerprint and a deferred ``build`` that fetches and extracts the article.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from watchfloor.errors import ConfigError
from watchfloor.records import Article, Source
from watchfloor.store.base import SeenItem, SourceState, Store

__all__ = [
    "FEED_KINDS",
    "FETCH_METHODS",
    "RELIABILITY_GRADES",
    "PendingItem",
    "SeenItem",
    "SourceEntry",
    "SourcePoll",
    "SourceState",
    "dump_registry",
    "entries_from_store",
    "load_registry",
    "parse_interval",
    "parse_registry",
    "save_entries",
]

# Admiralty (NATO) source reliability grades.
RELIABILITY_GRADES: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
FEED_KINDS = frozenset({"feed", "rss", "atom", "rdf"})
# How a source is fetched. "auto" (ad-hoc URLs only) sniffs the response: a feed or a page.
FETCH_METHODS = ("feed", "page", "index")
FETCH_ARTICLES = ("auto", "always", "never")
MIN_POLL_INTERVAL_S = 10
_ENTRY_KEYS = frozenset(
    {
        "name",
        "kind",
        "url",
        "country",
        "language",
        "reliability",
        "state_affiliated",
        "poll_interval_s",
        "poll_interval",
        "description",
        "fetch",
        "follow",
        "fetch_articles",
        "enabled",
    }
)
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True)
class SourceEntry:
    """A registered source and how to poll it.

    ``fetch`` says how to poll when ``source.kind`` describes the outlet (``ministry``,
    ``wire``) rather than the fetch method; ``follow`` is the regex article links on an index
    page must match; ``fetch_articles`` whether feed items fetch their linked page (``auto``:
    only when the feed carries no full text).
    """

    source: Source
    fetch: str | None = None
    follow: str | None = None
    fetch_articles: str = "auto"
    enabled: bool = True

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def method(self) -> str | None:
        """``feed``, ``page``, ``index``, ``auto`` or ``None`` (not polled: a file or an outlet)."""
        chosen = (self.fetch or self.source.kind or "").lower()
        if chosen in FEED_KINDS:
            return "feed"
        if chosen in (*FETCH_METHODS, "auto"):
            return chosen
        return None

    def options(self) -> dict[str, Any]:
        """The options stored beside the ``Source`` record (``source_options`` table)."""
        return {
            "fetch": self.fetch,
            "follow": self.follow,
            "fetch_articles": self.fetch_articles,
            "enabled": self.enabled,
        }

    def to_dict(self) -> dict[str, Any]:
        """The flat mapping written to a registry YAML file (defaults left out)."""
        data = {k: v for k, v in self.source.to_dict().items() if v is not None}
        if data.get("state_affiliated") is False:
            data.pop("state_affiliated")
        for key, value in self.options().items():
            if value is not None and value != _OPTION_DEFAULTS[key]:
                data[key] = value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "source") -> SourceEntry:
        """Validate one registry mapping; raises ``ConfigError`` listing every problem."""
        entry, problems = _validate(data, where)
        if problems or entry is None:
            raise ConfigError("\n  ".join([f"{where}: invalid source entry", *problems]))
        return entry


_OPTION_DEFAULTS: dict[str, Any] = {
    "fetch": None,
    "follow": None,
    "fetch_articles": "auto",
    "enabled": True,
}


def parse_interval(value: Any) -> int:
    """Seconds from ``900``, ``"900s"``, ``"15m"``, ``"1h"`` or ``"1d"``.

    >>> parse_interval("15m")
    900
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        return int(value)
    match = _INTERVAL.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration (use seconds, or 15m, 2h, 1d)")
    unit = (match.group(2) or "s").lower()
    return int(float(match.group(1)) * _UNIT_SECONDS[unit])


def _validate(data: Mapping[str, Any], where: str) -> tuple[SourceEntry | None, list[str]]:
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return None, [f"expected a mapping of fields, got {type(data).__name__}"]
    unknown = sorted(set(data) - _ENTRY_KEYS)
    if unknown:
        problems.append(
            f"unknown field(s) {', '.join(map(repr, unknown))}; fields are "
            + ", ".join(sorted(_ENTRY_KEYS))
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append("'name' is required (a non-empty string)")
        name = "?"
    name = name.strip()
    kind = data.get("kind", "feed" if data.get("url") else "file")
    if not isinstance(kind, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", kind):
        problems.append(f"kind {kind!r} must be a lower-case word (feed, page, index, ministry...)")
        kind = "file"
    fetch = data.get("fetch")
    if fetch is not None:
        fetch = str(fetch).lower()
        if fetch in FEED_KINDS:
            fetch = "feed"
        if fetch not in FETCH_METHODS:
            problems.append(f"fetch {fetch!r} must be one of {', '.join(FETCH_METHODS)}")
    url = data.get("url")
    polled = (fetch or kind) in (*FEED_KINDS, *FETCH_METHODS)
    if url is not None:
        parts = urlsplit(str(url))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(f"url {url!r} must be an absolute http(s) URL")
    elif polled:
        problems.append(f"'url' is required to poll a {fetch or kind} source")
    reliability = str(data.get("reliability", "F")).strip().upper()
    if reliability not in RELIABILITY_GRADES:
        problems.append(
            f"reliability {data.get('reliability')!r} is not an Admiralty grade "
            "(A completely reliable ... F cannot be judged)"
        )
    country = data.get("country")
    if country is not None:
        country = str(country).strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", country):
            problems.append(f"country {data.get('country')!r} must be an ISO 3166-1 alpha-3 code")
    language = data.get("language")
    if language is not None:
        language = str(language).strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}", language):
            problems.append(f"language {data.get('language')!r} must be an ISO 639 code like 'en'")
    state_affiliated = data.get("state_affiliated", False)
    if not isinstance(state_affiliated, bool):
        problems.append(f"state_affiliated must be true or false, got {state_affiliated!r}")
        state_affiliated = False
    interval_value = data.get("poll_interval_s", data.get("poll_interval", 900))
    try:
        interval = parse_interval(interval_value)
        if interval < MIN_POLL_INTERVAL_S:
            problems.append(
                f"poll interval {interval} s is below the minimum of {MIN_POLL_INTERVAL_S} s"
            )
    except ValueError as exc:
        problems.append(f"poll interval: {exc}")
        interval = 900
    follow = data.get("follow")
    if follow is not None:
        try:
            re.compile(str(follow))
        except re.error as exc:
            problems.append(f"follow {follow!r} is not a valid regular expression ({exc})")
    elif (fetch or kind) == "index":
        problems.append("an index source needs 'follow': a regex its article links match")
    fetch_articles = str(data.get("fetch_articles", "auto")).lower()
    if fetch_articles not in FETCH_ARTICLES:
        problems.append(f"fetch_articles must be one of {', '.join(FETCH_ARTICLES)}")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        problems.append(f"enabled must be true or false, got {enabled!r}")
    description = data.get("description")
    if problems:
        return None, problems
    source = Source(
        name=name,
        kind=kind,
        url=str(url) if url is not None else None,
        country=country,
        language=language,
        reliability=reliability,
        state_affiliated=state_affiliated,
        poll_interval_s=interval,
        description=str(description).strip() if description else None,
    )
    return (
        SourceEntry(
            source=source,
            fetch=fetch,
            follow=str(follow) if follow is not None else None,
            fetch_articles=fetch_articles,
            enabled=bool(enabled),
        ),
        [],
    )


# --------------------------------------------------------------------------- files


def parse_registry(text: str, *, where: str = "registry") -> list[SourceEntry]:
    """Read a registry YAML document (a list of entries, or ``{sources: [...]}``)."""
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    if data is None:
        return []
    items = data.get("sources") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a list of sources (or a 'sources:' list)")
    entries: list[SourceEntry] = []
    problems: list[str] = []
    names: set[str] = set()
    for number, item in enumerate(items, start=1):
        label = item.get("name") if isinstance(item, dict) else None
        here = f"entry {number}" + (f" ({label})" if label else "")
        entry, found = _validate(item, here)
        problems.extend(f"{here}: {p}" for p in found)
        if entry is None:
            continue
        if entry.name in names:
            problems.append(f"{here}: the name {entry.name!r} is used twice")
            continue
        names.add(entry.name)
        entries.append(entry)
    if problems:
        raise ConfigError("\n  ".join([f"{where}: {len(problems)} problem(s)", *problems]))
    return entries


def load_registry(path: str | os.PathLike[str]) -> list[SourceEntry]:
    """Read a registry file: YAML (``.yaml``/``.yml``) or OPML (``.opml``, or XML that is OPML)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the registry ({exc.strerror})") from None
    head = raw[:512].lstrip().lower()
    if path.suffix.lower() in (".opml", ".xml") or b"<opml" in head:
        from watchfloor.ingest.opml import read_opml

        return read_opml(raw, where=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the registry is not UTF-8 text") from None
    return parse_registry(text, where=str(path))


def dump_registry(entries: Iterable[SourceEntry]) -> str:
    """The YAML registry document for ``entries`` (``load_registry`` reads it back unchanged)."""
    import yaml

    body = yaml.safe_dump(
        {"sources": [e.to_dict() for e in entries]},
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return (
        "# watchfloor source registry: `watchfloor sources import` this file.\n"
        "# reliability: Admiralty grade A (completely reliable) .. F (cannot be judged).\n" + body
    )


# --------------------------------------------------------------------------- the store


def entries_from_store(store: Store) -> list[SourceEntry]:
    """Every registered source with its options, by name."""
    options = store.source_options()
    entries = []
    for source in store.sources():
        stored = options.get(source.name, {})
        entries.append(
            SourceEntry(
                source=source,
                fetch=stored.get("fetch"),
                follow=stored.get("follow"),
                fetch_articles=stored.get("fetch_articles") or "auto",
                enabled=stored.get("enabled", True),
            )
        )
    return entries


def save_entries(store: Store, entries: Sequence[SourceEntry]) -> int:
    """Register (or replace) sources and their options; returns how many."""
    if not entries:
        return 0
    store.upsert_sources([e.source for e in entries])
    store.set_source_options({e.name: e.options() for e in entries})
    return len(entries)


# --------------------------------------------------------------------------- polling results


@dataclass(frozen=True)
class PendingItem:
    """One new or changed item of a source; ``build`` fetches and extracts its article.

    ``build`` returns ``None`` for an item with nothing to store, and raises ``FetchError``
    when the item should be tried again at the next poll.
    """

    key: str
    fingerprint: str
    build: Callable[[], Article | None]


@dataclass(frozen=True)
class SourcePoll:
    """What one poll of one source found. ``etag``/``last_modified`` are the new validators."""

    source: str
    items: tuple[PendingItem, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    unchanged: int = 0  # items already stored as they are now
    warning: str | None = None
