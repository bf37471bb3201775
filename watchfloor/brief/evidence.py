"""Gather everything a brief rests on, for one scope and window, from the store.

``gather`` is the only place briefs read the store. It collects the scope's events (through the
analysts' corrections when ``analysis.corrections`` is present), the articles and outlets they came
from, the claims ledger, dyads and escalation arrows, indicators, forecasts, related stories,
background facts and the previous brief of the same scope. Analysis stages that are not installed
leave their part empty and say so in ``Evidence.gaps``; the brief then states the gap instead of
inventing the content.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from watchfloor.records import (
    Article,
    Dyad,
    Escalation,
    Event,
    Forecast,
    IndicatorValue,
    Source,
)
from watchfloor.settings import Settings
from watchfloor.store.base import EventQuery, Store

__all__ = [
    "BriefScope",
    "ClaimView",
    "Evidence",
    "Fact",
    "StoryView",
    "gather",
    "involves",
    "load_facts",
]

DEFAULT_WINDOW_DAYS = 42
HISTORY_DAYS = 365


@dataclass(frozen=True)
class BriefScope:
    """What a brief is about: actors, dyads, indicators or a topic query, and a time window.

    ``actors`` are code prefixes (``RUS`` matches ``RUSGOV``); ``dyads`` pairs of prefixes, either
    direction; ``topic`` a full-text query over the stored articles. All empty: everything.
    """

    actors: tuple[str, ...] = ()
    dyads: tuple[tuple[str, str], ...] = ()
    indicators: tuple[str, ...] = ()
    topic: str | None = None
    since: date | None = None
    until: date | None = None

    @property
    def key(self) -> str:
        """The scope without its window: briefs with the same key are compared for changes."""
        parts = {
            "actors": sorted(a.upper() for a in self.actors),
            "dyads": sorted("-".join(sorted((a.upper(), b.upper()))) for a, b in self.dyads),
            "indicators": sorted(self.indicators),
            "topic": (self.topic or "").strip().lower(),
        }
        return hashlib.blake2b(json.dumps(parts).encode(), digest_size=8).hexdigest()

    @property
    def codes(self) -> tuple[str, ...]:
        """Every actor prefix the scope names (its actors and both sides of its dyads)."""
        found = [a.upper() for a in self.actors]
        for a, b in self.dyads:
            found += [a.upper(), b.upper()]
        return tuple(dict.fromkeys(found))

    def describe(self) -> str:
        from watchfloor.brief.names import country_name

        parts = [country_name(a) if len(a) == 3 else a for a in self.actors]
        parts += [
            f"{country_name(a).removeprefix('the ')}–{country_name(b).removeprefix('the ')}"
            for a, b in self.dyads
        ]
        if self.topic:
            parts.append(f"“{self.topic}”")
        if self.indicators:
            parts.append("indicators " + ", ".join(self.indicators))
        return ", ".join(parts) if parts else "all coded events"

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": list(self.actors),
            "dyads": ["-".join(d) for d in self.dyads],
            "indicators": list(self.indicators),
            "topic": self.topic,
            "key": self.key,
        }


@dataclass(frozen=True)
class StanceView:
    """One stance on a claim: what it is, the event that shows it, and whose voice it is.

    ``stance`` is reported (an outlet states it as fact), asserts, confirms, denies or retracts;
    ``source_key`` is the unit of independence (``outlet:<name>``, ``state:<ISO3>``,
    ``speaker:<code>``): two stances with one key are one source.
    """

    stance: str
    event: Event | None
    doc_id: str
    source_key: str
    grade: str | None
    speaker: str | None = None
    outlet: str | None = None


@dataclass(frozen=True)
class ClaimView:
    """A proposition of the claims ledger as briefs read it, with every stance behind it.

    ``status`` is one of reported, unconfirmed, denied, disputed, confirmed, retracted, and
    ``rationale`` says why (from the ledger).
    """

    id: str
    proposition: str
    status: str
    actor: str | None
    event_type: str
    mode: str | None
    recipient: str | None
    stances: tuple[StanceView, ...]
    rationale: str = ""
    place: str | None = None
    question: str | None = None
    family: str | None = None

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(s.event for s in self.stances if s.event is not None)

    def stance_events(self, *stances: str) -> list[Event]:
        """Events taking one of ``stances`` ("asserts" includes an outlet's plain report)."""
        wanted = set(stances) | ({"reported"} if "asserts" in stances else set())
        return [s.event for s in self.stances if s.stance in wanted and s.event is not None]


def _stance(event: Event) -> str:
    if event.modality == "negated" and (event.claim is None or event.claim.stance != "retracts"):
        return "denies"
    return event.claim.stance if event.claim else "reported"


@dataclass(frozen=True)
class StoryView:
    """A story (a cluster of articles about one thing) as briefs cite it."""

    id: str
    title: str
    doc_ids: tuple[str, ...]
    first: datetime | None = None
    last: datetime | None = None
    reason: str = ""


@dataclass(frozen=True)
class Fact:
    """A background fact ("did you know?") with its public reference."""

    id: str
    text: str
    topics: tuple[str, ...]
    source: str
    url: str | None = None


@dataclass
class Evidence:
    """Everything one brief may say, and what it could not get (``gaps``)."""

    scope: BriefScope
    since: date
    until: date
    now: datetime
    events: list[Event]
    history: list[Event]
    articles: dict[str, Article]
    sources: dict[str, Source]
    claims: list[ClaimView] = field(default_factory=list)
    dyads: list[Dyad] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    indicators: list[IndicatorValue] = field(default_factory=list)
    indicator_events: dict[str, Event] = field(default_factory=dict)
    forecasts: list[Forecast] = field(default_factory=list)
    stories: list[StoryView] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    previous: dict[str, Any] | None = None
    coverage: dict[str, Any] = field(default_factory=dict)
    gaps: list[str] = field(default_factory=list)

    def article(self, doc_id: str) -> Article | None:
        return self.articles.get(doc_id)

    def grade(self, doc_id: str) -> str:
        """The Admiralty grade of the outlet that published ``doc_id`` ("F" when unknown)."""
        article = self.articles.get(doc_id)
        source = self.sources.get(article.source or "") if article else None
        return source.reliability if source else "F"

    def outlet(self, doc_id: str) -> str:
        article = self.articles.get(doc_id)
        return (article.source if article else None) or "an unnamed outlet"


def involves(event: Event, codes: Sequence[str]) -> bool:
    """The event's actor, recipient or speaker matches one of the code prefixes."""
    parties = [e.code or e.country or "" for e in (*event.actor, *event.recipient)]
    if event.claim:
        parties.append(event.claim.by.code or event.claim.by.country or "")
    return any(p.startswith(c) for p in parties for c in codes)


def _in_dyad(event: Event, dyads: Sequence[tuple[str, str]]) -> bool:
    actors = [e.code or e.country or "" for e in event.actor]
    recipients = [e.code or e.country or "" for e in event.recipient]
    for a, b in dyads:
        for x, y in ((a, b), (b, a)):
            if any(p.startswith(x) for p in actors) and any(p.startswith(y) for p in recipients):
                return True
    return False


# -- reading events ----------------------------------------------------------------------------


def _effective(store: Store, query: EventQuery) -> list[Event]:
    """Events with the analysts' corrections applied, when the corrections stage is installed."""
    try:
        from watchfloor.analysis.corrections import effective_events
    except ImportError:
        return store.events(query)
    return list(effective_events(store, query))


def _scoped_events(
    store: Store,
    scope: BriefScope,
    since: date | None,
    until: date | None,
    topic_docs: Sequence[str] | None,
) -> list[Event]:
    """The scope's events in a window, filtered in the store where the query allows it."""
    queries: list[EventQuery] = []
    if scope.dyads:
        for a, b in scope.dyads:
            queries.append(EventQuery(actors=[a], recipients=[b], since=since, until=until))
            queries.append(EventQuery(actors=[b], recipients=[a], since=since, until=until))
    if scope.actors:
        codes = [a.upper() for a in scope.actors]
        queries.append(EventQuery(actors=codes, since=since, until=until))
        queries.append(EventQuery(recipients=codes, since=since, until=until))
    if topic_docs is not None:
        queries.append(EventQuery(doc_ids=list(topic_docs), since=since, until=until))
    if not queries:
        queries.append(EventQuery(since=since, until=until))
    found: dict[str, Event] = {}
    for query in queries:
        if topic_docs is not None and not query.doc_ids and not topic_docs:
            continue
        for event in _effective(store, query):
            found.setdefault(event.id, event)
    events = list(found.values())
    if scope.dyads and not scope.actors:
        events = [e for e in events if _in_dyad(e, scope.dyads)]
    if topic_docs is not None:
        wanted = set(topic_docs)
        events = [e for e in events if e.doc_id in wanted]
    events.sort(key=lambda e: (e.date or date.min, e.doc_id, e.sentence_index, e.id))
    return events


def _busiest_pairs(events: Sequence[Event], limit: int = 3) -> list[tuple[str, str]]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for event in events:
        a, b = _first_country(event.actor), _first_country(event.recipient)
        if a and b and a != b and "IGO" not in (a, b):
            counts[tuple(sorted((a, b)))] += 1  # type: ignore[index]
    return [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def newest_event_date(store: Store) -> date | None:
    frame = store.query("SELECT max(date) AS newest FROM events")
    value = frame["newest"].iloc[0] if len(frame) else None
    if value is None or value != value:  # NaT / NaN
        return None
    return value.date() if hasattr(value, "date") else value


# -- the optional analysis stages --------------------------------------------------------------


def _ledger(store: Store, evidence: Evidence) -> list[ClaimView]:
    """The claims ledger for the scope: from ``analysis.claims`` when installed, else derived.

    Claims are kept when they concern the scope (actor or target among its countries) and took
    a stance inside the window.
    """
    try:
        from watchfloor.analysis.claims import claims as ledger
    except ImportError:
        evidence.gaps.append(
            "the claims ledger stage is not installed: claims were grouped from coded events"
        )
        views = derive_ledger([*evidence.history, *evidence.events], evidence)
    else:
        since = evidence.since - timedelta(days=LEDGER_LOOKBACK_DAYS)
        codes = [c[:3] for c in evidence.scope.codes]
        if codes:  # the claims whose stances involve the scope's countries, either side
            queries = [
                EventQuery(actors=codes, since=since, until=evidence.until),
                EventQuery(recipients=codes, since=since, until=evidence.until),
            ]
        else:
            queries = [EventQuery(since=since, until=evidence.until)]
        found: dict[str, Any] = {}
        for query in queries:
            for claim in ledger(store, query):
                found.setdefault(claim.id, claim)
        window_ids = {e.id for e in evidence.events}
        wanted = [c for c in found.values() if any(s.event_id in window_ids for s in c.stances)]
        views = _views(wanted, evidence, store)
    scope_codes: set[str | None] = {c[:3] for c in evidence.scope.codes}
    window = {e.id for e in evidence.events}
    kept = []
    for view in views:
        if (
            scope_codes
            and not ({view.actor, view.recipient} & scope_codes)
            and not any(s.event is not None and s.event.id in window for s in view.stances)
        ):
            continue
        if not any(s.event is not None and s.event.id in window for s in view.stances):
            continue
        kept.append(view)
    return kept


LEDGER_LOOKBACK_DAYS = 60  # the ledger's follow-up window for denials


def _views(claims: Sequence[Any], evidence: Evidence, store: Store) -> list[ClaimView]:
    """Ledger ``Claim`` records as ``ClaimView``s, their events looked up in one query."""
    by_id = {e.id: e for e in [*evidence.history, *evidence.events]}
    missing = sorted({s.doc_id for c in claims for s in c.stances if s.event_id not in by_id})
    if missing:
        for event in _effective(store, EventQuery(doc_ids=missing)):
            by_id.setdefault(event.id, event)
    return [_view(claim, by_id) for claim in claims]


def _view(claim: Any, by_id: dict[str, Event]) -> ClaimView:
    """A ledger ``Claim`` record as a ``ClaimView``."""
    stances = tuple(
        StanceView(
            stance=s.stance,
            event=by_id.get(s.event_id),
            doc_id=s.doc_id,
            source_key=s.source_key,
            grade=s.reliability,
            speaker=s.speaker,
            outlet=s.outlet,
        )
        for s in claim.stances
    )
    actor = claim.actor or None
    target = (
        claim.target if claim.target and len(claim.target) == 3 and claim.target.isupper() else None
    )
    label = claim.label
    return ClaimView(
        id=claim.id,
        proposition=label,
        status=claim.status,
        actor=actor,
        event_type=claim.event_type,
        mode=claim.mode,
        recipient=target,
        stances=stances,
        rationale=claim.rationale,
        place=claim.place,
        family=claim.family,
    )


def _first_country(entities: Iterable[Any]) -> str | None:
    return next((e.country for e in entities if e.country), None)


def _source_key(event: Event, evidence: Evidence | None) -> tuple[str, str | None]:
    article = evidence.articles.get(event.doc_id) if evidence else None
    outlet = article.source if article else None
    grade = None
    if evidence is not None and outlet in evidence.sources:
        grade = evidence.sources[outlet].reliability
    if event.claim is None:
        return f"outlet:{outlet or event.doc_id}", grade
    by = event.claim.by
    if (
        evidence is not None
        and by.text.removeprefix("the ").removeprefix("The ") in evidence.sources
    ):
        name = by.text.removeprefix("the ").removeprefix("The ")
        return f"outlet:{name}", evidence.sources[name].reliability
    if by.country and by.country != "IGO":
        return f"state:{by.country}", grade
    return f"speaker:{by.code or by.text.lower()}", grade


def derive_ledger(events: Sequence[Event], evidence: Evidence | None = None) -> list[ClaimView]:
    """Group stance events into propositions (actor, action, recipient) with a status.

    Used when the claims ledger stage is absent. A proposition is a claim when somebody asserts,
    denies, confirms or retracts it; plain reports of the same act join it as reports.
    """
    groups: dict[tuple[Any, ...], list[Event]] = defaultdict(list)
    for event in events:
        if event.modality not in ("actual", "negated"):
            continue
        key = (_first_country(event.actor), event.event_type, _first_country(event.recipient))
        groups[key].append(event)
    views = []
    for (actor, event_type, recipient), group in groups.items():
        if not any(e.claim is not None or e.modality == "negated" for e in group):
            continue
        stances = []
        for event in group:
            source_key, grade = _source_key(event, evidence)
            article = evidence.articles.get(event.doc_id) if evidence else None
            stances.append(
                StanceView(
                    _stance(event),
                    event,
                    event.doc_id,
                    source_key,
                    grade,
                    event.claim.by.text if event.claim else None,
                    article.source if article else None,
                )
            )
        kinds = [s.stance for s in stances]
        positive = {s.source_key for s in stances if s.stance in ("reported", "asserts")}
        if "retracts" in kinds:
            status = "retracted"
        elif "confirms" in kinds or (actor and f"state:{actor}" in positive):
            status = "confirmed"
        elif "denies" in kinds:
            status = "disputed" if len(positive) > 1 else "denied"
        elif len(positive) > 1:
            status = "reported"
        else:
            status = "unconfirmed"
        lead = group[0]
        views.append(
            ClaimView(
                id="claim-"
                + hashlib.blake2b(
                    f"{actor}|{event_type}|{recipient}".encode(), digest_size=5
                ).hexdigest(),
                proposition="",
                status=status,
                actor=actor,
                event_type=event_type,
                mode=lead.mode,
                recipient=recipient,
                stances=tuple(stances),
            )
        )
    return views


def _dyads_and_arrows(store: Store, settings: Settings, evidence: Evidence) -> None:
    pairs = _scope_pairs(evidence)
    if not pairs:
        return
    try:
        from watchfloor.analysis.dyads import dyad_series
        from watchfloor.analysis.escalation import escalation
    except ImportError:
        evidence.gaps.append("the dyads and escalation stages are not installed")
        return
    for a, b in pairs:
        evidence.dyads.append(
            dyad_series(
                store,
                f"{a}*",
                f"{b}*",
                granularity="week",
                since=evidence.since - timedelta(days=56),
                until=evidence.until,
            )
        )
    with contextlib.suppress(ValueError):
        wanted = {(a, b) for a, b in pairs}
        found = escalation(
            store,
            settings,
            sources=[f"{a}*" for a, _ in pairs],
            targets=[f"{b}*" for _, b in pairs],
            as_of=evidence.until,
            limit=None,
        )
        evidence.escalations = [
            e for e in found if (e.source.rstrip("*"), e.target.rstrip("*")) in wanted
        ]


def _scope_pairs(evidence: Evidence, limit: int = 4) -> list[tuple[str, str]]:
    """Directed country pairs to chart: the scope's dyads, else the busiest pairs of its events."""
    if evidence.scope.dyads:
        pairs = []
        for a, b in evidence.scope.dyads:
            pairs += [(a.upper()[:3], b.upper()[:3]), (b.upper()[:3], a.upper()[:3])]
        return list(dict.fromkeys(pairs))
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for event in evidence.events:
        actor, target = _first_country(event.actor), _first_country(event.recipient)
        if actor and target and actor != target and "IGO" not in (actor, target):
            counts[(actor, target)] += 1
    return [p for p, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _indicators(store: Store, settings: Settings, evidence: Evidence) -> None:
    try:
        from watchfloor.analysis.indicators import evaluate_indicators, load_indicators
    except ImportError:
        evidence.gaps.append("the indicators stage is not installed: no trends to watch")
        return
    indicators = load_indicators(getattr(settings, "indicators_file", None))
    wanted = set(evidence.scope.indicators)
    if wanted:
        indicators = [i for i in indicators if i.id in wanted or i.name in wanted]
    elif evidence.scope.codes:
        codes = evidence.scope.codes
        indicators = [i for i in indicators if _indicator_touches(i, codes)]
    if not indicators:
        return
    evidence.indicators = evaluate_indicators(store, indicators, as_of=evidence.until, evidence=3)
    ids = [e.event_id for value in evidence.indicators for e in value.evidence]
    docs = sorted({e.doc_id for value in evidence.indicators for e in value.evidence})
    if docs:
        for event in _effective(store, EventQuery(doc_ids=docs)):
            if event.id in ids:
                evidence.indicator_events[event.id] = event


def _indicator_touches(indicator: Any, codes: Sequence[str]) -> bool:
    terms = [t for f in indicator.filters for t in (*f.actors, *f.recipients)]
    return any(t.rstrip("*").upper().startswith(c[:3]) for t in terms for c in codes)


def _forecasts(store: Store, evidence: Evidence) -> None:
    try:
        from watchfloor.analysis import forecasts as stage
    except ImportError:
        evidence.gaps.append("the forecasts stage is not installed: no track record to quote")
        return
    wanted = {i.indicator_id for i in evidence.indicators}
    with contextlib.suppress(Exception):  # a store without the forecasts table has no record
        evidence.forecasts = [f for f in stage.forecasts(store) if f.indicator_id in wanted]


def _stories(store: Store, evidence: Evidence) -> None:
    """Stories related to the story of the scope's most reported article (explainer only)."""
    try:
        from watchfloor.analysis.stories import related_stories
    except ImportError:
        evidence.gaps.append("the stories stage is not installed: no related stories")
        return
    counts: dict[str, int] = defaultdict(int)
    for event in evidence.events:
        counts[event.doc_id] += 1
    if not counts:
        return
    top = max(sorted(counts), key=lambda d: counts[d])
    for related in related_stories(store, top, limit=5):
        story = related.story
        evidence.stories.append(
            StoryView(
                id=story.id,
                title=story.title,
                doc_ids=tuple(story.article_ids),
                first=story.first_seen,
                last=story.last_seen,
                reason=related.reason,
            )
        )


# -- background facts --------------------------------------------------------------------------


@cache
def _shipped_facts() -> tuple[Fact, ...]:
    text = resources.files("watchfloor.data").joinpath("demo/facts.yaml").read_text("utf-8")
    return tuple(_parse_facts(text))


def _parse_facts(text: str) -> list[Fact]:
    import yaml

    data = yaml.safe_load(text) or []
    items = data.get("facts", []) if isinstance(data, dict) else data
    return [
        Fact(
            id=str(item["id"]),
            text=str(item["text"]),
            topics=tuple(str(t) for t in item.get("topics", ())),
            source=str(item.get("source", "")),
            url=item.get("url"),
        )
        for item in items
        if item.get("text") and item.get("source")
    ]


def load_facts(path: str | Path | None = None) -> list[Fact]:
    """Background facts: the shipped file plus the user's (``facts_file`` in the settings)."""
    facts = list(_shipped_facts())
    if path:
        facts += _parse_facts(Path(path).read_text("utf-8"))
    return facts


def _relevant_facts(facts: Sequence[Fact], codes: Iterable[str]) -> list[Fact]:
    """Facts whose countries (the upper-case three-letter topics) are all in the scope."""
    countries = {c[:3] for c in codes if c}
    relevant = []
    for fact in facts:
        named = {t for t in fact.topics if len(t) == 3 and t.isupper()}
        if named and named <= countries:
            relevant.append(fact)
    return relevant


# -- coverage ----------------------------------------------------------------------------------


def _coverage(store: Store, evidence: Evidence) -> dict[str, Any]:
    since = datetime.combine(evidence.since, datetime.min.time(), tzinfo=UTC)
    until = datetime.combine(evidence.until + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    frame = store.query(
        "SELECT count(*) AS n, count(DISTINCT source) AS outlets, max(published_at) AS newest, "
        "count(*) FILTER (WHERE language IS NOT NULL AND language <> 'en') AS other_language "
        "FROM articles WHERE published_at >= ? AND published_at < ?",
        [since, until],
    )
    row = frame.iloc[0]
    newest = row["newest"]
    newest_dt = newest.to_pydatetime() if newest is not None and newest == newest else None
    undated = int(
        store.query("SELECT count(*) AS n FROM articles WHERE published_at IS NULL")["n"].iloc[0]
    )
    failing: list[str] = []
    with contextlib.suppress(Exception):  # older stores have no source_state table
        failing = [
            str(n)
            for n in store.query(
                "SELECT name FROM source_state WHERE consecutive_failures > 0 ORDER BY name"
            )["name"]
        ]
    age_h = None
    if newest_dt is not None:
        age_h = round((evidence.now - newest_dt).total_seconds() / 3600, 1)
    return {
        "window": [evidence.since.isoformat(), evidence.until.isoformat()],
        "articles_in_window": int(row["n"]),
        "outlets_in_window": int(row["outlets"]),
        "not_english": int(row["other_language"]),
        "undated_articles": undated,
        "events": len(evidence.events),
        "articles_with_events": len({e.doc_id for e in evidence.events}),
        "newest_item": newest_dt.isoformat().replace("+00:00", "Z") if newest_dt else None,
        "newest_item_age_hours": age_h,
        "sources_failing": failing,
    }


# -- the one entry point -----------------------------------------------------------------------


def gather(
    store: Store,
    scope: BriefScope,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
    topic_docs: Sequence[str] | None = None,
    stories: bool = False,
) -> Evidence:
    """Everything a brief on ``scope`` may say, read from ``store``.

    Without a window: the ``DEFAULT_WINDOW_DAYS`` days up to the newest stored event. Background
    events are the scope's events in the year before the window. ``topic_docs`` are the articles
    a topic query matched (``brief.search``); None when the scope has no topic.
    """
    settings = settings or Settings()
    now = now or datetime.now(UTC)
    until = scope.until or newest_event_date(store) or now.date()
    since = scope.since or until - timedelta(days=DEFAULT_WINDOW_DAYS)
    events = _scoped_events(store, scope, since, until, topic_docs)
    # Background is the history of the dyads involved: the scope's own, or for an unscoped
    # brief the busiest pairs of the window (not every event of the year before).
    history_scope = scope
    if not scope.codes and topic_docs is None:
        pairs = _busiest_pairs(events)
        history_scope = BriefScope(dyads=tuple(pairs)) if pairs else scope
    history = (
        _scoped_events(
            store,
            history_scope,
            since - timedelta(days=HISTORY_DAYS),
            since - timedelta(days=1),
            topic_docs,
        )
        if history_scope.codes or scope.codes or topic_docs is not None
        else []
    )
    doc_ids = sorted({e.doc_id for e in [*events, *history]})
    evidence = Evidence(
        scope=scope,
        since=since,
        until=until,
        now=now,
        events=events,
        history=history,
        articles={},
        sources={s.name: s for s in store.sources()},
    )
    evidence.articles = {a.id: a for a in store.articles(ids=doc_ids)}
    evidence.claims = _ledger(store, evidence)
    _dyads_and_arrows(store, settings, evidence)
    _indicators(store, settings, evidence)
    _forecasts(store, evidence)
    if stories:
        _stories(store, evidence)
    wanted = {e.doc_id for e in evidence.indicator_events.values()}
    wanted |= {s.doc_id for c in evidence.claims for s in c.stances}
    wanted -= set(evidence.articles)
    if wanted:
        evidence.articles.update({a.id: a for a in store.articles(ids=sorted(wanted))})
    originals = {a.duplicate_of for a in evidence.articles.values() if a.duplicate_of}
    originals -= set(evidence.articles)
    if originals:
        evidence.articles.update({a.id: a for a in store.articles(ids=sorted(originals))})
    codes = scope.codes or tuple(
        dict.fromkeys(
            c for e in events for c in (_first_country(e.actor), _first_country(e.recipient)) if c
        )
    )
    facts_file = settings.extra.get("facts_file") if settings.extra else None
    evidence.facts = _relevant_facts(load_facts(facts_file), codes)
    evidence.coverage = _coverage(store, evidence)
    from watchfloor.brief.history import previous_brief

    evidence.previous = previous_brief(store, f"{scope.key}:analyst", before=now)
    return evidence


def counts_by(items: Iterable[str]) -> Mapping[str, int]:
    found: dict[str, int] = defaultdict(int)
    for item in items:
        found[item] += 1
    return found
