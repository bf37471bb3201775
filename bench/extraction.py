"""Main-text extraction bench: plain trafilatura against watchfloor's ``extract_page``.

Scores every page of the article-extraction benchmark (181 real pages with human-checked
article bodies) by bag-of-tokens overlap: the multiset intersection of lowercased word tokens of
the extracted text and the gold body gives precision and recall per page; the figures are means
over pages. Pages are sorted by file name; the odd positions (1st, 3rd, ...) are the tuning half,
the only pages heuristics were tuned on, and the even positions are the reporting half.

Run from the repository root::

    .venv/bin/python bench/extraction.py            # the table
    .venv/bin/python bench/extraction.py --worst 10 # plus the weakest reporting-half pages
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCHMARK_DIR = REPO_ROOT.parent / "shared" / "corpora" / "article_extraction_benchmark"

Half = Literal["tuning", "reporting", "all"]
HALVES: tuple[Half, ...] = ("tuning", "reporting", "all")

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class BenchPage:
    """One benchmark page: its file name, raw bytes, gold body and 0-based sorted position."""

    name: str
    html: bytes
    gold: str
    position: int


@dataclass(frozen=True)
class Scores:
    """Mean token precision, recall and F1 over pages, with the time spent per page."""

    precision: float
    recall: float
    f1: float
    pages: int
    ms_per_page: float


def load_pages(directory: Path = BENCHMARK_DIR) -> list[BenchPage]:
    """Read ``html/*.html.gz`` and ``ground-truth.json`` (keyed by file hash), sorted by name."""
    gold = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for position, path in enumerate(sorted((directory / "html").glob("*.html.gz"))):
        key = path.name.split(".", 1)[0]
        pages.append(
            BenchPage(
                name=key,
                html=gzip.decompress(path.read_bytes()),
                gold=gold[key]["articleBody"],
                position=position,
            )
        )
    return pages


def select_half(pages: Sequence[BenchPage], half: Half) -> list[BenchPage]:
    """The tuning half (1st, 3rd, 5th ... page), the reporting half (2nd, 4th ...), or all."""
    if half == "all":
        return list(pages)
    wanted = 0 if half == "tuning" else 1
    return [page for page in pages if page.position % 2 == wanted]


def token_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the multiset of lowercased word tokens.

    >>> token_scores("the cat sat", "the cat sat down")
    (1.0, 0.75, 0.8571428571428571)
    """
    predicted_tokens = Counter(_TOKEN.findall(predicted.lower()))
    gold_tokens = Counter(_TOKEN.findall(gold.lower()))
    overlap = sum((predicted_tokens & gold_tokens).values())
    predicted_total = sum(predicted_tokens.values())
    gold_total = sum(gold_tokens.values())
    precision = overlap / predicted_total if predicted_total else 0.0
    recall = overlap / gold_total if gold_total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def plain_trafilatura(html: bytes) -> str:
    """trafilatura with its default settings, as a user would first call it."""
    import trafilatura

    return trafilatura.extract(html) or ""


def watchfloor_extractor(html: bytes) -> str:
    """watchfloor's ``extract_page``; a page it rejects scores as empty."""
    from watchfloor.ingest.extract import ExtractionError, extract_page

    try:
        return extract_page(html).text
    except ExtractionError:
        return ""


def run_extractor(
    extract: Callable[[bytes], str], pages: Sequence[BenchPage]
) -> dict[str, tuple[tuple[float, float, float], float]]:
    """Per page name: (precision, recall, F1) and seconds spent."""
    results = {}
    for page in pages:
        started = time.perf_counter()
        text = extract(page.html)
        elapsed = time.perf_counter() - started
        results[page.name] = (token_scores(text, page.gold), elapsed)
    return results


def summarise(
    results: dict[str, tuple[tuple[float, float, float], float]], pages: Sequence[BenchPage]
) -> Scores:
    """Mean scores and ms/page over ``pages`` (a subset of those in ``results``)."""
    rows = [results[page.name] for page in pages]
    count = len(rows)
    return Scores(
        precision=sum(scores[0] for scores, _ in rows) / count,
        recall=sum(scores[1] for scores, _ in rows) / count,
        f1=sum(scores[2] for scores, _ in rows) / count,
        pages=count,
        ms_per_page=1000 * sum(seconds for _, seconds in rows) / count,
    )


def evaluate(extract: Callable[[bytes], str], pages: Sequence[BenchPage]) -> Scores:
    """Run ``extract`` on ``pages`` and summarise."""
    return summarise(run_extractor(extract, pages), pages)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--worst", type=int, default=0, help="list the N weakest reporting-half pages"
    )
    args = parser.parse_args(argv)
    if not BENCHMARK_DIR.is_dir():
        sys.exit(
            f"extraction bench: the benchmark is not at {BENCHMARK_DIR} "
            "(it comes from the shared corpora checkout next to the repository, ../shared)"
        )
    sys.path.insert(0, str(REPO_ROOT))
    pages = load_pages()
    print(f"article-extraction benchmark: {len(pages)} pages from {BENCHMARK_DIR}")
    print("token-level bag-of-words scores, mean over pages\n")
    print(f"{'extractor':<20} {'half':<10} {'pages':>5} {'P':>7} {'R':>7} {'F1':>7} {'ms/page':>8}")
    extractors = {"plain trafilatura": plain_trafilatura, "watchfloor": watchfloor_extractor}
    all_results = {}
    for label, extract in extractors.items():
        all_results[label] = results = run_extractor(extract, pages)
        for half in HALVES:
            scores = summarise(results, select_half(pages, half))
            print(
                f"{label:<20} {half:<10} {scores.pages:>5} {scores.precision:>7.3f} "
                f"{scores.recall:>7.3f} {scores.f1:>7.3f} {scores.ms_per_page:>8.1f}"
            )
    if args.worst:
        print("\nweakest reporting-half pages for watchfloor (F1; plain trafilatura F1):")
        reporting = select_half(pages, "reporting")
        ranked = sorted(reporting, key=lambda page: all_results["watchfloor"][page.name][0][2])
        for page in ranked[: args.worst]:
            ours = all_results["watchfloor"][page.name][0]
            plain = all_results["plain trafilatura"][page.name][0]
            print(
                f"  {page.name[:16]}  P {ours[0]:.3f} R {ours[1]:.3f} F1 {ours[2]:.3f}"
                f"  (plain F1 {plain[2]:.3f})"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
