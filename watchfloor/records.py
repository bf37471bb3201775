"""Typed records that flow between watchfloor's stages.

Every stage is a function from records to records; this module is the one place their shapes are
defined. Records are frozen dataclasses: cheap to build in the coder's hot loop, hashable, and
turned into the documented JSON contract with ``to_dict`` / ``from_dict``.

The event record (``Event``) is the contract every coder, exporter and consumer uses; its JSON
form is documented in ``docs/event-contract.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

__all__ = [
    "EVENT_TYPES",
    "MODALITIES",
    "STANCES",
    "Article",
    "Brief",
    "BriefSection",
    "BriefSource",
    "BriefStatement",
    "ClaimRef",
    "CoderInfo",
    "Document",
    "Entity",
    "Event",
    "Location",
    "Mention",
    "Source",
    "Trigger",
    "content_hash",
    "stable_id",
]

EVENT_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)
MODALITIES: tuple[str, ...] = ("actual", "future", "hypothetical", "negated")
STANCES: tuple[str, ...] = ("asserts", "denies", "confirms", "retracts")

Modality = Literal["actual", "future", "hypothetical", "negated"]
Stance = Literal["asserts", "denies", "confirms", "retracts"]


def stable_id(*parts: object, prefix: str = "") -> str:
    """A short, stable identifier derived from ``parts`` (same parts, same id, any machine).

    >>> stable_id("demo-001", "RUS", "ASSAULT")[:4]
    '4d3c'
    """
    digest = hashlib.blake2b(
        "\x1f".join("" if p is None else str(p) for p in parts).encode("utf-8"), digest_size=10
    ).hexdigest()
    return f"{prefix}{digest}"


def content_hash(text: str) -> str:
    """Hash of an article body with whitespace and case normalised, for duplicate detection."""
    normalised = " ".join(text.split()).casefold()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Source:
    """A publisher or feed the analyst follows, with its grades.

    ``reliability`` is the Admiralty (NATO) source grade A (reliable) ... F (cannot be judged).
    """

    name: str
    kind: str = "file"  # file | rss | atom | page | index | wire | state_media | ministry | ...
    url: str | None = None
    country: str | None = None
    language: str | None = None
    reliability: str = "F"
    state_affiliated: bool = False
    poll_interval_s: int = 900
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "country": self.country,
            "language": self.language,
            "reliability": self.reliability,
            "state_affiliated": self.state_affiliated,
            "poll_interval_s": self.poll_interval_s,
            "description": self.description,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Source:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True, slots=True)
class Article:
    """One stored news item or official statement.

    ``published_at`` is when the outlet says it was published; ``seen_at`` when watchfloor
    stored it.
    Both are UTC. ``canonical_url`` and ``content_hash`` are the deduplication keys.
    """

    id: str
    text: str
    title: str | None = None
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    language: str | None = None
    content_hash: str = ""
    seen_at: datetime | None = None
    kind: str | None = None
    author: str | None = None
    duplicate_of: str | None = None

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.text))
        object.__setattr__(self, "published_at", _utc(self.published_at))
        object.__setattr__(self, "seen_at", _utc(self.seen_at))

    @property
    def is_english(self) -> bool:
        """English rules may only code articles stored as English (or of unknown language)."""
        return self.language in (None, "", "en")

    def as_document(self) -> Document:
        return Document(
            id=self.id,
            text=self.text,
            date=self.published_at,
            title=self.title,
            source=self.source,
            url=self.url,
            language=self.language,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "published_at": _iso(self.published_at),
            "source": self.source,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "language": self.language,
            "content_hash": self.content_hash,
            "seen_at": _iso(self.seen_at),
            "kind": self.kind,
            "author": self.author,
            "duplicate_of": self.duplicate_of,
        }

    def with_changes(self, **changes: Any) -> Article:
        return replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Document:
    """What a coder reads: ``{id, text, date?, title?, source?, url?}``, as ``watchfloor code``."""

    id: str
    text: str
    date: datetime | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None

    @property
    def is_english(self) -> bool:
        return self.language in (None, "", "en")


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor, recipient or speaker as found in a sentence.

    ``code`` is country + sector (``"RUSGOV"``); ``country`` is ISO alpha-3, ``"IGO"`` for
    international organisations; ``start``/``end`` are character offsets into the sentence.
    """

    text: str
    code: str | None
    country: str | None
    sector: str | None
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "code": self.code,
            "country": self.country,
            "sector": self.sector,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        return cls(
            text=data["text"],
            code=data.get("code"),
            country=data.get("country"),
            sector=data.get("sector"),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
        )


@dataclass(frozen=True, slots=True)
class Trigger:
    """The words that express the action, with offsets into the sentence."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Trigger:
        return cls(text=data["text"], start=int(data["start"]), end=int(data["end"]))


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """Who says an event happened (or denies it): the stance a sentence takes on the event."""

    stance: Stance
    by: Entity

    def to_dict(self) -> dict[str, Any]:
        return {"stance": self.stance, "by": self.by.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClaimRef:
        return cls(stance=data["stance"], by=Entity.from_dict(data["by"]))


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in a document where an event was found."""

    sentence_index: int
    sentence: str
    trigger: Trigger

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "trigger": self.trigger.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mention:
        return cls(
            sentence_index=int(data["sentence_index"]),
            sentence=data["sentence"],
            trigger=Trigger.from_dict(data["trigger"]),
        )


@dataclass(frozen=True, slots=True)
class Location:
    name: str
    country: str | None
    lat: float | None
    lon: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "country": self.country, "lat": self.lat, "lon": self.lon}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Location:
        return cls(
            name=data["name"], country=data.get("country"), lat=data.get("lat"), lon=data.get("lon")
        )


@dataclass(frozen=True, slots=True)
class CoderInfo:
    """What produced an event: the coder's registered name, its version and the rule that fired."""

    name: str
    version: str
    pattern: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "pattern": self.pattern}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoderInfo:
        return cls(name=data["name"], version=data["version"], pattern=data.get("pattern"))


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event: who did what to whom, when and where, with its evidence.

    One event per (date, actor, recipient, type, mode, modality, claim stance, speaker) per
    document; every sentence that expresses it is in ``mentions``.
    """

    id: str
    doc_id: str
    sentence_index: int
    sentence: str
    date: date | None
    event_type: str
    mode: str | None
    cameo: str
    quad_class: int
    goldstein: float
    actor: tuple[Entity, ...]
    recipient: tuple[Entity, ...]
    trigger: Trigger
    modality: Modality = "actual"
    claim: ClaimRef | None = None
    mentions: tuple[Mention, ...] = ()
    fatalities: int | None = None
    location: Location | None = None
    confidence: float = 0.5
    coder: CoderInfo = field(default_factory=lambda: CoderInfo("unknown", "0"))

    def __post_init__(self) -> None:
        if self.event_type not in EVENT_TYPES:
            raise ValueError(f"unknown PLOVER event type {self.event_type!r}")
        if self.modality not in MODALITIES:
            raise ValueError(f"unknown modality {self.modality!r}")
        if not (1 <= self.quad_class <= 4):
            raise ValueError(f"quad_class must be 1-4, got {self.quad_class}")

    @property
    def actor_codes(self) -> tuple[str, ...]:
        return tuple(e.code or "" for e in self.actor)

    @property
    def recipient_codes(self) -> tuple[str, ...]:
        return tuple(e.code or "" for e in self.recipient)

    def dedup_key(self) -> tuple[object, ...]:
        """The document-level identity of an event (see the class docstring)."""
        speaker = self.claim.by.code if self.claim else None
        stance = self.claim.stance if self.claim else None
        return (
            self.doc_id,
            self.date,
            self.actor_codes,
            self.recipient_codes,
            self.event_type,
            self.mode,
            self.modality,
            stance,
            speaker,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
            "sentence_index": self.sentence_index,
            "sentence": self.sentence,
            "date": self.date.isoformat() if self.date else None,
            "event_type": self.event_type,
            "mode": self.mode,
            "cameo": self.cameo,
            "quad_class": self.quad_class,
            "goldstein": self.goldstein,
            "actor": [e.to_dict() for e in self.actor],
            "recipient": [e.to_dict() for e in self.recipient],
            "trigger": self.trigger.to_dict(),
            "modality": self.modality,
            "claim": self.claim.to_dict() if self.claim else None,
            "mentions": [m.to_dict() for m in self.mentions],
            "fatalities": self.fatalities,
            "location": self.location.to_dict() if self.location else None,
            "confidence": self.confidence,
            "coder": self.coder.to_dict(),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        raw_date = data.get("date")
        return cls(
            id=data["id"],
            doc_id=data["doc_id"],
            sentence_index=int(data["sentence_index"]),
            sentence=data["sentence"],
            date=date.fromisoformat(raw_date) if raw_date else None,
            event_type=data["event_type"],
            mode=data.get("mode"),
            cameo=data["cameo"],
            quad_class=int(data["quad_class"]),
            goldstein=float(data["goldstein"]),
            actor=tuple(Entity.from_dict(e) for e in data.get("actor") or ()),
            recipient=tuple(Entity.from_dict(e) for e in data.get("recipient") or ()),
            trigger=Trigger.from_dict(data["trigger"]),
            modality=data.get("modality", "actual"),
            claim=ClaimRef.from_dict(data["claim"]) if data.get("claim") else None,
            mentions=tuple(Mention.from_dict(m) for m in data.get("mentions") or ()),
            fatalities=data.get("fatalities"),
            location=Location.from_dict(data["location"]) if data.get("location") else None,
            confidence=float(data.get("confidence", 0.5)),
            coder=CoderInfo.from_dict(data["coder"])
            if isinstance(data.get("coder"), Mapping)
            else CoderInfo(str(data.get("coder", "unknown")), "0"),
        )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass(frozen=True, slots=True)
class BriefSource:
    """A numbered source of a brief: the article a citation ``[n]`` points at."""

    number: int
    doc_id: str
    outlet: str | None
    title: str | None
    url: str | None
    published_at: datetime | None
    reliability: str | None = None
    state_affiliated: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "doc_id": self.doc_id,
            "outlet": self.outlet,
            "title": self.title,
            "url": self.url,
            "published_at": _iso(self.published_at),
            "reliability": self.reliability,
            "state_affiliated": self.state_affiliated,
        }


@dataclass(frozen=True, slots=True)
class BriefStatement:
    """One sentence of a brief and the sources (by number) and events it rests on."""

    text: str
    citations: tuple[int, ...] = ()
    event_ids: tuple[str, ...] = ()
    evidence: str | None = None  # the cited passage, quoted

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": list(self.citations),
            "event_ids": list(self.event_ids),
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class BriefSection:
    key: str
    title: str
    statements: tuple[BriefStatement, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # first row is the header

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "statements": [s.to_dict() for s in self.statements],
            "table": [list(r) for r in self.table],
        }


@dataclass(frozen=True, slots=True)
class Brief:
    """A briefing: data only; renderers turn it into Markdown, HTML or JSON."""

    title: str
    headline: str
    window: tuple[date | None, date | None]
    actors: tuple[str, ...]
    sections: tuple[BriefSection, ...]
    sources: tuple[BriefSource, ...]
    generated_at: datetime
    generator: str
    coverage: dict[str, Any] = field(default_factory=dict)

    def section(self, key: str) -> BriefSection | None:
        return next((s for s in self.sections if s.key == key), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "headline": self.headline,
            "window": [d.isoformat() if d else None for d in self.window],
            "actors": list(self.actors),
            "sections": [s.to_dict() for s in self.sections],
            "sources": [s.to_dict() for s in self.sources],
            "generated_at": _iso(self.generated_at),
            "generator": self.generator,
            "coverage": self.coverage,
        }


# -- analysis: dyads, escalation, indicators, forecasts, alerts --------------------------------
# Appended by the analysis stage (watchfloor/analysis/{dyads,escalation,indicators,forecasts,
# alerts}.py). Kept in one block, with its own ``__all__`` extension, so other sections of this
# module can grow without touching it.

__all__ += [
    "Alert",
    "Delivery",
    "Dyad",
    "DyadPoint",
    "Escalation",
    "Evidence",
    "Forecast",
    "Indicator",
    "IndicatorFilter",
    "IndicatorValue",
]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _parse_day(value: Any) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value))


def _parse_time(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return _utc(value)
    return _utc(datetime.fromisoformat(str(value).replace("Z", "+00:00")))


@dataclass(frozen=True, slots=True)
class Evidence:
    """One stored event cited in support of an analytic result (a dyad, a score, an alert).

    ``plover`` is the event's PLOVER intensity (see ``docs/analysis.md``), ``goldstein`` its
    Goldstein score; both let a reader check the number the event contributed.
    """

    event_id: str
    doc_id: str
    date: date | None
    event_type: str
    mode: str | None
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    sentence: str
    goldstein: float
    plover: float
    claim_stance: str | None = None

    def summary(self) -> str:
        """``"USAMIL ASSAULT VEN on 2026-10-20 [demo-037]"``: how rationales name an event."""
        who = "+".join(self.actors) or "?"
        whom = "+".join(self.recipients) or "?"
        kind = self.event_type + (f"/{self.mode}" if self.mode else "")
        return f"{who} {kind} {whom} on {_day(self.date) or 'an unknown date'} [{self.doc_id}]"

    def to_dict(self) -> dict[str, Any]:
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "date": _day(self.date),
            "event_type": self.event_type,
            "mode": self.mode,
            "actors": list(self.actors),
            "recipients": list(self.recipients),
            "sentence": self.sentence,
            "goldstein": self.goldstein,
            "plover": self.plover,
            "claim_stance": self.claim_stance,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Evidence:
        return cls(
            event_id=data["event_id"],
            doc_id=data["doc_id"],
            date=_parse_day(data.get("date")),
            event_type=data["event_type"],
            mode=data.get("mode"),
            actors=tuple(data.get("actors") or ()),
            recipients=tuple(data.get("recipients") or ()),
            sentence=data.get("sentence", ""),
            goldstein=float(data.get("goldstein", 0.0)),
            plover=float(data.get("plover", 0.0)),
            claim_stance=data.get("claim_stance"),
        )


@dataclass(frozen=True, slots=True)
class DyadPoint:
    """A directed dyad's activity in one period (a day, or the ISO week starting ``period``)."""

    period: date
    events: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    plover_sum: float
    plover_mean: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": _day(self.period),
            "events": self.events,
            "verbal_coop": self.verbal_coop,
            "material_coop": self.material_coop,
            "verbal_conflict": self.verbal_conflict,
            "material_conflict": self.material_conflict,
            "goldstein_sum": self.goldstein_sum,
            "goldstein_mean": self.goldstein_mean,
            "plover_sum": self.plover_sum,
            "plover_mean": self.plover_mean,
        }


@dataclass(frozen=True, slots=True)
class Dyad:
    """A directed actor pair (each side an actor set such as ``"RUS*"``) and its series.

    ``total`` sums every point (its ``period`` is the first period); ``top_events`` are the
    most intense events of the pair in the span, strongest first.
    """

    source: str
    target: str
    granularity: str
    since: date | None
    until: date | None
    points: tuple[DyadPoint, ...]
    total: DyadPoint
    top_events: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "granularity": self.granularity,
            "since": _day(self.since),
            "until": _day(self.until),
            "total": self.total.to_dict(),
            "points": [p.to_dict() for p in self.points],
            "top_events": [e.to_dict() for e in self.top_events],
        }


@dataclass(frozen=True, slots=True)
class Escalation:
    """How a directed dyad moved in the recent window against its baseline.

    ``arrow`` is ``deteriorated``, ``improved`` or ``unchanged`` (CrisisWatch style). ``formula``
    and ``inputs`` let a reader recompute ``score`` by hand; ``drivers`` are the recent events
    that pushed the score in the arrow's direction, named in ``rationale``.
    """

    source: str
    target: str
    as_of: date
    recent: tuple[date, date]
    baseline: tuple[date, date]
    arrow: str
    score: float
    formula: str
    inputs: dict[str, Any]
    rationale: str
    drivers: tuple[Evidence, ...] = ()
    new_actors: tuple[str, ...] = ()
    new_dyad: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "as_of": _day(self.as_of),
            "recent": [_day(d) for d in self.recent],
            "baseline": [_day(d) for d in self.baseline],
            "arrow": self.arrow,
            "score": self.score,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "rationale": self.rationale,
            "drivers": [e.to_dict() for e in self.drivers],
            "new_actors": list(self.new_actors),
            "new_dyad": self.new_dyad,
        }


@dataclass(frozen=True, slots=True)
class IndicatorFilter:
    """Which events an indicator counts. Every non-empty field must match (AND); the values
    within a field are alternatives (OR).

    ``actors``/``recipients`` are actor-set terms (``"RUS*"`` a country with all its sectors,
    ``"RUSMIL"`` one code); ``places`` match the event location's country code or name;
    ``keywords`` are case-insensitive substrings of the evidence sentence; with
    ``either_direction`` the actor and recipient sides may also be swapped. ``not_actors``
    drops events any of whose actors is in those sets. ``stances`` are the claim stances
    counted, ``"none"`` meaning an event stated as fact.
    """

    actors: tuple[str, ...] = ()
    not_actors: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    quad_classes: tuple[int, ...] = ()
    places: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ("actual",)
    stances: tuple[str, ...] = ("none", "asserts", "confirms")
    either_direction: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "actors": list(self.actors),
            "not_actors": list(self.not_actors),
            "recipients": list(self.recipients),
            "event_types": list(self.event_types),
            "modes": list(self.modes),
            "quad_classes": list(self.quad_classes),
            "places": list(self.places),
            "keywords": list(self.keywords),
            "modalities": list(self.modalities),
            "stances": list(self.stances),
            "either_direction": self.either_direction,
        }


@dataclass(frozen=True, slots=True)
class Indicator:
    """An analyst-defined "trend to watch": a filter, a measure, a window, a baseline, a threshold.

    An event counts when it matches any of ``filters``. ``measure`` is one of ``count``,
    ``distinct_countries`` (of the actors), ``plover_sum``, ``conflict_intensity``,
    ``cooperation_intensity``, ``goldstein_sum`` or ``fatalities``. ``polarity`` says whether
    a rising value is a deterioration (``rising_is_worse``) or an improvement
    (``rising_is_better``).
    """

    id: str
    name: str
    filters: tuple[IndicatorFilter, ...]
    description: str = ""
    measure: str = "count"
    window_days: int = 14
    baseline_days: int = 56
    threshold: float | None = None
    threshold_direction: str = "above"
    polarity: str = "rising_is_worse"
    min_change: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "filters": [f.to_dict() for f in self.filters],
            "measure": self.measure,
            "window_days": self.window_days,
            "baseline_days": self.baseline_days,
            "threshold": self.threshold,
            "threshold_direction": self.threshold_direction,
            "polarity": self.polarity,
            "min_change": self.min_change,
        }


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """An indicator evaluated on a day: its value, trend, arrow and the events behind it.

    ``trend`` is ``rising``, ``falling`` or ``steady``; ``arrow`` turns it into
    ``deteriorated``/``improved``/``unchanged`` through the indicator's polarity. ``series``
    holds (window start, value) for the baseline windows and the current one, oldest first.
    """

    indicator_id: str
    name: str
    as_of: date
    window: tuple[date, date]
    value: float
    baseline_mean: float
    baseline_sd: float
    change: float
    trend: str
    arrow: str
    threshold: float | None
    crossed: bool
    formula: str
    inputs: dict[str, Any]
    series: tuple[tuple[date, float], ...] = ()
    evidence: tuple[Evidence, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "indicator_id": self.indicator_id,
            "name": self.name,
            "as_of": _day(self.as_of),
            "window": [_day(d) for d in self.window],
            "value": self.value,
            "baseline_mean": self.baseline_mean,
            "baseline_sd": self.baseline_sd,
            "change": self.change,
            "trend": self.trend,
            "arrow": self.arrow,
            "threshold": self.threshold,
            "crossed": self.crossed,
            "formula": self.formula,
            "inputs": dict(self.inputs),
            "series": [[_day(d), v] for d, v in self.series],
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Forecast:
    """A trend to watch, stated as a checkable forecast.

    "``indicator_id`` will be ``direction`` (rising/falling/steady) by ``horizon``, with
    ``probability``". ``status`` is ``open`` until the horizon passes, then ``scored`` (with
    ``hit`` and ``brier`` = (probability - hit)^2) or ``void`` (the indicator was removed).
    """

    id: str
    indicator_id: str
    direction: str
    probability: float
    made_at: datetime
    horizon: date
    value_at_made: float | None = None
    author: str = "watchfloor"
    note: str | None = None
    status: str = "open"
    observed_direction: str | None = None
    value_at_horizon: float | None = None
    hit: bool | None = None
    brier: float | None = None
    scored_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "made_at", _utc(self.made_at))
        object.__setattr__(self, "scored_at", _utc(self.scored_at))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "indicator_id": self.indicator_id,
            "direction": self.direction,
            "probability": self.probability,
            "made_at": _iso(self.made_at),
            "horizon": _day(self.horizon),
            "value_at_made": self.value_at_made,
            "author": self.author,
            "note": self.note,
            "status": self.status,
            "observed_direction": self.observed_direction,
            "value_at_horizon": self.value_at_horizon,
            "hit": self.hit,
            "brier": self.brier,
            "scored_at": _iso(self.scored_at),
        }


@dataclass(frozen=True, slots=True)
class Delivery:
    """The delivery state of one alert on one channel (``pending``, ``delivered``, ``failed``)."""

    channel: str
    status: str
    attempts: int = 0
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "status": self.status,
            "attempts": self.attempts,
            "last_attempt_at": _iso(_utc(self.last_attempt_at)),
            "delivered_at": _iso(_utc(self.delivered_at)),
            "last_error": self.last_error,
        }


@dataclass(frozen=True, slots=True)
class Alert:
    """Something moved: an indicator crossed its threshold (``kind="indicator"``) or a dyad
    deteriorated (``kind="escalation"``).

    ``dedup_key`` identifies "the same alert" for the cool-down; ``occurrences`` counts how
    often it fired (first time included), ``details`` holds the formula and inputs behind it.
    """

    id: str
    kind: str
    subject: str
    dedup_key: str
    created_at: datetime
    title: str
    message: str
    value: float | None = None
    evidence: tuple[Evidence, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    occurrences: int = 1
    last_seen_at: datetime | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    ack_note: str | None = None
    deliveries: tuple[Delivery, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", _utc(self.created_at))
        object.__setattr__(self, "last_seen_at", _utc(self.last_seen_at))
        object.__setattr__(self, "acknowledged_at", _utc(self.acknowledged_at))

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "subject": self.subject,
            "dedup_key": self.dedup_key,
            "created_at": _iso(self.created_at),
            "title": self.title,
            "message": self.message,
            "value": self.value,
            "evidence": [e.to_dict() for e in self.evidence],
            "details": dict(self.details),
            "occurrences": self.occurrences,
            "last_seen_at": _iso(self.last_seen_at),
            "acknowledged_at": _iso(self.acknowledged_at),
            "acknowledged_by": self.acknowledged_by,
            "ack_note": self.ack_note,
            "deliveries": [d.to_dict() for d in self.deliveries],
        }


# -- analysis: claims ledger, stories, analyst corrections --------------------------------------
# Appended by the claims/stories/corrections stage (watchfloor/analysis/{claims,stories,
# corrections}.py). One block with its own ``__all__`` extension, like the section above.

__all__ += [
    "CLAIM_STATUSES",
    "CORRECTION_ACTIONS",
    "CORRECTION_TARGETS",
    "STANCE_KINDS",
    "Claim",
    "ClaimStanceRecord",
    "Correction",
    "FatalityFigure",
    "RelatedStory",
    "Story",
]

CLAIM_STATUSES: tuple[str, ...] = (
    "reported",
    "unconfirmed",
    "denied",
    "disputed",
    "confirmed",
    "retracted",
)
# "reported": an outlet states the event as fact; the others are ``ClaimRef`` stances.
STANCE_KINDS: tuple[str, ...] = ("reported", *STANCES)
CORRECTION_ACTIONS: tuple[str, ...] = ("comment", "confirm", "correct", "reject")
CORRECTION_TARGETS: tuple[str, ...] = ("event", "claim", "story")


def _claims_day(value: date | None) -> str | None:
    return value.isoformat() if value else None


@dataclass(frozen=True, slots=True)
class ClaimStanceRecord:
    """One stance taken on a claim: who, through which outlet, when, and the sentence that shows it.

    ``stance`` is one of ``STANCE_KINDS``. ``source_key`` is the unit of independence: syndicated
    copies of one story share their original's key, and a state's government and its state media
    share ``"state:<ISO3>"``. ``copy_of`` names the article this one is a syndicated copy of.
    """

    stance: str
    event_id: str
    doc_id: str
    date: date | None
    published_at: datetime | None
    outlet: str | None
    speaker: str | None
    speaker_code: str | None
    attribution: str
    source_key: str
    reliability: str | None
    state_affiliated: bool | None
    evidence: str
    sentence_index: int = 0
    fatalities: int | None = None
    copy_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "date": _claims_day(self.date),
            "published_at": _iso(self.published_at),
            "outlet": self.outlet,
            "speaker": self.speaker,
            "speaker_code": self.speaker_code,
            "attribution": self.attribution,
            "source_key": self.source_key,
            "reliability": self.reliability,
            "state_affiliated": self.state_affiliated,
            "evidence": self.evidence,
            "sentence_index": self.sentence_index,
            "fatalities": self.fatalities,
            "copy_of": self.copy_of,
        }


@dataclass(frozen=True, slots=True)
class FatalityFigure:
    """A death toll as one article gave it: a ``cumulative`` total or one ``incident``'s dead."""

    figure: int
    scope: str
    date: date | None
    published_at: datetime | None
    doc_id: str
    outlet: str | None
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "scope": self.scope,
            "date": _claims_day(self.date),
            "published_at": _iso(self.published_at),
            "doc_id": self.doc_id,
            "outlet": self.outlet,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A proposition (actor, action family, target, time window) and every stance taken on it.

    ``actor`` and ``target`` are country codes where known (``target`` falls back to a place
    name); ``family`` is the action family that merges synonyms (see
    ``watchfloor/data/claims/families.tsv``). ``status`` is one of ``CLAIM_STATUSES`` and
    ``rationale`` says which rule gave it (``watchfloor/analysis/claims.py`` lists the rules).
    """

    id: str
    actor: str
    family: str
    label: str
    event_type: str
    mode: str | None
    target: str
    place: str | None
    first_date: date | None
    last_date: date | None
    status: str
    rationale: str
    stances: tuple[ClaimStanceRecord, ...]
    fatalities: tuple[FatalityFigure, ...] = ()
    analyst_status: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        """``"RUS withdraws people from VEN (Caracas)"``."""
        place = f" ({self.place})" if self.place and self.place != self.target else ""
        return f"{self.actor or '?'} {self.label} {self.target or '?'}{place}".strip()

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.event_id for s in self.stances))

    @property
    def sources(self) -> tuple[str, ...]:
        """The independent sources (``source_key``) that took a stance, first seen first."""
        return tuple(dict.fromkeys(s.source_key for s in self.stances))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "summary": self.summary,
            "actor": self.actor,
            "family": self.family,
            "label": self.label,
            "event_type": self.event_type,
            "mode": self.mode,
            "target": self.target,
            "place": self.place,
            "first_date": _claims_day(self.first_date),
            "last_date": _claims_day(self.last_date),
            "status": self.status,
            "rationale": self.rationale,
            "analyst_status": self.analyst_status,
            "sources": list(self.sources),
            "stances": [s.to_dict() for s in self.stances],
            "fatalities": [f.to_dict() for f in self.fatalities],
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class Story:
    """Articles about the same happening, across sources and days.

    ``first_seen``/``last_seen`` span the members' publication times (``seen_at`` when a member
    has none); ``sources`` are the outlets, ``event_ids`` the events coded from the members.
    """

    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    article_ids: tuple[str, ...]
    sources: tuple[str, ...] = ()
    event_ids: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "first_seen", _utc(self.first_seen))
        object.__setattr__(self, "last_seen", _utc(self.last_seen))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "article_ids": list(self.article_ids),
            "sources": list(self.sources),
            "event_ids": list(self.event_ids),
            "notes": list(self.notes),
        }


@dataclass(frozen=True, slots=True)
class RelatedStory:
    """A story related to an article's own story, with how strongly and why."""

    story: Story
    score: float
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"story": self.story.to_dict(), "score": self.score, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Correction:
    """One analyst action on an event, claim or story, kept as an audit trail entry.

    ``action`` is one of ``CORRECTION_ACTIONS``; ``changes`` holds the corrected fields of a
    ``correct`` (``{"event_type": "ACCUSE", "date": "2026-10-20"}``); ``note`` is the reason, or
    the text of a comment; ``original`` is the target as it was when the analyst acted.
    """

    id: str
    target_kind: str
    target_id: str
    action: str
    analyst: str
    created_at: datetime
    note: str = ""
    changes: dict[str, Any] = field(default_factory=dict)
    original: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "created_at", _utc(self.created_at))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "action": self.action,
            "analyst": self.analyst,
            "created_at": _iso(self.created_at),
            "note": self.note,
            "changes": dict(self.changes),
            "original": self.original,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Correction:
        created = data["created_at"]
        if not isinstance(created, datetime):
            created = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
        return cls(
            id=data["id"],
            target_kind=data["target_kind"],
            target_id=data["target_id"],
            action=data["action"],
            analyst=data["analyst"],
            created_at=created,
            note=data.get("note") or "",
            changes=dict(data.get("changes") or {}),
            original=data.get("original"),
        )
