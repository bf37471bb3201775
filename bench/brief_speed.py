"""Time to brief over 10,000 stored articles (target: under 5 s).

    python bench/brief_speed.py [--articles 10000] [--db /tmp/brief_speed.duckdb]

Generates invented articles (one templated sentence per event, written for this benchmark) with
hand-built events over a year, stores them once, then times ``Watchfloor.brief`` for the default
window, a dyad scope and an actor scope, in both styles.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from watchfloor.api import Watchfloor  # noqa: E402
from watchfloor.records import (  # noqa: E402
    Article,
    ClaimRef,
    CoderInfo,
    Entity,
    Event,
    Source,
    Trigger,
    stable_id,
)

COUNTRIES = [
    ("USA", "The United States"),
    ("VEN", "Venezuela"),
    ("RUS", "Russia"),
    ("UKR", "Ukraine"),
    ("COL", "Colombia"),
    ("BRA", "Brazil"),
    ("CUB", "Cuba"),
    ("CHN", "China"),
    ("GBR", "The United Kingdom"),
    ("FRA", "France"),
]
# (event type, quad class, Goldstein, verb as written, template)
ACTIONS = [
    ("ASSAULT", 4, -10.0, "struck", "{a} struck targets in {b} on {wd}, killing {n} people."),
    ("SANCTION", 4, -8.0, "imposed", "{a} imposed sanctions on {b} on {wd}."),
    ("CONSULT", 1, 1.0, "held talks", "{a} held talks with {b} on {wd}."),
    ("ACCUSE", 3, -2.0, "accused", "{a} accused {b} of violating the agreement on {wd}."),
    ("AID", 2, 7.0, "sent", "{a} sent aid to {b} on {wd}."),
    ("THREATEN", 3, -4.0, "threatened", "{a} threatened {b} with retaliation on {wd}."),
]
OUTLETS = [Source(name=f"Outlet {i}", kind="press", reliability="ABCDEF"[i % 6]) for i in range(12)]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _entity(sentence: str, text: str, code: str) -> Entity:
    start = sentence.index(text)
    return Entity(text, code, code, None, start, start + len(text))


def generate(n_articles: int, seed: int = 7) -> tuple[list[Article], list[tuple[str, list[Event]]]]:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    articles, coded = [], []
    for i in range(n_articles):
        day = start + timedelta(days=rng.randrange(365))
        published = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(days=1)
        doc_id = f"speed-{i:05d}"
        sentences, events = [], []
        for j in range(3):
            (a, a_name), (b, b_name) = rng.sample(COUNTRIES, 2)
            event_type, quad, goldstein, verb, template = rng.choice(ACTIONS)
            n = rng.randrange(1, 40)
            sentence = template.format(a=a_name, b=b_name, wd=WEEKDAYS[day.weekday()], n=n)
            sentence = sentence[0].upper() + sentence[1:]
            sentences.append(sentence)
            claim = None
            if j == 2 and rng.random() < 0.3:
                denier = a_name.removeprefix("The ")
                sentence = f"{denier} denied that it {verb} {b_name} on {WEEKDAYS[day.weekday()]}."
                sentences[-1] = sentence
                claim = ClaimRef("denies", _entity(sentence, denier, a))
            trigger_start = sentence.find(verb)
            events.append(
                Event(
                    id=stable_id(doc_id, j),
                    doc_id=doc_id,
                    sentence_index=j,
                    sentence=sentence,
                    date=day,
                    event_type=event_type,
                    mode=None,
                    cameo="000",
                    quad_class=quad,
                    goldstein=goldstein,
                    actor=(_entity(sentence, a_name if claim is None else "it", a),),
                    recipient=(_entity(sentence, b_name, b),),
                    trigger=Trigger(verb, trigger_start, trigger_start + len(verb)),
                    claim=claim,
                    fatalities=n if event_type == "ASSAULT" and claim is None else None,
                    confidence=0.7,
                    coder=CoderInfo("bench.speed", "1"),
                )
            )
        text = " ".join(sentences) + " Officials gave no further details."
        articles.append(
            Article(
                id=doc_id,
                text=text,
                title=f"Report {i}",
                published_at=published,
                source=OUTLETS[i % len(OUTLETS)].name,
                url=f"https://example.test/{doc_id}",
                language="en",
                seen_at=published,
            )
        )
        coded.append((doc_id, events))
    return articles, coded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/brief_speed.duckdb"))
    args = parser.parse_args()
    wf = Watchfloor(args.db)
    if wf.store.counts()["articles"] < args.articles:
        started = time.perf_counter()
        articles, coded = generate(args.articles)
        wf.add_sources(OUTLETS)
        wf.store.add_articles(articles)
        for k in range(0, len(coded), 2000):
            wf.store.replace_events(coded[k : k + 2000], "bench.speed@1")
        print(
            f"stored {len(articles)} articles and {sum(len(e) for _, e in coded)} events in "
            f"{time.perf_counter() - started:.1f} s"
        )
    counts = wf.store.counts()
    print(f"store: {counts['articles']} articles, {counts['events']} events")
    cases = [
        ("default window, analyst", {}),
        ("dyad USA-VEN, analyst", {"dyads": ["USA-VEN"]}),
        ("actor RUS, analyst", {"actors": ["RUS"]}),
        ("dyad USA-VEN, explainer", {"dyads": ["USA-VEN"], "style": "explainer"}),
    ]
    worst = 0.0
    for name, kwargs in cases:
        started = time.perf_counter()
        brief = wf.brief(remember=False, **kwargs)
        seconds = time.perf_counter() - started
        if "analyst" in name:
            worst = max(worst, seconds)
        v = brief.verification
        print(
            f"{name:<28} {seconds:6.2f} s  events {brief.coverage['events']:>6}  "
            f"cited {v['checked']:>3}  kept {v['kept']:>3}"
        )
    print(f"slowest analyst brief: {worst:.2f} s ({'under' if worst < 5 else 'OVER'} 5 s)")
    wf.close()


if __name__ == "__main__":
    main()
