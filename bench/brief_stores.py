"""Stores the brief benchmarks run on: the demo corpus and the BBC 2025 corpus (from ../shared).

Both are built once into a DuckDB file and reused. Coding goes through ``Watchfloor.code_pending``;
if the coder fails on some article, the articles are coded one at a time and the ones it fails on
are recorded as coded with no events (and counted), so one bad article cannot stop a benchmark.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from watchfloor.api import Watchfloor, demo_articles_path, demo_sources  # noqa: E402

BBC_CSV = REPO.parent / "shared" / "corpora" / "bbc_news_2025" / "bbc_news.csv"
BBC_MAP = {"text": "content", "title": "headline", "date": "publish_date"}


def code_robustly(wf: Watchfloor) -> tuple[int, int, int]:
    """Code every pending article: (articles coded, events, articles the coder failed on)."""
    try:
        articles, events = wf.code_pending()
        return articles, events, 0
    except Exception as exc:  # noqa: BLE001 - fall back to one article at a time
        print(
            f"coder failed on a batch ({type(exc).__name__}); coding one article at a time",
            file=sys.stderr,
        )
    from watchfloor.coding import get_coder

    engine = get_coder(wf.settings.coder)
    coder_id = f"{engine.name}@{engine.version}"
    coded = events = failed = 0
    for batch in wf.store.uncoded_articles(coder_id, batch_size=50):
        for article in batch:
            try:
                found = [e for _, es in engine.code_documents([article.as_document()]) for e in es]
            except Exception:  # noqa: BLE001 - counted and reported
                found, failed = [], failed + 1
            events += wf.store.replace_events([(article.id, found)], coder_id)
            coded += 1
    return coded, events, failed


def demo_store(path: Path) -> Watchfloor:
    fresh = not path.exists()
    wf = Watchfloor(path)
    if fresh:
        wf.add_sources(demo_sources())
        wf.ingest([demo_articles_path()], code=False)
        coded, events, failed = code_robustly(wf)
        print(f"demo: coded {coded} articles, {events} events, {failed} failed", file=sys.stderr)
    return wf


def bbc_store(path: Path) -> Watchfloor:
    """The BBC corpus (672 rows; the 73 without a date are skipped by ingest) in ``path``."""
    if not BBC_CSV.exists():
        raise SystemExit(f"needs {BBC_CSV} (../shared is not beside this checkout)")
    wf = Watchfloor(path)
    if not wf.store.counts()["articles"]:
        report = wf.ingest(
            [BBC_CSV], field_map=BBC_MAP, source="BBC News", skip_bad=True, code=False
        )
        print(
            f"bbc: {report.stored} stored, {report.duplicates} duplicates, "
            f"{sum(len(f.problems) for f in report.files)} rows skipped",
            file=sys.stderr,
        )
    coded, events, failed = code_robustly(wf)
    print(f"bbc: coded {coded} articles, {events} events, {failed} failed", file=sys.stderr)
    return wf
