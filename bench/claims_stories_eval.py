"""Precision and recall of claim merging and story grouping.

Four measurements:

1. claim merging on the hand-written fixture ``tests/fixtures/analysis/claim_mentions.jsonl``
   (paraphrases, synonyms, syndicated copies, look-alikes): pairwise precision and recall over
   every pair of mentions;
2. story grouping on ``tests/fixtures/analysis/story_articles.jsonl``, the same way;
3. story grouping on 30 pairs of real BBC articles (``bench/data/bbc2025_pairs.tsv``, labelled
   by hand before the code was run): the whole corpus (672 articles) is grouped in a scratch
   store, then each pair is checked;
4. claim merging on 30 pairs of real BBC sentences from the same file. Each sentence was also
   coded by hand (``bench/data/bbc2025_claim_events.tsv``) so merging is measured apart from the
   coder; when the rule coder is installed, the sentences are coded by it too and merged
   end to end (a pair counts as merged when any event of one shares a claim with any of the
   other; a sentence the coder finds no event in cannot merge).

Run: ``python bench/claims_stories_eval.py`` (needs ../shared/corpora/bbc_news_2025 for 3 and 4;
they are skipped without it).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from watchfloor.analysis.claims import LedgerSettings, build_claims  # noqa: E402
from watchfloor.analysis.stories import group_articles, stories, update_stories  # noqa: E402
from watchfloor.records import Article, Event, Source  # noqa: E402
from watchfloor.store import open_store  # noqa: E402

BBC = ROOT.parent / "shared" / "corpora" / "bbc_news_2025" / "bbc_news.csv"
PAIRS = ROOT / "bench" / "data" / "bbc2025_pairs.tsv"
CODED = ROOT / "bench" / "data" / "bbc2025_claim_events.tsv"
BBC_SOURCE = Source(name="BBC News", kind="press", country="GBR", reliability="B")
ALL = LedgerSettings(explicit_only=False)


def _fixtures() -> ModuleType:
    path = ROOT / "tests" / "fixtures" / "analysis" / "fixture_loader.py"
    spec = importlib.util.spec_from_file_location("analysis_fixture_loader", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(name: str, tp: int, fp: int, fn: int, tn: int | None = None) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    extra = f" tn={tn}" if tn is not None else ""
    print(f"{name:<52} P={precision:.3f} R={recall:.3f}  (tp={tp} fp={fp} fn={fn}{extra})")
    return {"precision": precision, "recall": recall}


def _confusion(
    results: Iterable[tuple[str, str, int, bool]],
) -> tuple[int, int, int, int, list[str]]:
    tp = fp = fn = tn = 0
    wrong = []
    for a, b, label, predicted in results:
        tp += bool(label and predicted)
        fp += bool(predicted and not label)
        fn += bool(label and not predicted)
        tn += bool(not label and not predicted)
        if bool(label) != predicted:
            wrong.append(f"{a} ~ {b}: labelled {'same' if label else 'different'}")
    return tp, fp, fn, tn, wrong


# -- fixtures --------------------------------------------------------------------------------
def fixture_claims(fx: ModuleType) -> None:
    events, articles, expected = fx.claim_mentions()
    found = build_claims(events, articles, fx.fixture_sources(), settings=ALL)
    predicted = {s.event_id: c.id for c in found for s in c.stances}
    score = fx.pairwise(expected, predicted)
    _report("claims, fixture (26 mentions, all pairs)", score["tp"], score["fp"], score["fn"])


def fixture_stories(fx: ModuleType) -> None:
    articles, expected = fx.story_articles()
    groups = group_articles(articles)
    predicted = {a: str(n) for n, group in enumerate(groups) for a in group}
    score = fx.pairwise(expected, predicted)
    _report("stories, fixture (20 articles, all pairs)", score["tp"], score["fp"], score["fn"])


# -- BBC -------------------------------------------------------------------------------------
def _bbc_rows() -> dict[int, dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with BBC.open(encoding="utf-8", newline="") as handle:
        return {int(row[""]): row for row in csv.DictReader(handle)}


def _published(row: dict[str, str]) -> datetime | None:
    raw = (row.get("publish_date") or "").strip()
    if not raw or raw == "NaN":
        return None
    return datetime.combine(date.fromisoformat(raw), datetime.min.time(), tzinfo=UTC)


def _pairs(task: str) -> list[tuple[str, str, int]]:
    found = []
    for line in PAIRS.read_text("utf-8").splitlines():
        if line.startswith("#") or line.startswith("task\t") or not line.strip():
            continue
        kind, a, b, label = line.split("\t")
        if kind == task:
            found.append((a, b, int(label)))
    return found


def bbc_stories(rows: dict[int, dict[str, str]]) -> None:
    articles = [
        Article(
            id=f"bbc-{n}",
            text=row["content"],
            title=row["headline"],
            published_at=_published(row),
            source="BBC News",
            url=row["url"],
        )
        for n, row in rows.items()
    ]
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "bbc.duckdb") as store:
        store.add_articles(articles)  # exact duplicates are stored once, as ingestion would
        started = time.perf_counter()
        update_stories(store)
        elapsed = time.perf_counter() - started
        story_of = {a: s.id for s in stories(store, update=False) for a in s.article_ids}
        stored = store.counts()["articles"]
        duplicates = dict(store.query("SELECT offered_id, stored_id FROM duplicates").values)
    print(f"  (grouped {stored} stored BBC articles in {elapsed:.1f} s)")

    def story(row_id: str) -> str | None:
        article_id = f"bbc-{row_id}"
        return story_of.get(duplicates.get(article_id, article_id))

    results = [
        (a, b, label, story(a) is not None and story(a) == story(b))
        for a, b, label in _pairs("story")
    ]
    tp, fp, fn, tn, wrong = _confusion(results)
    _report("stories, BBC 2025 (30 labelled article pairs)", tp, fp, fn, tn)
    for line in wrong:
        print("    wrong:", line)


def _coded_events(rows: dict[int, dict[str, str]]) -> dict[str, Event]:
    fx = _fixtures()
    events = {}
    for line in CODED.read_text("utf-8").splitlines():
        if line.startswith("#") or line.startswith("sentence\t") or not line.strip():
            continue
        cells = line.split("\t")
        cells += [""] * (12 - len(cells))
        sid, day, actor, etype, mode, recipient, place, country, modality, stance, by, dead = cells
        row_id, span = sid.split("@")
        start, end = (int(x) for x in span.split("-"))
        spec = {
            "id": sid,
            "doc": f"bbc-{row_id}",
            "sentence": rows[int(row_id)]["content"][start:end],
            "date": day or None,
            "type": etype,
            "mode": mode or None,
            "trigger": "",
            "actor": [actor, actor] if actor else None,
            "recipient": [recipient, recipient] if recipient else None,
            "location": [place, country or None] if place else None,
            "modality": modality or "actual",
            "stance": stance or None,
            "by": [by, by] if by else None,
            "fatalities": int(dead) if dead else None,
        }
        events[sid] = fx.event_from_spec(spec)
    return events


def _sentence_article(rows: dict[int, dict[str, str]], sid: str) -> Article:
    row_id = sid.split("@")[0]
    return Article(
        id=f"bbc-{row_id}",
        text=rows[int(row_id)]["content"],
        published_at=_published(rows[int(row_id)]),
        source="BBC News",
    )


def _merged(events_a: list[Event], events_b: list[Event], articles: dict[str, Article]) -> bool:
    if not events_a or not events_b:
        return False
    found = build_claims([*events_a, *events_b], articles, [BBC_SOURCE], settings=ALL)
    ids_a = {e.id for e in events_a}
    ids_b = {e.id for e in events_b}
    return any(
        ids_a & {s.event_id for s in c.stances} and ids_b & {s.event_id for s in c.stances}
        for c in found
    )


def bbc_claims(rows: dict[int, dict[str, str]]) -> None:
    events = _coded_events(rows)
    pairs = _pairs("claim")
    results = []
    for a, b, label in pairs:
        articles = {art.id: art for art in (_sentence_article(rows, a), _sentence_article(rows, b))}
        results.append((a, b, label, _merged([events[a]], [events[b]], articles)))
    tp, fp, fn, tn, wrong = _confusion(results)
    _report("claims, BBC 2025 (30 sentence pairs, hand-coded)", tp, fp, fn, tn)
    for line in wrong:
        print("    wrong:", line)
    try:
        from watchfloor.api import code_documents
        from watchfloor.records import Document
    except ImportError:
        print("  (the rule coder is not installed: no end-to-end figure)")
        return
    sids = sorted({s for a, b, _ in pairs for s in (a, b)})
    documents = []
    for sid in sids:
        row_id, span = sid.split("@")
        start, end = (int(x) for x in span.split("-"))
        row = rows[int(row_id)]
        # one document per sentence, as if it were an article of its own
        documents.append(
            Document(
                id=sid, text=row["content"][start:end], date=_published(row), source="BBC News"
            )
        )
    coded = {doc.id: events_found for doc, events_found in code_documents(documents)}
    results = []
    for a, b, label in pairs:
        articles = {
            sid: Article(
                id=sid,
                text="",
                published_at=_published(rows[int(sid.split("@")[0])]),
                source="BBC News",
            )
            for sid in (a, b)
        }
        results.append((a, b, label, _merged(coded.get(a, []), coded.get(b, []), articles)))
    tp, fp, fn, tn, wrong = _confusion(results)
    empty = sum(1 for sid in sids if not coded.get(sid))
    _report("claims, BBC 2025 (same pairs, coded by the rule coder)", tp, fp, fn, tn)
    print(f"    the coder found no event in {empty} of {len(sids)} sentences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args()
    fx = _fixtures()
    fixture_claims(fx)
    fixture_stories(fx)
    if not BBC.exists():
        print(f"({BBC} not found: BBC pairs skipped)")
        return
    rows = _bbc_rows()
    bbc_stories(rows)
    bbc_claims(rows)


if __name__ == "__main__":
    main()
