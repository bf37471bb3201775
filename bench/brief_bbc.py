"""Briefs on real text: US–Venezuela and Russia–Ukraine from the BBC 2025 corpus, both styles.

    python bench/brief_bbc.py [--db /tmp/bbc.duckdb] [--screens /tmp/brief_screens]

The window starts in July 2024 because the coder dates events by what the articles say ("the
July election"), not only by publication (January to March 2025). Prints, for each brief, the
number of statements, how many cited sentences the citation checker
kept and dropped, and the verification rate; writes each brief's first screen (40 lines) to the
screens folder, which must stay outside the repository (real news text is not committed).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from brief_stores import bbc_store

from watchfloor.brief.render import render_markdown

SCOPES = {"us-venezuela": "USA-VEN", "russia-ukraine": "RUS-UKR"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bbc.duckdb"))
    parser.add_argument("--screens", type=Path, default=Path("/tmp/brief_screens"))
    parser.add_argument("--lines", type=int, default=40)
    args = parser.parse_args()
    args.screens.mkdir(parents=True, exist_ok=True)
    with bbc_store(args.db) as wf:
        print(
            f"{'brief':<28} {'statements':>10} {'cited':>6} {'kept':>5} {'dropped':>7} "
            f"{'rate':>6} {'sources':>7} {'seconds':>7}"
        )
        for name, dyad in SCOPES.items():
            for style in ("analyst", "explainer"):
                started = time.perf_counter()
                brief = wf.brief(
                    dyads=[dyad],
                    since=date(2024, 7, 1),
                    until=date(2025, 3, 6),
                    style=style,
                    remember=False,
                )
                seconds = time.perf_counter() - started
                v = brief.verification
                statements = sum(len(s.statements) for s in brief.sections)
                print(
                    f"{name + ' ' + style:<28} {statements:>10} {v['checked']:>6} "
                    f"{v['kept']:>5} {v['dropped']:>7} {100 * v['rate']:>5.0f}% "
                    f"{len(brief.sources):>7} {seconds:>7.2f}"
                )
                text = render_markdown(brief)
                screen = "\n".join(text.splitlines()[: args.lines])
                (args.screens / f"{name}-{style}.md").write_text(screen + "\n", encoding="utf-8")
    print(f"first screens written to {args.screens}")


if __name__ == "__main__":
    main()
