"""The poller: fetch the sources that are due, store new and edited items exactly once, code them.

One pass (``Poller.run_once``):

1. choose the due sources (``next_due`` reached, or never polled);
2. worker threads poll them, each source alone: a failing source records its error and never
   stops the others;
3. the calling thread is the only one writing to the store. Items arrive in batches; each
   batch's articles and the "seen" marks of its items are one transaction, so a process killed
   at any moment (even ``kill -9``) has stored each item completely or not at all, and the next
   run redoes exactly what is missing;
4. a source's conditional-GET validators and watermark are saved only after all its items
   are stored, so a run that dies half-way is not told "304 Not Modified" the next time;
5. the new articles are coded (``Watchfloor.code_pending``; non-English ones are skipped).

DuckDB allows one writing process. ``run_watch`` therefore holds the store only during a pass
and releases it while waiting, so ``watchfloor sources status`` or ``brief`` can run meanwhile.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from watchfloor.errors import ConfigError, RetryLaterError, WatchfloorError
from watchfloor.ingest.dedup import NearDuplicateIndex, minhash_signature
from watchfloor.ingest.fetch import Clock, Fetcher, SystemClock, is_transient
from watchfloor.ingest.registry import (
    SeenItem,
    SourceEntry,
    SourcePoll,
    SourceState,
    entries_from_store,
)
from watchfloor.records import Article, Source
from watchfloor.settings import Settings
from watchfloor.store.base import Store

if TYPE_CHECKING:
    from watchfloor.api import Watchfloor

__all__ = [
    "PassReport",
    "Poller",
    "SourceReport",
    "adhoc_entry",
    "poll_source",
    "run_watch",
    "source_health",
]

log = logging.getLogger(__name__)

POLLED_METHODS = ("feed", "page", "index", "auto")
MAX_BACKOFF_S = 6 * 3600
NEAR_DUPLICATE_WINDOW = timedelta(days=30)


# --------------------------------------------------------------------------- reports


@dataclass
class SourceReport:
    """What one pass did for one source."""

    name: str
    status: str = "pending"  # ok | not_modified | failed | stopped
    new: int = 0
    updated: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    unchanged: int = 0
    skipped: int = 0  # items with nothing to store (seen, no article)
    retry_later: int = 0  # items that failed transiently and are tried next pass
    error: str | None = None
    error_code: str | None = None
    warnings: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    newest: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("article_ids", "newest")}
        data["newest"] = self.newest.isoformat() if self.newest else None
        return data


@dataclass
class PassReport:
    """What one pass did, source by source, and what coding found."""

    sources: list[SourceReport] = field(default_factory=list)
    coded_articles: int = 0
    events: int = 0
    stopped: bool = False
    coding_note: str | None = None
    alerts: list[Any] = field(default_factory=list)  # raised by Watchfloor.update_analysis

    @property
    def stored(self) -> int:
        return sum(s.new for s in self.sources)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sources)

    @property
    def near_duplicates(self) -> int:
        return sum(s.near_duplicates for s in self.sources)

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.sources if s.status == "failed"]

    def summary(self) -> str:
        text = (
            f"{len(self.sources)} source(s) polled, {len(self.failed)} failed: {self.stored} new, "
            f"{self.updated} updated, {self.near_duplicates} near-duplicate(s)"
        )
        if self.coded_articles or self.events:
            text += f"; coded {self.coded_articles} article(s): {self.events} event(s)"
        if self.coding_note:
            text += f"; {self.coding_note}"
        return text + (" (stopped early)" if self.stopped else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": [s.to_dict() for s in self.sources],
            "stored": self.stored,
            "updated": self.updated,
            "near_duplicates": self.near_duplicates,
            "coded_articles": self.coded_articles,
            "events": self.events,
            "stopped": self.stopped,
        }


# --------------------------------------------------------------------------- one source


def adhoc_entry(url: str, *, source: str | None = None) -> SourceEntry:
    """A source for a URL given on the command line: sniffed as a feed or a page when fetched."""
    name = source or (urlsplit(url).hostname or url)
    return SourceEntry(source=Source(name=name, kind="web", url=url), fetch="auto")


def poll_source(
    entry: SourceEntry,
    fetcher: Fetcher,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    seen: Mapping[str, str] | None = None,
) -> SourcePoll:
    """Poll one source by its method: feed, page, index, or ``auto`` (sniff the response)."""
    from watchfloor.ingest.feeds import feed_poll_from_result, poll_feed
    from watchfloor.ingest.pages import page_poll_from_result, poll_index, poll_page, sniff_format

    seen = seen or {}
    method = entry.method
    if method == "feed":
        return poll_feed(entry, fetcher, etag=etag, last_modified=last_modified, seen=seen)
    if method == "page":
        return poll_page(entry, fetcher, etag=etag, last_modified=last_modified, seen=seen)
    if method == "index":
        return poll_index(entry, fetcher, etag=etag, last_modified=last_modified, seen=seen)
    if method == "auto" and entry.source.url:
        result = fetcher.fetch(entry.source.url)
        if sniff_format(result) == "feed":
            return feed_poll_from_result(entry, fetcher, result, seen)
        return page_poll_from_result(entry, result, seen)
    raise ConfigError(
        f"{entry.name}: kind {entry.source.kind!r} is not polled; set fetch: feed, page or index"
    )


def _error_code(exc: BaseException) -> str:
    return exc.code if isinstance(exc, WatchfloorError) else type(exc).__name__


def _message(exc: BaseException) -> str:
    if isinstance(exc, WatchfloorError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


class _Cancelled(Exception):
    """The pass ended (stop or a store error) while a worker was still sending."""


@dataclass
class _Harvested:
    seen: SeenItem
    article: Article | None
    signature: bytes | None


# --------------------------------------------------------------------------- the poller


class Poller:
    """Polls sources into a store. Keeps the fetcher (pacing, connections) and the
    near-duplicate index between passes; the store is given to each pass."""

    def __init__(
        self,
        settings: Settings,
        *,
        fetcher: Fetcher | None = None,
        clock: Clock | None = None,
        stop: threading.Event | None = None,
        workers: int = 4,
        batch_size: int = 100,
        max_batch_delay_s: float = 0.5,
        near_duplicates: bool = True,
    ) -> None:
        self.settings = settings
        self.stop = stop or threading.Event()
        self.clock: Clock = clock or SystemClock(self.stop)
        self.fetcher = fetcher or Fetcher.from_settings(settings, clock=self.clock, stop=self.stop)
        # the user file may tune batching ([watchfloor] poll_batch_size, poll_batch_delay_s)
        extra = settings.extra or {}
        self.workers = max(1, int(extra.get("poll_workers", workers)))
        self.batch_size = max(1, int(extra.get("poll_batch_size", batch_size)))
        self.max_batch_delay_s = float(extra.get("poll_batch_delay_s", max_batch_delay_s))
        self.near_duplicates = near_duplicates
        self.index: NearDuplicateIndex | None = None
        self._index_loaded_until: datetime | None = None
        self._index_known: dict[str, datetime] = {}  # article id -> when it entered the index

    def close(self) -> None:
        self.fetcher.close()

    # -- choosing ---------------------------------------------------------------------------
    def due_entries(
        self,
        store: Store,
        *,
        names: Sequence[str] | None = None,
        force: bool = False,
        now: datetime | None = None,
    ) -> list[SourceEntry]:
        """Enabled, polled sources whose next poll is due (all of them with ``force``)."""
        now = now or self.clock.now()
        states = store.source_states()
        chosen = []
        entries = entries_from_store(store)
        if names:
            known = {e.name for e in entries}
            missing = [n for n in names if n not in known]
            if missing:
                raise ConfigError(f"unknown source(s): {', '.join(missing)}")
        for entry in entries:
            if names and entry.name not in names:
                continue
            if not entry.enabled or entry.method not in POLLED_METHODS:
                continue
            state = states.get(entry.name)
            if force or state is None or state.next_due is None or state.next_due <= now:
                chosen.append(entry)
        return chosen

    def next_due(self, store: Store) -> datetime | None:
        """When the earliest enabled source is due next (``None``: nothing to poll)."""
        states = store.source_states()
        times = []
        for entry in entries_from_store(store):
            if not entry.enabled or entry.method not in POLLED_METHODS:
                continue
            state = states.get(entry.name)
            if state is None or state.next_due is None:
                return self.clock.now()
            times.append(state.next_due)
        return min(times) if times else None

    # -- near duplicates --------------------------------------------------------------------
    def _load_index(self, store: Store) -> NearDuplicateIndex | None:
        """Bring the near-duplicate index up to date with the store (incrementally)."""
        if not self.near_duplicates:
            return None
        if self.index is None:
            self.index = NearDuplicateIndex()
        # seen_at is the store's real time; another process may have added articles meanwhile
        started = datetime.now(UTC)
        since = started - NEAR_DUPLICATE_WINDOW
        if self._index_loaded_until is not None:
            since = max(since, self._index_loaded_until - timedelta(seconds=5))
        # only fetched articles carry signatures: a large file import is not re-hashed here
        for article_id, signature, duplicate_of in store.near_duplicate_rows(since=since):
            if article_id in self._index_known:
                continue
            self._index_known[article_id] = started
            if article_id not in self.index:
                self.index.add(article_id, signature, root=duplicate_of)
        # a long-running watcher forgets what fell out of the window (memory stays bounded)
        expired = [
            a for a, when in self._index_known.items() if when < started - NEAR_DUPLICATE_WINDOW
        ]
        for article_id in expired:
            self.index.remove(article_id)
            del self._index_known[article_id]
        self._index_loaded_until = started
        return self.index

    # -- one pass ---------------------------------------------------------------------------
    def run_once(
        self,
        store: Store,
        *,
        entries: Sequence[SourceEntry] | None = None,
        names: Sequence[str] | None = None,
        force: bool = False,
        save_state: bool = True,
        code: Callable[[], tuple[int, int]] | None = None,
    ) -> PassReport:
        """Poll the due sources (or ``entries``) once; see the module docstring."""
        now = self.clock.now()
        chosen = (
            list(entries)
            if entries is not None
            else self.due_entries(store, names=names, force=force, now=now)
        )
        report = PassReport()
        if not chosen:
            return self._code(report, code)
        states = store.source_states()
        index = self._load_index(store)
        reports = {e.name: SourceReport(name=e.name) for e in chosen}
        report.sources = list(reports.values())
        by_name = {e.name: e for e in chosen}
        work: queue.Queue[tuple[SourceEntry, SourceState, dict[str, str]]] = queue.Queue()
        for entry in chosen:
            state = states.get(entry.name) or SourceState(name=entry.name)
            work.put((entry, state, store.seen_items(entry.name)))
        # bounded: fetching never runs far ahead of storing
        results: queue.Queue[tuple[str, str, Any]] = queue.Queue(maxsize=4 * self.workers)
        cancel = threading.Event()  # this pass is over: workers stop at the next item
        threads = [
            threading.Thread(
                target=self._worker, args=(work, results, cancel), daemon=True, name=f"poll-{n}"
            )
            for n in range(min(self.workers, len(chosen)))
        ]
        for thread in threads:
            thread.start()
        try:
            self._collect(store, report, reports, by_name, states, results, save_state, index)
        finally:
            cancel.set()
        if not report.stopped:
            self._code(report, code)
        return report

    def _collect(
        self,
        store: Store,
        report: PassReport,
        reports: dict[str, SourceReport],
        by_name: dict[str, SourceEntry],
        states: dict[str, SourceState],
        results: queue.Queue[tuple[str, str, Any]],
        save_state: bool,
        index: NearDuplicateIndex | None,
    ) -> None:
        """The writing side of a pass: store what the workers send until every source is done."""
        remaining = set(reports)
        while remaining:
            if self.stop.is_set():
                report.stopped = True
                for name in remaining:
                    reports[name].status = "stopped"
                break
            try:
                kind, name, payload = results.get(timeout=0.2)
            except queue.Empty:
                continue
            entry, source_report = by_name[name], reports[name]
            state = states.get(name) or SourceState(name=name)
            if kind == "items":
                self._store_batch(store, payload, source_report, index)
            elif kind == "done":
                poll, retry_errors = payload
                remaining.discard(name)
                self._finish(store, entry, state, poll, retry_errors, source_report, save_state)
            elif kind == "failed":
                remaining.discard(name)
                self._fail(store, entry, state, payload, source_report, save_state)

    def _code(self, report: PassReport, code: Callable[[], tuple[int, int]] | None) -> PassReport:
        if code is not None and not self.stop.is_set():
            try:
                report.coded_articles, report.events = code()
            except ImportError as exc:  # the coder is an optional stage of ingestion
                report.coding_note = f"coding skipped: the coder is not available ({exc})"
        return report

    def _worker(
        self,
        work: queue.Queue[tuple[SourceEntry, SourceState, dict[str, str]]],
        results: queue.Queue[tuple[str, str, Any]],
        cancel: threading.Event,
    ) -> None:
        def send(message: tuple[str, str, Any]) -> None:
            while not (cancel.is_set() or self.stop.is_set()):
                try:
                    results.put(message, timeout=0.2)
                    return
                except queue.Full:
                    continue
            raise _Cancelled

        while not (cancel.is_set() or self.stop.is_set()):
            try:
                entry, state, seen = work.get_nowait()
            except queue.Empty:
                return
            try:
                self._harvest(entry, state, seen, send, cancel)
            except _Cancelled:
                return
            except Exception as exc:  # one source's failure, whatever it is, is its own
                try:
                    send(("failed", entry.name, exc))
                except _Cancelled:
                    return

    def _harvest(
        self,
        entry: SourceEntry,
        state: SourceState,
        seen: dict[str, str],
        send: Callable[[tuple[str, str, Any]], None],
        cancel: threading.Event,
    ) -> None:
        poll = poll_source(
            entry, self.fetcher, etag=state.etag, last_modified=state.last_modified, seen=seen
        )
        batch: list[_Harvested] = []
        retry_errors: list[BaseException] = []
        batch_started = time.monotonic()
        for item in poll.items:
            if self.stop.is_set() or cancel.is_set():
                return  # unfinished: neither "done" nor validators; the items are redone later
            seen_item = SeenItem(entry.name, item.key, item.fingerprint)
            try:
                article = item.build()
            except Exception as exc:
                if is_transient(exc):
                    retry_errors.append(exc)
                    continue
                # permanent (404, refused, no main text): remember the item, store nothing
                poll = replace(poll, warning=_message(exc)) if poll.warning is None else poll
                article = None
            signature = (
                minhash_signature(article.text)
                if article is not None and self.near_duplicates
                else None
            )
            if not batch:
                batch_started = time.monotonic()
            batch.append(_Harvested(seen_item, article, signature))
            # a slow source still stores what it has every few seconds (less to redo if killed)
            waited = time.monotonic() - batch_started
            if len(batch) >= self.batch_size or waited >= self.max_batch_delay_s:
                send(("items", entry.name, batch))
                batch = []
        if batch:
            send(("items", entry.name, batch))
        send(("done", entry.name, (poll, retry_errors)))

    def _store_batch(
        self,
        store: Store,
        batch: list[_Harvested],
        report: SourceReport,
        index: NearDuplicateIndex | None,
    ) -> None:
        tentative: list[str] = []
        items: list[tuple[SeenItem, Article | None]] = []
        signatures: dict[str, bytes] = {}
        near: set[str] = set()
        for harvested in batch:
            article = harvested.article
            if article is not None and harvested.signature is not None and index is not None:
                root = index.find(harvested.signature, exclude=article.id)
                if root is not None:
                    article = article.with_changes(duplicate_of=root)
                    near.add(article.id)
                if article.id not in index:
                    tentative.append(article.id)
                # indexed before the write so that copies within one batch find each other
                index.add(article.id, harvested.signature, root=root)
                self._index_known[article.id] = datetime.now(UTC)
                signatures[article.id] = harvested.signature
            items.append((harvested.seen, article))
        try:
            result = store.add_source_items(items, signatures=signatures)
        except BaseException:
            if index is not None:
                for article_id in tentative:
                    index.remove(article_id)
                    self._index_known.pop(article_id, None)
            raise
        changed = set(result.changed)
        if index is not None:
            for article_id in tentative:
                if article_id not in changed:
                    index.remove(article_id)
                    self._index_known.pop(article_id, None)
        report.new += len(result.inserted)
        report.updated += len(result.updated)
        report.duplicates += len(result.duplicates)
        report.near_duplicates += len(near & set(result.inserted))
        report.skipped += sum(1 for _, article in items if article is None)
        report.article_ids.extend(result.changed)
        for _, article in items:
            stamp = article.published_at if article is not None else None
            if article is not None and article.id in changed and stamp is not None:
                report.newest = stamp if report.newest is None else max(report.newest, stamp)

    def _finish(
        self,
        store: Store,
        entry: SourceEntry,
        state: SourceState,
        poll: SourcePoll,
        retry_errors: list[BaseException],
        report: SourceReport,
        save_state: bool,
    ) -> None:
        now = self.clock.now()
        report.status = "not_modified" if poll.not_modified else "ok"
        report.unchanged = poll.unchanged
        report.retry_later = len(retry_errors)
        if poll.warning:
            report.warnings.append(poll.warning)
        changes: dict[str, Any] = {
            "last_attempt": now,
            "last_success": now,
            "consecutive_failures": 0,
            "next_due": now + timedelta(seconds=entry.source.poll_interval_s),
            "items_stored": state.items_stored + report.new,
        }
        if retry_errors:
            first = retry_errors[0]
            report.warnings.append(
                f"{len(retry_errors)} item(s) will be retried: {_message(first)}"
            )
            changes["last_error"] = f"{len(retry_errors)} item(s) failed: {_message(first)}"
            changes["last_error_code"] = _error_code(first)
        else:
            # validators only move once every item of this response is stored
            changes["etag"] = poll.etag
            changes["last_modified"] = poll.last_modified
        if report.newest and (state.watermark is None or report.newest > state.watermark):
            changes["watermark"] = report.newest
        if save_state:
            store.save_source_state(replace(state, **changes))

    def _fail(
        self,
        store: Store,
        entry: SourceEntry,
        state: SourceState,
        exc: BaseException,
        report: SourceReport,
        save_state: bool,
    ) -> None:
        now = self.clock.now()
        report.status = "failed"
        report.error = _message(exc)
        report.error_code = _error_code(exc)
        if not isinstance(exc, WatchfloorError):
            log.exception("source %s failed", entry.name, exc_info=exc)
        failures = state.consecutive_failures + 1
        interval = entry.source.poll_interval_s
        wait = min(max(MAX_BACKOFF_S, interval), interval * 2 ** (failures - 1))
        if isinstance(exc, RetryLaterError) and exc.retry_after_s:
            wait = max(wait, exc.retry_after_s)
        if save_state:
            store.save_source_state(
                replace(
                    state,
                    last_attempt=now,
                    last_error=report.error,
                    last_error_code=report.error_code,
                    consecutive_failures=failures,
                    next_due=now + timedelta(seconds=wait),
                )
            )


# --------------------------------------------------------------------------- health


def source_health(store: Store, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per registered source: its grades, how it is polled and how polling went."""
    states = store.source_states()
    rows = []
    for entry in entries_from_store(store):
        state = states.get(entry.name)
        method = entry.method
        if method not in POLLED_METHODS:
            health = "not polled"
        elif not entry.enabled:
            health = "disabled"
        elif state is None or state.last_attempt is None:
            health = "never polled"
        elif state.consecutive_failures:
            health = "failing"
        else:
            health = "ok"
        rows.append(
            {
                "name": entry.name,
                "kind": entry.source.kind,
                "fetch": method,
                "url": entry.source.url,
                "reliability": entry.source.reliability,
                "state_affiliated": entry.source.state_affiliated,
                "poll_interval_s": entry.source.poll_interval_s,
                "health": health,
                "last_attempt": _iso(state.last_attempt if state else None),
                "last_success": _iso(state.last_success if state else None),
                "last_error": state.last_error if state else None,
                "last_error_code": state.last_error_code if state else None,
                "consecutive_failures": state.consecutive_failures if state else 0,
                "next_due": _iso(state.next_due if state else None),
                "items_stored": state.items_stored if state else 0,
                "watermark": _iso(state.watermark if state else None),
            }
        )
    return rows


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


# --------------------------------------------------------------------------- the loop


def run_watch(
    wf: Watchfloor,
    *,
    once: bool = False,
    force: bool = False,
    code: bool = True,
    names: Sequence[str] | None = None,
    workers: int = 4,
    on_pass: Callable[[PassReport], None] | None = None,
    stop: threading.Event | None = None,
    release_store: bool = True,
    max_idle_s: float = 60.0,
    poller: Poller | None = None,
) -> list[PassReport]:
    """Poll due sources until stopped (SIGINT/SIGTERM, or ``stop`` set); ``once``: one pass.

    With ``release_store``, the store is closed between passes (DuckDB has one writer
    process) and reopened for the next. Returns the pass reports.
    """
    from watchfloor.store import open_store

    stop = stop or threading.Event()
    own_poller = poller is None
    poller = poller or Poller(wf.settings, stop=stop, workers=workers)
    reports: list[PassReport] = []
    restore = _install_signal_handlers(stop)
    try:
        while not stop.is_set():
            if wf.store is None:
                wf.store = open_store(wf.db)
            try:
                report = wf.poll(names=names, force=force, code=code, poller=poller)
                due = poller.next_due(wf.store)
            finally:
                if release_store and not once:
                    wf.store.close()
                    wf.store = None  # type: ignore[assignment]
            reports.append(report)
            if on_pass is not None:
                on_pass(report)
            if once or report.stopped:
                break
            force = False  # only the first pass is forced
            now = poller.clock.now()
            wait = max_idle_s if due is None else (due - now).total_seconds()
            stop.wait(min(max_idle_s, max(0.5, wait)))  # never a busy loop
    finally:
        restore()
        if own_poller:
            poller.close()
        if wf.store is None:
            wf.store = open_store(wf.db)
    return reports


def _install_signal_handlers(stop: threading.Event) -> Callable[[], None]:
    """SIGINT/SIGTERM set ``stop`` (a second SIGINT interrupts at once). Main thread only."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, Any] = {}

    def handler(signum: int, _frame: object) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("signal %s: finishing the current write and stopping", signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handler)

    def restore() -> None:
        for signum, old in previous.items():
            signal.signal(signum, old)

    return restore
