"""Compose the analyst's brief: evidence in, a verified ``Briefing`` record out (no formatting).

The nine sections, in order: bottom line up front, key developments, key judgments, background,
trends to watch, alternatives, FAQ, key assumptions and gaps, sources (with a "changes since the
last brief" section after the bottom line). Every sentence that reports what a source says is
built from a coded event and cites the article (and passage) the event was found in; every
analytic sentence (judgments, alternatives, assumptions) names its basis, a claim, indicator or
dyad with its figures, and cites that basis's evidence. Before numbering, each sentence is checked
against each passage it cites (``brief/verify.py``): a citation that fails is removed, a sentence
left with no citation is dropped, and the brief states its verification rate.

``Builder`` holds what both styles share (wording events, checking, numbering); the explainer
(``brief/explainer.py``) uses it too.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from watchfloor import __version__
from watchfloor.brief.estimative import (
    claim_probability,
    dyad_probability,
    estimate,
    grade_label,
    indicator_probability,
)
from watchfloor.brief.evidence import ClaimView, Evidence, Fact, _first_country
from watchfloor.brief.history import compare
from watchfloor.brief.names import country_name, find_actors, join_names
from watchfloor.brief.statements import (
    Briefing,
    Chart,
    Cite,
    Draft,
    ListedSource,
    Passage,
    SourcedStatement,
)
from watchfloor.brief.verify import _cues, check_frame, check_sentence
from watchfloor.records import BriefSection, Entity, Event, IndicatorValue

__all__ = ["SECTIONS", "Builder", "compose_brief", "describe_event"]

# The analyst brief's sections: (key, title), in order.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("bluf", "Bottom line up front"),
    ("changes", "Changes since the last brief"),
    ("developments", "Key developments"),
    ("judgments", "Key judgments"),
    ("background", "Background"),
    ("trends", "Trends to watch"),
    ("alternatives", "Alternatives"),
    ("faq", "Questions and answers"),
    ("assumptions", "Key assumptions and gaps"),
    ("sources", "Sources"),
)
MAX_DEVELOPMENTS = 8
MAX_CITATIONS = 3
MAX_JUDGMENTS = 5
MAX_FAQ = 6

# -- wording events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Phrase:
    past: str
    base: str
    intransitive: str
    at_place: str = ""
    where: bool = True


@cache
def _phrases() -> dict[tuple[str, str], _Phrase]:
    text = resources.files("watchfloor.data").joinpath("brief/phrases.tsv").read_text("utf-8")
    rows = csv.DictReader(
        (ln for ln in text.splitlines() if not ln.startswith("#")), delimiter="\t"
    )
    return {
        (r["event_type"], r["mode"] or ""): _Phrase(
            r["past"],
            r["base"],
            r["intransitive"],
            r.get("at_place") or r["base"],
            (r.get("where") or "yes").strip() != "no",
        )
        for r in rows
    }


@cache
def judged_types() -> frozenset[str]:
    """PLOVER types an analyst weighs as propositions (``data/brief/judged.txt``): strikes,
    withdrawals, deployments, deliveries, sanctions; not verbal acts."""
    text = resources.files("watchfloor.data").joinpath("brief/judged.txt").read_text("utf-8")
    return frozenset(
        ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")
    )


def judgeable(claim: ClaimView) -> bool:
    """A claim worth an estimative judgment: a named actor did a physical act to a named party
    or at a named place. That the US "accuses" someone is a matter of record, not of odds."""
    return (
        bool(claim.actor)
        and bool(claim.recipient or claim.place)
        and claim.event_type in judged_types()
    )


def _phrase(event_type: str, mode: str | None) -> _Phrase:
    table = _phrases()
    return table.get((event_type, mode or "")) or table[(event_type, "")]


_PRONOUNS = {"it", "he", "she", "they", "we", "its", "their", "i", "you", "who", "which"}
_MODALS = ("would", "could", "might", "may", "will", "plans to", "intends to", "is to")
_LEADS = {
    "asserts": "said that",
    "denies": "denied that",
    "confirms": "confirmed that",
    "retracts": "retracted a report that",
}


def _label(entity: Entity, passage: str | None) -> str:
    """How a sentence names an entity: the source's words, or for a pronoun the country's name
    as the passage writes it ("Moscow"), else its usual name."""
    text = entity.text.strip()
    # An appositive the coder kept in the span ("Ecuador's government, a close US ally") would
    # run into the verb without its closing comma: name the entity by its head only.
    head, comma, _rest = text.partition(", ")
    if comma and head:
        text = head
    if text.lower() not in _PRONOUNS:
        return text
    if passage and entity.country:
        for _start, _end, written, key in find_actors(passage):
            if key == entity.country:
                return written
    return country_name(entity.country)


def _passage_modal(passage: str | None, modality: str) -> str:
    """The passage's own modal word, so "would" is never turned into "plans to"."""
    default = {"future": "will", "hypothetical": "could"}[modality]
    if not passage:
        return default
    lowered = f" {passage.lower()} "
    found = [(lowered.find(f" {m} "), m) for m in _MODALS if f" {m} " in lowered]
    return min(found)[1] if found else default


def event_clause(event: Event, passage: str | None = None) -> str:
    """The event in plain words, without the speaker: "US forces carried out strikes on a boat".

    Modality follows the passage: its own "would"/"could"/"will", or "did not" for a negation.
    """
    phrase = _phrase(event.event_type, event.mode)
    actor = join_names(_label(e, passage) for e in event.actor) or "an unidentified actor"
    own = [e for e in event.recipient if _own_side(e, event)]
    recipients = [e for e in event.recipient if e not in own]
    recipient = join_names(_label(e, passage) for e in recipients)
    # "Russia evacuated the families of its diplomats": what is withdrawn is the actor's own
    # people, the object of the verb, not a party withdrawn from.
    withdrawn = (
        join_names(_label(e, passage) for e in own)
        if event.event_type == "RETREAT" and own and not recipients
        else ""
    )
    if event.modality in ("future", "hypothetical"):
        prefix = _passage_modal(passage, event.modality) + " "
    elif event.modality == "negated":
        prefix = "did not "
    else:
        prefix = ""
    deaths_known = bool(event.fatalities) and (
        passage is None or _mentions_number(passage, event.fatalities or 0)
    )
    # "attacked 14 people, killing 14": when the recipient is the dead themselves, say so once.
    victims = (
        event.event_type == "ASSAULT"
        and deaths_known
        and bool(recipients)
        and all(_counts_dead(e, event.fatalities or 0) for e in recipients)
    )
    if victims:
        verb = prefix + "kill" if prefix else "killed"
        core = f"{actor} {verb} {recipient}"
    elif withdrawn:
        verb = prefix + _drop_preposition(phrase.base) if prefix else _drop_preposition(phrase.past)
        core = f"{actor} {verb} {withdrawn}"
    elif recipient:
        verb = prefix + phrase.base if prefix else phrase.past
        core = f"{actor} {verb} {recipient}"
    else:
        verb = prefix + _drop_preposition(phrase.base) if prefix else phrase.intransitive
        core = f"{actor} {verb}"
    if deaths_known and not victims:
        core += f", killing {event.fatalities}"
    place = event.location.name if event.location and phrase.where else None
    if place and _home_place(event, recipients):
        place = None
    if place and place not in core and (passage is None or place in passage):
        article = "the " if passage and f"the {place}" in passage else ""
        core += f" {'from' if withdrawn else 'in'} {article}{place}"
    return core


_POSSESSIVE = re.compile(r"\b(its|their|our)\b", re.IGNORECASE)
# Acts whose possessive object is the actor's own assets or people ("builds up its forces",
# "evacuated the families of its diplomats"); for verbal acts "its neighbours" are others.
_SELF_DIRECTED = {"MOBILIZE", "RETREAT"}


def _own_side(entity: Entity, event: Event) -> bool:
    """A recipient that is the actor's own ("the US military builds up its forces"): the act is
    not aimed at it, so naming it as the target ("mobilised forces against its forces") garbles
    the event."""
    if event.event_type not in _SELF_DIRECTED or not _POSSESSIVE.search(entity.text):
        return False
    actors = {a.country for a in event.actor}
    return entity.country is None or entity.country in actors


def _home_place(event: Event, recipients: Sequence[Entity]) -> bool:
    """The coded place is the actor's own country while the act is aimed at another country:
    "would attack Venezuelan territory in Washington" places the act where its author sits."""
    if event.location is None or event.location.country is None:
        return False
    actors = {a.country for a in event.actor if a.country}
    targets = {r.country for r in recipients if r.country}
    return (
        event.location.country in actors
        and bool(targets)
        and not (targets & {event.location.country})
    )


def _counts_dead(entity: Entity, fatalities: int) -> bool:
    """The entity is a head count of the dead ("14 people", "more than 100 people"), not a party:
    no country, and its words give the event's death toll."""
    return entity.country is None and _mentions_number(entity.text, fatalities)


def _mentions_number(passage: str, number: int) -> bool:
    from watchfloor.brief.verify import _numbers

    return float(number) in _numbers(passage)


def describe_event(event: Event, passage: str | None = None, *, outlet: str | None = None) -> str:
    """A plain sentence for an event, claims worded as claims ("X said", "X denied").

    ``passage`` is the sentence the event was found in (default: ``event.sentence``); when it
    attributes the event ("officials said") and the coder stated it as fact, the sentence is
    attributed to ``outlet`` ("Meridian Wire reported that ...").
    """
    passage = event.sentence if passage is None else passage
    core = event_clause(event, passage)
    if event.claim is not None:
        speaker = _label(event.claim.by, passage)
        if core.lower().startswith(speaker.lower() + " "):
            core = "it" + core[len(speaker) :]
        core = f"{speaker} {_LEADS[event.claim.stance]} {_lower_first(core)}"
    elif passage and _cues(passage, "report") and outlet:
        core = f"{outlet} reported that {_lower_first(core)}"
    return _upper_first(core) + "."


def _lower_first(text: str) -> str:
    if text.startswith(("The ", "A ", "An ")):
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_PREPOSITIONS = {"with", "to", "from", "on", "of", "against", "for", "into", "in", "at", "by"}
# Place names that read with "the" ("the Caribbean Sea", "the eastern Pacific"): seas and
# oceans, and names the coder wrote in lower case (a region, not a proper name).
_THE_PLACES = ("Sea", "Ocean", "Gulf", "Pacific", "Atlantic", "Caribbean", "Strait", "Channel")


def place_phrase(place: str) -> str:
    """A place as a sentence names it: "the eastern Pacific", "the Caribbean Sea", "Caracas"."""
    place = place.strip()
    if place.lower().startswith("the "):
        return place
    first_lower = place[:1].islower()
    if first_lower or any(word in _THE_PLACES for word in place.split()):
        return f"the {place}"
    return place


def _ends_with_preposition(phrase: str) -> bool:
    return phrase.rsplit(" ", 1)[-1] in _PREPOSITIONS


def _third_person(base: str) -> str:
    """ "carry out attacks in" -> "carries out attacks in": the first verb in the third person."""
    verb, _, rest = base.partition(" ")
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        verb = verb[:-1] + "ies"
    elif verb.endswith(("s", "sh", "ch", "x", "o")):
        verb += "es"
    else:
        verb += "s"
    return f"{verb} {rest}".strip()


def _drop_preposition(phrase: str) -> str:
    words = phrase.split(" ")
    if len(words) > 1 and words[-1] in {"with", "to", "from", "on", "of", "against", "for", "into"}:
        words = words[:-1]
    return " ".join(words)


def pair_label(source: str, target: str) -> str:
    """ "US→Venezuela" for a directed dyad of country codes (actor-set stars allowed)."""
    a = country_name(source.rstrip("*")).removeprefix("the ")
    b = country_name(target.rstrip("*")).removeprefix("the ")
    return f"{a}→{b}"


def _day(value: date | None) -> str:
    return f"{value.day} {value:%b %Y}" if value else ""


def _num(value: float) -> str:
    """Figures as briefs print them: whole numbers bare, others to one decimal."""
    return str(int(round(value))) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


# How much more a physical act (a strike, a withdrawal, an arms delivery, a sanction) weighs than
# words of the same Goldstein severity: a statement of support is not a development of the same
# order as a deadly strike, however many outlets repeat it.
_ACT_WEIGHT = 1.6
# What someone says will or could happen weighs less than what happened: a threat to strike
# "if" attacked is not a strike.
_PLAN_WEIGHT = 0.5


def _weight(events: Sequence[Event]) -> float:
    """How much a development matters: severity, physical act or words, how many documents
    report it, and deaths."""
    severity = max(abs(e.goldstein) for e in events) + 1.0
    if any(e.event_type in judged_types() for e in events):
        severity *= _ACT_WEIGHT
    if all(e.modality in ("future", "hypothetical") for e in events):
        severity *= _PLAN_WEIGHT
    docs = len({e.doc_id for e in events})
    deaths = max((e.fatalities or 0) for e in events)
    return severity * (1.0 + math.log(docs)) + math.log1p(deaths) * 2.0


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


# -- the shared builder ------------------------------------------------------------------------


class Builder:
    """Words events, checks drafts against their passages, numbers sources; shared by styles."""

    def __init__(self, evidence: Evidence) -> None:
        self.ev = evidence
        self.numbers: dict[str, int] = {}
        self.references: dict[str, Fact] = {}
        self.depends: dict[int, list[str]] = defaultdict(list)
        self.checked = 0
        self.kept = 0
        self.dropped: list[dict[str, Any]] = []
        self.counters: Counter[str] = Counter()
        self._found: dict[str, list[Any]] = {}
        self._holds: dict[str, bool] = {}

    # -- drafts from evidence --------------------------------------------------------------
    def outlet(self, doc_id: str) -> str:
        return self.ev.outlet(doc_id)

    def cite_event(self, event: Event) -> Cite:
        return Cite(event.doc_id, event.sentence)

    def event_draft(
        self,
        events: Sequence[Event],
        *,
        dated: bool = False,
        kind: str = "statement",
        lead: str = "",
        tail: str = "",
        basis: str | None = None,
        figures: Iterable[str] = (),
    ) -> Draft:
        """A draft about the first event of ``events``, citing up to three of their articles.

        The other events are the same development reported elsewhere; each cites its own
        sentence. Originals are preferred to syndicated copies, better-graded outlets first.
        """
        head = events[0]
        article = self.ev.article(head.doc_id)
        checked = describe_event(head, head.sentence, outlet=self.outlet(head.doc_id))
        if dated and head.date:
            when = self._date_as_written(head)
            checked = f"{when}: {checked}" if when else checked
        cites, seen = [], set()
        ordered = [head, *sorted(events[1:], key=self._cite_rank)]
        for event in ordered:
            if event.doc_id in seen or event.doc_id not in self.ev.articles:
                continue
            seen.add(event.doc_id)
            cites.append(Cite(event.doc_id, event.sentence))
            if len(cites) == MAX_CITATIONS:
                break
        del article
        return Draft(
            checked=checked.rstrip(".") + ("." if not tail else ""),
            cites=cites,
            lead=lead,
            tail=tail,
            kind=kind,
            basis=basis,
            figures=tuple(figures),
            event_ids=tuple(e.id for e in events),
        )

    def _date_as_written(self, event: Event) -> str:
        """The event's date at the precision its passage supports: "4 Mar 2026", "Jul 2024",
        "2020", or nothing (a month-level "in July" is never printed as "1 Jul")."""
        from watchfloor.brief.verify import _passage_dates

        if event.date is None:
            return ""
        article = self.ev.article(event.doc_id)
        supported = _passage_dates(event.sentence, article.published_at if article else None)
        if event.date in supported.days:
            return _day(event.date)
        if (event.date.year, event.date.month) in supported.months:
            return f"{event.date:%b %Y}"
        if event.date.year in supported.years:
            return str(event.date.year)
        return ""

    def _cite_rank(self, event: Event) -> tuple[int, str, str]:
        article = self.ev.article(event.doc_id)
        copy = 1 if article is not None and article.duplicate_of else 0
        return copy, self.ev.grade(event.doc_id), event.doc_id

    def fact_draft(self, fact: Fact, *, kind: str = "fact", lead: str = "") -> Draft:
        """A background fact, cited to its public reference (checked against the fact's words)."""
        key = f"fact:{fact.id}"
        self.references[key] = fact
        return Draft(checked=fact.text, cites=[Cite(key, fact.text)], kind=kind, lead=lead)

    def note(
        self,
        text: str,
        *,
        kind: str = "note",
        basis: str | None = None,
        figures: Iterable[str] = (),
    ) -> Draft:
        """An uncited sentence: the brief's own arithmetic or a statement of what it lacks."""
        return Draft(
            checked="", lead=text, kind=kind, basis=basis, figures=tuple(figures), must_cite=False
        )

    # -- verification and numbering --------------------------------------------------------
    def _check_cite(
        self, draft: Draft, cite: Cite, outlets: Sequence[str] = ()
    ) -> tuple[bool, tuple[str, ...]]:
        if cite.doc_id.startswith("fact:"):
            fact = self.references[cite.doc_id]
            verdict = check_sentence(draft.checked, fact.text, known_names=[fact.source])
            return verdict.ok, verdict.problems
        article = self.ev.article(cite.doc_id)
        if article is None:
            return False, ("the cited article is not in the store",)
        if " ".join(cite.passage.split()) not in " ".join(article.text.split()) and (
            cite.passage not in (article.title or "")
        ):
            return False, ("the passage is not in the cited article",)
        # The event's own trigger is deliberately not offered as a synonym: the action must be
        # in the passage in words the lexicon knows, so a mis-coded event cannot vouch for itself.
        verdict = check_sentence(
            draft.checked,
            cite.passage,
            published=article.published_at,
            known_names=[article.source or "", *outlets],
        )
        return verdict.ok, verdict.problems

    def _unnamed(self, frame: str) -> str:
        """The frame without names ("Outlet 10") and quoted labels, whose digits are not
        figures."""
        frame = re.sub(r"“[^”]*”", "“”", frame)
        for name in sorted(self.ev.sources, key=len, reverse=True):
            frame = frame.replace(name, "")
        return frame

    def _outlets(self, cites: Sequence[Cite]) -> list[str]:
        """Outlets of the cited articles: "X reported" may be corroborated by Y's copy."""
        names = []
        for cite in cites:
            article = self.ev.article(cite.doc_id)
            if article is not None and article.source:
                names.append(article.source)
        return names

    def finish(
        self, section: str, drafts: Iterable[Draft | None], prefix: str
    ) -> tuple[SourcedStatement, ...]:
        """Check every draft, drop what fails, number the sources of what is kept."""
        kept: list[SourcedStatement] = []
        cited = 0
        dropped_bases: set[str] = set()
        for draft in drafts:
            if draft is None:
                continue
            if draft.kind == "confidence" and draft.basis in dropped_bases:
                continue  # the judgment it qualifies failed the check
            frame = check_frame(self._unnamed(draft.lead + draft.tail), draft.figures)
            if not frame.ok:
                raise ValueError(f"brief frame quotes figures outside its basis: {frame.problems}")
            if not draft.cites:
                if draft.must_cite:
                    continue
                kept.append(self._statement(draft, (), "", verified=None))
                continue
            self.checked += 1
            # A sentence may name any outlet it cites ("X reported"), but only those it still
            # cites once failing citations are removed: check until the set is stable.
            passing, problems = list(draft.cites), []
            while True:
                outlets = self._outlets(passing)
                kept_now = []
                for cite in passing:
                    ok, why = self._check_cite(draft, cite, outlets)
                    if ok:
                        kept_now.append(cite)
                    else:
                        problems += list(why)
                if len(kept_now) == len(passing):
                    break
                passing = kept_now
            if not passing:
                self.dropped.append(
                    {
                        "section": section,
                        "text": draft.text,
                        "problems": list(dict.fromkeys(problems)),
                    }
                )
                if draft.kind == "judgment" and draft.basis:
                    dropped_bases.add(draft.basis)
                continue
            self.kept += 1
            cited += 1
            kept.append(self._statement(draft, passing, f"{prefix}{cited}", verified=True))
        return tuple(kept)

    def _statement(
        self, draft: Draft, cites: Sequence[Cite], sid: str, *, verified: bool | None
    ) -> SourcedStatement:
        numbers, passages = [], []
        for cite in cites:
            if cite.doc_id not in self.numbers:
                self.numbers[cite.doc_id] = len(self.numbers) + 1
            number = self.numbers[cite.doc_id]
            if number in numbers:
                continue
            numbers.append(number)
            passages.append(Passage(number, cite.doc_id.removeprefix("fact:"), cite.passage))
            self.depends[number].append(sid)
        return SourcedStatement(
            text=draft.text,
            citations=tuple(numbers),
            event_ids=draft.event_ids,
            evidence=passages[0].text if passages else None,
            sid=sid,
            checked=draft.checked,
            passages=tuple(passages),
            basis=draft.basis,
            figures=draft.figures,
            kind=draft.kind,
            verified=verified,
        )

    def sources(self) -> tuple[ListedSource, ...]:
        listed = []
        for key, number in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            if key.startswith("fact:"):
                fact = self.references[key]
                listed.append(
                    ListedSource(
                        number=number,
                        doc_id=fact.id,
                        outlet=fact.source,
                        title=None,
                        url=fact.url,
                        published_at=None,
                        reliability=None,
                        state_affiliated=None,
                        statements=tuple(self.depends[number]),
                        kind="reference",
                    )
                )
                continue
            article = self.ev.articles[key]
            source = self.ev.sources.get(article.source or "")
            listed.append(
                ListedSource(
                    number=number,
                    doc_id=key,
                    outlet=article.source,
                    title=article.title,
                    url=article.url,
                    published_at=article.published_at,
                    reliability=source.reliability if source else None,
                    state_affiliated=source.state_affiliated if source else None,
                    retrieved_at=article.seen_at,
                    statements=tuple(self.depends[number]),
                )
            )
        return tuple(listed)

    def verification(self) -> dict[str, Any]:
        rate = self.kept / self.checked if self.checked else 1.0
        return {
            "checked": self.checked,
            "kept": self.kept,
            "dropped": len(self.dropped),
            "rate": round(rate, 4),
            "dropped_sentences": self.dropped,
            "checker": "watchfloor.brief.verify (actors, places, numbers, dates, action, polarity, "
            "modality, attribution)",
        }

    # -- shared analysis -------------------------------------------------------------------
    def developments(self, limit: int = MAX_DEVELOPMENTS) -> list[list[Event]]:
        """The window's most important developments (grouped events), in date order."""
        facts = [
            e
            for e in self.ev.events
            if e.claim is None or e.claim.stance in ("asserts", "confirms")
        ]
        groups = _group(facts)
        ranked: list[list[Event]] = []
        # The heaviest developments whose wording the checker can support: a group whose
        # sentence fails against every passage is mis-coded or mis-worded, and taking it would
        # leave the section short rather than hand its place to the next development.
        for group in sorted(groups, key=_weight, reverse=True):
            if len(ranked) >= limit:
                break
            draft = self.event_draft(group, dated=True, tail=_reported_in(group))
            if self.draft_holds(draft):
                ranked.append(group)
        ranked.sort(key=lambda g: (g[0].date or date.max, g[0].doc_id))
        return ranked

    def draft_holds(self, draft: Draft) -> bool:
        """Whether at least one of the draft's citations passes the checker; counts nothing
        (``finish`` still checks every draft it is given)."""
        outlets = self._outlets(draft.cites)
        return any(self._check_cite(draft, cite, outlets)[0] for cite in draft.cites)

    def claim_figures(self, claim: ClaimView) -> dict[str, Any]:
        """Who reports, denies, confirms and retracts a claim, counted by independent source.

        Sources are the ledger's units of independence (an outlet with its syndicated copies, a
        state with its officials and state media, a named speaker). The party said to have acted
        saying so itself is an admission: it counts as a confirmation, not as one more report.
        """
        own = f"state:{claim.actor}" if claim.actor else None
        # A stance whose own sentence does not support it (a mis-coded event) is not counted.
        stances = [_independent(s) for s in claim.stances if self.stance_holds(s)]
        stances += self.found_stances(claim)
        positive = [s for s in stances if s.stance in ("reported", "asserts")]
        reports = [s for s in positive if s.source_key != own]
        confirmations = [s for s in stances if s.stance == "confirms"]
        confirmations += [s for s in positive if s.source_key == own]
        denials = [s for s in stances if s.stance == "denies"]
        retractions = [s for s in stances if s.stance == "retracts"]
        report_keys = list(dict.fromkeys(s.source_key for s in reports))
        denier_keys = list(dict.fromkeys(s.source_key for s in denials))
        report_grades = [_best_grade(reports, k) for k in report_keys]
        denier_grades = [_best_grade(denials, k) for k in denier_keys]
        p = claim_probability(
            report_grades,
            denier_grades,
            len({s.source_key for s in confirmations}),
            len({s.source_key for s in retractions}),
        )
        return {
            "reports": _events(reports),
            "denials": _events(denials),
            "found_reports": [s for s in reports if s.event is None],
            "found_denials": [s for s in denials if s.event is None],
            "n_reports": len(reports),
            "n_denials": len(denials),
            "confirmations": _events(confirmations),
            "retractions": _events(retractions),
            "report_outlets": [_source_name(k, reports) for k in report_keys],
            "report_grades": report_grades,
            "deniers": [_source_name(k, denials) for k in denier_keys],
            "denier_grades": denier_grades,
            "actor_denies": own in denier_keys,
            "probability": p,
            "estimate": estimate(p),
        }

    def stance_holds(self, stance: Any) -> bool:
        """The stance's event, worded as a brief would word it, passes the checker against its
        own sentence; stances found by text search are quoted, so they hold."""
        event = stance.event
        if event is None:
            return True
        return self.event_holds(event)

    def event_holds(self, event: Event) -> bool:
        """The event, worded as a brief would word it, passes the checker against its own
        sentence (cached): a mis-coded event is not picked as a development's or an
        indicator's evidence."""
        if event.id not in self._holds:
            article = self.ev.article(event.doc_id)
            outlet = article.source if article else None
            sentence = describe_event(event, event.sentence, outlet=outlet)
            self._holds[event.id] = check_sentence(
                sentence,
                event.sentence,
                published=article.published_at if article else None,
                known_names=[outlet or ""],
            ).ok
        return self._holds[event.id]

    def found_stances(self, claim: ClaimView) -> list[Any]:
        """Stances on a claim that text matching finds in the loaded articles but the coder did
        not code: a sentence naming the actor, the target (or place) and one of the trigger
        words of the claim's action family (``data/claims/families.tsv``).

        The first trigger word's clause decides the side: a denial before it or a denial or
        negation in its clause makes a denial, anything else a report. Found stances are quoted
        word for word when cited, and counted like coded ones.
        """
        if claim.id in self._found:
            return self._found[claim.id]
        from watchfloor.brief.evidence import StanceView
        from watchfloor.brief.verify import _clauses, split_sentences

        triggers = _family_triggers().get(claim.family or "", frozenset())
        found: list[Any] = []
        if not triggers or not claim.actor or not (claim.recipient or claim.place):
            self._found[claim.id] = found
            return found
        pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, triggers))) + r")\b", re.I)
        coded = {(s.doc_id, " ".join(s.event.sentence.split())) for s in claim.stances if s.event}
        for doc_id, article in sorted(self.ev.articles.items()):
            if len(found) >= 8:
                break
            if not pattern.search(article.text):
                continue
            for sentence in split_sentences(article.text):
                trigger = pattern.search(sentence)
                if trigger is None or sentence.rstrip().endswith("?"):
                    continue
                mentions = find_actors(sentence)
                keys = {key for *_, key in mentions}
                if claim.actor not in keys:
                    continue
                if not (
                    (claim.recipient and claim.recipient in keys)
                    or (claim.place and claim.place in sentence)
                ):
                    continue
                if (doc_id, " ".join(sentence.split())) in coded:
                    continue
                clause = _clauses(sentence, [trigger.start()])
                before = sentence[: trigger.start()]
                negative = bool(_cues(before, "deny")) or any(
                    a <= m[0] < b
                    for a, b in clause
                    for m in _cues(sentence, "deny") + _cues(sentence, "negation")
                )
                source = self.ev.sources.get(article.source or "")
                subject = mentions[0][3] if mentions else None
                relayed = next(
                    (
                        name
                        for name in self.ev.sources
                        if name != article.source and name.removeprefix("The ") in sentence
                    ),
                    None,
                )
                if negative and subject == claim.actor:
                    key = f"state:{claim.actor}"
                elif relayed:  # "The Caribbean Courier reported ...": that outlet's report
                    key = f"outlet:{relayed.lower()}"
                    source = self.ev.sources[relayed]  # graded as the outlet it relays
                else:
                    key = f"outlet:{(article.source or doc_id).lower()}"
                found.append(
                    StanceView(
                        stance="denies" if negative else "reported",
                        event=None,
                        doc_id=doc_id,
                        source_key=key,
                        grade=source.reliability if source else None,
                        speaker=sentence,
                        outlet=article.source,
                    )
                )
                break  # one sentence per article
        self._found[claim.id] = found
        return found

    def quote_draft(self, stance: Any, *, lead: str, basis: str | None = None) -> Draft:
        """A stance found by text matching, quoted word for word and attributed to its outlet."""
        sentence = stance.speaker
        checked = f"{stance.outlet or 'The outlet'} reported: “{sentence}”"
        return Draft(
            checked=checked,
            cites=[Cite(stance.doc_id, sentence)],
            lead=lead,
            kind="evidence",
            basis=basis,
        )

    def claim_label(self, claim: ClaimView) -> str:
        """The proposition in words: "Russia withdraws people or forces from Venezuela"; a claim
        whose only target is a place is worded as happening there ("The US carries out attacks
        in the eastern Pacific"), one without a target loses its dangling preposition."""
        actor = country_name(claim.actor) if claim.actor else "an unidentified actor"
        phrase = _phrase(claim.event_type, claim.mode)
        if claim.recipient:
            verb = claim.proposition or phrase.past
            return _upper_first(f"{actor} {verb} {country_name(claim.recipient)}")
        if claim.place:
            place = place_phrase(claim.place)
            if claim.proposition and _ends_with_preposition(claim.proposition):
                return _upper_first(f"{actor} {claim.proposition} {place}")
            return _upper_first(f"{actor} {_third_person(phrase.at_place)} {place}")
        verb = _drop_preposition(claim.proposition) if claim.proposition else phrase.intransitive
        return _upper_first(f"{actor} {verb}")

    def claim_question(self, claim: ClaimView) -> str:
        """The claim as a reader would ask it: "Did Russia withdraw from Venezuela?"."""
        if claim.question:
            return claim.question
        phrase = _phrase(claim.event_type, claim.mode)
        actor = country_name(claim.actor) if claim.actor else "anyone"
        if claim.recipient:
            return f"Did {actor} {phrase.base} {country_name(claim.recipient)}?"
        if claim.place:
            return f"Did {actor} {phrase.at_place} {place_phrase(claim.place)}?"
        return f"Did {actor} {_drop_preposition(phrase.base)}?"

    def ranked_claims(self) -> list[ClaimView]:
        """Claims with evidence in the window, contested and widely reported ones first."""
        window = {e.id for e in self.ev.events}
        active = [
            c
            for c in self.ev.claims
            if any(e.id in window for e in c.events) and not (c.actor and c.actor == c.recipient)
        ]
        order = {
            "disputed": 0,
            "denied": 1,
            "unconfirmed": 2,
            "reported": 3,
            "retracted": 4,
            "confirmed": 5,
        }
        return sorted(
            active,
            key=lambda c: (order.get(c.status, 9), -len({e.doc_id for e in c.events}), c.id),
        )

    def conflict_weeks(self, dyad: Any) -> tuple[int, int]:
        """(weeks with a conflictual event, weeks) of a dyad's series inside the window."""
        points = [p for p in dyad.points if p.period >= _monday(self.ev.since)]
        with_conflict = sum(1 for p in points if p.verbal_conflict + p.material_conflict > 0)
        return with_conflict, len(points)


def _monday(day: date) -> date:
    from datetime import timedelta

    return day - timedelta(days=day.weekday())


def _independent(stance: Any) -> Any:
    """Unnamed speakers ("two people familiar with the matter") are only as independent as the
    outlet that quotes them: their stance counts as that outlet's."""
    from dataclasses import replace

    event = stance.event
    unnamed = (
        stance.source_key.startswith("speaker:")
        and event is not None
        and event.claim is not None
        and not event.claim.by.code
    )
    if unnamed and stance.outlet:
        return replace(stance, source_key=f"outlet:{stance.outlet.lower()}")
    return stance


@cache
def _family_triggers() -> dict[str, frozenset[str]]:
    """Trigger words of each claims-ledger action family (families with none get no search)."""
    from watchfloor.brief.names import _rows

    triggers: dict[str, set[str]] = defaultdict(set)
    for row in _rows("claims/families.tsv"):
        words = (row.get("triggers") or "").split()
        if words:
            triggers[row["family"]].update(w.lower() for w in words)
    return {k: frozenset(v) for k, v in triggers.items()}


def _events(stances: Sequence[Any]) -> list[Event]:
    return [s.event for s in stances if s.event is not None]


def _best_grade(stances: Sequence[Any], key: str) -> str:
    return min((s.grade or "F" for s in stances if s.source_key == key), default="F")


def _source_name(key: str, stances: Sequence[Any]) -> str:
    """A source key as a reader knows it: "Harbor Wire", "Russia", "two unnamed sources via
    Isla Post"."""
    kind, _, value = key.partition(":")
    mine = [s for s in stances if s.source_key == key]
    outlet = next((s.outlet for s in mine if s.outlet), None)
    if kind == "outlet":
        return outlet if outlet and outlet.lower() == value.lower() else (outlet or value)
    if kind == "state":
        return _upper_first(country_name(value).removeprefix("the "))
    speaker = next((s.speaker for s in mine if s.speaker), None) or value
    return f"{speaker} via {outlet}" if outlet else speaker


def _speaker(event: Event) -> str:
    if event.claim is None:
        return ""
    by = event.claim.by
    return by.country or by.code or by.text


def _group(events: Sequence[Event]) -> list[list[Event]]:
    groups: dict[tuple[object, ...], list[Event]] = defaultdict(list)
    for event in events:
        speaker = event.claim.by.country if event.claim else None
        stance = event.claim.stance if event.claim else None
        key = (
            _first_country(event.actor),
            _first_country(event.recipient),
            event.event_type,
            event.modality,
            stance,
            speaker,
        )
        groups[key].append(event)
    out = []
    for group in groups.values():
        group.sort(key=lambda e: (-(e.fatalities or 0), -abs(e.goldstein), -e.confidence, e.doc_id))
        out.append(group)
    return out


# -- the analyst's brief -----------------------------------------------------------------------


def compose_brief(evidence: Evidence) -> Briefing:
    """The analyst's brief on ``evidence`` (see the module docstring)."""
    b = Builder(evidence)
    ev = evidence
    developments = b.developments()
    claims = b.ranked_claims()
    judged = _judgments(b, claims)

    sections: dict[str, tuple[SourcedStatement, ...]] = {}
    tables: dict[str, tuple[tuple[str, ...], ...]] = {}
    sections["bluf"] = b.finish("bluf", _bluf(b, developments, claims), "B")
    findings = _findings(b, developments, claims, judged)
    changes = compare(ev.previous["findings"], findings) if ev.previous else []
    sections["changes"] = b.finish("changes", _changes(ev, changes), "C")
    sections["developments"] = b.finish(
        "developments",
        (
            b.event_draft(g, dated=True, tail=_reported_in(g), figures=_reported_figures(g))
            for g in developments
        ),
        "D",
    )
    sections["judgments"] = b.finish("judgments", (d for j in judged for d in j.drafts), "J")
    sections["background"] = b.finish("background", _background(b), "G")
    tables["background"] = _dyad_table(ev)
    sections["trends"] = b.finish("trends", _trends(b), "T")
    tables["trends"] = _indicator_table(ev)
    sections["alternatives"] = b.finish(
        "alternatives", (d for j in judged for d in j.alternatives), "A"
    )
    sections["faq"] = settle_answers(b.finish("faq", _faq(b, claims), "Q"))
    sections["assumptions"] = b.finish("assumptions", _assumptions(b, judged), "K")

    built = [
        BriefSection(key, title, sections.get(key, ()), table=tables.get(key, ()))
        for key, title in SECTIONS
    ]
    built = _fill_trends_table(built, b)
    headline = _headline_text(sections["bluf"], ev)
    verification = b.verification()
    return Briefing(
        title=f"Brief: {ev.scope.describe()}",
        headline=headline,
        window=(ev.since, ev.until),
        actors=ev.scope.codes,
        sections=tuple(built),
        sources=b.sources(),
        generated_at=ev.now,
        generator=f"watchfloor {__version__}",
        coverage={**ev.coverage, "gaps": list(ev.gaps), "cited_sources": len(b.numbers)},
        style="analyst",
        scope=ev.scope.to_dict(),
        verification=verification,
        charts=charts(ev),
        changes=tuple(c.to_dict() for c in changes),
        findings=findings,
    )


def _headline_text(bluf: Sequence[SourcedStatement], ev: Evidence) -> str:
    if bluf:
        return bluf[0].text
    return f"No verified development for {ev.scope.describe()} in this window."


def _reported_in(group: Sequence[Event]) -> str:
    docs = len({e.doc_id for e in group})
    return f" (reported in {docs} articles)." if docs > 1 else ""


def _reported_figures(group: Sequence[Event]) -> tuple[str, ...]:
    return (str(len({e.doc_id for e in group})),)


# -- 1. bottom line up front -------------------------------------------------------------------


def _bluf(b: Builder, developments: list[list[Event]], claims: list[ClaimView]) -> list[Draft]:
    ev = b.ev
    if not ev.events:
        return [
            b.note(
                f"The store holds no coded events for {ev.scope.describe()} between "
                f"{_day(ev.since)} and {_day(ev.until)}, so this brief cannot say what changed.",
                figures=_date_figures(ev.since, ev.until),
            )
        ]
    drafts: list[Draft] = []
    toll = _toll_draft(b)
    if toll is not None:
        drafts.append(toll)
    top = max(developments, key=_weight) if developments else None
    if top:
        drafts.append(b.event_draft(top, dated=True, lead="What changed: "))
    worst = sorted((e for e in ev.escalations if e.arrow != "unchanged"), key=lambda e: e.score)
    if worst and worst[0].drivers:
        esc = worst[0]
        driver = _event_by_id(ev, esc.drivers[0].event_id)
        z = _num(esc.score)
        lead = (
            f"Why it matters: the {pair_label(esc.source, esc.target)} relationship {esc.arrow} "
            f"(escalation z = {z} over the last {esc.inputs.get('R', '')} days against the "
            f"baseline), driven by: "
        )
        figures = (z.lstrip("-"), z, str(esc.inputs.get("R", "")))
        if driver is not None:
            drafts.append(
                b.event_draft(
                    [driver], lead=lead, basis=f"dyad:{esc.source}>{esc.target}", figures=figures
                )
            )
    watch: list[Draft] = []
    crossed = [v for v in ev.indicators if v.crossed]
    if crossed:
        value = crossed[0]
        driver = _latest_indicator_event(ev, value, b.event_holds)
        lead = (
            f"Watch: indicator “{value.name}” is at {_num(value.value)}, past its threshold "
            f"of {_num(value.threshold or 0)}; latest: "
        )
        if driver is not None:
            watch.append(
                b.event_draft(
                    [driver],
                    lead=lead,
                    basis=f"indicator:{value.indicator_id}",
                    figures=(_num(value.value), _num(value.threshold or 0)),
                )
            )
    # A physical act that one side reports and the other denies is what a reader most needs
    # flagged; it goes before an indicator that sits past its threshold without rising.
    contested = next(
        (
            c
            for c in sorted(claims[:12], key=lambda c: not judgeable(c))
            if b.claim_figures(c)["n_denials"] and b.claim_figures(c)["n_reports"]
        ),
        None,
    )
    flagged: list[Draft] = []
    if contested is not None:
        claim = contested
        f = b.claim_figures(claim)
        if f["denials"]:
            lead = (
                f"Contested: the claim that {_lower_first(b.claim_label(claim))} is "
                f"{claim.status} ({_plural(f['n_reports'], 'report')}, "
                f"{_plural(f['n_denials'], 'denial')}); "
            )
            flagged.append(
                b.event_draft(
                    f["denials"],
                    lead=lead,
                    basis=f"claim:{claim.id}",
                    figures=(str(f["n_reports"]), str(f["n_denials"])),
                )
            )
    rising = bool(crossed) and crossed[0].trend == "rising"
    drafts += watch + flagged if rising else flagged + watch
    return drafts[:3]


def _toll_draft(b: Builder) -> Draft | None:
    """The running death toll of a campaign of attacks, when outlets report cumulative figures.

    Deaths are what analysts lead with; the figures come from the coded events (first and latest
    cumulative toll of the actor with the highest), and the latest report is quoted verbatim.
    """
    from watchfloor.analysis.claims import fatality_scope

    tolls = [
        e
        for e in (*b.ev.history, *b.ev.events)
        if e.event_type == "ASSAULT"
        and e.fatalities
        and e.claim is None
        and e.modality == "actual"
        and fatality_scope(e.fatalities, e.sentence) == "cumulative"
    ]
    in_window = [e for e in tolls if e.date is None or e.date >= b.ev.since]
    if not in_window:
        return None
    latest = max(in_window, key=lambda e: (e.fatalities or 0, e.date or date.min))
    actor = _first_country(latest.actor)
    series = [e for e in tolls if _first_country(e.actor) == actor]
    first = min(series, key=lambda e: (e.date or date.max, e.fatalities or 0))
    who = country_name(actor) if actor else "the attacker"
    if first.fatalities == latest.fatalities:
        # tolls are coded as lower bounds ("more than 100" is 100), hence "at least"
        lead = (
            f"Death toll: at least {latest.fatalities} killed in attacks by {who}, "
            "by the latest count: "
        )
        figures: tuple[str, ...] = (str(latest.fatalities),)
    else:
        lead = (
            f"Death toll: the reported number killed in attacks by {who} rose from at least "
            f"{first.fatalities} to at least {latest.fatalities}; the latest report: "
        )
        figures = (str(first.fatalities), str(latest.fatalities))
    return Draft(
        checked=f"{b.ev.outlet(latest.doc_id)} reported: “{latest.sentence}”",
        cites=[Cite(latest.doc_id, latest.sentence)],
        lead=lead,
        kind="evidence",
        basis=f"events:{latest.id}",
        figures=figures,
        event_ids=(latest.id, first.id),
    )


def _newest(group: Sequence[Event]) -> Event:
    return max(group, key=lambda e: (e.date or date.min, e.doc_id))


def _date_figures(*days: date) -> tuple[str, ...]:
    return tuple(str(x) for d in days for x in (d.day, d.year))


def _event_by_id(ev: Evidence, event_id: str) -> Event | None:
    for event in (*ev.events, *ev.history, *ev.indicator_events.values()):
        if event.id == event_id:
            return event
    return None


def _latest_indicator_event(
    ev: Evidence, value: IndicatorValue, holds: Callable[[Event], bool] | None = None
) -> Event | None:
    """The newest event behind an indicator; with ``holds``, the newest one that passes it (a
    brief's checker), so a mis-coded latest event does not cost the indicator its evidence."""
    for item in value.evidence:
        found = ev.indicator_events.get(item.event_id) or _event_by_id(ev, item.event_id)
        if found is not None and (holds is None or holds(found)):
            return found
    return None


# -- changes since the last brief --------------------------------------------------------------


def _changes(ev: Evidence, changes: Sequence[Any]) -> list[Draft]:
    if ev.previous is None:
        return [
            Draft(
                checked="",
                lead="This is the first stored brief of this scope; there is "
                "nothing earlier to compare with.",
                kind="note",
                must_cite=False,
            )
        ]
    when = ev.previous["generated_at"]
    stamp = when.strftime("%Y-%m-%d %H:%M UTC") if hasattr(when, "strftime") else str(when)
    figures = tuple(re.findall(r"\d+", stamp))
    if not changes:
        return [
            Draft(
                checked="",
                lead=f"Nothing new, reversed or moved since the brief of {stamp}.",
                kind="note",
                must_cite=False,
                figures=figures,
            )
        ]
    drafts = []
    for change in changes[:12]:
        label = {"new": "New", "reversed": "Reversed", "arrow": "Moved"}[change.kind]
        before = f"{change.before} → " if change.before else ""
        drafts.append(
            Draft(
                checked="",
                lead=f"{label}: {change.subject}: {before}{change.after}.",
                kind=f"change-{change.kind}",
                basis=change.basis,
                figures=tuple(
                    re.findall(
                        r"\d+(?:\.\d+)?", change.subject + change.after + (change.before or "")
                    )
                ),
                must_cite=False,
            )
        )
    return drafts


def _findings(
    b: Builder, developments: list[list[Event]], claims: list[ClaimView], judged: list[_Judgment]
) -> dict[str, Any]:
    ev = b.ev
    return {
        "developments": {
            "|".join(
                str(x)
                for x in (
                    _first_country(g[0].actor),
                    _first_country(g[0].recipient),
                    g[0].event_type,
                    g[0].modality,
                )
            ): {
                "text": describe_event(_newest(g)),
                "last": max((e.date for e in g if e.date), default=None),
            }
            for g in developments
        },
        "claims": {c.id: {"status": c.status, "label": b.claim_label(c)} for c in claims},
        "judgments": {
            j.basis: {
                "term": j.estimate.term,
                "p": round(j.estimate.probability, 3),
                "label": j.label,
            }
            for j in judged
        },
        "indicators": {
            v.indicator_id: {
                "arrow": v.arrow,
                "value": v.value,
                "crossed": v.crossed,
                "label": f"indicator “{v.name}”",
            }
            for v in ev.indicators
        },
        "escalation": {
            f"{e.source}>{e.target}": {"arrow": e.arrow, "label": pair_label(e.source, e.target)}
            for e in ev.escalations
        },
    }


# -- 3 and 6. key judgments and their alternatives ---------------------------------------------


@dataclass
class _Judgment:
    basis: str
    label: str
    estimate: Any
    drafts: list[Draft]
    alternatives: list[Draft]
    assumptions: list[Draft]


def _judgments(b: Builder, claims: list[ClaimView]) -> list[_Judgment]:
    judged: list[_Judgment] = []
    for claim in (c for c in claims if judgeable(c)):
        if len(judged) >= 3:
            break
        made = _claim_judgment(b, claim)
        if made:
            judged.append(made)
    for value in sorted(b.ev.indicators, key=lambda v: (not v.crossed, v.arrow != "deteriorated")):
        if len(judged) >= MAX_JUDGMENTS - 1:
            break
        made = _indicator_judgment(b, value)
        if made:
            judged.append(made)
    for dyad in b.ev.dyads[:2]:
        if len(judged) >= MAX_JUDGMENTS:
            break
        made = _dyad_judgment(b, dyad)
        if made:
            judged.append(made)
    return judged


def _stances(f: dict[str, Any]) -> str:
    """ "2 reports from 1 outlet, 3 denials by 1 party": the non-zero stance counts of a claim."""
    parts = []
    if f["n_reports"]:
        parts.append(
            f"{_plural(f['n_reports'], 'report')} from "
            f"{_plural(len(f['report_outlets']), 'independent source')}"
        )
    if f["confirmations"]:
        parts.append(_plural(len(f["confirmations"]), "confirmation"))
    if f["n_denials"]:
        parts.append(
            f"{_plural(f['n_denials'], 'denial')} by "
            f"{_plural(len(f['deniers']), 'party', 'parties')}"
        )
    if f["retractions"]:
        parts.append(_plural(len(f["retractions"]), "retraction"))
    return ", ".join(parts) or "no stance in the window"


def _claim_judgment(b: Builder, claim: ClaimView) -> _Judgment | None:
    f = b.claim_figures(claim)
    est = f["estimate"]
    label = b.claim_label(claim)
    n_rep, n_den = f["n_reports"], f["n_denials"]
    n_out, n_part = len(f["report_outlets"]), len(f["deniers"])
    basis = f"claim:{claim.id}"
    figures = (
        *est.figures,
        str(n_rep),
        str(n_out),
        str(n_den),
        str(n_part),
        str(len(f["confirmations"])),
    )
    support = f["confirmations"] or f["reports"]
    lean_true = est.probability >= 0.5
    primary = (support if lean_true else f["denials"]) or support or f["denials"]
    if not primary:
        return None
    frame = f"It is {est} that {_lower_first(label)} — claim {claim.status}, {_stances(f)}: "
    judgment = b.event_draft(primary, lead=frame, kind="judgment", basis=basis, figures=figures)
    grades = "; ".join(
        f"{o}, grade {g} ({grade_label(g)})"
        for o, g in zip(f["report_outlets"], f["report_grades"], strict=True)
    )
    strong = any(g in ("A", "B") for g in f["report_grades"])
    n_conf = len(f["confirmations"])
    if not n_den and ((n_conf and n_out) or (n_out >= 3 and strong)):
        level = "high"
    elif n_conf or n_out >= 2 or (strong and not n_den):
        level = "moderate"
    else:
        level = "low"
    said = []
    if n_out:
        said.append(
            f"{_plural(n_out, 'independent source')} "
            f"{'reports' if n_out == 1 else 'report'} it ({grades})"
        )
    if n_conf:
        said.append(
            f"{_plural(n_conf, 'statement')} by the party said to have acted or another "
            f"source {'confirms' if n_conf == 1 else 'confirm'} it"
        )
    if n_part:
        said.append(
            f"{_plural(n_part, 'party', 'parties')} {'denies' if n_part == 1 else 'deny'} it"
        )
    gaps = []
    if not strong:
        gaps.append("no grade A or B outlet reports it")
    if not n_conf:
        gaps.append("nobody has confirmed it")
    if f["actor_denies"]:
        gaps.append("the denial comes from the party said to have acted")
    confidence = b.note(
        f"Confidence is {level}: {'; '.join(said + gaps)}.",
        kind="confidence",
        basis=basis,
        figures=figures,
    )
    alternatives: list[Draft] = []
    other = f["denials"] if lean_true else support
    if other:
        # The alternative is stated as a hypothesis, then the evidence that would carry it.
        side = (
            f"Alternative: the claim “{label}” is false; the case against it"
            if lean_true
            else f"Alternative: the claim “{label}” is true after all; the case for it"
        )
        alternatives.append(
            b.event_draft(
                other,
                lead=f"{side} ({_plural(len(other), 'statement')}): ",
                kind="alternative",
                basis=basis,
                figures=(str(len(other)),),
            )
        )
    change_lead = f"What would change this judgment on claim “{label}” ({est}): " + (
        "a confirmation by a grade A or B outlet or by the party said to have acted would raise"
        " it, a retraction would lower it; the reporting so far: "
        if not f["confirmations"]
        else "a retraction by the confirming source would lower it; the confirmation: "
    )
    alternatives.append(
        b.event_draft(
            support or primary,
            lead=change_lead,
            kind="alternative",
            basis=basis,
            figures=est.figures,
        )
    )
    if n_out > 1:
        assumption = (
            f"Assumes the {_plural(n_out, 'source')} behind the "
            f"{_plural(n_rep, 'report')} on claim “{label}” are independent of each "
            f"other and of the parties; the first report: "
        )
    elif n_out == 1:
        assumption = (
            f"Assumes {f['report_outlets'][0]}, the only source behind the "
            f"{_plural(n_rep, 'report')} on claim “{label}”, reports its sources "
            f"accurately: "
        )
    else:
        assumption = (
            f"Assumes the party's own statement on claim “{label}” is accurate, with "
            f"no outlet reporting it independently: "
        )
    assumptions = [
        b.event_draft(
            f["reports"] or primary,
            lead=assumption,
            kind="assumption",
            basis=basis,
            figures=(str(n_out), str(n_rep)),
        )
    ]
    if not strong and f["reports"]:
        assumptions.append(
            b.event_draft(
                f["reports"],
                lead=(
                    f"Gap: no grade A or B outlet carries claim “{label}” — its "
                    f"{_plural(n_rep, 'report')} {'comes' if n_rep == 1 else 'come'} from "
                    f"{_plural(n_out, 'source')}: "
                ),
                kind="gap",
                basis=basis,
                figures=(str(n_rep), str(n_out)),
            )
        )
    return _Judgment(
        basis, f"claim “{label}”", est, [judgment, confidence], alternatives, assumptions
    )


def _indicator_judgment(b: Builder, value: IndicatorValue) -> _Judgment | None:
    ev = b.ev
    if value.threshold is None:
        return None
    driver = _latest_indicator_event(ev, value, b.event_holds)
    if driver is None:
        return None
    p = indicator_probability(value.value, value.threshold, value.baseline_sd)
    est = estimate(p)
    window = value.window[1].toordinal() - value.window[0].toordinal() + 1
    figures = (
        *est.figures,
        _num(value.threshold),
        _num(value.value),
        _num(value.baseline_mean),
        _num(value.baseline_sd),
        str(window),
    )
    basis = f"indicator:{value.indicator_id}"
    frame = (
        f"It is {est} that indicator “{value.name}” is at or above its threshold of "
        f"{_num(value.threshold)} in the next {window} days — it stands at "
        f"{_num(value.value)} against a baseline mean of {_num(value.baseline_mean)} "
        f"(sd {_num(value.baseline_sd)}), {value.trend}, arrow {value.arrow}; latest evidence: "
    )
    judgment = b.event_draft([driver], lead=frame, kind="judgment", basis=basis, figures=figures)
    n_windows = int(value.inputs.get("baseline_windows", 0) or 0)
    n_events = int(value.inputs.get("events", 0) or 0)
    level = "moderate" if n_windows >= 3 and n_events >= 5 else "low"
    confidence = b.note(
        f"Confidence is {level}: the value rests on {_plural(n_events, 'coded event')} and a "
        f"baseline of {_plural(n_windows, 'window')} of {window} days; events the coder missed "
        f"would lower it.",
        kind="confidence",
        basis=basis,
        figures=(str(n_events), str(n_windows), str(window)),
    )
    alternatives = [
        b.event_draft(
            [driver],
            lead=(
                f"What would change this judgment on indicator “{value.name}” ({est}): a window "
                f"below {_num(value.threshold)} (now {_num(value.value)}); more reporting rather "
                f"than more events could also raise the count; the evidence it rests on: "
            ),
            kind="alternative",
            basis=basis,
            figures=(*est.figures, _num(value.threshold), _num(value.value)),
        )
    ]
    assumptions = [
        b.event_draft(
            [driver],
            lead=(
                f"Assumes the coded events behind indicator “{value.name}” ({_num(value.value)} "
                f"now) are complete and correctly typed; for example: "
            ),
            kind="assumption",
            basis=basis,
            figures=(_num(value.value),),
        )
    ]
    return _Judgment(
        basis, f"indicator “{value.name}”", est, [judgment, confidence], alternatives, assumptions
    )


def _dyad_judgment(b: Builder, dyad: Any) -> _Judgment | None:
    conflict_events = [e for e in dyad.top_events if e.plover < 0]
    lead_evidence = conflict_events[0] if conflict_events else None
    if lead_evidence is None:
        return None
    driver = _event_by_id(b.ev, lead_evidence.event_id)
    if driver is None:
        return None
    weeks_with, weeks = b.conflict_weeks(dyad)
    if weeks == 0:
        return None
    est = estimate(dyad_probability(weeks_with, weeks))
    a, t = dyad.source.rstrip("*"), dyad.target.rstrip("*")
    points = [p for p in dyad.points if p.period >= _monday(b.ev.since)]
    conflict = sum(p.verbal_conflict + p.material_conflict for p in points)
    coop = sum(p.verbal_coop + p.material_coop for p in points)
    arrow = next(
        (e.arrow for e in b.ev.escalations if e.source == dyad.source and e.target == dyad.target),
        None,
    )
    figures = (*est.figures, str(weeks_with), str(weeks), str(conflict), str(coop))
    basis = f"dyad:{dyad.source}>{dyad.target}"
    label = pair_label(a, t)
    frame = (
        f"It is {est} that the {label} relationship sees conflict again next week — dyad "
        f"{label}: conflictual events in {weeks_with} of the last {_plural(weeks, 'week')}, "
        f"{conflict} conflictual against {coop} cooperative"
        f"{', escalation arrow ' + arrow if arrow else ''}; the most intense: "
    )
    judgment = b.event_draft([driver], lead=frame, kind="judgment", basis=basis, figures=figures)
    level = "moderate" if weeks >= 4 and conflict >= 5 else "low"
    confidence = b.note(
        f"Confidence is {level}: the series has {_plural(weeks, 'week')} and "
        f"{_plural(conflict + coop, 'event')}; Laplace's rule assumes weeks are alike.",
        kind="confidence",
        basis=basis,
        figures=(str(weeks), str(conflict + coop)),
    )
    alternatives: list[Draft] = []
    coop_events = [e for e in dyad.top_events if e.plover > 0]
    coop_driver = _event_by_id(b.ev, coop_events[0].event_id) if coop_events else None
    if coop_driver is not None:
        alternatives.append(
            b.event_draft(
                [coop_driver],
                lead=(
                    f"Not all {label} contact is hostile ({coop} cooperative events in "
                    f"the window): "
                ),
                kind="alternative",
                basis=basis,
                figures=(str(coop),),
            )
        )
    alternatives.append(
        b.event_draft(
            [driver],
            lead=(
                f"What would change this judgment on dyad {label} ({est}): a week without "
                f"conflictual events ({weeks_with} of {weeks} had one so far); the latest "
                f"high-intensity event: "
            ),
            kind="alternative",
            basis=basis,
            figures=(*est.figures, str(weeks_with), str(weeks)),
        )
    )
    assumptions = [
        b.event_draft(
            [driver],
            lead=(
                f"Assumes coverage of dyad {label} was even across the {weeks} weeks, so "
                f"that counts compare; for example: "
            ),
            kind="assumption",
            basis=basis,
            figures=(str(weeks),),
        )
    ]
    return _Judgment(basis, f"dyad {label}", est, [judgment, confidence], alternatives, assumptions)


# -- 4. background -----------------------------------------------------------------------------


def _background(b: Builder) -> list[Draft]:
    ev = b.ev
    drafts: list[Draft] = []
    groups = _group([e for e in ev.history if e.claim is None and e.modality == "actual"])
    ranked = sorted(groups, key=_weight, reverse=True)[:5]
    ranked.sort(key=lambda g: g[0].date or date.min)
    for group in ranked:
        drafts.append(b.event_draft(group, dated=True, kind="history"))
    if not ranked:
        drafts.append(
            b.note(
                f"No coded events of this scope before {_day(ev.since)}: the store's history "
                f"starts "
                f"inside the window.",
                figures=_date_figures(ev.since),
            )
        )
    for fact in ev.facts[:3]:
        drafts.append(b.fact_draft(fact))
    return drafts


def _dyad_table(ev: Evidence) -> tuple[tuple[str, ...], ...]:
    if not ev.dyads:
        return ()
    rows = [("Dyad", "Events (window)", "Cooperative", "Conflictual", "Mean Goldstein", "Arrow")]
    for dyad in ev.dyads:
        points = [p for p in dyad.points if p.period >= _monday(ev.since)]
        events = sum(p.events for p in points)
        coop = sum(p.verbal_coop + p.material_coop for p in points)
        conflict = sum(p.verbal_conflict + p.material_conflict for p in points)
        gsum = sum(p.goldstein_sum for p in points)
        arrow = next(
            (
                e.arrow
                for e in ev.escalations
                if e.source == dyad.source and e.target == dyad.target
            ),
            "n/a",
        )
        label = pair_label(dyad.source, dyad.target).replace("→", " → ")
        rows.append(
            (
                label,
                str(events),
                str(coop),
                str(conflict),
                f"{gsum / events:+.1f}" if events else "–",
                arrow,
            )
        )
    return tuple(rows)


# -- 5. trends to watch ------------------------------------------------------------------------


def _trends(b: Builder) -> list[Draft]:
    ev = b.ev
    if not ev.indicators:
        return [
            b.note(
                "No indicators are defined for this scope: add them to the indicators "
                "file to track trends."
            )
        ]
    drafts = []
    for value in ev.indicators:
        driver = _latest_indicator_event(ev, value, b.event_holds)
        threshold = (
            "no threshold" if value.threshold is None else f"threshold {_num(value.threshold)}"
        )
        figures = (_num(value.value), _num(value.baseline_mean)) + (
            (_num(value.threshold),) if value.threshold is not None else ()
        )
        lead = (
            f"{value.name}: {_num(value.value)} ({threshold}, baseline "
            f"{_num(value.baseline_mean)}), {value.trend}, {value.arrow}"
            f"{', threshold crossed' if value.crossed else ''}; latest evidence: "
        )
        if driver is None:
            drafts.append(
                b.note(
                    lead.removesuffix("; latest evidence: ")
                    + (
                        "; none of its events in the window passed the citation check."
                        if value.evidence
                        else "; no evidence in the window."
                    ),
                    kind="indicator",
                    basis=f"indicator:{value.indicator_id}",
                    figures=figures,
                )
            )
        else:
            drafts.append(
                b.event_draft(
                    [driver],
                    lead=lead,
                    kind="indicator",
                    basis=f"indicator:{value.indicator_id}",
                    figures=figures,
                )
            )
    return drafts


def _indicator_table(ev: Evidence) -> tuple[tuple[str, ...], ...]:
    if not ev.indicators:
        return ()
    rows = [("Indicator", "Value", "Threshold", "Baseline", "Trend", "Arrow", "Latest evidence")]
    for value in ev.indicators:
        rows.append(
            (
                value.name,
                _num(value.value),
                "–" if value.threshold is None else _num(value.threshold),
                _num(value.baseline_mean),
                value.trend,
                value.arrow,
                value.indicator_id,
            )
        )
    return tuple(rows)


def _fill_trends_table(sections: list[BriefSection], b: Builder) -> list[BriefSection]:
    """Put the citation of each indicator's latest evidence into the table's last column."""
    out = []
    for section in sections:
        if section.key == "trends" and section.table:
            cited = {s.basis: s for s in section.statements if isinstance(s, SourcedStatement)}
            header, *rows = section.table
            filled = []
            for row in rows:
                statement = cited.get(f"indicator:{row[-1]}")
                cell = "".join(f"[{n}]" for n in statement.citations) if statement else ""
                value = next((v for v in b.ev.indicators if v.indicator_id == row[-1]), None)
                unchecked = "none passed the check" if value and value.evidence else ""
                cell = cell or unchecked or "none in the window"
                filled.append((*row[:-1], cell))
            section = BriefSection(
                section.key, section.title, section.statements, table=(header, *filled)
            )
        out.append(section)
    return out


# -- 7. questions and answers ------------------------------------------------------------------


def faq_entries(b: Builder, claims: Sequence[ClaimView], limit: int = MAX_FAQ) -> list[Draft]:
    """Questions from the claims ledger and the indicators, each answered in one line first and
    then with cited evidence from both sides; "insufficient evidence" when nothing checks out."""
    drafts: list[Draft] = []
    # A question needs a named actor and a target ("Did anyone attack South Korea?" asks about
    # nothing), and one with no stance in the window would only answer "insufficient evidence".
    # Physical acts come before verbal ones, the ledger's order kept within each.
    askable = [c for c in claims if c.actor and (c.recipient or c.place)]
    askable.sort(key=lambda c: not judgeable(c))
    asked = 0
    for claim in askable:
        if asked >= limit:
            break
        f = b.claim_figures(claim)
        if not (f["n_reports"] or f["n_denials"] or f["confirmations"] or f["retractions"]):
            continue
        asked += 1
        n_rep, n_den = f["n_reports"], f["n_denials"]
        n_out, n_part = len(f["report_outlets"]), len(f["deniers"])
        basis = f"claim:{claim.id}"
        figures = (
            str(n_rep),
            str(n_out),
            str(n_den),
            str(n_part),
            str(len(f["confirmations"])),
            *f["estimate"].figures,
        )
        evidence = []
        for label, coded, found in (
            ("Reported", f["reports"], f["found_reports"]),
            ("Denied", f["denials"], f["found_denials"]),
        ):
            if coded:
                evidence.append(
                    b.event_draft(coded, lead=f"{label}: ", kind="evidence", basis=basis)
                )
            # text-search finds fill in where the coder missed: two at most, one beside coded
            for stance in found[: 1 if coded else 2]:
                evidence.append(
                    b.quote_draft(
                        stance, lead=f"{label} (found by text search, not coded): ", basis=basis
                    )
                )
        if f["confirmations"]:
            evidence.append(
                b.event_draft(f["confirmations"], lead="Confirmed: ", kind="evidence", basis=basis)
            )
        answer = _answer_line(b, claim, f)
        drafts.append(b.note(b.claim_question(claim), kind="question", basis=basis))
        drafts.append(b.note(answer, kind="answer", basis=basis, figures=figures))
        drafts += evidence
    for value in b.ev.indicators[:2]:
        driver = _latest_indicator_event(b.ev, value, b.event_holds)
        basis = f"indicator:{value.indicator_id}"
        figures = (_num(value.value), _num(value.baseline_mean), _num(value.baseline_sd))
        subject = _indicator_subject(value.name)
        drafts.append(
            b.note(f"{_is_or_are(subject)} {subject} rising?", kind="question", basis=basis)
        )
        verdict = {"rising": "Yes", "falling": "No, it is falling", "steady": "No, it is steady"}
        drafts.append(
            b.note(
                f"{verdict.get(value.trend, value.trend)}: {_num(value.value)} now against a "
                f"baseline "
                f"mean of {_num(value.baseline_mean)} (sd {_num(value.baseline_sd)}), arrow "
                f"{value.arrow}."
                if driver is not None
                else f"Insufficient evidence: no coded event behind “{value.name}” in the window.",
                kind="answer",
                basis=basis,
                figures=figures,
            )
        )
        if driver is not None:
            drafts.append(b.event_draft([driver], lead="Latest: ", kind="evidence", basis=basis))
    return drafts


def _indicator_subject(name: str) -> str:
    """An indicator's name inside a question: "Diplomatic manoeuvring" -> "diplomatic
    manoeuvring", while a name that opens with a country ("Russian military presence") keeps
    its capital."""
    if any(start == 0 for start, *_ in find_actors(name)):
        return name
    return name[:1].lower() + name[1:]


def _is_or_are(subject: str) -> str:
    """ "Are" for a plural head noun ("economic ties", "cyber operations"), else "Is"; the head
    is the last word before a trailing "in ..." ("presence in Venezuela")."""
    head = subject.split(" in ")[0].split()[-1].lower()
    return "Are" if head.endswith("s") and not head.endswith(("ss", "us", "is")) else "Is"


def _answer_line(b: Builder, claim: ClaimView, f: dict[str, Any]) -> str:
    n_rep, n_den = f["n_reports"], f["n_denials"]
    n_out, n_part = len(f["report_outlets"]), len(f["deniers"])
    outlets = join_names(f["report_outlets"])
    deniers = join_names(country_name(d) if len(d) == 3 else d for d in f["deniers"])
    # Odds only for propositions an analyst weighs; a verbal act is reported, not judged.
    odds = f", so it is {f['estimate']}" if judgeable(claim) else ""
    est = f["estimate"]
    if f["retractions"]:
        return f"Retracted: the report was withdrawn; {_plural(n_rep, 'report')} preceded it."
    if f["confirmations"]:
        reports = (
            f" and {_plural(n_rep, 'report')} from {_plural(n_out, 'source')}" if n_rep else ""
        )
        return f"Confirmed: {_plural(len(f['confirmations']), 'confirmation')}{reports}" + (
            f"; it is {est}." if odds else "."
        )
    if n_den and n_rep:
        return (
            f"Denied, and unconfirmed: {deniers} denied it ({_plural(n_den, 'denial')}); "
            f"the {_plural(n_rep, 'report')} from {_plural(n_out, 'source')} ({outlets}) "
            f"are unconfirmed{odds}."
        )
    if n_den:
        return (
            f"Denied: {deniers} denied it ({_plural(n_den, 'denial')}); nobody reports it as fact."
        )
    if n_rep:
        # The ledger's rule: two independent sources, or one graded A or B, make it "reported".
        solid = n_out >= 2 or any(g in ("A", "B") for g in f["report_grades"])
        label = "Reported" if solid else "Unconfirmed"
        return (
            f"{label}: {_plural(n_rep, 'report')} from {_plural(n_out, 'source')} "
            f"({outlets}); nobody has confirmed or denied it{odds}."
        )
    del n_part
    return "Insufficient evidence: the ledger holds no stance on this claim in the window."


def settle_answers(statements: Sequence[SourcedStatement]) -> tuple[SourcedStatement, ...]:
    """An answer whose cited evidence all failed the check says so instead of its verdict."""
    import dataclasses

    out = list(statements)
    for i, statement in enumerate(out):
        if statement.kind != "answer" or statement.text.startswith("Insufficient evidence"):
            continue
        following = []
        for later in out[i + 1 :]:
            if later.kind in ("question", "answer"):
                break
            following.append(later)
        if not any(s.kind == "evidence" for s in following):
            out[i] = dataclasses.replace(
                statement,
                text="Insufficient evidence: the ledger has stances on this, but none of them "
                "passed the citation check against its source.",
                figures=(),
            )
    return tuple(out)


def _faq(b: Builder, claims: Sequence[ClaimView]) -> list[Draft]:
    drafts = faq_entries(b, claims)
    if not drafts:
        return [
            b.note(
                "Insufficient evidence: the ledger holds no claims and no indicators for "
                "this scope.",
                kind="answer",
            )
        ]
    return drafts


# -- 8. assumptions and gaps -------------------------------------------------------------------


def _assumptions(b: Builder, judged: Sequence[_Judgment]) -> list[Draft]:
    ev = b.ev
    drafts = [d for j in judged for d in j.assumptions]
    cov = ev.coverage
    failing = cov.get("sources_failing") or []
    coverage_gaps = [
        (
            cov.get("not_english") or 0,
            f"{_plural(cov.get('not_english') or 0, 'article')} in the window are not in "
            "English and were stored but not coded.",
        ),
        (
            cov.get("undated_articles") or 0,
            f"{_plural(cov.get('undated_articles') or 0, 'stored article')} have no "
            "publication date and cannot be placed in any window.",
        ),
        (
            len(failing),
            f"{_plural(len(failing), 'source')} failed on the last poll ({', '.join(failing)}).",
        ),
    ]
    for count, text in coverage_gaps:
        if count:
            drafts.append(
                b.note(
                    f"Gap (coverage): {text}", kind="gap", basis="coverage", figures=(str(count),)
                )
            )
    for gap in ev.gaps:
        drafts.append(b.note(f"Gap (pipeline): {gap}.", kind="gap", basis="pipeline"))
    return drafts


# -- charts ------------------------------------------------------------------------------------


def charts(ev: Evidence) -> tuple[Chart, ...]:
    """Series for the inline charts: each dyad's weekly conflict and cooperation, each indicator."""
    found = []
    for dyad in ev.dyads:
        if not dyad.points:
            continue
        label = pair_label(dyad.source, dyad.target).replace("→", " → ")
        found.append(
            Chart(
                key=f"dyad-{dyad.source}-{dyad.target}".replace("*", ""),
                title=f"{label}: events per week",
                series=(
                    (
                        "conflictual",
                        tuple(
                            (p.period, float(p.verbal_conflict + p.material_conflict))
                            for p in dyad.points
                        ),
                    ),
                    (
                        "cooperative",
                        tuple(
                            (p.period, float(p.verbal_coop + p.material_coop)) for p in dyad.points
                        ),
                    ),
                ),
                unit="events",
            )
        )
    for value in ev.indicators:
        if value.series:
            found.append(
                Chart(
                    key=f"indicator-{value.indicator_id}",
                    title=value.name,
                    series=(("value", tuple((d, float(v)) for d, v in value.series)),),
                    threshold=value.threshold,
                    unit=str(value.inputs.get("measure", "")),
                )
            )
    return tuple(found)


def now_utc() -> datetime:
    return datetime.now(UTC)
