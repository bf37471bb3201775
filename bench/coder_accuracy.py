"""Event-type accuracy of the rules coder on the ZSP-PLOVER training split.

Each row of ``PLV_train.tsv`` is (sentence, source, target, gold PLOVER root). Every distinct
sentence is coded as its own document. For a row, the coder's event is the one from that
sentence whose actor matches the row's source (character spans overlap, or the same code when the
actor dictionary resolves the source) and, when the row names a target, whose recipient matches
it the same way; among several, the most confident. "An actor" / "a recipient" are the data set's
placeholders for "unspecified" and match anything. A row without such an event counts as wrong.

The predicted root is ``plover_root(event)`` (the PLOVER form of the record: the codebook folds
promised cooperation into AGREE) with CONCEDE and RETREAT scored as the data set's YIELD, as the
issue specifies; no other folding. The figure for the record's own ``event_type`` (no PLOVER
folding) is printed too.
Quads: AGREE CONSULT SUPPORT 1; YIELD COOPERATE AID 2; REQUEST ACCUSE REJECT THREATEN 3;
PROTEST SANCTION MOBILIZE COERCE ASSAULT 4.

Rows are split by position: odd rows are the tuning half (the only rows whose error categories
were looked at while writing patterns), even rows the reporting half. Nothing is fitted.

Run from the repository root::

    .venv/bin/python bench/coder_accuracy.py              # figures for all rows and both halves
    .venv/bin/python bench/coder_accuracy.py --errors     # error categories on the tuning half
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from watchfloor.coding import RulesCoder  # noqa: E402
from watchfloor.coding.coder import plover_root  # noqa: E402
from watchfloor.records import Document, Entity, Event  # noqa: E402

DATA = REPO_ROOT.parent / "shared" / "corpora" / "zsp_plover" / "PLV_train.tsv"
QUAD = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1,
    "YIELD": 2, "COOPERATE": 2, "AID": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}  # fmt: skip
MISSING = "(none)"
PLACEHOLDERS = {"an actor", "a recipient"}


@dataclass(frozen=True)
class Row:
    position: int
    sentence: str
    source: str
    target: str
    gold: str


def load_rows(path: Path = DATA) -> list[Row]:
    csv.field_size_limit(10_000_000)
    rows: list[Row] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for position, record in enumerate(csv.DictReader(handle, delimiter="\t")):
            rows.append(
                Row(
                    position=position,
                    sentence=record["sentence"],
                    source=record["source"].strip(),
                    target=record["target"].strip(),
                    gold=record["gold_root"].strip().upper(),
                )
            )
    return rows


def scored_root(event: Event) -> str:
    """The event's type as the issue's measure names it: CONCEDE and RETREAT count as the
    dataset's YIELD; everything else is scored as coded (no other folding)."""
    root = plover_root(event)
    return "YIELD" if root in ("CONCEDE", "RETREAT") else root


def _span(sentence: str, phrase: str) -> tuple[int, int] | None:
    at = sentence.find(phrase)
    if at < 0:
        at = sentence.lower().find(phrase.lower())
    return (at, at + len(phrase)) if at >= 0 else None


class Matcher:
    """Does an event's party match a row's source or target phrase?"""

    def __init__(self, coder: RulesCoder) -> None:
        self.actors = coder.resources.actors
        self._codes: dict[str, str | None] = {}

    def code_of(self, phrase: str) -> str | None:
        if phrase not in self._codes:
            found = [m for m in self.actors.find(phrase) if m.code]
            best = max(found, key=lambda m: m.end - m.start) if found else None
            self._codes[phrase] = best.code if best else None
        return self._codes[phrase]

    def matches(self, parties: Sequence[Entity], phrase: str, sentence: str) -> bool:
        if phrase.lower() in PLACEHOLDERS:
            return True
        span = _span(sentence, phrase)
        code = self.code_of(phrase)
        for entity in parties:
            if span and entity.start < span[1] and span[0] < entity.end:
                return True
            if code and entity.code == code:
                return True
        return False


def recipient_matches(row: Row, event: Event, matcher: Matcher) -> bool:
    """The target is the recipient, or, for a reciprocal event (PLOVER codes "X and Y met" with
    both in the actor list and no recipient), another member of the actor list."""
    if row.target.lower() in PLACEHOLDERS:
        return True
    if matcher.matches(event.recipient, row.target, event.sentence):
        return True
    return (
        not event.recipient
        and len(event.actor) > 1
        and matcher.matches(event.actor, row.target, event.sentence)
    )


def pick_event(row: Row, events: Iterable[Event], matcher: Matcher) -> Event | None:
    candidates = [
        e
        for e in events
        if matcher.matches(e.actor, row.source, e.sentence) and recipient_matches(row, e, matcher)
    ]
    return max(candidates, key=lambda e: e.confidence) if candidates else None


def macro_f1(pairs: Sequence[tuple[str, str]], labels: Sequence[str]) -> float:
    scores = []
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def report(name: str, pairs: list[tuple[str, str]]) -> dict[str, float]:
    n = len(pairs)
    labels = sorted({g for g, _ in pairs})
    root = sum(1 for g, p in pairs if g == p) / n
    quad = sum(1 for g, p in pairs if p != MISSING and QUAD[g] == QUAD[p]) / n
    missing = sum(1 for _, p in pairs if p == MISSING) / n
    f1 = macro_f1(pairs, labels)
    print(
        f"{name:>10}: rows {n:5d}  root accuracy {root:.3f}  macro-F1 {f1:.3f}  "
        f"quad accuracy {quad:.3f}  no event {missing:.3f}"
    )
    return {"root": root, "quad": quad, "macro_f1": f1, "missing": missing}


def confusion(pairs: list[tuple[str, str]]) -> None:
    labels = sorted({g for g, _ in pairs})
    predicted = labels + [p for p in sorted({p for _, p in pairs}) if p not in labels]
    counts = Counter(pairs)
    short = {p: p[:5] for p in predicted}
    print("\nconfusion matrix (rows gold, columns predicted):")
    print(" " * 10 + " ".join(f"{short[p]:>5}" for p in predicted))
    for g in labels:
        print(f"{g:>10}" + " ".join(f"{counts.get((g, p), 0):5d}" for p in predicted))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", action="store_true", help="error categories (tuning half)")
    parser.add_argument("--n-process", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"needs {args.data} (../shared is not beside this checkout)", file=sys.stderr)
        return 2
    rows = load_rows(args.data)
    coder = RulesCoder()
    coder.warm_up()
    sentences = list(dict.fromkeys(r.sentence for r in rows))
    docs = [Document(id=f"plv-{i}", text=s) for i, s in enumerate(sentences)]
    started = time.perf_counter()
    events_of = {
        doc.text: events for doc, events in coder.code_documents(docs, n_process=args.n_process)
    }
    elapsed = time.perf_counter() - started
    matcher = Matcher(coder)
    pairs: dict[int, tuple[str, str]] = {}
    unfolded: dict[int, tuple[str, str]] = {}
    why: dict[int, str] = {}
    for row in rows:
        events = events_of[row.sentence]
        event = pick_event(row, events, matcher)
        pairs[row.position] = (row.gold, scored_root(event) if event else MISSING)
        raw = event.event_type if event else MISSING
        unfolded[row.position] = (row.gold, "YIELD" if raw in ("CONCEDE", "RETREAT") else raw)
        if event is None:
            if not events:
                why[row.position] = "no event in sentence"
            elif not any(matcher.matches(e.actor, row.source, e.sentence) for e in events):
                why[row.position] = "no event with this actor"
            else:
                why[row.position] = "actor found, recipient differs"
    print(f"coded {len(docs)} sentences in {elapsed:.1f}s")
    everything = [pairs[r.position] for r in rows]
    report("all", everything)
    report("tuning", [pairs[r.position] for r in rows if r.position % 2 == 0])
    report("reporting", [pairs[r.position] for r in rows if r.position % 2 == 1])
    print("the same, scoring the record's event_type without PLOVER's future-to-AGREE folding:")
    report("all", [unfolded[r.position] for r in rows])
    confusion(everything)
    if args.errors:
        tuning = [r for r in rows if r.position % 2 == 0]
        print("\nerror categories, tuning half:")
        categories: Counter[str] = Counter()
        by_gold: dict[str, Counter[str]] = defaultdict(Counter)
        for row in tuning:
            gold, predicted = pairs[row.position]
            if gold == predicted:
                continue
            category = why.get(row.position, f"wrong type ({predicted})")
            categories[category.split(" (")[0]] += 1
            by_gold[gold][category] += 1
        for category, count in categories.most_common():
            print(f"  {category:40s} {count:4d}")
        print("\nby gold type, tuning half:")
        for gold in sorted(by_gold):
            print(f"  {gold:10s} " + ", ".join(f"{c} {n}" for c, n in by_gold[gold].most_common(5)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
