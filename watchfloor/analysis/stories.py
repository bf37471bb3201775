"""Stories: articles about the same happening, across sources and days.

An article joins a story on the strongest of three signals:

1. **syndication**: an article ingestion marked as a copy (``Article.duplicate_of``) joins its
   original's story (score 1);
2. **text**: TF-IDF cosine between its title and lead (title words count twice; the first
   ``lead_chars`` characters of the text) and those of each story member published within
   ``max_gap_days`` of it;
3. **shared events**: ``event_bonus`` is added to that cosine when both articles have an event
   with the same claim key (actor country, action family, target; see ``claims.claim_key``)
   dated within three days of each other.

The article joins the story of its best-scoring member when the score reaches ``threshold``;
otherwise it starts a new story. Comparing with single members (not a story centroid) lets a
story drift as the happening develops; the time gap keeps it from swallowing a whole month.

What is incremental
-------------------
Assignments are stored (table ``story_members``). ``update_stories`` only assigns articles that
have none yet, comparing each with the members published within ``max_gap_days`` of it; earlier
assignments never change, so a story's id is stable. Only the IDF weights are recomputed on each
update, from the ``idf_sample`` most recent articles. ``update_stories(rebuild=True)`` forgets
every assignment and groups the whole store again (after changing the settings, say). Story
titles, spans, sources and events are derived when stories are read, so they follow new events
and analyst corrections without any update.

Analyst corrections (``corrections``) of a story can rename it (``title``), move articles into
(``add``) or out of (``remove``) it, or reject it (hidden from the list).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from watchfloor.records import Article, Event, RelatedStory, Story, stable_id
from watchfloor.store.base import EventQuery, Store

__all__ = [
    "Assignment",
    "StorySettings",
    "TfIdf",
    "article_terms",
    "assign_stories",
    "group_articles",
    "load_stopwords",
    "related_stories",
    "stories",
    "stories_frame",
    "story_of",
    "update_stories",
]


@dataclass(frozen=True)
class StorySettings:
    """Knobs of the grouping, with their defaults (tuned on ``tests/fixtures/analysis``)."""

    threshold: float = 0.30
    event_bonus: float = 0.15
    max_gap_days: float = 4.0
    lead_chars: int = 600
    idf_sample: int = 5000
    related_threshold: float = 0.10
    related_days: float = 21.0


@dataclass(frozen=True)
class Assignment:
    """An article's place in a story and why it is there."""

    article_id: str
    story_id: str
    score: float
    reason: str  # first | duplicate | text | events


# -- text ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=4)
def load_stopwords(path: Path | None = None) -> frozenset[str]:
    """Read ``watchfloor/data/stories/stopwords.txt`` (one word a line, ``#`` comments)."""
    source = (
        path if path is not None else files("watchfloor") / "data" / "stories" / "stopwords.txt"
    )
    text = source.read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


_WORD = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*")


def _stem(word: str) -> str:
    # Crude on purpose: enough to meet "strike"/"strikes", "diplomats"/"diplomat".
    if len(word) > 5 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 6 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 5 and word.endswith("ed"):
        word = word[:-2]
    return word


@functools.lru_cache(maxsize=1)
def _country_phrases() -> dict[tuple[str, ...], str]:
    """Country names, aliases, demonyms and capitals (``actors/countries.tsv``) -> one token.

    "Russia", "Russian", "Russians" and "Moscow" then count as the same word, as they should
    when asking whether two articles report the same happening.
    """
    from watchfloor.ontology.cameo import iter_tsv_rows

    source = files("watchfloor") / "data" / "actors" / "countries.tsv"
    phrases: dict[tuple[str, ...], str] = {}
    columns = ("iso3", "name", "aliases", "demonyms", "capitals")
    for _, row in iter_tsv_rows(source, columns):
        token = f"c{row['iso3'].lower()}"
        names = [row["name"], *(row[c] for c in ("aliases", "demonyms", "capitals"))]
        for name in (n for field in names for n in field.split("|") if n.strip()):
            words = tuple(w.casefold() for w in _WORD.findall(name))
            if words:
                phrases.setdefault(words, token)
    return phrases


def _tokens(text: str, stopwords: frozenset[str]) -> list[str]:
    raw = [
        w[:-2] if w.endswith("'s") else w
        for w in _WORD.findall(text.casefold().replace("\u2019", "'"))
    ]
    phrases = _country_phrases()
    words = []
    i = 0
    while i < len(raw):
        for n in (4, 3, 2, 1):  # longest country name first: "democratic republic of congo"
            token = phrases.get(tuple(raw[i : i + n])) if i + n <= len(raw) else None
            if token:
                words.append(token)
                i += n
                break
        else:
            word = raw[i]
            i += 1
            if word in stopwords or (len(word) < 2 and not word.isdigit()):
                continue
            words.append(_stem(word))
    return words


def article_terms(
    title: str | None, text: str, *, lead_chars: int = 600, stopwords: frozenset[str] | None = None
) -> Counter[str]:
    """Term counts of a title (counted twice) and the lead of a text."""
    stop = stopwords if stopwords is not None else load_stopwords()
    lead = text[:lead_chars]
    if len(text) > lead_chars:  # do not end on half a word
        lead = lead.rsplit(" ", 1)[0]
    terms = Counter(_tokens(lead, stop))
    for word in _tokens(title or "", stop):
        terms[word] += 2
    return terms


class TfIdf:
    """TF-IDF weights from a sample of documents' term counts."""

    def __init__(self, sample: Iterable[Counter[str]]) -> None:
        df: Counter[str] = Counter()
        n = 0
        for terms in sample:
            df.update(terms.keys())
            n += 1
        self._df = df
        self._n = n

    def idf(self, term: str) -> float:
        return math.log((self._n + 1) / (self._df.get(term, 0) + 1)) + 1.0

    def vector(self, terms: Counter[str]) -> dict[str, float]:
        """L2-normalised TF-IDF vector (sublinear term frequency)."""
        weights = {t: (1.0 + math.log(c)) * self.idf(t) for t, c in terms.items() if c > 0}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / norm for t, w in weights.items()}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _centroid(vectors: Iterable[Mapping[str, float]]) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for vector in vectors:
        for t, w in vector.items():
            total[t] += w
    norm = math.sqrt(sum(w * w for w in total.values())) or 1.0
    return {t: w / norm for t, w in total.items()}


# -- events --------------------------------------------------------------------------------
_Signature = dict[tuple[str, str, str], list[date | None]]


def _signatures(events: Iterable[Event]) -> dict[str, _Signature]:
    from watchfloor.analysis.claims import claim_key, load_families

    families = load_families()
    by_doc: dict[str, _Signature] = defaultdict(lambda: defaultdict(list))
    for event in events:
        if event.modality in ("future", "hypothetical"):
            continue
        key = claim_key(event, families)
        if key[0] and key[2]:  # an event with no actor or no target matches too much
            by_doc[event.doc_id][key].append(event.date)
    return by_doc


def _shared(a: _Signature | None, b: _Signature | None) -> tuple[str, str, str] | None:
    if not a or not b:
        return None
    for key, days in a.items():
        for other in b.get(key, ()):
            if any(d is None or other is None or abs((d - other).days) <= 3 for d in days):
                return key
    return None


# -- grouping ------------------------------------------------------------------------------
def _when(article: Article) -> datetime | None:
    return article.published_at or article.seen_at


def assign_stories(
    new: Sequence[Article],
    members: Sequence[tuple[Article, str]],
    *,
    tfidf: TfIdf,
    signatures: Mapping[str, _Signature] | None = None,
    settings: StorySettings | None = None,
) -> list[Assignment]:
    """Assign ``new`` articles (oldest first) to the stories of ``members`` or to new stories.

    ``members`` are already-grouped (article, story id) pairs; new articles become members as
    they are assigned, so later ones can join them. Records in, records out: no store.
    """
    settings = settings or StorySettings()
    signatures = signatures or {}
    stop = load_stopwords()
    story_of: dict[str, str] = {}
    vectors: dict[str, dict[str, float]] = {}
    timeline: list[tuple[float, str]] = []  # (timestamp, article id), sorted
    undated: list[str] = []

    def remember(article: Article, story_id: str) -> None:
        story_of[article.id] = story_id
        vectors[article.id] = tfidf.vector(
            article_terms(
                article.title, article.text, lead_chars=settings.lead_chars, stopwords=stop
            )
        )
        moment = _when(article)
        if moment is None:
            undated.append(article.id)
        else:
            bisect.insort(timeline, (moment.timestamp(), article.id))

    for article, story_id in members:
        remember(article, story_id)
    gap = settings.max_gap_days * 86400.0
    result = []
    # Copies go last, so that their original has a story to give them whatever the timestamps.
    order = sorted(
        new,
        key=lambda a: (
            a.duplicate_of is not None,
            _when(a) is None,
            _when(a) or datetime.min.replace(tzinfo=UTC),
            a.id,
        ),
    )
    for article in order:
        if article.id in story_of:
            continue
        origin = article.duplicate_of
        if origin and origin in story_of:
            assignment = Assignment(article.id, story_of[origin], 1.0, "duplicate")
        else:
            vector = tfidf.vector(
                article_terms(
                    article.title, article.text, lead_chars=settings.lead_chars, stopwords=stop
                )
            )
            moment = _when(article)
            if moment is None:
                candidates = [i for _, i in timeline] + undated
            else:
                lo = bisect.bisect_left(timeline, (moment.timestamp() - gap, ""))
                hi = bisect.bisect_right(timeline, (moment.timestamp() + gap, "\uffff"))
                candidates = [i for _, i in timeline[lo:hi]] + undated
            best: tuple[float, str, str] | None = None
            for other in candidates:
                score = _cosine(vector, vectors[other])
                reason = "text"
                if _shared(signatures.get(article.id), signatures.get(other)):
                    score += settings.event_bonus
                    reason = "events"
                if best is None or score > best[0]:
                    best = (score, story_of[other], reason)
            if best is not None and best[0] >= settings.threshold:
                assignment = Assignment(article.id, best[1], round(min(best[0], 1.0), 4), best[2])
            else:
                assignment = Assignment(
                    article.id, stable_id("story", article.id, prefix="sty-"), 1.0, "first"
                )
        remember(article, assignment.story_id)
        result.append(assignment)
    return result


def group_articles(
    articles: Sequence[Article],
    events: Iterable[Event] = (),
    *,
    settings: StorySettings | None = None,
) -> list[list[str]]:
    """Group articles from scratch (no store): lists of article ids, one per story."""
    settings = settings or StorySettings()
    stop = load_stopwords()
    tfidf = TfIdf(
        article_terms(a.title, a.text, lead_chars=settings.lead_chars, stopwords=stop)
        for a in articles
    )
    assignments = assign_stories(
        articles, (), tfidf=tfidf, signatures=_signatures(events), settings=settings
    )
    groups: dict[str, list[str]] = defaultdict(list)
    for a in assignments:
        groups[a.story_id].append(a.article_id)
    return list(groups.values())


# -- the store -----------------------------------------------------------------------------
def _sample_tfidf(store: Store, settings: StorySettings) -> TfIdf:
    frame = store.query(
        "SELECT title, left(text, ?) AS lead FROM articles "
        "ORDER BY coalesce(published_at, seen_at) DESC, id LIMIT ?",
        [settings.lead_chars + 40, settings.idf_sample],
    )
    stop = load_stopwords()
    return TfIdf(
        article_terms(row.title, row.lead or "", lead_chars=settings.lead_chars, stopwords=stop)
        for row in frame.itertuples(index=False)
    )


def update_stories(
    store: Store,
    *,
    settings: StorySettings | None = None,
    rebuild: bool = False,
    now: datetime | None = None,
) -> int:
    """Assign every article without a story (all of them with ``rebuild``); returns how many."""
    from watchfloor.analysis.corrections import effective_events

    settings = settings or StorySettings()
    if rebuild:
        store.execute("DELETE FROM story_members")
    pending = store.query(
        "SELECT a.id FROM articles a LEFT JOIN story_members m ON m.article_id = a.id "
        "WHERE m.article_id IS NULL"
    )["id"].tolist()
    if not pending:
        return 0
    new = store.articles(ids=pending)
    moments = [t for a in new if (t := _when(a)) is not None]
    gap = timedelta(days=settings.max_gap_days)
    member_rows = store.query(
        "SELECT m.article_id, m.story_id FROM story_members m "
        "JOIN articles a ON a.id = m.article_id "
        "WHERE coalesce(a.published_at, a.seen_at) BETWEEN ? AND ? "
        "OR m.article_id IN (SELECT unnest(?::VARCHAR[]))",
        [
            (min(moments) - gap) if moments else datetime(1970, 1, 1, tzinfo=UTC),
            (max(moments) + gap) if moments else datetime(1970, 1, 1, tzinfo=UTC),
            sorted({a.duplicate_of for a in new if a.duplicate_of}),
        ],
    )
    story_by_article = dict(zip(member_rows["article_id"], member_rows["story_id"], strict=True))
    member_articles = store.articles(ids=sorted(story_by_article)) if story_by_article else []
    doc_ids = sorted(set(pending) | set(story_by_article))
    events = effective_events(store, EventQuery(doc_ids=doc_ids)) if doc_ids else []
    assignments = assign_stories(
        new,
        [(a, story_by_article[a.id]) for a in member_articles],
        tfidf=_sample_tfidf(store, settings),
        signatures=_signatures(events),
        settings=settings,
    )
    if assignments:
        store.execute(
            "INSERT INTO story_members (article_id, story_id, score, reason, assigned_at) "
            "SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::DOUBLE[]), "
            "unnest(?::VARCHAR[]), ?",
            [
                [a.article_id for a in assignments],
                [a.story_id for a in assignments],
                [a.score for a in assignments],
                [a.reason for a in assignments],
                (now or datetime.now(UTC)).astimezone(UTC),
            ],
        )
    return len(assignments)


def _memberships(
    store: Store, include_rejected: bool
) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """story id -> article ids, after analyst corrections; and the stories' correction states."""
    from watchfloor.analysis.corrections import correction_states

    frame = store.query("SELECT article_id, story_id FROM story_members ORDER BY article_id")
    story_of = dict(zip(frame["article_id"], frame["story_id"], strict=True))
    states = correction_states(store, "story")
    for story_id, state in sorted(states.items(), key=lambda kv: kv[1].trail[-1].created_at):
        for article_id in state.changes.get("remove", ()):
            if story_of.get(article_id) == story_id:
                story_of[article_id] = stable_id("story-split", story_id, article_id, prefix="sty-")
        for article_id in state.changes.get("add", ()):
            if article_id in story_of:
                story_of[article_id] = story_id
    groups: dict[str, list[str]] = defaultdict(list)
    for article_id, story_id in story_of.items():
        groups[story_id].append(article_id)
    if not include_rejected:
        for story_id, state in states.items():
            if state.rejected:
                groups.pop(story_id, None)
    return groups, states


def _representative_title(titles: Sequence[tuple[datetime | None, str]]) -> str:
    """The title sharing most words with the other titles (the earliest on a tie)."""
    stop = load_stopwords()
    words = [set(_tokens(t, stop)) for _, t in titles]
    best, best_score = titles[0][1], -1.0
    for i, (_, title) in enumerate(titles):
        score = sum(
            len(words[i] & words[j]) / (len(words[i] | words[j]) or 1)
            for j in range(len(titles))
            if j != i
        )
        if score > best_score + 1e-9:
            best, best_score = title, score
    return best


def stories(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    article_ids: Sequence[str] = (),
    min_articles: int = 1,
    settings: StorySettings | None = None,
    update: bool = True,
    include_rejected: bool = False,
) -> list[Story]:
    """Stories, most recently active first.

    ``update`` first assigns articles that have no story yet (incremental). ``since``/``until``
    keep stories whose span overlaps the window; ``article_ids`` those containing any of them.
    """
    from watchfloor.analysis.corrections import event_corrections

    if update:
        update_stories(store, settings=settings)
    groups, states = _memberships(store, include_rejected)
    meta = store.query(
        "SELECT id, title, left(text, 120) AS text, source, "
        "coalesce(published_at, seen_at) AS moment FROM articles"
    )
    info: dict[str, tuple[datetime | None, str, str | None]] = {}
    for row in meta.itertuples(index=False):
        moment = row.moment.to_pydatetime() if hasattr(row.moment, "to_pydatetime") else row.moment
        title = (
            row.title
            if isinstance(row.title, str) and row.title.strip()
            else ((row.text or "")[:80].rsplit(" ", 1)[0])
        )
        info[row.id] = (moment, title, row.source if isinstance(row.source, str) else None)
    rejected_events = event_corrections(store).rejected_ids
    event_frame = store.query(
        "SELECT id, doc_id FROM events ORDER BY date, doc_id, sentence_index, id"
    )
    events_by_doc: dict[str, list[str]] = defaultdict(list)
    for event_id, doc_id in zip(event_frame["id"], event_frame["doc_id"], strict=True):
        if event_id not in rejected_events:
            events_by_doc[doc_id].append(event_id)
    wanted = set(article_ids)
    start = datetime.combine(since, time.min, tzinfo=UTC) if since else None
    end = datetime.combine(until, time.max, tzinfo=UTC) if until else None
    found = []
    for story_id, members in groups.items():
        members = [m for m in members if m in info]
        if len(members) < max(min_articles, 1) or (wanted and not wanted & set(members)):
            continue
        members.sort(
            key=lambda m: (info[m][0] is None, info[m][0] or datetime.min.replace(tzinfo=UTC), m)
        )
        moments = [t for m in members if (t := info[m][0]) is not None]
        first, last = (min(moments), max(moments)) if moments else (None, None)
        if start and last and last < start or end and first and first > end:
            continue
        state = states.get(story_id)
        title = (state.changes.get("title") if state else None) or _representative_title(
            [(info[m][0], info[m][1]) for m in members]
        )
        found.append(
            Story(
                id=story_id,
                title=title,
                first_seen=first,
                last_seen=last,
                article_ids=tuple(members),
                sources=tuple(dict.fromkeys(s for m in members if (s := info[m][2]))),
                event_ids=tuple(e for m in members for e in events_by_doc.get(m, ())),
                notes=state.notes if state else (),
            )
        )
    found.sort(
        key=lambda s: (
            s.last_seen is not None,
            s.last_seen or datetime.min.replace(tzinfo=UTC),
            s.id,
        ),
        reverse=True,
    )
    return found


def story_of(
    store: Store, article_id: str, *, settings: StorySettings | None = None
) -> Story | None:
    """The story an article belongs to (assigning new articles first)."""
    found = stories(store, article_ids=[article_id], settings=settings)
    return found[0] if found else None


def related_stories(
    store: Store, article_id: str, *, limit: int = 5, settings: StorySettings | None = None
) -> list[RelatedStory]:
    """Other stories related to an article's story, most related first.

    Score: cosine between the stories' centroids (title + lead vectors of their members), plus
    ``event_bonus`` when they share an event key; stories within ``related_days`` of the
    article's story and scoring at least ``related_threshold`` are kept. The article's own
    story is ``story_of``.
    """
    from watchfloor.analysis.claims import load_families
    from watchfloor.analysis.corrections import effective_events

    settings = settings or StorySettings()
    everything = stories(store, settings=settings)
    own = next((s for s in everything if article_id in s.article_ids), None)
    if own is None:
        return []
    reach = timedelta(days=settings.related_days)
    lo = (own.first_seen - reach) if own.first_seen else None
    hi = (own.last_seen + reach) if own.last_seen else None
    nearby = [
        s
        for s in everything
        if s.id != own.id
        and not (lo and s.last_seen and s.last_seen < lo)
        and not (hi and s.first_seen and s.first_seen > hi)
    ]
    if not nearby:
        return []
    ids = sorted({a for s in [own, *nearby] for a in s.article_ids})
    articles = {a.id: a for a in store.articles(ids=ids)}
    tfidf = _sample_tfidf(store, settings)
    stop = load_stopwords()
    vectors = {
        i: tfidf.vector(
            article_terms(a.title, a.text, lead_chars=settings.lead_chars, stopwords=stop)
        )
        for i, a in articles.items()
    }
    signatures = _signatures(effective_events(store, EventQuery(doc_ids=ids)))

    def story_keys(story: Story) -> set[tuple[str, str, str]]:
        return {k for a in story.article_ids for k in signatures.get(a, {})}

    own_vector = _centroid(vectors[a] for a in own.article_ids if a in vectors)
    own_keys = story_keys(own)
    families = load_families()
    related = []
    for story in nearby:
        text = _cosine(own_vector, _centroid(vectors[a] for a in story.article_ids if a in vectors))
        shared = sorted(own_keys & story_keys(story))
        score = text + (settings.event_bonus if shared else 0.0)
        if score < settings.related_threshold:
            continue
        reason = f"text similarity {text:.2f}"
        if shared:
            actor, family, target = shared[0]
            label = families.label(family)
            reason += f"; shared events: {actor or '?'} {label} {target or '?'}"
        related.append(RelatedStory(story=story, score=round(score, 4), reason=reason))
    related.sort(key=lambda r: (-r.score, r.story.id))
    return related[:limit]


def stories_frame(found: Sequence[Story]) -> Any:
    """Stories as a pandas DataFrame, one row per story."""
    import pandas as pd

    columns = [
        "id",
        "title",
        "first_seen",
        "last_seen",
        "articles",
        "sources",
        "events",
        "article_ids",
    ]
    rows = [
        {
            "id": s.id,
            "title": s.title,
            "first_seen": s.first_seen,
            "last_seen": s.last_seen,
            "articles": len(s.article_ids),
            "sources": "; ".join(s.sources),
            "events": len(s.event_ids),
            "article_ids": ";".join(s.article_ids),
        }
        for s in found
    ]
    return pd.DataFrame(rows, columns=columns)
