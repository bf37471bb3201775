"""A small invented corpus with hand-coded events, for brief, verify and ask tests.

The sentences are written for these tests (no news text). Events are built by hand, so these
tests do not depend on the event coder; end-to-end tests on the demo corpus are in test_brief.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from watchfloor.api import Watchfloor
from watchfloor.records import (
    Article,
    ClaimRef,
    CoderInfo,
    Entity,
    Event,
    Location,
    Source,
    Trigger,
    stable_id,
)

SOURCES = [
    Source(name="Harbor Wire", kind="wire", reliability="B", url="https://harbor.example/"),
    Source(name="Isla Post", kind="regional", reliability="C", url="https://isla.example/"),
    Source(name="Moscow Foreign Ministry", kind="ministry", reliability="C", state_affiliated=True),
]

# (id, outlet, published, title, text)
ARTICLES = [
    (
        "t-01",
        "Harbor Wire",
        datetime(2026, 1, 10, 9, 0, tzinfo=UTC),
        "Energy pact signed",
        "Russia and Venezuela signed an energy agreement in Caracas on Saturday. "
        "The deal covers oil fields in the east.",
    ),
    (
        "t-02",
        "Harbor Wire",
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),
        "New sanctions",
        "The United States imposed new sanctions on Venezuelan officials on Monday, the Treasury "
        "said. "
        "Caracas called the measures illegal.",
    ),
    (
        "t-03",
        "Isla Post",
        datetime(2026, 3, 3, 15, 0, tzinfo=UTC),
        "Embassy families leave",
        "Relatives of Russian diplomats have left the embassy in Caracas, according to two unnamed "
        "sources. The Isla Post could not verify the account.",
    ),
    (
        "t-04",
        "Moscow Foreign Ministry",
        datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
        "Comment",
        "Russia denied that it had evacuated anyone from its embassy in Caracas. "
        "The embassy works as usual.",
    ),
    (
        "t-05",
        "Harbor Wire",
        datetime(2026, 3, 5, 18, 0, tzinfo=UTC),
        "Strike at sea",
        "US warships struck a vessel in the Caribbean on Wednesday, killing 6 people. "
        "It was the fourth such strike this month.",
    ),
    (
        "t-06",
        "Isla Post",
        datetime(2026, 3, 6, 11, 0, tzinfo=UTC),
        "More relatives leave",
        "More relatives of Russian embassy staff left Caracas on Thursday, sources told the Isla "
        "Post. "
        "Moscow did not comment.",
    ),
    (
        "t-07",
        "Harbor Wire",
        datetime(2026, 3, 7, 8, 0, tzinfo=UTC),
        "Warning from Caracas",
        "Venezuela said it would impose sanctions on US oil companies if the strikes continued. "
        "Officials gave no date.",
    ),
]


def _entity(sentence: str, text: str, code: str | None, country: str | None) -> Entity:
    start = sentence.find(text)
    assert start >= 0, (text, sentence)
    sector = code[3:] or None if code else None
    return Entity(
        text=text, code=code, country=country, sector=sector, start=start, end=start + len(text)
    )


def make_event(
    doc_id: str,
    sentence: str,
    actor: tuple[str, str | None, str | None],
    recipient: tuple[str, str | None, str | None] | None,
    event_type: str,
    trigger: str,
    day: date,
    *,
    mode: str | None = None,
    modality: str = "actual",
    claim: tuple[str, tuple[str, str | None, str | None]] | None = None,
    fatalities: int | None = None,
    place: str | None = None,
    quad: int = 4,
    goldstein: float = -5.0,
) -> Event:
    """An event record built by hand from a sentence and the words that name its parts."""
    start = sentence.find(trigger)
    claim_ref = None
    if claim is not None:
        stance, who = claim
        claim_ref = ClaimRef(stance=stance, by=_entity(sentence, *who))  # type: ignore[arg-type]
    return Event(
        id=stable_id(doc_id, sentence, event_type, claim and claim[0]),
        doc_id=doc_id,
        sentence_index=0,
        sentence=sentence,
        date=day,
        event_type=event_type,
        mode=mode,
        cameo="000",
        quad_class=quad,
        goldstein=goldstein,
        actor=(_entity(sentence, *actor),),
        recipient=(_entity(sentence, *recipient),) if recipient else (),
        trigger=Trigger(trigger, start, start + len(trigger)),
        modality=modality,  # type: ignore[arg-type]
        claim=claim_ref,
        fatalities=fatalities,
        location=Location(place, None, None, None) if place else None,
        confidence=0.8,
        coder=CoderInfo("tests.hand", "1"),
    )


def _first(doc_id: str) -> str:
    text = next(a[4] for a in ARTICLES if a[0] == doc_id)
    return text.split(". ")[0].rstrip(".") + "."


def corpus_events() -> list[Event]:
    """The hand-coded events of ``ARTICLES``."""
    return [
        make_event(
            "t-01",
            _first("t-01"),
            ("Russia", "RUS", "RUS"),
            ("Venezuela", "VEN", "VEN"),
            "AGREE",
            "signed",
            date(2026, 1, 10),
            quad=1,
            goldstein=4.0,
        ),
        make_event(
            "t-02",
            _first("t-02"),
            ("The United States", "USA", "USA"),
            ("Venezuelan officials", "VENGOV", "VEN"),
            "SANCTION",
            "imposed",
            date(2026, 3, 2),
            claim=("asserts", ("the Treasury", "USAGOV", "USA")),
        ),
        make_event(
            "t-03",
            _first("t-03"),
            ("Relatives of Russian diplomats", "RUSGOV", "RUS"),
            ("the embassy in Caracas", "VEN", "VEN"),
            "RETREAT",
            "left",
            date(2026, 3, 3),
            mode="withdraw",
            quad=2,
            goldstein=1.0,
            claim=("asserts", ("two unnamed sources", None, None)),
        ),
        make_event(
            "t-04",
            _first("t-04"),
            ("it", "RUS", "RUS"),
            ("Caracas", "VEN", "VEN"),
            "RETREAT",
            "evacuated",
            date(2026, 3, 4),
            mode="withdraw",
            quad=2,
            goldstein=1.0,
            claim=("denies", ("Russia", "RUS", "RUS")),
        ),
        make_event(
            "t-05",
            _first("t-05"),
            ("US warships", "USAMIL", "USA"),
            ("a vessel", "VEN", "VEN"),
            "ASSAULT",
            "struck",
            date(2026, 3, 4),
            fatalities=6,
            place="Caribbean",
            goldstein=-10.0,
        ),
        make_event(
            "t-06",
            _first("t-06"),
            ("More relatives of Russian embassy staff", "RUSGOV", "RUS"),
            ("Caracas", "VEN", "VEN"),
            "RETREAT",
            "left",
            date(2026, 3, 5),
            mode="withdraw",
            quad=2,
            goldstein=1.0,
            claim=("asserts", ("sources", None, None)),
        ),
        make_event(
            "t-07",
            _first("t-07"),
            ("it", "VEN", "VEN"),
            ("US oil companies", "USABUS", "USA"),
            "SANCTION",
            "impose",
            date(2026, 3, 7),
            modality="hypothetical",
            claim=("asserts", ("Venezuela", "VEN", "VEN")),
        ),
    ]


def corpus_articles() -> list[Article]:
    return [
        Article(
            id=i,
            text=text,
            title=title,
            published_at=when,
            source=outlet,
            url=f"https://example.test/{i}",
            language="en",
            seen_at=when,
        )
        for i, outlet, when, title, text in ARTICLES
    ]


def build_store(path: Path) -> Watchfloor:
    """A store holding the invented corpus and its hand-coded events."""
    wf = Watchfloor(path)
    wf.add_sources(SOURCES)
    wf.store.add_articles(corpus_articles())
    by_doc: dict[str, list[Event]] = {}
    for event in corpus_events():
        by_doc.setdefault(event.doc_id, []).append(event)
    wf.store.replace_events(list(by_doc.items()), "tests.hand@1")
    return wf


NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


@pytest.fixture
def hand_store(tmp_path: Path):  # noqa: ANN201 - a Watchfloor, closed after the test
    wf = build_store(tmp_path / "brief.duckdb")
    yield wf
    wf.close()


def test_brief_helpers_corpus_events_quote_their_articles() -> None:
    texts = {a.id: a.text for a in corpus_articles()}
    for event in corpus_events():
        assert event.sentence in texts[event.doc_id]
