"""Stores: the DuckDB file by default; other backends implement ``Store``."""

from __future__ import annotations

from pathlib import Path

from watchfloor.store.base import ArticleWriteResult, EventQuery, Store

__all__ = ["ArticleWriteResult", "EventQuery", "Store", "open_store"]


def open_store(location: str | Path, *, read_only: bool = False) -> Store:
    """Open (and migrate) the store at ``location``: a DuckDB file path, or ``":memory:"``.

    ``postgresql://`` URLs are reserved for the PostgreSQL backend.
    """
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        from watchfloor.errors import StoreError

        raise StoreError(f"{text}: the PostgreSQL backend is not available in this release")
    from watchfloor.store.duckdb import DuckDBStore

    return DuckDBStore(location, read_only=read_only)
