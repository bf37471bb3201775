"""The DuckDB store: migrations, idempotent and atomic writes, queries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from watchfloor.records import Article, Entity, Event, Trigger
from watchfloor.store import EventQuery, open_store
from watchfloor.store.duckdb import DuckDBStore, migrations


def make_event(
    doc_id: str,
    actor: str,
    recipient: str,
    *,
    event_type: str = "ASSAULT",
    day: date = date(2026, 10, 1),
    sentence: str = "A attacked B.",
) -> Event:
    return Event(
        id=f"{doc_id}-{actor}-{recipient}-{event_type}",
        doc_id=doc_id,
        sentence_index=0,
        sentence=sentence,
        date=day,
        event_type=event_type,
        mode=None,
        cameo="190" if event_type == "ASSAULT" else "040",
        quad_class=4 if event_type == "ASSAULT" else 1,
        goldstein=-10.0 if event_type == "ASSAULT" else 1.0,
        actor=(Entity("A", actor, actor[:3], actor[3:] or None, 0, 1),),
        recipient=(Entity("B", recipient, recipient[:3], recipient[3:] or None, 11, 12),),
        trigger=Trigger("attacked", 2, 10),
    )


def test_store_migrations_reach_latest_version(db_path: Path) -> None:
    with open_store(db_path) as store:
        assert store.schema_version == max(v for v, _, _ in migrations())
    # reopening applies nothing twice
    with open_store(db_path) as store:
        assert store.schema_version == max(v for v, _, _ in migrations())


def test_store_same_article_twice_is_stored_once(db_path: Path) -> None:
    article = Article(
        id="x1",
        text="Talks were held in Geneva.",
        url="https://a.example/1",
        canonical_url="https://a.example/1",
    )
    with open_store(db_path) as store:
        first = store.add_articles([article])
        second = store.add_articles([article])
        assert first.inserted == ("x1",)
        assert second.inserted == () and second.duplicates == (("x1", "x1"),)
        assert store.counts()["articles"] == 1


@pytest.mark.parametrize(
    ("offered", "why"),
    [
        (Article(id="other", text="Talks were held in Geneva."), "same content hash"),
        (Article(id="other", text="  talks WERE held   in Geneva. "), "hash ignores case/space"),
        (
            Article(id="other", text="Different text", canonical_url="https://a.example/1"),
            "same URL",
        ),
        (Article(id="x1", text="Different text again"), "same id"),
    ],
)
def test_store_duplicate_keys(db_path: Path, offered: Article, why: str) -> None:
    with open_store(db_path) as store:
        store.add_articles(
            [
                Article(
                    id="x1", text="Talks were held in Geneva.", canonical_url="https://a.example/1"
                )
            ]
        )
        result = store.add_articles([offered])
        assert result.inserted == (), why
        assert store.counts()["articles"] == 1


def test_store_edited_article_replaces_text_when_asked(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_articles(
            [Article(id="x1", text="First version.", canonical_url="https://a.example/1")]
        )
        result = store.add_articles(
            [Article(id="feed-id", text="Second version.", canonical_url="https://a.example/1")],
            update_edited=True,
        )
        assert result.updated == ("x1",)
        [stored] = store.articles()
        assert stored.id == "x1" and stored.text == "Second version."


def test_store_replace_events_is_atomic(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_articles([Article(id="d1", text="x")])
        store.replace_events([("d1", [make_event("d1", "RUSMIL", "UKR")])], "coder@1")
        broken = make_event("d1", "USAGOV", "VEN")
        object.__setattr__(broken, "sentence", None)  # violates NOT NULL inside the transaction
        with pytest.raises(duckdb.Error):
            store.replace_events([("d1", [make_event("d1", "CHN", "TWN"), broken])], "coder@2")
        [kept] = store.events()
        assert kept.actor_codes == ("RUSMIL",)


def test_store_recoding_replaces_a_documents_events(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.replace_events([("d1", [make_event("d1", "RUSMIL", "UKR")])], "coder@1")
        store.replace_events([("d1", [make_event("d1", "USAGOV", "VEN")])], "coder@2")
        assert [e.actor_codes for e in store.events()] == [("USAGOV",)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (EventQuery(actors=["RUS"]), {"RUSMIL"}),
        (EventQuery(actors=["USAGOV"]), {"USAGOV"}),
        (EventQuery(recipients=["VEN"]), {"USAGOV"}),
        (EventQuery(event_types=["CONSULT"]), {"CHNGOV"}),
        (EventQuery(since=date(2026, 10, 5)), {"USAGOV", "CHNGOV"}),
        (EventQuery(until=date(2026, 10, 4)), {"RUSMIL"}),
        (EventQuery(), {"RUSMIL", "USAGOV", "CHNGOV"}),
    ],
)
def test_store_event_queries(query: EventQuery, expected: set[str]) -> None:
    store = DuckDBStore(":memory:")
    store.replace_events(
        [
            ("d1", [make_event("d1", "RUSMIL", "UKR", day=date(2026, 10, 1))]),
            ("d2", [make_event("d2", "USAGOV", "VEN", day=date(2026, 10, 6))]),
            (
                "d3",
                [make_event("d3", "CHNGOV", "BRA", event_type="CONSULT", day=date(2026, 10, 9))],
            ),
        ],
        "coder@1",
    )
    assert {e.actor_codes[0] for e in store.events(query)} == expected


def test_store_uncoded_articles_skips_non_english_and_coded(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_articles(
            [
                Article(
                    id="en",
                    text="English text.",
                    language="en",
                    published_at=datetime(2026, 1, 1, tzinfo=UTC),
                ),
                Article(id="es", text="Texto en español.", language="es"),
                Article(id="done", text="Already coded.", language="en"),
            ]
        )
        store.replace_events([("done", [])], "coder@1")
        pending = [a.id for batch in store.uncoded_articles("coder@1") for a in batch]
        assert pending == ["en"]
        # a new coder version re-codes everything English
        assert {a.id for b in store.uncoded_articles("coder@2") for a in b} == {"en", "done"}


def test_store_open_bad_location_is_a_clear_error(tmp_path: Path) -> None:
    from watchfloor.errors import StoreError

    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(tmp_path / "missing-dir" / "x.duckdb")


def test_store_edited_article_is_coded_again(db_path: Path) -> None:
    with open_store(db_path) as store:
        store.add_articles([Article(id="x1", text="First.", canonical_url="https://a.example/1")])
        store.replace_events([("x1", [])], "coder@1")
        assert [a.id for b in store.uncoded_articles("coder@1") for a in b] == []
        store.add_articles(
            [Article(id="x1", text="Edited.", canonical_url="https://a.example/1")],
            update_edited=True,
        )
        assert [a.id for b in store.uncoded_articles("coder@1") for a in b] == ["x1"]


def test_store_applies_a_migration_numbered_below_the_latest(db_path: Path) -> None:
    with open_store(db_path) as store:
        # a store made before migration 0002 was merged, but after 0003 was applied
        store.execute("DELETE FROM schema_migrations WHERE version = 2")
        for table in ("source_options", "source_state", "seen_items", "article_signatures"):
            store.execute(f"DROP TABLE {table}")
    with open_store(db_path) as store:  # reopening brings back the missing migration
        assert store.query("SELECT count(*) AS n FROM seen_items")["n"][0] == 0
