"""The embedded DuckDB store: one file, no server.

Bulk writes go through Arrow tables registered as views (DuckDB's ``executemany`` costs about
12 s per 10k rows here; Arrow costs milliseconds). Each write method runs in one transaction.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from watchfloor.errors import StoreError
from watchfloor.records import Article, Event, Source
from watchfloor.store.base import ArticleWriteResult, EventQuery, SeenItem, SourceState, Store

__all__ = ["DuckDBStore", "migrations"]


def migrations() -> list[tuple[int, str, str]]:
    """The shipped migrations as (version, name, sql), in order."""
    found = []
    for entry in resources.files("watchfloor.store").joinpath("migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


_ARTICLE_COLUMNS = (
    "id",
    "title",
    "text",
    "published_at",
    "seen_at",
    "source",
    "url",
    "canonical_url",
    "language",
    "content_hash",
    "kind",
    "author",
    "duplicate_of",
)


class DuckDBStore(Store):
    """A watchfloor store in a DuckDB file (or ``":memory:"``)."""

    def __init__(self, path: str | Path = "watchfloor.duckdb", *, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the store: {exc}") from None
        self._lock = threading.RLock()
        if not read_only:
            self.migrate()

    # -- schema ----------------------------------------------------------------------------
    @property
    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0]) if row else 0

    def migrate(self) -> int:
        with self._lock:
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)"
            )
            # every shipped migration not yet applied, not just those above the highest applied:
            # a migration merged later with a lower number must still run
            applied = {
                row[0]
                for row in self.con.execute("SELECT version FROM schema_migrations").fetchall()
            }
            for version, name, sql in migrations():
                if version in applied:
                    continue
                with self.transaction():
                    self.con.execute(sql)
                    self.con.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        [version, name, datetime.now(UTC)],
                    )
            return self.schema_version

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All statements inside commit together or not at all."""
        with self._lock:
            self.con.execute("BEGIN TRANSACTION")
            try:
                yield self.con
            except BaseException:
                self.con.execute("ROLLBACK")
                raise
            else:
                self.con.execute("COMMIT")

    # -- sources ---------------------------------------------------------------------------
    def upsert_sources(self, sources: Iterable[Source]) -> int:
        rows = [s.to_dict() for s in sources]
        if not rows:
            return 0
        table = pa.Table.from_pylist(rows)
        with self.transaction() as con:
            con.register("_incoming_sources", table)
            try:
                con.execute(
                    "DELETE FROM sources WHERE name IN (SELECT name FROM _incoming_sources)"
                )
                con.execute(
                    "INSERT INTO sources BY NAME SELECT name, kind, url, country, language, "
                    "reliability, state_affiliated, poll_interval_s, description "
                    "FROM _incoming_sources"
                )
            finally:
                con.unregister("_incoming_sources")
        return len(rows)

    def sources(self) -> list[Source]:
        cursor = self.con.execute("SELECT * FROM sources ORDER BY name")
        names = [d[0] for d in cursor.description]
        return [Source.from_dict(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def remove_source(self, name: str) -> bool:
        with self.transaction() as con:
            row = con.execute("SELECT count(*) FROM sources WHERE name = ?", [name]).fetchone()
            con.execute("DELETE FROM sources WHERE name = ?", [name])
            # polling state goes with the source (seen_items stay: re-adding it re-offers nothing)
            con.execute("DELETE FROM source_options WHERE name = ?", [name])
            con.execute("DELETE FROM source_state WHERE name = ?", [name])
        return bool(row and row[0])

    # -- articles --------------------------------------------------------------------------
    def add_articles(
        self,
        articles: Sequence[Article],
        *,
        update_edited: bool = False,
        signatures: Mapping[str, bytes] | None = None,
    ) -> ArticleWriteResult:
        if not articles:
            return ArticleWriteResult()
        now = datetime.now(UTC)
        with self.transaction() as con:
            result, stored_as = self._write_articles(
                con, articles, update_edited=update_edited, now=now
            )
            if signatures:
                self._write_signatures(con, articles, signatures, stored_as, set(result.changed))
            return result

    def _write_articles(
        self,
        con: duckdb.DuckDBPyConnection,
        articles: Sequence[Article],
        *,
        update_edited: bool,
        now: datetime,
    ) -> tuple[ArticleWriteResult, dict[str, str]]:
        """``add_articles`` inside the caller's transaction; also maps offered id -> stored id."""
        existing = self._existing_keys(con, articles)
        by_id, by_hash, by_url = existing
        inserted: list[Article] = []
        updated: list[Article] = []
        duplicates: list[tuple[str, str]] = []
        seen_ids: dict[str, str] = {}
        seen_hash: dict[str, str] = {}
        seen_url: dict[str, str] = {}
        moved: dict[str, str] = {}
        for article in articles:
            stored = (
                by_hash.get(article.content_hash)
                or seen_hash.get(article.content_hash)
                or seen_ids.get(article.id)
            )
            if stored is not None:
                duplicates.append((article.id, stored))
                continue
            same_place = by_id.get(article.id) or (
                by_url.get(article.canonical_url) if article.canonical_url else None
            )
            if same_place is None and article.canonical_url:
                same_place = seen_url.get(article.canonical_url)
            if same_place is not None:
                if update_edited and same_place in by_id.values():
                    updated.append(article.with_changes(id=same_place))
                    moved[article.id] = same_place
                else:
                    duplicates.append((article.id, same_place))
                continue
            inserted.append(article)
            seen_ids[article.id] = article.id
            seen_hash[article.content_hash] = article.id
            if article.canonical_url:
                seen_url[article.canonical_url] = article.id
        rows = [self._article_row(a, now) for a in inserted + updated]
        if updated:
            edited = [[a.id for a in updated]]
            con.execute("DELETE FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", edited)
            # the text changed: the old coding no longer describes it, so it is coded again
            con.execute("DELETE FROM codings WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", edited)
        if rows:
            table = pa.Table.from_pylist(rows, schema=_ARTICLE_SCHEMA)
            con.register("_incoming_articles", table)
            try:
                con.execute("INSERT INTO articles BY NAME SELECT * FROM _incoming_articles")
            finally:
                con.unregister("_incoming_articles")
        if duplicates:
            offered = {a.id: a for a in articles}
            dup_rows = [
                {
                    "offered_id": offered_id,
                    "stored_id": stored_id,
                    "source": offered[offered_id].source,
                    "url": offered[offered_id].url,
                    "seen_at": now,
                }
                for offered_id, stored_id in duplicates
            ]
            con.register("_incoming_dups", pa.Table.from_pylist(dup_rows))
            try:
                con.execute("INSERT INTO duplicates BY NAME SELECT * FROM _incoming_dups")
            finally:
                con.unregister("_incoming_dups")
        stored_as = {a.id: a.id for a in inserted}
        stored_as.update({offered: stored for offered, stored in duplicates})
        stored_as.update(moved)
        result = ArticleWriteResult(
            inserted=tuple(a.id for a in inserted),
            updated=tuple(a.id for a in updated),
            duplicates=tuple(duplicates),
        )
        return result, stored_as

    @staticmethod
    def _existing_keys(
        con: duckdb.DuckDBPyConnection, articles: Sequence[Article]
    ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        ids = [a.id for a in articles]
        hashes = [a.content_hash for a in articles]
        urls = [a.canonical_url for a in articles if a.canonical_url]
        rows = con.execute(
            "SELECT id, content_hash, canonical_url FROM articles "
            "WHERE id IN (SELECT unnest(?::VARCHAR[])) "
            "OR content_hash IN (SELECT unnest(?::VARCHAR[])) "
            "OR canonical_url IN (SELECT unnest(?::VARCHAR[]))",
            [ids, hashes, urls],
        ).fetchall()
        by_id = {r[0]: r[0] for r in rows}
        by_hash = {r[1]: r[0] for r in rows}
        by_url = {r[2]: r[0] for r in rows if r[2]}
        return by_id, by_hash, by_url

    @staticmethod
    def _article_row(article: Article, now: datetime) -> dict[str, Any]:
        return {
            "id": article.id,
            "title": article.title,
            "text": article.text,
            "published_at": article.published_at,
            "seen_at": article.seen_at or now,
            "source": article.source,
            "url": article.url,
            "canonical_url": article.canonical_url,
            "language": article.language,
            "content_hash": article.content_hash,
            "kind": article.kind,
            "author": article.author,
            "duplicate_of": article.duplicate_of,
        }

    def articles(
        self,
        *,
        ids: Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        where: list[str] = []
        params: list[Any] = []
        if ids is not None:
            where.append("id IN (SELECT unnest(?::VARCHAR[]))")
            params.append(list(ids))
        if since is not None:
            where.append("published_at >= ?")
            params.append(since)
        if until is not None:
            where.append("published_at < ?")
            params.append(until)
        if language is not None:
            where.append("language = ?")
            params.append(language)
        sql = f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published_at NULLS LAST, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._lock:
            rows = self.con.execute(sql, params).fetchall()
        return [_article_from_row(row) for row in rows]

    def uncoded_articles(self, coder: str, *, batch_size: int = 500) -> Iterator[list[Article]]:
        with self._lock:
            ids = [
                r[0]
                for r in self.con.execute(
                    "SELECT a.id FROM articles a LEFT JOIN codings c ON c.doc_id = a.id "
                    "WHERE (a.language IS NULL OR a.language = 'en') "
                    "AND (c.coder IS NULL OR c.coder <> ?) "
                    "ORDER BY a.published_at NULLS LAST, a.id",
                    [coder],
                ).fetchall()
            ]
        for start in range(0, len(ids), batch_size):
            yield self.articles(ids=ids[start : start + batch_size])

    # -- events ----------------------------------------------------------------------------
    def replace_events(self, coded: Sequence[tuple[str, Sequence[Event]]], coder: str) -> int:
        if not coded:
            return 0
        now = datetime.now(UTC)
        doc_ids = [doc_id for doc_id, _ in coded]
        rows = [_event_row(e) for _, events in coded for e in events]
        codings = [
            {"doc_id": doc_id, "coder": coder, "coded_at": now, "n_events": len(events)}
            for doc_id, events in coded
        ]
        with self.transaction() as con:
            con.execute(
                "DELETE FROM events WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]
            )
            con.execute(
                "DELETE FROM codings WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids]
            )
            if rows:
                con.register("_incoming_events", pa.Table.from_pylist(rows, schema=_EVENT_SCHEMA))
                try:
                    con.execute("INSERT INTO events BY NAME SELECT * FROM _incoming_events")
                finally:
                    con.unregister("_incoming_events")
            con.register("_incoming_codings", pa.Table.from_pylist(codings))
            try:
                con.execute("INSERT INTO codings BY NAME SELECT * FROM _incoming_codings")
            finally:
                con.unregister("_incoming_codings")
        return len(rows)

    def events(self, query: EventQuery | None = None) -> list[Event]:
        sql, params = event_query_sql(query or EventQuery(), columns="record")
        with self._lock:
            rows = self.con.execute(sql, params).fetchall()
        return [Event.from_dict(json.loads(r[0])) for r in rows]

    def counts(self) -> dict[str, Any]:
        def scalar(sql: str) -> int:
            row = self.con.execute(sql).fetchone()
            return int(row[0]) if row and row[0] is not None else 0

        with self._lock:
            by_source = {
                (r[0] or "(none)"): {"articles": int(r[1]), "events": int(r[2])}
                for r in self.con.execute(
                    "SELECT a.source, count(DISTINCT a.id), count(e.id) FROM articles a "
                    "LEFT JOIN events e ON e.doc_id = a.id GROUP BY a.source ORDER BY a.source"
                ).fetchall()
            }
            by_language = {
                (r[0] or "unknown"): int(r[1])
                for r in self.con.execute(
                    "SELECT language, count(*) FROM articles GROUP BY language ORDER BY language"
                ).fetchall()
            }
            return {
                "sources": scalar("SELECT count(*) FROM sources"),
                "articles": scalar("SELECT count(*) FROM articles"),
                "duplicates": scalar("SELECT count(*) FROM duplicates"),
                "events": scalar("SELECT count(*) FROM events"),
                "coded_articles": scalar("SELECT count(*) FROM codings"),
                "by_source": by_source,
                "by_language": by_language,
            }

    def query(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self.con.execute(sql, list(params)).df()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with self.transaction() as con:
            con.execute(sql, list(params))

    # -- source polling (ingest/registry.py, watch.py) ---------------------------------------
    def source_options(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            rows = self.con.execute("SELECT name, options FROM source_options").fetchall()
        return {name: json.loads(options) for name, options in rows}

    def set_source_options(self, options: Mapping[str, Mapping[str, Any]]) -> None:
        rows = [
            {"name": name, "options": json.dumps(dict(values), sort_keys=True)}
            for name, values in options.items()
        ]
        if not rows:
            return
        with self.transaction() as con:
            con.register("_incoming_options", pa.Table.from_pylist(rows))
            try:
                con.execute(
                    "INSERT OR REPLACE INTO source_options "
                    "SELECT name, options FROM _incoming_options"
                )
            finally:
                con.unregister("_incoming_options")

    def source_states(self) -> dict[str, SourceState]:
        columns = [f.name for f in fields(SourceState)]
        with self._lock:
            rows = self.con.execute(f"SELECT {', '.join(columns)} FROM source_state").fetchall()
        states = {}
        for row in rows:
            values: dict[str, Any] = {
                c: v.astimezone(UTC) if isinstance(v, datetime) else v
                for c, v in zip(columns, row, strict=True)
            }
            states[row[0]] = SourceState(**values)
        return states

    def save_source_state(self, state: SourceState) -> None:
        columns = [f.name for f in fields(SourceState)]
        with self.transaction() as con:
            con.execute(
                f"INSERT OR REPLACE INTO source_state ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                [getattr(state, c) for c in columns],
            )

    def seen_items(self, source: str) -> dict[str, str]:
        with self._lock:
            rows = self.con.execute(
                "SELECT item_key, fingerprint FROM seen_items WHERE source = ?", [source]
            ).fetchall()
        return dict(rows)

    def add_source_items(
        self,
        items: Sequence[tuple[SeenItem, Article | None]],
        *,
        signatures: Mapping[str, bytes] | None = None,
    ) -> ArticleWriteResult:
        if not items:
            return ArticleWriteResult()
        now = datetime.now(UTC)
        articles = [article for _, article in items if article is not None]
        signatures = signatures or {}
        with self.transaction() as con:
            # an item whose feed entry changed but whose article did not (same id, same text)
            # is not offered again: it would be counted as a duplicate of itself
            stored_hashes = dict(
                con.execute(
                    "SELECT id, content_hash FROM articles "
                    "WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                    [[a.id for a in articles]],
                ).fetchall()
                if articles
                else []
            )
            unchanged = {a.id for a in articles if stored_hashes.get(a.id) == a.content_hash}
            offered = [a for a in articles if a.id not in unchanged]
            result, stored_as = (
                self._write_articles(con, offered, update_edited=True, now=now)
                if offered
                else (ArticleWriteResult(), {})
            )
            stored_as.update({article_id: article_id for article_id in unchanged})
            changed = set(result.changed)
            self._write_signatures(con, articles, signatures, stored_as, changed)
            seen_rows = {(seen.source, seen.key): (seen, article) for seen, article in items}
            con.execute(
                "INSERT INTO seen_items "
                "(source, item_key, fingerprint, article_id, first_seen, last_seen) "
                "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
                "unnest(?::VARCHAR[]), ?, ? "
                "ON CONFLICT (source, item_key) DO UPDATE SET "
                "fingerprint = excluded.fingerprint, article_id = excluded.article_id, "
                "last_seen = excluded.last_seen",
                [
                    [seen.source for seen, _ in seen_rows.values()],
                    [seen.key for seen, _ in seen_rows.values()],
                    [seen.fingerprint for seen, _ in seen_rows.values()],
                    [
                        stored_as.get(article.id, article.id) if article else None
                        for _, article in seen_rows.values()
                    ],
                    now,
                    now,
                ],
            )
        return result

    @staticmethod
    def _write_signatures(
        con: duckdb.DuckDBPyConnection,
        articles: Sequence[Article],
        signatures: Mapping[str, bytes],
        stored_as: Mapping[str, str],
        changed: set[str],
    ) -> None:
        """Keep near-duplicate signatures of written articles, in the caller's transaction."""
        signature_rows = [
            {"article_id": stored_as[a.id], "signature": signatures[a.id]}
            for a in articles
            if a.id in signatures and stored_as.get(a.id) in changed
        ]
        stale = changed - {row["article_id"] for row in signature_rows}
        if stale:  # rewritten too short to judge: its old signature no longer describes it
            con.execute(
                "DELETE FROM article_signatures WHERE article_id IN (SELECT unnest(?::VARCHAR[]))",
                [sorted(stale)],
            )
        # unnest() of parameter lists, not a registered Arrow table: for the few rows of a
        # poll batch it is about ten times faster (registering costs milliseconds each time)
        if signature_rows:
            con.execute(
                "INSERT OR REPLACE INTO article_signatures "
                "SELECT unnest(?::VARCHAR[]), unnest(?::BLOB[])",
                [
                    [row["article_id"] for row in signature_rows],
                    [row["signature"] for row in signature_rows],
                ],
            )

    def near_duplicate_rows(
        self, *, since: datetime | None = None
    ) -> Iterator[tuple[str, bytes, str | None]]:
        sql = (
            "SELECT a.id, s.signature, a.duplicate_of "
            "FROM articles a JOIN article_signatures s ON s.article_id = a.id"
        )
        params: list[Any] = []
        if since is not None:
            sql += " WHERE a.seen_at >= ?"
            params.append(since)
        sql += " ORDER BY a.seen_at, a.id"
        with self._lock:
            cursor = self.con.execute(sql, params)
            while rows := cursor.fetchmany(2000):
                for article_id, signature, duplicate_of in rows:
                    yield article_id, bytes(signature), duplicate_of

    def dedup_counts(self) -> dict[str, Any]:
        with self._lock:
            exact = dict(
                self.con.execute(
                    "SELECT coalesce(source, '(none)'), count(*) FROM duplicates GROUP BY 1"
                ).fetchall()
            )
            near = dict(
                self.con.execute(
                    "SELECT coalesce(source, '(none)'), count(*) FROM articles "
                    "WHERE duplicate_of IS NOT NULL GROUP BY 1"
                ).fetchall()
            )
        by_source = {
            name: {"duplicates": int(exact.get(name, 0)), "near_duplicates": int(near.get(name, 0))}
            for name in sorted(set(exact) | set(near))
        }
        return {
            "duplicates": int(sum(exact.values())),
            "near_duplicates": int(sum(near.values())),
            "by_source": by_source,
        }

    def close(self) -> None:
        self.con.close()


def event_query_sql(query: EventQuery, *, columns: str = "*") -> tuple[str, list[Any]]:
    """SQL over the ``events`` table for an ``EventQuery`` (shared with analysis code)."""
    where: list[str] = []
    params: list[Any] = []

    def prefix_match(column: str, codes: Sequence[str]) -> None:
        clauses = []
        for code in codes:
            clauses.append(f"len(list_filter({column}, c -> starts_with(c, ?))) > 0")
            params.append(code.upper())
        where.append("(" + " OR ".join(clauses) + ")")

    if query.actors:
        prefix_match("actor_codes", query.actors)
    if query.recipients:
        prefix_match("recipient_codes", query.recipients)
    if query.event_types:
        where.append("event_type IN (SELECT unnest(?::VARCHAR[]))")
        params.append([t.upper() for t in query.event_types])
    if query.modalities:
        where.append("modality IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(query.modalities))
    if query.since is not None:
        where.append("date >= ?")
        params.append(query.since)
    if query.until is not None:
        where.append("date <= ?")
        params.append(query.until)
    if query.doc_ids:
        where.append("doc_id IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(query.doc_ids))
    if not query.include_claims:
        where.append("claim_stance IS NULL")
    sql = f"SELECT {columns} FROM events"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY date NULLS LAST, doc_id, sentence_index, id"
    if query.limit is not None:
        sql += f" LIMIT {int(query.limit)}"
    return sql, params


_ARTICLE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("seen_at", pa.timestamp("us", tz="UTC")),
        ("source", pa.string()),
        ("url", pa.string()),
        ("canonical_url", pa.string()),
        ("language", pa.string()),
        ("content_hash", pa.string()),
        ("kind", pa.string()),
        ("author", pa.string()),
        ("duplicate_of", pa.string()),
    ]
)

_EVENT_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("doc_id", pa.string()),
        ("sentence_index", pa.int32()),
        ("sentence", pa.string()),
        ("date", pa.date32()),
        ("event_type", pa.string()),
        ("mode", pa.string()),
        ("cameo", pa.string()),
        ("quad_class", pa.int8()),
        ("goldstein", pa.float64()),
        ("actor_codes", pa.list_(pa.string())),
        ("actor_countries", pa.list_(pa.string())),
        ("recipient_codes", pa.list_(pa.string())),
        ("recipient_countries", pa.list_(pa.string())),
        ("modality", pa.string()),
        ("claim_stance", pa.string()),
        ("claim_by_code", pa.string()),
        ("claim_by_country", pa.string()),
        ("fatalities", pa.int32()),
        ("location_name", pa.string()),
        ("location_country", pa.string()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("confidence", pa.float64()),
        ("coder", pa.string()),
        ("pattern", pa.string()),
        ("record", pa.string()),
    ]
)


def _event_row(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "doc_id": event.doc_id,
        "sentence_index": event.sentence_index,
        "sentence": event.sentence,
        "date": event.date,
        "event_type": event.event_type,
        "mode": event.mode,
        "cameo": event.cameo,
        "quad_class": event.quad_class,
        "goldstein": event.goldstein,
        "actor_codes": [e.code for e in event.actor],
        "actor_countries": [e.country for e in event.actor],
        "recipient_codes": [e.code for e in event.recipient],
        "recipient_countries": [e.country for e in event.recipient],
        "modality": event.modality,
        "claim_stance": event.claim.stance if event.claim else None,
        "claim_by_code": event.claim.by.code if event.claim else None,
        "claim_by_country": event.claim.by.country if event.claim else None,
        "fatalities": event.fatalities,
        "location_name": event.location.name if event.location else None,
        "location_country": event.location.country if event.location else None,
        "lat": event.location.lat if event.location else None,
        "lon": event.location.lon if event.location else None,
        "confidence": event.confidence,
        "coder": f"{event.coder.name}@{event.coder.version}",
        "pattern": event.coder.pattern,
        "record": event.to_json(),
    }


def _article_from_row(row: tuple[Any, ...]) -> Article:
    data = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
    return Article(
        id=data["id"],
        text=data["text"],
        title=data["title"],
        published_at=data["published_at"],
        source=data["source"],
        url=data["url"],
        canonical_url=data["canonical_url"],
        language=data["language"],
        content_hash=data["content_hash"],
        seen_at=data["seen_at"],
        kind=data["kind"],
        author=data["author"],
        duplicate_of=data["duplicate_of"],
    )
