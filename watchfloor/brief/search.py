"""Full-text search over stored articles, for topic briefs and ``ask``.

On DuckDB the search uses DuckDB's FTS extension (BM25), loaded from the ``duckdb-extension-fts``
package so nothing is downloaded; the index is built on first use and rebuilt when the articles
change (``search_index_state``). Where the extension cannot load (another backend, a broken
install) the same BM25 ranking is computed here over the articles a SQL pre-filter finds.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from watchfloor.brief.verify import split_sentences, stem
from watchfloor.store.base import Store

__all__ = ["Hit", "best_passages", "query_terms", "search_articles"]

# Words a question is made of that say nothing about its subject.
_STOP = frozenset(
    w.strip().lower()
    for w in resources.files("watchfloor.data")
    .joinpath("brief/question_stopwords.txt")
    .read_text("utf-8")
    .splitlines()
    if w.strip() and not w.startswith("#")
)
_TERM = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+")


@dataclass(frozen=True, slots=True)
class Hit:
    """An article that matches a query, with its BM25 score."""

    doc_id: str
    score: float


def query_terms(text: str) -> list[str]:
    """The content words of a query, lower-cased, stop words removed, in order."""
    return [t.lower() for t in _TERM.findall(text) if t.lower() not in _STOP and len(t) > 1]


def _extension_path() -> Path | None:
    try:
        import duckdb
        import duckdb_extension_fts
    except ImportError:
        return None
    folder = Path(duckdb_extension_fts.__file__).parent / "extensions"
    candidates = sorted(folder.glob(f"v{duckdb.__version__}/*.duckdb_extension"))
    candidates = candidates or sorted(folder.glob("*/*.duckdb_extension"))
    return candidates[0] if candidates else None


def _fts_ready(store: Store) -> bool:
    """Load the FTS extension and (re)build the article index if it is stale. False: no FTS."""
    con = getattr(store, "con", None)
    path = _extension_path()
    if con is None or path is None:
        return False
    try:
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET enable_progress_bar = false")
        con.execute(f"LOAD '{path.as_posix()}'")
        row = con.execute("SELECT count(*), max(seen_at) FROM articles").fetchone()
        state = con.execute(
            "SELECT articles, newest FROM search_index_state WHERE name = 'articles'"
        ).fetchone()
        if state is None or state[0] != row[0] or state[1] != row[1]:
            with store.transaction():  # type: ignore[attr-defined]
                con.execute(
                    "PRAGMA create_fts_index('articles', 'id', 'title', 'text', overwrite = 1)"
                )
                con.execute("DELETE FROM search_index_state WHERE name = 'articles'")
                con.execute(
                    "INSERT INTO search_index_state VALUES ('articles', ?, ?, ?)",
                    [row[0], row[1], datetime.now(UTC)],
                )
    except Exception:  # noqa: BLE001 - any failure here means "use the Python BM25 instead"
        return False
    return True


def search_articles(
    store: Store,
    query: str,
    *,
    limit: int = 30,
    since: date | None = None,
    until: date | None = None,
) -> list[Hit]:
    """Articles matching ``query``, best first (BM25 over title and text)."""
    terms = query_terms(query)
    if not terms:
        return []
    window, params = _window_sql(since, until)
    if _fts_ready(store):
        sql = (
            "SELECT id, score FROM (SELECT id, published_at, "
            "fts_main_articles.match_bm25(id, ?) AS score FROM articles) "
            f"WHERE score IS NOT NULL{window} ORDER BY score DESC, id LIMIT ?"
        )
        with contextlib.suppress(Exception):
            frame = store.query(sql, [" ".join(terms), *params, limit])
            return [Hit(str(r.id), float(r.score)) for r in frame.itertuples(index=False)]
    return _python_bm25(store, terms, limit, window, params)


def _window_sql(since: date | None, until: date | None) -> tuple[str, list[Any]]:
    sql, params = "", []
    if since is not None:
        sql += " AND published_at >= ?"
        params.append(datetime.combine(since, datetime.min.time(), tzinfo=UTC))
    if until is not None:
        sql += " AND published_at < ?"
        params.append(datetime.combine(until + timedelta(days=1), datetime.min.time(), tzinfo=UTC))
    return sql, params


def _python_bm25(
    store: Store,
    terms: Sequence[str],
    limit: int,
    window: str,
    params: Sequence[Any],
    k1: float = 1.2,
    b: float = 0.75,
) -> list[Hit]:
    stems = list(dict.fromkeys(stem(t) for t in terms))
    pattern = "(?i)(" + "|".join(re.escape(t[:6]) for t in terms) + ")"
    frame = store.query(
        "SELECT id, coalesce(title, '') || ' ' || text AS body FROM articles "
        f"WHERE regexp_matches(coalesce(title, '') || ' ' || text, ?){window} LIMIT 5000",
        [pattern, *params],
    )
    docs = []
    for row in frame.itertuples(index=False):
        words = [stem(w.lower()) for w in _TERM.findall(row.body)]
        docs.append((str(row.id), Counter(words), len(words)))
    if not docs:
        return []
    total = store.query("SELECT count(*) AS n FROM articles")["n"].iloc[0]
    average = sum(n for _, _, n in docs) / len(docs)
    df = {s: sum(1 for _, counts, _ in docs if counts[s]) for s in stems}
    hits = []
    for doc_id, counts, length in docs:
        score = 0.0
        for s in stems:
            tf = counts[s]
            if not tf:
                continue
            idf = math.log(1 + (total - df[s] + 0.5) / (df[s] + 0.5))
            score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / average))
        if score > 0:
            hits.append(Hit(doc_id, score))
    hits.sort(key=lambda h: (-h.score, h.doc_id))
    return hits[:limit]


def best_passages(text: str, terms: Sequence[str], *, limit: int = 2) -> list[str]:
    """The sentences of ``text`` that share the most query terms with it, in text order."""
    stems = {stem(t) for t in terms}
    scored = []
    for i, sentence in enumerate(split_sentences(text)):
        words = {stem(w.lower()) for w in _TERM.findall(sentence)}
        overlap = len(stems & words)
        if overlap:
            scored.append((overlap, -i, sentence))
    scored.sort(reverse=True)
    chosen = sorted(scored[:limit], key=lambda item: -item[1])
    return [s for _, _, s in chosen]
