"""The Python API. The CLI (``cli.py``) is a thin layer over these functions, with the same names.

>>> from watchfloor import Watchfloor
>>> with Watchfloor(":memory:") as wf:            # doctest: +SKIP
...     wf.ingest(["articles.jsonl"])
...     print(wf.brief_markdown())
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watchfloor.errors import InputProblem
from watchfloor.records import Article, Brief, Document, Event, Source
from watchfloor.settings import Settings, load_settings
from watchfloor.store import EventQuery, Store, open_store

if TYPE_CHECKING:
    from watchfloor.analysis.alerts import DeliveryReport  # dyads ... alerts section
    from watchfloor.ingest.dedup import NearDuplicateIndex
    from watchfloor.ingest.extract import ExtractedPage
    from watchfloor.ingest.registry import SourceEntry
    from watchfloor.ingest.watch import PassReport, Poller
    from watchfloor.records import (  # claims/stories section  # dyads ... alerts section
        Alert,
        Claim,
        Correction,
        Dyad,
        Escalation,
        Forecast,
        Indicator,
        IndicatorValue,
        RelatedStory,
        Story,
    )

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

        An ``http(s)://`` URL instead of a path is fetched: a feed's items or a page's article.

        A file with bad records stores nothing unless ``skip_bad``; its problems are in the report
        and ``report.failed`` is true. Files already stored are counted as duplicates.
        """
        from watchfloor.ingest.dedup import link_near_duplicates
        from watchfloor.ingest.files import read_article_file

        report = IngestReport()
        for path in paths:
            if _is_url(path):  # a feed or a page, sniffed when fetched (ingest/watch.py)
                report.files.append(self._ingest_url(str(path), source=source))
                if progress:
                    progress(1)
                continue
            batch = read_article_file(path, field_map=field_map, source=source)
            file_report = FileReport(path=str(path), problems=list(batch.problems))
            if batch.problems and not skip_bad:
                file_report.failed = True
            elif batch.articles:
                # syndicated copies are stored but linked to the original, so that analysis
                # counts one wire story once, not once per outlet that reprinted it
                articles, signatures = link_near_duplicates(
                    batch.articles, self._near_duplicate_index()
                )
                result = self.store.add_articles(articles, signatures=signatures)
                file_report.stored = len(result.inserted)
                file_report.updated = len(result.updated)
                file_report.duplicates = len(result.duplicates)
            report.files.append(file_report)
            if progress:
                progress(1)
        if code:
            report.coded_articles, report.events = self.code_pending()
        return report

    def _near_duplicate_index(self) -> NearDuplicateIndex:
        """Signatures of the articles stored in the last 30 days, to recognise copies of them."""
        from watchfloor.ingest.dedup import NearDuplicateIndex
        from watchfloor.ingest.watch import NEAR_DUPLICATE_WINDOW

        index = NearDuplicateIndex()
        since = datetime.now(UTC) - NEAR_DUPLICATE_WINDOW
        for article_id, signature, duplicate_of in self.store.near_duplicate_rows(since=since):
            index.add(article_id, signature, root=duplicate_of)
        return index

    def add_articles(self, articles: Sequence[Article], *, code: bool = True) -> tuple[int, int]:
        """Store already-built articles (feeds and pages use this); returns (stored, events)."""
        result = self.store.add_articles(articles, update_edited=True)
        events = self.code_pending()[1] if code and result.changed else 0
        return len(result.changed), events

    def add_sources(self, sources: Iterable[Source | SourceEntry]) -> int:
        """Register sources (``Source`` records, or registry entries with polling options)."""
        from watchfloor.ingest.registry import SourceEntry, save_entries

        entries = [s if isinstance(s, SourceEntry) else SourceEntry(source=s) for s in sources]
        return save_entries(self.store, entries)

    # -- sources and polling (ingest/registry.py, watch.py) ---------------------------------
    def sources(self) -> list[SourceEntry]:
        """The registered sources with their polling options."""
        from watchfloor.ingest.registry import entries_from_store

        return entries_from_store(self.store)

    def remove_source(self, name: str) -> bool:
        """Forget a source and its polling state (its stored articles stay)."""
        return self.store.remove_source(name)

    def import_sources(self, path: str | os.PathLike[str]) -> int:
        """Register every source of a registry file (YAML or OPML); all or none."""
        from watchfloor.ingest.registry import load_registry

        return self.add_sources(load_registry(path))

    def export_sources(self, *, fmt: str = "yaml") -> str:
        """The registry as a YAML document (``fmt="opml"``: the feeds as OPML)."""
        from watchfloor.ingest.opml import write_opml
        from watchfloor.ingest.registry import dump_registry

        if fmt == "opml":
            return write_opml(self.sources())
        if fmt != "yaml":
            raise ValueError(f"unknown registry format {fmt!r}: use yaml or opml")
        return dump_registry(self.sources())

    def source_status(self) -> list[dict[str, Any]]:
        """Per-source health: last success, last error, consecutive failures, next poll."""
        from watchfloor.ingest.watch import source_health

        return source_health(self.store)

    def poll(
        self,
        *,
        names: Sequence[str] | None = None,
        force: bool = False,
        code: bool = True,
        poller: Poller | None = None,
    ) -> PassReport:
        """One polling pass over the due sources (all with ``force``); codes the new articles."""
        from watchfloor.ingest.watch import Poller

        own = poller is None
        poller = poller or Poller(self.settings)
        try:
            report = poller.run_once(
                self.store, names=names, force=force, code=self.code_pending if code else None
            )
        finally:
            if own:
                poller.close()
        if code and (report.stored or report.updated):
            report.alerts = self.update_analysis()
        return report

    def update_analysis(self, *, now: datetime | None = None) -> list[Alert]:
        """Bring stories up to date and raise alerts for what the new events moved.

        ``watch`` calls this after every pass that stored something; alerts already raised
        within their cool-down are not raised again.
        """
        from watchfloor.analysis.alerts import update_after_ingest
        from watchfloor.analysis.stories import update_stories

        update_stories(self.store)
        return update_after_ingest(self.store, self.settings, now or datetime.now(UTC))

    def watch(
        self,
        *,
        once: bool = False,
        force: bool = False,
        code: bool = True,
        names: Sequence[str] | None = None,
        on_pass: Callable[[PassReport], None] | None = None,
        stop: threading.Event | None = None,
        max_idle_s: float = 60.0,
    ) -> list[PassReport]:
        """Poll until SIGINT/SIGTERM (or ``stop``); ``once``: one pass. See ``ingest/watch.py``.

        Between passes it sleeps until the next source is due, at most ``max_idle_s`` (sources
        added meanwhile by another process are picked up after that long).
        """
        from watchfloor.ingest.watch import run_watch

        return run_watch(
            self,
            once=once,
            force=force,
            code=code,
            names=names,
            on_pass=on_pass,
            stop=stop,
            max_idle_s=max_idle_s,
            # DuckDB has one writer process: let others in between passes (a store we opened)
            release_store=getattr(self.store, "path", None) == self.db != ":memory:",
        )

    def ingest_urls(
        self, urls: Sequence[str], *, source: str | None = None, code: bool = True
    ) -> PassReport:
        """Fetch each URL once (a feed or a page, sniffed) and store what it holds."""
        from watchfloor.ingest.watch import Poller, adhoc_entry

        poller = Poller(self.settings)
        try:
            return poller.run_once(
                self.store,
                entries=[adhoc_entry(u, source=source) for u in urls],
                save_state=False,
                code=self.code_pending if code else None,
            )
        finally:
            poller.close()

    def _ingest_url(self, url: str, *, source: str | None) -> FileReport:
        report = self.ingest_urls([url], source=source, code=False)
        done = report.sources[0]
        file_report = FileReport(
            path=url, stored=done.new, updated=done.updated, duplicates=done.duplicates
        )
        if done.error:
            file_report.problems.append(InputProblem(url, None, done.error))
            file_report.failed = True
        for warning in done.warnings:  # items to retry, pages without text: reported, not fatal
            file_report.problems.append(InputProblem(url, None, warning))
        return file_report

    def extract(self, target: str) -> ExtractedPage:
        """What ingestion would store for a URL, an HTML file, or ``-`` (HTML on stdin)."""
        from watchfloor.ingest.pages import extract_target

        return extract_target(target, self.settings)

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
        counts = self.store.counts()
        try:  # near-duplicates by source (ingest/watch.py); absent on stores that cannot poll
            dedup = self.store.dedup_counts()
        except NotImplementedError:
            return counts
        counts["near_duplicates"] = dedup["near_duplicates"]
        for name, row in counts.get("by_source", {}).items():
            row.update(dedup["by_source"].get(name, {"duplicates": 0, "near_duplicates": 0}))
        return counts

    # -- brief and ask (section maintained with watchfloor/brief) ---------------------------
    def brief(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        actors: Sequence[str] = (),
        dyads: Sequence[str | tuple[str, str]] = (),
        indicators: Sequence[str] = (),
        topic: str | None = None,
        style: str = "analyst",
        now: datetime | None = None,
        remember: bool = True,
    ) -> Brief:
        """A verified briefing on a scope and window.

        ``actors`` are code prefixes (``RUS`` matches ``RUSGOV``); ``dyads`` pairs such as
        ``"USA-VEN"``; ``indicators`` indicator ids; ``topic`` a full-text query. ``style`` is
        ``analyst`` (nine sections, ICD 203 judgments) or ``explainer`` (a public analysis
        article). With no window, the last 42 days up to the newest stored event. The brief is
        stored (``remember``) so the next one of the same scope can say what changed.
        """
        from watchfloor.brief.build import build_brief
        from watchfloor.brief.evidence import BriefScope

        scope = BriefScope(
            actors=tuple(a.upper() for a in actors),
            dyads=tuple(_dyad_pair(d) for d in dyads),
            indicators=tuple(indicators),
            topic=topic or None,
            since=since,
            until=until,
        )
        return build_brief(
            self.store, scope, style=style, settings=self.settings, now=now, remember=remember
        )

    def brief_text(self, fmt: str = "markdown", **kwargs: Any) -> str:
        """``brief(**kwargs)`` rendered as ``markdown``, ``html`` or ``json``."""
        from watchfloor.brief.render import render

        return render(self.brief(**kwargs), fmt)

    def brief_markdown(self, **kwargs: Any) -> str:
        return self.brief_text("markdown", **kwargs)

    def ask(
        self,
        question: str,
        *,
        since: date | None = None,
        until: date | None = None,
    ) -> Any:
        """Answer a question from the claims ledger and the events, with citations and a
        confidence, or say "insufficient evidence" (returns ``watchfloor.brief.ask.Answer``)."""
        from watchfloor.brief.ask import answer_question

        return answer_question(
            self.store, question, since=since, until=until, settings=self.settings
        )

    # -- end of the brief and ask section ----------------------------------------------------

    # -- claims, stories and corrections (analysis/claims.py, stories.py, corrections.py) --------
    def claims(
        self,
        *,
        actors: Sequence[str] = (),
        recipients: Sequence[str] = (),
        since: date | None = None,
        until: date | None = None,
        statuses: Sequence[str] = (),
        families: Sequence[str] = (),
        all_claims: bool = False,
    ) -> list[Claim]:
        """The claims ledger, newest first: each claim with its stances, status and rationale.

        ``actors``/``recipients``/``since``/``until`` narrow the events it is built from;
        ``statuses`` (reported, unconfirmed, denied, disputed, confirmed, retracted) and
        ``families`` (withdraw, attack, ...) filter the claims. By default only claims with an
        explicit stance (asserted, denied, confirmed, retracted) or a death toll are listed;
        ``all_claims`` lists every event stated as fact too. Analyst corrections apply.
        """
        from watchfloor.analysis.claims import LedgerSettings
        from watchfloor.analysis.claims import claims as ledger

        query = EventQuery(actors=actors, recipients=recipients, since=since, until=until)
        return ledger(
            self.store,
            query,
            statuses=statuses,
            families=families,
            settings=LedgerSettings(explicit_only=not all_claims),
        )

    def claims_frame(self, **filters: Any) -> Any:
        """``claims()`` as a pandas DataFrame, one row per claim."""
        from watchfloor.analysis.claims import claims_frame

        return claims_frame(self.claims(**filters))

    def stories(
        self,
        *,
        since: date | None = None,
        until: date | None = None,
        article_ids: Sequence[str] = (),
        min_articles: int = 1,
    ) -> list[Story]:
        """Stories (articles about the same happening), most recently active first.

        New articles are grouped first (incrementally; see ``analysis/stories.py``).
        """
        from watchfloor.analysis.stories import stories

        return stories(
            self.store, since=since, until=until, article_ids=article_ids, min_articles=min_articles
        )

    def stories_frame(self, **filters: Any) -> Any:
        """``stories()`` as a pandas DataFrame, one row per story."""
        from watchfloor.analysis.stories import stories_frame

        return stories_frame(self.stories(**filters))

    def related_stories(self, article_id: str, *, limit: int = 5) -> list[RelatedStory]:
        """Stories related to an article's own story, most related first, with the reason."""
        from watchfloor.analysis.stories import related_stories

        return related_stories(self.store, article_id, limit=limit)

    def correct(
        self,
        target_id: str,
        *,
        kind: str = "event",
        action: str = "correct",
        changes: Mapping[str, Any] | None = None,
        analyst: str,
        why: str = "",
    ) -> Correction:
        """Confirm, correct or reject an event, claim or story; kept as an audit trail entry.

        ``kind`` is event, claim or story; ``action`` confirm, correct or reject (``comment``
        for notes). ``changes`` names the corrected fields, e.g. ``{"event_type": "ACCUSE"}``
        or ``{"actor": "RUSGOV", "date": "2026-10-20"}``; see ``analysis/corrections.py``.
        Corrections take precedence in the ledger, stories and every analysis downstream.
        """
        from watchfloor.analysis.corrections import add_correction

        original = self._correction_target(kind, target_id)
        return add_correction(
            self.store,
            kind,
            target_id,
            action=action,
            analyst=analyst,
            note=why,
            changes=changes,
            original=original,
        )

    def comment(
        self, target_id: str, text: str, *, kind: str = "event", analyst: str
    ) -> Correction:
        """Attach an analyst's comment to an event, claim or story (changes nothing else)."""
        return self.correct(target_id, kind=kind, action="comment", analyst=analyst, why=text)

    def corrections(
        self, *, kind: str | None = None, target_id: str | None = None
    ) -> list[Correction]:
        """The audit trail: every comment and correction (or one target's), oldest first."""
        from watchfloor.analysis.corrections import audit_trail

        return audit_trail(
            self.store, target_kind=kind, target_ids=[target_id] if target_id else None
        )

    def export_corrections(
        self, path: str | os.PathLike[str], *, kinds: Sequence[str] = ("event",)
    ) -> int:
        """Write corrections as labelled JSON lines (original, corrected, label); returns lines.

        The file appears whole or not at all.
        """
        from watchfloor.analysis.corrections import export_labelled

        target = Path(path)
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as handle:
                written = export_labelled(self.store, handle, kinds=kinds)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
        return written

    def _correction_target(self, kind: str, target_id: str) -> dict[str, Any] | None:
        """A snapshot of the claim or story being corrected (events are read by the store)."""
        from watchfloor.analysis.corrections import CorrectionError

        if kind == "claim":
            found: Any = next((c for c in self.claims(all_claims=True) if c.id == target_id), None)
        elif kind == "story":
            found = next((s for s in self.stories() if s.id == target_id), None)
        else:
            return None
        if found is None:
            raise CorrectionError(f"no {kind} {target_id!r}")
        return dict(found.to_dict())

    # -- end of the claims, stories and corrections section ---------------------------------

    # -- dyads, escalation, indicators, forecasts, alerts (analysis/dyads.py ... alerts.py) -----
    def dyads(
        self,
        *,
        source: str | Sequence[str] | None = None,
        target: str | Sequence[str] | None = None,
        level: str = "country",
        granularity: str = "week",
        since: date | None = None,
        until: date | None = None,
        limit: int | None = 20,
        top: int = 3,
    ) -> list[Dyad]:
        """Directed dyads with their day/week series, busiest first.

        ``source``/``target`` are actor sets (``"RUS*"`` a country with all its sectors,
        ``"RUSMIL"`` one sector, ``"RUS*,BLR*"`` or a list: several sets, one dyad side each);
        left out, each side is every actor country (``level="country"``) or code.
        """
        from watchfloor.analysis.dyads import dyads

        return dyads(
            self.store,
            sources=_actor_sets(source),
            targets=_actor_sets(target),
            level=level,
            granularity=granularity,
            since=since,
            until=until,
            limit=limit,
            top=top,
        )

    def dyads_frame(self, **kwargs: Any) -> Any:
        """``dyads()`` as a DataFrame: one row per dyad and period."""
        import pandas as pd

        rows = [
            {"source": d.source, "target": d.target, **p.to_dict()}
            for d in self.dyads(**kwargs)
            for p in d.points
        ]
        return pd.DataFrame(rows)

    def escalation(
        self,
        *,
        source: str | Sequence[str] | None = None,
        target: str | Sequence[str] | None = None,
        level: str = "country",
        as_of: date | None = None,
        recent_days: int | None = None,
        baseline_days: int | None = None,
        limit: int | None = 20,
    ) -> list[Escalation]:
        """Each dyad's recent window against its baseline: arrow, score, formula, inputs, why."""
        from watchfloor.analysis.escalation import escalation

        return escalation(
            self.store,
            self.settings,
            sources=_actor_sets(source),
            targets=_actor_sets(target),
            level=level,
            as_of=as_of,
            recent_days=recent_days,
            baseline_days=baseline_days,
            limit=limit,
        )

    def escalation_frame(self, **kwargs: Any) -> Any:
        """``escalation()`` as a DataFrame, one row per dyad with its inputs as columns."""
        from watchfloor.analysis.escalation import escalation_frame

        return escalation_frame(
            self.store,
            self.settings,
            sources=_actor_sets(kwargs.pop("source", None)),
            targets=_actor_sets(kwargs.pop("target", None)),
            **kwargs,
        )

    def indicator_definitions(self, path: str | os.PathLike[str] | None = None) -> list[Indicator]:
        """The indicators of ``path``, else ``settings.indicators_file``, else the demo set."""
        from watchfloor.analysis.indicators import load_indicators

        return load_indicators(path if path is not None else self.settings.indicators_file)

    def indicators(
        self,
        *,
        path: str | os.PathLike[str] | None = None,
        ids: Sequence[str] = (),
        as_of: date | None = None,
        evidence: int = 5,
    ) -> list[IndicatorValue]:
        """Evaluate indicators: value, trend, arrow, threshold crossing and latest evidence."""
        from watchfloor.analysis.indicators import evaluate_indicators

        chosen = self.indicator_definitions(path)
        if ids:
            unknown = sorted(set(ids) - {i.id for i in chosen})
            if unknown:
                from watchfloor.errors import ConfigError

                raise ConfigError(f"no indicator {', '.join(unknown)} in the indicator file")
            chosen = [i for i in chosen if i.id in set(ids)]
        return evaluate_indicators(self.store, chosen, as_of=as_of, evidence=evidence)

    def indicators_frame(self, **kwargs: Any) -> Any:
        """``indicators()`` as a DataFrame, one row per indicator."""
        import pandas as pd

        rows = []
        for value in self.indicators(**kwargs):
            row = value.to_dict()
            row["series"] = ";".join(f"{d}={v:g}" for d, v in value.series)
            row["evidence"] = ";".join(e.doc_id for e in value.evidence)
            row.pop("inputs")
            rows.append(row)
        return pd.DataFrame(rows)

    def forecasts(
        self, *, status: str | None = None, indicator_id: str | None = None
    ) -> list[Forecast]:
        """Recorded forecasts ("trends to watch"), open, scored or void."""
        from watchfloor.analysis.forecasts import forecasts

        return forecasts(self.store, status=status, indicator_id=indicator_id)

    def forecast(
        self,
        indicator_id: str,
        direction: str,
        horizon: date,
        *,
        probability: float,
        author: str,
        note: str | None = None,
        now: datetime | None = None,
    ) -> Forecast:
        """Record an analyst's forecast on an indicator (scored once ``horizon`` has passed)."""
        from watchfloor.analysis.forecasts import record_forecast
        from watchfloor.errors import ConfigError

        indicator = next((i for i in self.indicator_definitions() if i.id == indicator_id), None)
        if indicator is None:
            raise ConfigError(f"no indicator {indicator_id!r} in the indicator file")
        return record_forecast(
            self.store,
            indicator,
            direction,
            horizon,
            probability=probability,
            now=now or datetime.now(UTC),
            author=author,
            note=note,
        )

    def forecast_scorecard(self, *, now: datetime | None = None) -> dict[str, Any]:
        """Score the forecasts that are due, then report hit rate and mean Brier score."""
        from watchfloor.analysis.forecasts import forecast_scorecard, score_forecasts

        score_forecasts(self.store, self.indicator_definitions(), now=now or datetime.now(UTC))
        return forecast_scorecard(self.store)

    def alerts(
        self,
        *,
        include_acknowledged: bool = True,
        kind: str | None = None,
        since: datetime | None = None,
        limit: int | None = None,
    ) -> list[Alert]:
        """Stored alerts, newest first, with evidence and delivery state per channel."""
        from watchfloor.analysis.alerts import list_alerts

        return list_alerts(
            self.store,
            include_acknowledged=include_acknowledged,
            kind=kind,
            since=since,
            limit=limit,
        )

    def ack_alert(
        self, alert_id: str, *, by: str, note: str | None = None, now: datetime | None = None
    ) -> Alert:
        """Acknowledge an alert (id or unique prefix); it is no longer re-sent."""
        from watchfloor.analysis.alerts import acknowledge

        return acknowledge(self.store, alert_id, by=by, now=now or datetime.now(UTC), note=note)

    def check_alerts(self, *, now: datetime | None = None) -> list[Alert]:
        """Evaluate indicators and escalation now; raise, store and send new alerts."""
        from watchfloor.analysis.alerts import update_after_ingest

        return update_after_ingest(self.store, self.settings, now or datetime.now(UTC))

    def send_alerts(self, *, now: datetime | None = None) -> list[DeliveryReport]:
        """Re-send every unacknowledged alert that a configured channel has not delivered."""
        from watchfloor.analysis.alerts import channels_from_settings, send_pending

        return send_pending(
            self.store,
            channels_from_settings(self.settings),
            now=now or datetime.now(UTC),
            retries=self.settings.alert_retries,
            backoff_s=self.settings.alert_retry_backoff_s,
        )

    # -- end of the dyads, escalation, indicators, forecasts and alerts section -------------


def _actor_sets(value: str | Sequence[str] | None) -> list[str]:
    """``"RUS*,BLR*"`` or ``["RUS*", "BLR*"]`` -> one actor set per item (dyads ... alerts)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item.strip()]


def _dyad_pair(value: str | tuple[str, str]) -> tuple[str, str]:
    if isinstance(value, tuple):
        return value[0].upper(), value[1].upper()
    for separator in ("-", ">", ",", "/", "–"):
        if separator in value:
            a, b = value.split(separator, 1)
            return a.strip().upper(), b.strip().upper()
    raise ValueError(f"a dyad is two actor codes such as USA-VEN, not {value!r}")


def _is_url(path: str | os.PathLike[str]) -> bool:
    return isinstance(path, str) and path.lower().startswith(("http://", "https://"))


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
