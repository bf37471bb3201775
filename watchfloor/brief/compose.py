"""Compose a briefing from stored events: data in, a ``Brief`` record out (no formatting here).

Every statement is built from events and cites the articles the events were found in; the
renderer (``brief/render.py``) only lays the ``Brief`` out.
"""

from __future__ import annotations

import csv
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from watchfloor import __version__
from watchfloor.brief.names import entity_name, join_names
from watchfloor.records import (
    Article,
    Brief,
    BriefSection,
    BriefSource,
    BriefStatement,
    Event,
    Source,
)

__all__ = ["compose_brief", "describe_event"]

MAX_DEVELOPMENTS = 8
MAX_CLAIMS = 8
MAX_CITATIONS = 3


@dataclass(frozen=True)
class _Phrase:
    past: str
    base: str
    intransitive: str


@cache
def _phrases() -> dict[tuple[str, str], _Phrase]:
    text = resources.files("watchfloor.data").joinpath("brief/phrases.tsv").read_text("utf-8")
    rows = csv.DictReader((ln for ln in text.splitlines() if not ln.startswith("#")), delimiter="\t")
    return {
        (r["event_type"], r["mode"] or ""): _Phrase(r["past"], r["base"], r["intransitive"])
        for r in rows
    }


def _phrase(event: Event) -> _Phrase:
    table = _phrases()
    return table.get((event.event_type, event.mode or "")) or table[(event.event_type, "")]


def describe_event(event: Event) -> str:
    """A plain sentence for an event, claims worded as claims ("X said", "X denied").

    The words follow the event's modality: a future event "plans to", a hypothetical one "could",
    a negated one "did not".
    """
    phrase = _phrase(event)
    actor = join_names(entity_name(e) for e in event.actor) or "An unidentified actor"
    recipient = join_names(entity_name(e) for e in event.recipient)
    prefix = {"future": "plans to ", "hypothetical": "could ", "negated": "did not "}.get(
        event.modality
    )
    if recipient:
        verb = prefix + phrase.base if prefix else phrase.past
        core = f"{actor} {verb} {recipient}"
    else:
        verb = prefix + _drop_preposition(phrase.base) if prefix else phrase.intransitive
        core = f"{actor} {verb}"
    if event.fatalities:
        core += f", killing {event.fatalities}"
    if event.location and event.location.name and event.location.name not in core:
        core += f" ({event.location.name})"
    if event.claim is not None:
        speaker = entity_name(event.claim.by)
        lead = {
            "asserts": "said that",
            "denies": "denied that",
            "confirms": "confirmed that",
            "retracts": "retracted a report that",
        }[event.claim.stance]
        if core.startswith("The "):
            core = "the " + core[4:]
        core = f"{speaker} {lead} {core}"
    return core[0].upper() + core[1:] + "."


def _drop_preposition(phrase: str) -> str:
    words = phrase.split(" ")
    if len(words) > 1 and words[-1] in {"with", "to", "from", "on", "of", "against", "for", "into"}:
        words = words[:-1]
    return " ".join(words)


def _weight(events: Sequence[Event]) -> float:
    """How much a development matters: severity, how many documents report it, and deaths."""
    severity = max(abs(e.goldstein) for e in events) + 1.0
    docs = len({e.doc_id for e in events})
    deaths = sum(e.fatalities or 0 for e in events)
    return severity * (1.0 + math.log(docs)) + math.log1p(deaths) * 2.0


def _dyad(event: Event) -> tuple[str, str]:
    actor = next((e.country for e in event.actor if e.country), None) or "?"
    recipient = next((e.country for e in event.recipient if e.country), None) or "-"
    return actor, recipient


class _Citations:
    """Numbers sources in order of first citation."""

    def __init__(self, articles: dict[str, Article], sources: dict[str, Source]) -> None:
        self.articles = articles
        self.sources = sources
        self.numbers: dict[str, int] = {}

    def cite(self, events: Sequence[Event]) -> tuple[int, ...]:
        numbers = []
        for doc_id in dict.fromkeys(e.doc_id for e in events):
            if doc_id not in self.articles:
                continue
            if doc_id not in self.numbers:
                self.numbers[doc_id] = len(self.numbers) + 1
            numbers.append(self.numbers[doc_id])
            if len(numbers) == MAX_CITATIONS:
                break
        return tuple(numbers)

    def listing(self) -> tuple[BriefSource, ...]:
        listed = []
        for doc_id, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            article = self.articles[doc_id]
            source = self.sources.get(article.source or "")
            listed.append(
                BriefSource(
                    number=number,
                    doc_id=doc_id,
                    outlet=article.source,
                    title=article.title,
                    url=article.url,
                    published_at=article.published_at,
                    reliability=source.reliability if source else None,
                    state_affiliated=source.state_affiliated if source else None,
                )
            )
        return tuple(listed)


def compose_brief(
    events: Sequence[Event],
    articles: Sequence[Article],
    sources: Sequence[Source] = (),
    *,
    since: date | None = None,
    until: date | None = None,
    actors: Sequence[str] = (),
    now: datetime | None = None,
) -> Brief:
    """Build a briefing from the events of a window and the articles they came from."""
    now = now or datetime.now(UTC)
    by_doc = {a.id: a for a in articles}
    citations = _Citations(by_doc, {s.name: s for s in sources})

    facts = [e for e in events if e.claim is None and e.modality == "actual"]
    claims = [e for e in events if e.claim is not None]

    developments = _group(facts)
    ranked = sorted(developments, key=_weight, reverse=True)[:MAX_DEVELOPMENTS]
    ranked.sort(key=lambda group: min(e.date or date.max for e in group))
    key_statements = tuple(_statement(group, citations) for group in ranked)

    claim_groups = sorted(_group(claims), key=_weight, reverse=True)[:MAX_CLAIMS]
    claim_statements = tuple(_statement(group, citations) for group in claim_groups)

    dyad_rows = _dyad_table(events)
    headline = _headline(events, dyad_rows, ranked, since, until)
    sections = (
        BriefSection("developments", "Key developments", key_statements),
        BriefSection("dyads", "Dyads: cooperation and conflict", table=dyad_rows),
        BriefSection("claims", "Claims and denials", claim_statements),
    )
    dates = [e.date for e in events if e.date]
    return Brief(
        title="watchfloor brief" + (f": {', '.join(actors)}" if actors else ""),
        headline=headline,
        window=(since or (min(dates) if dates else None), until or (max(dates) if dates else None)),
        actors=tuple(actors),
        sections=sections,
        sources=citations.listing(),
        generated_at=now,
        generator=f"watchfloor {__version__}",
        coverage={
            "events": len(events),
            "articles": len({e.doc_id for e in events}),
            "outlets": len({by_doc[e.doc_id].source for e in events if e.doc_id in by_doc}),
        },
    )


def _group(events: Sequence[Event]) -> list[list[Event]]:
    groups: dict[tuple[object, ...], list[Event]] = defaultdict(list)
    for event in events:
        speaker = event.claim.by.country if event.claim else None
        stance = event.claim.stance if event.claim else None
        groups[(*_dyad(event), event.event_type, event.modality, stance, speaker)].append(event)
    return list(groups.values())


def _statement(group: Sequence[Event], citations: _Citations) -> BriefStatement:
    lead = max(group, key=lambda e: (e.fatalities or 0, abs(e.goldstein), e.confidence))
    text = describe_event(lead)
    when = lead.date.strftime("%d %b %Y").lstrip("0") if lead.date else None
    others = len({e.doc_id for e in group}) - 1
    if others > 0:
        text = text[:-1] + f" (reported in {others + 1} articles)."
    return BriefStatement(
        text=f"{when}: {text}" if when else text,
        citations=citations.cite(sorted(group, key=lambda e: (e.date or date.min, e.doc_id))),
        event_ids=tuple(e.id for e in group),
        evidence=lead.sentence,
    )


def _dyad_table(events: Sequence[Event]) -> tuple[tuple[str, ...], ...]:
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for event in events:
        if event.claim is not None or event.modality != "actual":
            continue
        actor, recipient = _dyad(event)
        if recipient in ("-", actor) or actor == "?":
            continue
        kind = "cooperative" if event.quad_class <= 2 else "conflictual"
        counts[(actor, recipient)][kind] += 1
        counts[(actor, recipient)]["goldstein"] += 0  # keep key order stable
    rows = sorted(
        counts.items(),
        key=lambda kv: -(kv[1]["cooperative"] + kv[1]["conflictual"]),
    )[:12]
    header = ("Actor", "Recipient", "Cooperative", "Conflictual")
    body = tuple((a, r, str(c["cooperative"]), str(c["conflictual"])) for (a, r), c in rows)
    return (header, *body) if body else ()


def _headline(
    events: Sequence[Event],
    dyad_rows: tuple[tuple[str, ...], ...],
    ranked: Sequence[Sequence[Event]],
    since: date | None,
    until: date | None,
) -> str:
    if not events:
        return "No coded events in this window: the store holds no evidence to brief on."
    parts = []
    if len(dyad_rows) > 1:
        actor, recipient, coop, conflict = dyad_rows[1]
        parts.append(
            f"The busiest relationship is {actor}→{recipient}: {conflict} conflictual and "
            f"{coop} cooperative events."
        )
    if ranked:
        top = max(ranked, key=_weight)
        parts.insert(0, "Main development: " + describe_event(top[0]))
    return " ".join(parts)
