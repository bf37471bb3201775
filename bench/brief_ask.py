"""Score `watchfloor ask` on the questions of bench/data/ask_questions.yaml (answers written first).

    python bench/brief_ask.py [--demo-db /tmp/ask_demo.duckdb] [--bbc-db /tmp/bbc.duckdb]

A question counts as **correct** when the verdict is one the file accepts, and as **correctly
cited** when, in addition, every cited sentence passed the citation checker and the citations hit
the expected articles (each side, for questions that must cite both sides). The BBC half is
skipped when ../shared is absent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml
from brief_stores import BBC_CSV, bbc_store, demo_store

from watchfloor.api import Watchfloor

QUESTIONS = Path(__file__).with_name("data") / "ask_questions.yaml"


def score(wf: Watchfloor, item: dict, *, by_url: bool) -> tuple[bool, bool, str]:
    answer = wf.ask(item["question"])
    cited = {(s.url if by_url else s.doc_id) for s in answer.sources}
    correct = answer.verdict in item["verdicts"]
    if correct and item.get("answer_contains"):
        correct = any(word in answer.answer for word in item["answer_contains"])
    checked = all(s.verified for s in answer.statements)
    if "cite_each" in item:
        hits = all(cited & set(side) for side in item["cite_each"])
    elif "cite_any" in item:
        hits = bool(cited & set(item["cite_any"]))
    else:
        hits = not cited or answer.verdict == "insufficient"
    return correct, correct and checked and hits, f"{answer.verdict}: {answer.answer[:110]}"


def run(name: str, wf: Watchfloor, items: list[dict], *, by_url: bool) -> tuple[int, int]:
    right = cited = 0
    print(f"\n{name}: {len(items)} questions")
    for item in items:
        correct, with_citations, summary = score(wf, item, by_url=by_url)
        right += correct
        cited += with_citations
        mark = "ok " if with_citations else ("~  " if correct else "no ")
        print(f"  {mark} {item['id']:<20} {summary}")
    print(
        f"{name}: {right}/{len(items)} correct, {cited}/{len(items)} correct with correct citations"
    )
    return right, cited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--demo-db", type=Path, default=Path("/tmp/ask_demo.duckdb"))
    parser.add_argument("--bbc-db", type=Path, default=Path("/tmp/bbc.duckdb"))
    args = parser.parse_args()
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    with demo_store(args.demo_db) as wf:
        run("demo", wf, questions["demo"], by_url=False)
    if BBC_CSV.exists():
        with bbc_store(args.bbc_db) as wf:
            run("bbc_news_2025", wf, questions["bbc"], by_url=True)
    else:
        print(f"\nbbc_news_2025: skipped, {BBC_CSV} is absent")


if __name__ == "__main__":
    main()
