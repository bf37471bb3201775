"""The store interface: the only shared state in watchfloor.

Stages never talk to each other sideways; they read and write records through a ``Store``.
DuckDB (``store/duckdb.py``) is the embedded default; a PostgreSQL backend implements the same
methods. Every write method is atomic (all rows or none) and idempotent where the records carry
their own identity.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from watchfloor.records import Article, Event, Source

__all__ = ["ArticleWriteResult", "EventQuery", "Store"]


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
        self, articles: Sequence[Article], *, update_edited: bool = False
    ) -> ArticleWriteResult:
        """Store articles once, keyed by id, canonical URL and content hash.

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

    # -- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
