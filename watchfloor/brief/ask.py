"""Answer a question from the claims ledger and the coded events, with checked citations.

``answer_question`` (``watchfloor ask "..."``, ``Watchfloor.ask``):

1. reads the question: the actors it names (any name of a state, institution or organisation),
   the actions it asks about (``data/brief/actions.tsv``) and its content words;
2. retrieves evidence: full-text search over the stored articles (``brief/search.py``) plus the
   events of the actors it names, each event scored by how many of the question's actors, actions
   and words it matches;
3. answers from the claims ledger when a claim matches (reported, denied, disputed, confirmed ...,
   with the evidence on each side), else from the best matching events, else says
   "insufficient evidence";
4. checks every cited sentence against its passage (``brief/verify.py``), exactly as briefs do,
   and states a confidence (high / moderate / low) with its basis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from watchfloor.brief.compose import Builder, _answer_line, _plural, describe_event
from watchfloor.brief.evidence import BriefScope, ClaimView, Evidence, _effective, _ledger
from watchfloor.brief.names import find_actors
from watchfloor.brief.search import query_terms, search_articles
from watchfloor.brief.statements import Cite, Draft, ListedSource, SourcedStatement
from watchfloor.brief.verify import action_types, stem
from watchfloor.records import Event
from watchfloor.settings import Settings
from watchfloor.store.base import EventQuery, Store

__all__ = ["Answer", "Question", "answer_question", "parse_question", "render_answer"]

MIN_EVENT_SCORE = 4.0


@dataclass(frozen=True)
class Question:
    """What a question is about: actor keys (ISO3 or IGO codes), PLOVER actions, content words."""

    text: str
    actors: tuple[str, ...]
    actions: frozenset[str]
    terms: tuple[str, ...]
    wants_number: bool = False


def parse_question(text: str) -> Question:
    """Read a question.

    >>> q = parse_question("Is Russia evacuating its embassy in Caracas?")
    >>> q.actors, sorted(q.actions)
    (('RUS', 'VEN'), ['RETREAT'])
    """
    actors = tuple(dict.fromkeys(k for *_, k in find_actors(text) if k != "~"))
    actions: frozenset[str] = frozenset()
    for _, _, types in action_types(text):
        actions |= types
    wants_number = bool(re.search(r"\bhow many\b|\bnumber of\b|\btoll\b", text, re.I))
    return Question(text, actors, actions, tuple(query_terms(text)), wants_number)


@dataclass(frozen=True)
class Answer:
    """An answer: a one-line verdict, cited evidence (checked), a confidence and its basis.

    ``verdict`` is one of yes, no, confirmed, reported, unconfirmed, denied, disputed,
    retracted, insufficient.
    """

    question: str
    verdict: str
    answer: str
    confidence: str
    basis: str
    statements: tuple[SourcedStatement, ...] = ()
    sources: tuple[ListedSource, ...] = ()
    verification: dict[str, Any] = field(default_factory=dict)

    @property
    def cited_doc_ids(self) -> list[str]:
        return [s.doc_id for s in self.sources]

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "verdict": self.verdict,
            "answer": self.answer,
            "confidence": self.confidence,
            "basis": self.basis,
            "statements": [s.to_dict() for s in self.statements],
            "sources": [s.to_dict() for s in self.sources],
            "verification": self.verification,
        }


# -- scoring -----------------------------------------------------------------------------------


def _event_parties(event: Event) -> set[str]:
    parties = {e.country for e in (*event.actor, *event.recipient) if e.country}
    parties |= {e.code for e in (*event.actor, *event.recipient) if e.code}
    if event.claim is not None and event.claim.by.country:
        parties.add(event.claim.by.country)
    return parties


def _score(event: Event, question: Question, bm25: dict[str, float]) -> float:
    parties = _event_parties(event)
    score = 0.0
    for actor in question.actors:
        if any(p == actor or p.startswith(actor) for p in parties):
            score += 2.0
    if question.actions and event.event_type in question.actions:
        score += 2.5
    words = {stem(w.lower()) for w in re.findall(r"[^\W\d_]+", event.sentence)}
    overlap = len({stem(t) for t in question.terms} & words)
    score += 0.5 * overlap
    score += min(bm25.get(event.doc_id, 0.0), 2.0)
    if question.wants_number and event.fatalities:
        score += 1.0
    return score


def _covers(parties: set[str], question: Question) -> bool:
    """Every actor the question names (two at most are required) is a party."""
    wanted = list(question.actors)[:2]
    return all(any(p == a or p.startswith(a) for p in parties) for a in wanted)


def _overlap(question: Question, sentences: Sequence[str]) -> int:
    stems = {stem(t) for t in question.terms}
    words = {stem(w.lower()) for text in sentences for w in re.findall(r"[^\W\d_]+", text)}
    return len(stems & words)


def _relevant(question: Question, sentences: Sequence[str]) -> bool:
    """Enough of the question's words are in the evidence: two, and a third of them."""
    needed = max(2, -(-len(question.terms) // 3))
    return _overlap(question, sentences) >= needed


def _event_matches(event: Event, question: Question) -> bool:
    if question.actions and event.event_type not in question.actions:
        return False
    return _covers(_event_parties(event), question) and _relevant(question, [event.sentence])


def _claim_matches(claim: ClaimView, question: Question) -> bool:
    if question.actions and claim.event_type not in question.actions:
        return False
    parties = {p for p in (claim.actor, claim.recipient) if p}
    for event in claim.events:
        parties |= {e.country for e in (*event.actor, *event.recipient) if e.country}
    return _covers(parties, question) and _relevant(question, [e.sentence for e in claim.events])


def _claim_score(claim: ClaimView, question: Question) -> float:
    score = 0.0
    if claim.actor and claim.actor in question.actors:
        score += 2.0
    if claim.recipient and claim.recipient in question.actors:
        score += 1.5
    if question.actions and claim.event_type in question.actions:
        score += 2.5
    stems = {stem(t) for t in question.terms}
    sentence_words = {
        stem(w.lower()) for e in claim.events for w in re.findall(r"[^\W\d_]+", e.sentence)
    }
    score += 0.25 * min(len(stems & sentence_words), 6)
    if any(s.stance in ("denies", "confirms", "retracts") for s in claim.stances):
        score += 0.5  # a contested proposition is what questions are usually about
    return score


# -- answering ---------------------------------------------------------------------------------


def answer_question(
    store: Store,
    question: str,
    *,
    since: date | None = None,
    until: date | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Answer:
    """Answer ``question`` from the store (see the module docstring)."""
    now = now or datetime.now(UTC)
    parsed = parse_question(question)
    hits = search_articles(store, question, limit=40, since=since, until=until)
    top = hits[0].score if hits else 1.0
    bm25 = {h.doc_id: 2.0 * h.score / top for h in hits} if hits else {}
    candidates: dict[str, Event] = {}
    codes = [a for a in parsed.actors if len(a) == 3]
    for query in (
        EventQuery(actors=codes, since=since, until=until) if codes else None,
        EventQuery(recipients=codes, since=since, until=until) if codes else None,
        EventQuery(doc_ids=list(bm25), since=since, until=until) if bm25 else None,
    ):
        if query is None:
            continue
        for event in _effective(store, query):
            candidates.setdefault(event.id, event)
    events = list(candidates.values())
    dates = [e.date for e in events if e.date]
    evidence = Evidence(
        scope=BriefScope(actors=tuple(codes)),
        since=since or (min(dates) if dates else now.date()),
        until=until or (max(dates) if dates else now.date()),
        now=now,
        events=events,
        history=[],
        articles={},
        sources={s.name: s for s in store.sources()},
    )
    doc_ids = sorted({e.doc_id for e in events})
    evidence.articles = {a.id: a for a in store.articles(ids=doc_ids)} if doc_ids else {}
    builder = Builder(evidence)
    claims = []
    if events:
        evidence.since = evidence.since - timedelta(days=0)
        claims = _ledger(store, evidence)
        more = sorted({s.doc_id for c in claims for s in c.stances} - set(evidence.articles))
        if more:
            evidence.articles.update({a.id: a for a in store.articles(ids=more)})
    matching = [e for e in events if _event_matches(e, parsed)]
    scored = sorted(matching, key=lambda e: (-_score(e, parsed, bm25), e.doc_id, e.id))
    if parsed.wants_number and any(e.fatalities for e in scored):
        return _from_events(builder, parsed, scored, bm25)
    ranked_claims = sorted(
        (c for c in claims if _claim_matches(c, parsed)),
        key=lambda c: (-_claim_score(c, parsed), c.id),
    )
    if ranked_claims and _claim_score(ranked_claims[0], parsed) >= 4.0:
        answer = _from_claim(builder, parsed, ranked_claims[0])
        if answer.verdict != "insufficient":
            return answer
    if scored and _score(scored[0], parsed, bm25) >= MIN_EVENT_SCORE:
        answer = _from_events(builder, parsed, scored, bm25)
        if answer.verdict != "insufficient":
            return answer
    return _from_text(
        store, parsed, hits, since=since, until=until, now=now, sources=evidence.sources
    )


def _from_claim(b: Builder, question: Question, claim: ClaimView) -> Answer:
    f = b.claim_figures(claim)
    drafts = []
    basis = f"claim:{claim.id}"
    if f["reports"]:
        drafts.append(b.event_draft(f["reports"], lead="Reported: ", kind="evidence", basis=basis))
    for stance in f["found_reports"][: 2 if not f["reports"] else 1]:
        drafts.append(b.quote_draft(stance, lead="Reported (found by text search): ", basis=basis))
    if f["denials"]:
        drafts.append(b.event_draft(f["denials"], lead="Denied: ", kind="evidence", basis=basis))
    for stance in f["found_denials"][: 2 if not f["denials"] else 1]:
        drafts.append(b.quote_draft(stance, lead="Denied (found by text search): ", basis=basis))
    if f["confirmations"]:
        drafts.append(
            b.event_draft(f["confirmations"], lead="Confirmed: ", kind="evidence", basis=basis)
        )
    if f["retractions"]:
        drafts.append(
            b.event_draft(f["retractions"], lead="Retracted: ", kind="evidence", basis=basis)
        )
    statements = b.finish("answer", drafts, "E")
    if not statements:
        return _insufficient(
            question, [], note="the matching claim's evidence failed the citation check"
        )
    line = _answer_line(b, claim, f)
    verdict = line.split(":")[0].split(",")[0].strip().lower()
    verdict = {"denied": "denied" if not f["reports"] else "denied"}.get(verdict, verdict)
    n_sources = len(f["report_outlets"]) + len(f["deniers"])
    n_sources += 0
    strong = any(g in ("A", "B") for g in f["report_grades"])
    if f["confirmations"] and not f["denials"]:
        confidence = "high" if strong or f["report_outlets"] else "moderate"
    elif n_sources >= 2:
        confidence = "moderate"
    else:
        confidence = "low"
    return Answer(
        question=question.text,
        verdict=verdict,
        answer=line,
        confidence=confidence,
        basis=f"claim {b.claim_label(claim)} ({claim.status}; {claim.rationale or 'ledger'})",
        statements=statements,
        sources=b.sources(),
        verification=b.verification(),
    )


def _from_events(
    b: Builder, question: Question, scored: Sequence[Event], bm25: dict[str, float]
) -> Answer:
    best = scored[0]
    threshold = _score(best, question, bm25) - 1.5
    same = [
        e
        for e in scored
        if e.event_type == best.event_type and _score(e, question, bm25) >= threshold
    ]
    if question.wants_number:
        # How many: the largest figure any matching report gives (tolls are cumulative).
        with_numbers = [
            e
            for e in scored
            if e.fatalities
            and e.claim is None
            or (e.fatalities and e.claim and e.claim.stance in ("asserts", "confirms"))
        ]
        if with_numbers:
            same = sorted(with_numbers, key=lambda e: (-(e.fatalities or 0), e.doc_id))
            best = same[0]
    groups: list[list[Event]] = []
    for event in same:
        if not any(event.doc_id == g[0].doc_id for g in groups):
            groups.append([event])
        if len(groups) == 3:
            break
    if question.wants_number:
        # a count is quoted from the report that gives it, so the figure is the source's own
        # words (a paraphrase of "has killed more than 100 people since September" can fail)
        drafts = [
            Draft(
                checked=f"{b.ev.outlet(g[0].doc_id)} reported: “{g[0].sentence}”",
                cites=[Cite(g[0].doc_id, g[0].sentence)],
                kind="evidence",
                basis="events",
                event_ids=tuple(e.id for e in g),
            )
            for g in groups
        ]
    else:
        drafts = [b.event_draft(g, dated=True, kind="evidence", basis="events") for g in groups]
    statements = b.finish("answer", drafts, "E")
    if not statements:
        return _insufficient(question, [], note="the matching events failed the citation check")
    lead = statements[0]
    best = next((e for e in scored if e.id in lead.event_ids), best)
    outlets = {s.outlet for s in b.sources()}
    grades = {s.reliability for s in b.sources()}
    negated = best.modality == "negated" or (
        best.claim is not None and best.claim.stance == "denies"
    )
    verdict = "no" if negated else "yes"
    if best.claim is not None and best.claim.stance == "asserts" and not negated:
        verdict = "reported"
    if len(outlets) >= 2 and grades & {"A", "B"}:
        confidence = "high" if len(outlets) >= 3 else "moderate"
    elif len(outlets) >= 2 or grades & {"A", "B"}:
        confidence = "moderate"
    else:
        confidence = "low"
    word = {"yes": "Yes", "no": "No", "reported": "Reported"}[verdict]
    if question.wants_number and best.fatalities:
        word = f"At least {best.fatalities} killed"
    answer = (
        f"{word}: {lead.checked.rstrip('.')} "
        f"({_plural(len(statements), 'matching report')} from {_plural(len(outlets), 'outlet')})."
    )
    return Answer(
        question=question.text,
        verdict=verdict,
        answer=answer,
        confidence=confidence,
        basis=(
            f"{_plural(len(same), 'matching event')} ({best.event_type}); "
            f"best: {describe_event(best)}"
        ),
        statements=statements,
        sources=b.sources(),
        verification=b.verification(),
    )


def _from_text(
    store: Store,
    question: Question,
    hits: Sequence[Any],
    *,
    since: date | None,
    until: date | None,
    now: datetime,
    sources: dict[str, Any],
) -> Answer:
    """No coded event or claim answers: quote the sentence of the best matching articles that
    names the question's actors and action and shares most of its words (found by text search,
    not coded), with its polarity read from its own cues."""
    from watchfloor.brief.search import best_passages
    from watchfloor.brief.verify import _clauses, _cues, split_sentences

    if not hits or not (question.actors or question.actions):
        return _insufficient(question, hits)
    articles = {a.id: a for a in store.articles(ids=[h.doc_id for h in hits[:20]])}
    stems = {stem(t) for t in question.terms}
    best: tuple[float, str, str] | None = None
    for hit in hits[:20]:
        article = articles.get(hit.doc_id)
        if article is None:
            continue
        for sentence in split_sentences(article.text):
            if sentence.rstrip().endswith("?"):
                continue
            keys = {k for *_, k in find_actors(sentence)}
            if not _covers(keys, question):
                continue
            actions = [(a, t) for a, _, t in action_types(sentence)]
            if question.actions and not any(t & question.actions for _, t in actions):
                continue
            words = {stem(w.lower()) for w in re.findall(r"[^\W\d_]+", sentence)}
            overlap = len(stems & words)
            if overlap < max(2, len(stems) // 2):
                continue
            score = overlap + hit.score / (hits[0].score or 1.0)
            if best is None or score > best[0]:
                best = (score, hit.doc_id, sentence)
    del best_passages
    if best is None:
        return _insufficient(question, hits)
    _, doc_id, sentence = best
    article = articles[doc_id]
    evidence = Evidence(
        scope=BriefScope(),
        since=since or now.date(),
        until=until or now.date(),
        now=now,
        events=[],
        history=[],
        articles={doc_id: article},
        sources=sources,
    )
    b = Builder(evidence)
    from watchfloor.brief.evidence import StanceView

    anchor = next(
        (
            a
            for a, t in ((a, t) for a, _, t in action_types(sentence))
            if not question.actions or t & question.actions
        ),
        0,
    )
    clause = _clauses(sentence, [anchor])
    denied = bool(_cues(sentence[:anchor], "deny")) or any(
        a <= m[0] < z for a, z in clause for m in _cues(sentence, "deny")
    )
    negated = any(a <= m[0] < z for a, z in clause for m in _cues(sentence, "negation"))
    stance = StanceView(
        "reported", None, doc_id, f"outlet:{article.source}", None, sentence, article.source
    )
    statements = b.finish(
        "answer", [b.quote_draft(stance, lead="Found by text search (not coded): ")], "E"
    )
    if not statements:
        return _insufficient(question, hits)
    verdict = "denied" if denied else "no" if negated else "reported"
    word = {"denied": "Denied", "no": "No", "reported": "Reported"}[verdict]
    return Answer(
        question=question.text,
        verdict=verdict,
        answer=(
            f"{word}, according to one article found by text search (no coded event or "
            f"claim matches): see the quoted sentence."
        ),
        confidence="low",
        basis=f"full-text search: best sentence of {article.source or doc_id}",
        statements=statements,
        sources=b.sources(),
        verification=b.verification(),
    )


def _insufficient(question: Question, hits: Sequence[Any], note: str | None = None) -> Answer:
    reason = note or (
        "no stored claim or coded event matches the question's actors and action"
        if question.actors or question.actions
        else "the question names no actor or action the store knows"
    )
    return Answer(
        question=question.text,
        verdict="insufficient",
        answer=f"Insufficient evidence: {reason}.",
        confidence="none",
        basis=f"{len(hits)} articles matched the words of the question"
        if hits
        else "nothing matched",
    )


def render_answer(answer: Answer) -> str:
    """The answer as text: the one-line verdict, the cited evidence, the confidence, sources."""
    lines = [f"Q: {answer.question}", f"A: {answer.answer}"]
    for statement in answer.statements:
        cites = "".join(f"[{n}]" for n in statement.citations)
        lines.append(f"  - {statement.text} {cites}")
    lines.append(f"Confidence: {answer.confidence} (basis: {answer.basis})")
    if answer.sources:
        lines.append("Sources:")
        for source in answer.sources:
            grade = f", grade {source.reliability}" if source.reliability else ""
            when = source.published_at.strftime("%Y-%m-%d") if source.published_at else "undated"
            lines.append(
                f"  {source.number}. {source.outlet}{grade}, {when}: {source.title or ''}"
                f" <{source.url or source.doc_id}>"
            )
    return "\n".join(lines)
