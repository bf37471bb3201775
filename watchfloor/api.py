"""The Python API. The CLI (``cli.py``) is a thin layer over these functions, with the same names.

>>> from watchfloor import Watchfloor
>>> with Watchfloor(":memory:") as wf:            # doctest: +SKIP
...     wf.ingest(["articles.jsonl"])
...     print(wf.brief_markdown())
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from watchfloor.errors import InputProblem
from watchfloor.records import Article, Brief, Document, Event, Source
from watchfloor.settings import Settings, load_settings
from watchfloor.store import EventQuery, Store, open_store

__all__ = [
    "FileReport",
    "IngestReport",
    "Watchfloor",
    "code_documents",
    "demo_articles_path",
    "demo_sources",
]

Progress = Callable[[int], None]


@dataclass
class FileReport:
    """The outcome of ingesting one file."""

    path: str
    stored: int = 0
    updated: int = 0
    duplicates: int = 0
    problems: list[InputProblem] = field(default_factory=list)
    failed: bool = False


@dataclass
class IngestReport:
    files: list[FileReport] = field(default_factory=list)
    coded_articles: int = 0
    events: int = 0

    @property
    def stored(self) -> int:
        return sum(f.stored for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def failed(self) -> bool:
        return any(f.failed for f in self.files)


def code_documents(
    documents: Iterable[Document],
    *,
    coder: str | None = None,
    workers: int = 1,
    batch_size: int = 64,
) -> Iterator[tuple[Document, list[Event]]]:
    """Code documents without a store: ``(document, events)`` pairs, in input order.

    Non-English documents yield no events (they are never coded with English rules).
    """
    from watchfloor.coding import get_coder

    engine = get_coder(coder or load_settings().coder)
    yield from engine.code_documents(documents, n_process=workers, batch_size=batch_size)


class Watchfloor:
    """A store plus the stages that read and write it."""

    def __init__(
        self,
        db: str | os.PathLike[str] | None = None,
        *,
        settings: Settings | None = None,
        store: Store | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.db = str(db) if db is not None else self.settings.db
        self.store = store or open_store(self.db)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Watchfloor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ingest ----------------------------------------------------------------------------
    def ingest(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        field_map: Mapping[str, str] | None = None,
        source: str | None = None,
        skip_bad: bool = False,
        code: bool = True,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Store the articles of each file (each file atomically), then code the new ones.

        A file with bad records stores nothing unless ``skip_bad``; its problems are in the report
        and ``report.failed`` is true. Files already stored are counted as duplicates.
        """
        from watchfloor.ingest.files import read_article_file

        report = IngestReport()
        for path in paths:
            batch = read_article_file(path, field_map=field_map, source=source)
            file_report = FileReport(path=str(path), problems=list(batch.problems))
            if batch.problems and not skip_bad:
                file_report.failed = True
            elif batch.articles:
                result = self.store.add_articles(batch.articles)
                file_report.stored = len(result.inserted)
                file_report.updated = len(result.updated)
                file_report.duplicates = len(result.duplicates)
            report.files.append(file_report)
            if progress:
                progress(1)
        if code:
            report.coded_articles, report.events = self.code_pending()
        return report

    def add_articles(self, articles: Sequence[Article], *, code: bool = True) -> tuple[int, int]:
        """Store already-built articles (feeds and pages use this); returns (stored, events)."""
        result = self.store.add_articles(articles, update_edited=True)
        events = self.code_pending()[1] if code and result.changed else 0
        return len(result.changed), events

    def add_sources(self, sources: Iterable[Source]) -> int:
        return self.store.upsert_sources(sources)

    # -- code ------------------------------------------------------------------------------
    def coder_id(self) -> str:
        from watchfloor.coding import get_coder

        engine = get_coder(self.settings.coder)
        return f"{engine.name}@{engine.version}"

    def code_pending(self, *, progress: Progress | None = None) -> tuple[int, int]:
        """Code every stored English article the current coder has not coded yet.

        Returns (articles coded, events stored). Each batch is written atomically, so an
        interrupted run resumes where it stopped.
        """
        from watchfloor.coding import get_coder

        engine = get_coder(self.settings.coder)
        coder_id = f"{engine.name}@{engine.version}"
        n_articles = n_events = 0
        for batch in self.store.uncoded_articles(coder_id, batch_size=500):
            workers = self.settings.workers if len(batch) >= 200 else 1
            coded = [
                (document.id, events)
                for document, events in engine.code_documents(
                    (a.as_document() for a in batch),
                    n_process=workers,
                    batch_size=self.settings.batch_size,
                )
            ]
            n_events += self.store.replace_events(coded, coder_id)
            n_articles += len(coded)
            if progress:
                progress(len(coded))
        return n_articles, n_events

    # -- query -----------------------------------------------------------------------------
    def events(
        self,
        *,
        actors: Sequence[str] = (),
        recipients: Sequence[str] = (),
        event_types: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
        limit: int | None = None,
    ) -> list[Event]:
        """Stored events; actor and recipient codes match by prefix (``RUS`` finds ``RUSGOV``)."""
        return self.store.events(
            EventQuery(
                actors=actors,
                recipients=recipients,
                event_types=event_types,
                since=since,
                until=until,
                limit=limit,
            )
        )

    def events_frame(self, **filters: Any) -> Any:
        """``events()`` as a pandas DataFrame, one row per event, flattened."""
        import pandas as pd

        rows = []
        for event in self.events(**filters):
            row = event.to_dict()
            row["actor"] = ";".join(e["code"] or "" for e in row["actor"])
            row["recipient"] = ";".join(e["code"] or "" for e in row["recipient"])
            row["claim_stance"] = event.claim.stance if event.claim else None
            row["claim_by"] = event.claim.by.code if event.claim else None
            row["coder"] = f"{event.coder.name}@{event.coder.version}:{event.coder.pattern}"
            row.pop("mentions")
            row.pop("claim")
            row["trigger"] = event.trigger.text
            row["location"] = event.location.name if event.location else None
            rows.append(row)
        return pd.DataFrame(rows)

    def stats(self) -> dict[str, Any]:
        return self.store.counts()

    # -- brief -----------------------------------------------------------------------------
    def brief(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        actors: Sequence[str] = (),
        now: datetime | None = None,
    ) -> Brief:
        """A briefing on the events of a window, optionally about some actors (codes or prefixes).

        With no window, the last 42 days up to the newest stored event.
        """
        from watchfloor.brief.compose import compose_brief

        if until is None or since is None:
            newest = self.store.events(EventQuery(limit=None))
            dates = [e.date for e in newest if e.date]
            end = until or (max(dates) if dates else date.today())
            since = since or end - timedelta(days=42)
            until = end
        query_actors = [a.upper() for a in actors]
        events = self.store.events(EventQuery(since=since, until=until))
        if query_actors:
            events = [e for e in events if _involves(e, query_actors)]
        doc_ids = sorted({e.doc_id for e in events})
        articles = self.store.articles(ids=doc_ids)
        return compose_brief(
            events,
            articles,
            self.store.sources(),
            since=since,
            until=until,
            actors=query_actors,
            now=now,
        )

    def brief_markdown(self, **kwargs: Any) -> str:
        from watchfloor.brief.render import render_markdown

        return render_markdown(self.brief(**kwargs))


def _involves(event: Event, codes: Sequence[str]) -> bool:
    parties = [e.code or "" for e in (*event.actor, *event.recipient)]
    if event.claim:
        parties.append(event.claim.by.code or "")
    return any(p.startswith(c) for p in parties for c in codes)


def demo_articles_path() -> Path:
    """The bundled demo corpus (invented articles on US–Venezuela–Russia tensions)."""
    return Path(str(resources.files("watchfloor.data").joinpath("demo/articles.jsonl")))


def demo_sources() -> list[Source]:
    """The outlets of the demo corpus, with their grades."""
    import yaml

    text = resources.files("watchfloor.data").joinpath("demo/sources.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    items = data["sources"] if isinstance(data, dict) else data
    return [Source.from_dict(item) for item in items]
