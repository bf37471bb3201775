"""Ingestion throughput: items/s from feeds and pages served on 127.0.0.1 to stored articles.

    python bench/ingest_throughput.py                 # every scenario, 1,000 items each
    python bench/ingest_throughput.py --items 2000 --scenario feeds-pages

Scenarios (each in its own process, so that its peak RSS is its own):

  feeds-fulltext      10 feeds, the full text in each item (no page fetched)
  feeds-pages         10 feeds of teasers: every item's page fetched and extracted
  index-pages         5 press-release index pages: every linked page fetched and extracted
  feeds-pages-coded   feeds-pages, then the stored articles coded (watchfloor.coder.rules.v1)

The server and the invented articles come from tests/conftest_http.py (a thread in the same
process, so its CPU is counted against ingestion: the figures are a floor). Pacing is off
(per_host_interval_s = 0): a real deployment is bounded by politeness, not by this.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = ("feeds-fulltext", "feeds-pages", "index-pages", "feeds-pages-coded")


def run_scenario(name: str, items: int) -> dict[str, object]:
    sys.path.insert(0, str(REPO / "tests"))
    from conftest_http import LocalServer, article_html, invented_text, make_settings, serve_site

    from watchfloor.api import Watchfloor
    from watchfloor.ingest.registry import SourceEntry

    with LocalServer() as server, tempfile.TemporaryDirectory() as tmp:
        entries = []
        if name.startswith("feeds"):
            per_feed = items // 10
            for n in range(10):
                serve_site(server, f"/f{n}", per_feed, seed=n, teaser=name != "feeds-fulltext")
                entries.append(
                    SourceEntry.from_dict(
                        {"name": f"feed{n}", "kind": "feed", "url": server.url(f"/f{n}/feed.xml")}
                    )
                )
        else:
            per_index = items // 5
            for n in range(5):
                links = []
                for m in range(per_index):
                    path = f"/i{n}/release/{m}"
                    server.add(path, article_html(f"Release {n}-{m}", invented_text(n * 10**6 + m)))
                    links.append(f'<li><a href="{path}">Release {m}</a></li>')
                server.add(f"/i{n}/", f"<html><body><ul>{''.join(links)}</ul></body></html>")
                entries.append(
                    SourceEntry.from_dict(
                        {
                            "name": f"index{n}",
                            "kind": "index",
                            "url": server.url(f"/i{n}/"),
                            "follow": "/release/",
                        }
                    )
                )
        settings = make_settings(Path(tmp), retries=0)
        with Watchfloor(settings.db, settings=settings) as wf:
            wf.add_sources(entries)
            if name.endswith("coded"):
                wf.code_pending()  # load the coder before the clock starts
            started = time.perf_counter()
            report = wf.poll(code=False)
            ingest_s = time.perf_counter() - started
            coded = events = 0
            code_s = 0.0
            if name.endswith("coded"):
                started = time.perf_counter()
                coded, events = wf.code_pending()
                code_s = time.perf_counter() - started
            stats = wf.stats()
    failed = [s.error for s in report.sources if s.status == "failed"]
    stored = int(stats["articles"])
    return {
        "scenario": name,
        "items": items,
        "stored": stored,
        "near_duplicates": stats.get("near_duplicates", 0),
        "failed_sources": failed,
        "ingest_s": round(ingest_s, 2),
        "ingest_items_per_s": round(stored / ingest_s, 1),
        "coded": coded,
        "events": events,
        "code_s": round(code_s, 2),
        "end_to_end_items_per_s": round(stored / (ingest_s + code_s), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    parser.add_argument("--run", choices=SCENARIOS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_scenario(args.run, args.items)))
        return
    chosen = SCENARIOS if args.scenario == "all" else (args.scenario,)
    rows = []
    for name in chosen:
        done = subprocess.run(
            [sys.executable, __file__, "--run", name, "--items", str(args.items)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    header = f"{'scenario':<20}{'stored':>8}{'ingest s':>10}{'items/s':>10}{'code s':>9}"
    header += f"{'end-to-end/s':>14}{'events':>8}{'peak RSS MB':>13}"
    print(header)
    for r in rows:
        print(
            f"{r['scenario']:<20}{r['stored']:>8}{r['ingest_s']:>10}{r['ingest_items_per_s']:>10}"
            f"{r['code_s']:>9}{r['end_to_end_items_per_s']:>14}{r['events']:>8}{r['peak_rss_mb']:>13}"
        )
        if r["failed_sources"] or r["near_duplicates"]:
            print(f"   failed: {r['failed_sources']}  near-duplicates: {r['near_duplicates']}")


if __name__ == "__main__":
    main()
