"""False events: events per sentence that the rules coder finds in sport and entertainment news.

Every event found in the sport and entertainment sections of the BBC News 2004-2005 corpus is a
false event (a match report is not an assault, a film premiere is not a meeting of states). The
figure is events per sentence (sentences as the coder splits them). For contrast the politics
section is coded too; events there are mostly real.

Run from the repository root::

    .venv/bin/python bench/coder_false_events.py            # the figures
    .venv/bin/python bench/coder_false_events.py --show 20  # plus some of the false events
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from watchfloor.coding import RulesCoder  # noqa: E402
from watchfloor.coding.pipeline import split_sentences  # noqa: E402
from watchfloor.records import Document  # noqa: E402

DATA = REPO_ROOT.parent / "shared" / "corpora" / "bbc_news_2004_2005" / "bbc_news_2004_2005.jsonl"
TARGET = 0.05


def load_sections(path: Path, sections: Sequence[str]) -> dict[str, list[Document]]:
    out: dict[str, list[Document]] = {s: [] for s in sections}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            section = record.get("section")
            if section in out:
                out[section].append(
                    Document(id=record["id"], text=record["text"], title=record.get("title"))
                )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--show", type=int, default=0, help="print this many false events")
    parser.add_argument("--n-process", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"needs {args.data} (../shared is not beside this checkout)", file=sys.stderr)
        return 2
    coder = RulesCoder()
    coder.warm_up()
    sections = load_sections(args.data, ("sport", "entertainment", "politics"))
    shown = 0
    totals: dict[str, tuple[int, int]] = {}
    patterns: Counter[str] = Counter()
    for section, docs in sections.items():
        sentences = sum(len(split_sentences(d.text)) for d in docs)
        started = time.perf_counter()
        events = 0
        for _doc, found in coder.code_documents(docs, n_process=args.n_process):
            events += len(found)
            if section != "politics":
                for event in found:
                    patterns[event.coder.pattern or "?"] += 1
                    if shown < args.show:
                        shown += 1
                        print(
                            f"  [{section}] {event.event_type} {event.coder.pattern}: "
                            f"{[a.text for a in event.actor]} -> "
                            f"{[r.text for r in event.recipient]}"
                            f" | trigger {event.trigger.text!r}"
                        )
        totals[section] = (events, sentences)
        rate = events / sentences if sentences else 0.0
        print(
            f"{section:>13}: {len(docs):4d} documents, {sentences:6d} sentences, "
            f"{events:5d} events, {rate:.4f} events/sentence "
            f"({time.perf_counter() - started:.1f}s)"
        )
    false_events = totals["sport"][0] + totals["entertainment"][0]
    sentences = totals["sport"][1] + totals["entertainment"][1]
    rate = false_events / sentences if sentences else 0.0
    verdict = "meets" if rate <= TARGET else "misses"
    print(
        f"sport + entertainment: {rate:.4f} false events per sentence ({verdict} target {TARGET})"
    )
    if patterns:
        print(
            "patterns behind false events: "
            + ", ".join(f"{p} {n}" for p, n in patterns.most_common(10))
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
