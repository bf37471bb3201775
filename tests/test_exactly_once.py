"""Exactly once: a watcher killed with SIGKILL at random moments, then restarted, stores every
served item once and loses none."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest_http import (
    LocalServer,
    invented_text,
    serve_locally,
    serve_site,
)

from watchfloor.api import Watchfloor
from watchfloor.ingest.dedup import canonical_url
from watchfloor.ingest.registry import SourceEntry

local_server = pytest.fixture(serve_locally, name="local_server")


REPO = Path(__file__).resolve().parents[1]
SITES = 3
ITEMS = 30


def test_exactly_once_survives_sigkill_and_restart(
    local_server: LocalServer, tmp_path: Path
) -> None:

    served: list[str] = []
    for n in range(SITES):
        served += serve_site(local_server, f"/site{n}", ITEMS, seed=10 + n, delay_s=0.02)
    db = tmp_path / "once.duckdb"
    config = tmp_path / "once.toml"
    # small batches: many transactions, so kills land before, inside and after commits
    config.write_text(
        "[watchfloor]\nper_host_interval_s = 0\nretries = 0\npoll_batch_size = 3\n",
        encoding="utf-8",
    )
    with Watchfloor(db) as wf:
        wf.add_sources([
            SourceEntry.from_dict(
                {"name": f"site{n}", "kind": "feed", "url": local_server.url(f"/site{n}/feed.xml")}
            )
            for n in range(SITES)
        ])  # fmt: skip
    env = {**os.environ, "WATCHFLOOR_DB": str(db), "WATCHFLOOR_CONFIG": str(config),
           "WATCHFLOOR_ALLOW_NETWORKS": "127.0.0.0/8", "PYTHONPATH": str(REPO)}  # fmt: skip
    command = [sys.executable, "-m", "watchfloor.cli", "watch", "--once", "--force", "--no-code"]
    page_paths = [url.split(str(local_server.port), 1)[1] for url in served]
    rng = random.Random(20240310)
    progress: list[int] = []
    for _kill in range(3):
        pages_before = sum(local_server.hits[p] for p in page_paths)
        log = tmp_path / f"run{_kill}.log"
        with log.open("wb") as handle:
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=handle)
        deadline = time.monotonic() + 30
        wanted = rng.randint(12, 24)  # pages fetched in this run before the kill
        while sum(local_server.hits[p] for p in page_paths) - pages_before < wanted:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the watcher made no progress"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.05))  # anywhere: between, inside or after a commit
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        with Watchfloor(db) as wf:
            progress.append(wf.stats()["articles"])
    finish = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert finish.returncode == 0, finish.stderr
    with Watchfloor(db) as wf:
        articles = wf.store.articles()
        stats = wf.stats()
        seen = {f"site{n}": wf.store.seen_items(f"site{n}") for n in range(SITES)}
    stored = sorted(a.canonical_url or "" for a in articles)
    assert any(0 < n < SITES * ITEMS for n in progress), f"no kill landed mid-run: {progress}"
    assert progress == sorted(progress)  # what a killed run stored stays stored
    assert stored == sorted(canonical_url(u) or "" for u in served)  # each once, none lost
    assert stats["duplicates"] == 0 and stats.get("near_duplicates") == 0
    assert all(len(items) == ITEMS for items in seen.values())
    expected = {
        canonical_url(local_server.url(f"/site{n}/story/{m}")): invented_text(
            (10 + n) * 100_000 + m
        )
        for n in range(SITES)
        for m in range(ITEMS)
    }
    assert all(a.text == expected[a.canonical_url] for a in articles)  # complete, not torn
