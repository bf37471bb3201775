"""The store interface: the only shared state in watchfloor.

Stages never talk to each other sideways; they read and write records through a ``Store``.
DuckDB (``store/duckdb.py``) is the embedded default; a PostgreSQL backend implements the same
methods. Every write method is atomic (all rows or none) and idempotent where the records carry
their own identity.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from watchfloor.records import Article, Event, Source

__all__ = ["ArticleWriteResult", "EventQuery", "SeenItem", "SourceState", "Store"]


@dataclass(frozen=True)
class ArticleWriteResult:
    """What happened to each article offered to ``Store.add_articles``."""

    inserted: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()  # (offered id, id of the stored copy)

    @property
    def changed(self) -> tuple[str, ...]:
        """Articles whose text is new to the store: these need (re)coding."""
        return self.inserted + self.updated


@dataclass(frozen=True)
class EventQuery:
    """A filter over stored events. Actor codes match by prefix: ``RUS`` matches ``RUSGOV``."""

    actors: Sequence[str] = ()
    recipients: Sequence[str] = ()
    event_types: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    modalities: Sequence[str] = ()
    doc_ids: Sequence[str] = ()
    include_claims: bool = True
    limit: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# -- source polling records (ingest/registry.py, watch.py) ------------------------------------
@dataclass(frozen=True)
class SourceState:
    """What the poller knows about one source: validators, watermark and health. Times are UTC."""

    name: str
    etag: str | None = None
    last_modified: str | None = None
    watermark: datetime | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_code: str | None = None
    consecutive_failures: int = 0
    next_due: datetime | None = None
    items_stored: int = 0


@dataclass(frozen=True)
class SeenItem:
    """A feed item or followed link already handled, and a fingerprint of its content then."""

    source: str
    key: str
    fingerprint: str
    article_id: str | None = None


class Store(abc.ABC):
    """What every backend provides. Times are UTC; dates are event dates."""

    @property
    @abc.abstractmethod
    def schema_version(self) -> int: ...

    @abc.abstractmethod
    def migrate(self) -> int:
        """Apply pending migrations; returns the schema version reached."""

    # -- sources ---------------------------------------------------------------------------
    @abc.abstractmethod
    def upsert_sources(self, sources: Iterable[Source]) -> int: ...

    @abc.abstractmethod
    def sources(self) -> list[Source]: ...

    # -- articles --------------------------------------------------------------------------
    @abc.abstractmethod
    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        update_edited: bool = False,
        signatures: Mapping[str, bytes] | None = None,
    ) -> ArticleWriteResult:
        """Store articles once, keyed by id, canonical URL and content hash.

        ``signatures`` (article id -> MinHash signature) are kept for near-duplicate detection.

        An article whose id, canonical URL or content hash is already stored is a duplicate. With
        ``update_edited``, an article whose canonical URL (or id) is stored with different text
        replaces that text (a feed item edited after publication) and is reported as updated.
        """

    @abc.abstractmethod
    def articles(
        self,
        *,
        ids: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> list[Article]: ...

    @abc.abstractmethod
    def uncoded_articles(self, coder: str, *, batch_size: int = 500) -> Iterator[list[Article]]:
        """English articles not yet coded by ``coder`` (name@version), in batches."""

    # -- events ----------------------------------------------------------------------------
    @abc.abstractmethod
    def replace_events(self, coded: Sequence[tuple[str, Sequence[Event]]], coder: str) -> int:
        """For each (doc_id, events): drop the doc's previous events and store these, atomically.

        Records that ``doc_id`` was coded by ``coder`` even when it produced no events.
        """

    @abc.abstractmethod
    def events(self, query: EventQuery | None = None) -> list[Event]: ...

    @abc.abstractmethod
    def counts(self) -> dict[str, Any]:
        """Counts of sources, articles, duplicates, events, by source and language."""

    @abc.abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run a read-only SQL query over the store's tables; returns a pandas DataFrame.

        Analysis stages use this for set-based work (dyads over millions of events); the SQL
        they send sticks to what DuckDB and PostgreSQL both understand where it can.
        """

    @abc.abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Run one write statement atomically (for small updates: acknowledgements, notes)."""

    # -- source polling (ingest/registry.py, watch.py) ---------------------------------------
    # Not abstract: a backend without them can still store and code articles; it cannot poll.
    def remove_source(self, name: str) -> bool:
        """Forget a source, its options and its polling state (its articles stay)."""
        raise NotImplementedError

    def source_options(self) -> dict[str, dict[str, Any]]:
        """Per-source options (``follow``, ``fetch_articles``, ``enabled``) by source name."""
        raise NotImplementedError

    def set_source_options(self, options: Mapping[str, Mapping[str, Any]]) -> None:
        raise NotImplementedError

    def source_states(self) -> dict[str, SourceState]:
        raise NotImplementedError

    def save_source_state(self, state: SourceState) -> None:
        raise NotImplementedError

    def seen_items(self, source: str) -> dict[str, str]:
        """Item key -> fingerprint of everything already handled for ``source``."""
        raise NotImplementedError

    def add_source_items(
        self,
        items: Sequence[tuple[SeenItem, Article | None]],
        *,
        signatures: Mapping[str, bytes] | None = None,
    ) -> ArticleWriteResult:
        """Store fetched articles and mark their items seen, atomically (the exactly-once step).

        Articles are written as ``add_articles(..., update_edited=True)`` does; an edited article
        loses its coding so that it is coded again. ``signatures`` (by article id) are the
        MinHash signatures used to find near-duplicates later.
        """
        raise NotImplementedError

    def near_duplicate_rows(
        self, *, since: datetime | None = None
    ) -> Iterator[tuple[str, bytes, str | None]]:
        """(article id, MinHash signature, duplicate_of) of fetched articles, oldest first."""
        raise NotImplementedError

    def dedup_counts(self) -> dict[str, Any]:
        """Exact duplicates and near-duplicates (stored copies), overall and by source."""
        raise NotImplementedError

    # -- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
