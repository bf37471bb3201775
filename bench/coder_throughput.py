"""End-to-end throughput of the rules coder, and its memory while streaming many documents.

Sentences per second, text in and events out, with the parser already loaded (model load is
excluded), on two corpora: Reuters-21578 (1987 economic newswire) and the world and politics
stories of the BBC News 2025 scrape (stories that name an international-politics keyword, since
the scrape has no section field). Sentences are counted as the coder splits them, all of them,
whether or not the pre-filter lets them through to the parser.

``--stream N`` then codes N documents (the corpus repeated) and samples the resident memory of
the main process plus its workers every 5% of the way: flat memory means a flat curve.

The machine's cores may be shared with other work; figures are from whatever was free.

Run from the repository root::

    .venv/bin/python bench/coder_throughput.py                      # both corpora, 2 processes
    .venv/bin/python bench/coder_throughput.py --stream 100000      # plus the memory run
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import multiprocessing
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from watchfloor.coding import RulesCoder  # noqa: E402
from watchfloor.coding.pipeline import split_sentences  # noqa: E402
from watchfloor.records import Document  # noqa: E402

CORPORA = REPO_ROOT.parent / "shared" / "corpora"
REUTERS = CORPORA / "reuters21578" / "reuters21578.jsonl"
BBC_2025 = CORPORA / "bbc_news_2025" / "bbc_news.csv"
TARGET = 300.0
WORLD = re.compile(
    r"\b(Russia|Ukraine|Putin|Zelensky|Iran|Israel|Gaza|Hamas|China|Syria|Nato|NATO|sanction"
    r"|Venezuela|minister|president|government|tariff|ceasefire|troops|military)\b"
)


def reuters_docs(limit: int) -> list[Document]:
    docs: list[Document] = []
    with REUTERS.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("text"):
                docs.append(
                    Document(id=record["id"], text=record["text"], title=record.get("title"))
                )
            if len(docs) >= limit:
                break
    return docs


def bbc_world_docs(limit: int) -> list[Document]:
    csv.field_size_limit(10_000_000)
    docs: list[Document] = []
    with BBC_2025.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row.get("content") or ""
            if text and WORLD.search(text):
                docs.append(Document(id=row["url"], text=text, title=row.get("headline")))
            if len(docs) >= limit:
                break
    return docs


def sentences_in(docs: Sequence[Document]) -> int:
    return sum(len(split_sentences(d.text)) for d in docs)


def measure(coder: RulesCoder, name: str, docs: Sequence[Document], n_process: int) -> float:
    sentences = sentences_in(docs)
    started = time.perf_counter()
    events = sum(len(found) for _, found in coder.code_documents(docs, n_process=n_process))
    elapsed = time.perf_counter() - started
    rate = sentences / elapsed
    verdict = "meets" if rate >= TARGET else "misses"
    print(
        f"{name:>14}: {len(docs):5d} docs, {sentences:6d} sentences, {events:5d} events in "
        f"{elapsed:6.1f}s = {rate:7.1f} sentences/s with {n_process} process(es) "
        f"({verdict} {TARGET:.0f})"
    )
    return rate


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def total_rss_mib() -> float:
    pids = [os.getpid()] + [p.pid for p in multiprocessing.active_children() if p.pid]
    return sum(_rss_kib(pid) for pid in pids) / 1024


def stream(coder: RulesCoder, docs: Sequence[Document], total: int, n_process: int) -> None:
    def cycled() -> Iterator[Document]:
        for i, doc in enumerate(itertools.islice(itertools.cycle(docs), total)):
            yield Document(id=f"{doc.id}#{i}", text=doc.text, date=doc.date, title=doc.title)

    step = max(1, total // 20)
    samples: list[tuple[int, float]] = []
    started = time.perf_counter()
    for done, _ in enumerate(coder.code_documents(cycled(), n_process=n_process), start=1):
        if done % step == 0:
            samples.append((done, total_rss_mib()))
    elapsed = time.perf_counter() - started
    print(f"streamed {total} documents in {elapsed:.0f}s; resident memory (main + workers), MiB:")
    print("  " + "  ".join(f"{n // 1000}k:{mib:.0f}" for n, mib in samples))
    first, last = samples[0][1], samples[-1][1]
    print(
        f"  first sample {first:.0f} MiB, last {last:.0f} MiB, "
        f"peak {max(m for _, m in samples):.0f} MiB"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1500, help="documents per corpus")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--stream", type=int, default=0, help="documents for the memory run")
    args = parser.parse_args(argv)
    if not REUTERS.exists() or not BBC_2025.exists():
        print(f"needs {CORPORA} (../shared is not beside this checkout)", file=sys.stderr)
        return 2
    coder = RulesCoder()
    coder.warm_up()
    reuters = reuters_docs(args.docs)
    bbc = bbc_world_docs(args.docs)
    measure(coder, "warm-up", reuters[:50], args.n_process)
    measure(coder, "reuters", reuters, args.n_process)
    measure(coder, "bbc world 2025", bbc, args.n_process)
    if args.stream:
        stream(coder, reuters, args.stream, args.n_process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
