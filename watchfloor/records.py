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
from datetime import date, datetime, timezone
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
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


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

    ``published_at`` is when the outlet says it was published; ``seen_at`` when watchfloor stored it.
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
    """What a coder reads: ``{id, text, date?, title?, source?, url?}`` as in ``watchfloor code``."""

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
