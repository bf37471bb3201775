"""The poller: failing sources isolated, health recorded, ``watch --once``, clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest_http import (
    FIXTURES,
    FakeClock,
    LocalServer,
    Reply,
    gzip_bomb,
    make_settings,
    serve_locally,
    serve_site,
)
from typer.testing import CliRunner

from watchfloor.api import Watchfloor
from watchfloor.cli import app
from watchfloor.ingest.registry import SourceEntry
from watchfloor.ingest.watch import Poller

local_server = pytest.fixture(serve_locally, name="local_server")


REPO = Path(__file__).resolve().parents[1]


def feed(name: str, url: str, **extra: object) -> SourceEntry:
    return SourceEntry.from_dict({"name": name, "kind": "feed", "url": url, **extra})


def serve_hostile_sources(server: LocalServer) -> dict[str, tuple[str, str | None]]:
    """One source per failure mode, plus good ones: name -> (url, expected error code or None)."""
    serve_site(server, "/good", 4, seed=1)
    server.add(
        "/full.xml", (FIXTURES / "rss10.rdf").read_bytes(), content_type="application/rss+xml"
    )
    server.add(
        "/latin.xml",
        (FIXTURES / "wrong_charset.xml").read_bytes(),
        content_type="application/rss+xml; charset=iso-8859-1",
    )

    def flaky(request):  # noqa: ANN001, ANN202
        if request.number == 1:
            return Reply(status=503, headers={"Retry-After": "2"})
        return Reply(body=(FIXTURES / "rss091.xml").read_bytes(), content_type="text/xml")

    server.add("/flaky.xml", flaky)
    server.add("/html.xml", (FIXTURES / "not_a_feed.html").read_bytes())
    server.add(
        "/huge.xml", Reply(body=b"<rss>" + b" " * 3_000_000, content_type="application/rss+xml")
    )
    server.add("/loop-a", Reply(status=302, headers={"Location": "/loop-b"}))
    server.add("/loop-b", Reply(status=302, headers={"Location": "/loop-a"}))
    server.add("/limited.xml", Reply(status=429, headers={"Retry-After": "7200"}))
    server.add(
        "/bomb.xml", (FIXTURES / "entity_bomb.xml").read_bytes(), content_type="application/xml"
    )
    server.add("/gzip.xml", Reply(body=gzip_bomb(20_000_000), headers={"Content-Encoding": "gzip"},
                                  content_type="application/rss+xml"))  # fmt: skip
    return {
        "good": (server.url("/good/feed.xml"), None),
        "full-text": (server.url("/full.xml"), None),
        "wrong-charset": (server.url("/latin.xml"), None),
        "flaky": (server.url("/flaky.xml"), None),
        "not-a-feed": (server.url("/html.xml"), "W304"),
        "huge": (server.url("/huge.xml"), "W305"),
        "redirect-loop": (server.url("/loop-a"), "W301"),
        "rate-limited": (server.url("/limited.xml"), "W306"),
        "entity-bomb": (server.url("/bomb.xml"), "W305"),
        "gzip-bomb": (server.url("/gzip.xml"), "W305"),
        "missing": (server.url("/nowhere.xml"), "W301"),
    }


def test_watch_failing_sources_never_stop_the_others(
    local_server: LocalServer, tmp_path: Path
) -> None:
    sources = serve_hostile_sources(local_server)
    settings = make_settings(tmp_path, max_bytes=1_000_000)
    clock = FakeClock()
    with Watchfloor(settings.db, settings=settings) as wf:
        wf.add_sources(
            [
                feed(name, url, fetch_articles="never" if name != "good" else "auto")
                for name, (url, _) in sources.items()
            ]
        )
        poller = Poller(settings, clock=clock, workers=3)
        first = wf.poll(poller=poller, code=False)
        clock.advance(3600)
        second = wf.poll(poller=poller, code=False, force=True)
        states = wf.store.source_states()
        health = {row["name"]: row for row in wf.source_status()}
        articles = wf.store.articles()
        stats = wf.stats()
    by_name = {s.name: s for s in first.sources}
    for name, (_, code) in sources.items():
        assert (by_name[name].error_code if by_name[name].status == "failed" else None) == code, (
            by_name[name]
        )
        assert health[name]["health"] == ("failing" if code else "ok")
    assert by_name["good"].new == 4 and by_name["full-text"].new == 2
    assert by_name["flaky"].new == 2 and 2.0 in clock.sleeps  # waited out Retry-After: 2
    assert "Zürich" in next(a.text for a in articles if a.source == "wrong-charset")
    assert states["missing"].consecutive_failures == 2 and states["good"].consecutive_failures == 0
    assert "redirect loop" in (states["redirect-loop"].last_error or "")
    # the 429 asked for two hours: the source is not due again before then
    assert states["rate-limited"].next_due >= clock.now() - timedelta(seconds=3600) + timedelta(
        seconds=7200
    )
    assert second.stored == 0 and len(articles) == 4 + 2 + 1 + 2
    assert stats["duplicates"] == 0


def test_watch_once_cli_and_sources_status(local_server: LocalServer, tmp_path: Path) -> None:
    serve_site(local_server, "/site", 3, seed=2)
    env = {
        "WATCHFLOOR_DB": str(tmp_path / "w.duckdb"),
        "WATCHFLOOR_ALLOW_NETWORKS": "127.0.0.0/8",
        "WATCHFLOOR_CONFIG": str(tmp_path / "w.toml"),
    }
    Path(env["WATCHFLOOR_CONFIG"]).write_text(
        "[watchfloor]\nper_host_interval_s = 0\nretries = 0\n"
    )
    with Watchfloor(env["WATCHFLOOR_DB"]) as wf:
        wf.add_sources(
            [
                feed("site", local_server.url("/site/feed.xml")),
                feed("gone", local_server.url("/gone.xml")),
            ]
        )
    runner = CliRunner()
    result = runner.invoke(app, ["watch", "--once", "--no-code", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.splitlines()[0])
    assert report["stored"] == 3
    assert "gone" in result.stderr and "HTTP 404" in result.stderr
    status = {
        row["name"]: row
        for row in json.loads(runner.invoke(app, ["sources", "status", "--json"], env=env).stdout)
    }
    assert status["site"]["health"] == "ok" and status["site"]["items_stored"] == 3
    assert status["gone"]["health"] == "failing" and status["gone"]["consecutive_failures"] == 1
    assert status["gone"]["last_error_code"] == "W301"
    # not due yet: a second --once pass polls nothing
    again = runner.invoke(app, ["watch", "--once", "--no-code", "--json"], env=env)
    assert json.loads(again.stdout.splitlines()[0])["sources"] == []


def test_watch_releases_store_between_passes(local_server: LocalServer, tmp_path: Path) -> None:
    serve_site(local_server, "/r", 2, seed=3)
    settings = make_settings(tmp_path)
    stop = threading.Event()
    readers: list[subprocess.CompletedProcess[str]] = []

    def on_pass(report) -> None:  # noqa: ANN001
        # another process can open the DuckDB file while the watcher waits for the next pass
        readers.append(subprocess.run(
            [sys.executable, "-c", "import duckdb, sys; print(duckdb.connect(sys.argv[1]).execute("
             "'select count(*) from articles').fetchone()[0])", settings.db],
            capture_output=True, text=True, timeout=60,
        ))  # fmt: skip
        if len(readers) == 2:
            stop.set()

    with Watchfloor(settings.db, settings=settings) as wf:
        wf.add_sources([feed("r", local_server.url("/r/feed.xml"))])
        reports = wf.watch(code=False, stop=stop, on_pass=on_pass, max_idle_s=0.1)
        assert wf.stats()["articles"] == 2  # the store is open again after watch returns
    assert [r.stored for r in reports] == [2, 0]
    assert [r.stdout.strip() for r in readers] == ["2", "2"], [r.stderr for r in readers]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_watch_signal_stops_cleanly_and_resumes(
    local_server: LocalServer, tmp_path: Path, signum: int
) -> None:

    urls = serve_site(local_server, "/slow", 24, seed=4, delay_s=0.05)
    db = tmp_path / "s.duckdb"
    config = tmp_path / "s.toml"
    config.write_text("[watchfloor]\nper_host_interval_s = 0\nretries = 0\npoll_batch_size = 2\n")
    with Watchfloor(db) as wf:
        wf.add_sources([feed("slow", local_server.url("/slow/feed.xml"))])
    env = {**os.environ, "WATCHFLOOR_DB": str(db), "WATCHFLOOR_CONFIG": str(config),
           "WATCHFLOOR_ALLOW_NETWORKS": "127.0.0.0/8", "PYTHONPATH": str(REPO)}  # fmt: skip
    command = [sys.executable, "-m", "watchfloor.cli", "watch", "--no-code"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while sum(local_server.hits[u.split(str(local_server.port))[1]] for u in urls) < 8:
        assert time.monotonic() < deadline and process.poll() is None, (
            process.stderr.read() if process.stderr else ""
        )
        time.sleep(0.05)
    process.send_signal(signum)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "stopped" in err
    with Watchfloor(db) as wf:
        partial = wf.stats()["articles"]
        seen = len(wf.store.seen_items("slow"))
        assert (
            wf.store.source_states().get("slow") is None
            or wf.store.source_states()["slow"].etag is None
        )
    assert 0 < partial < 24 and seen == partial, (partial, seen, err)
    settings = make_settings(tmp_path, db=str(db))
    with Watchfloor(db, settings=settings) as wf:  # the next run stores the rest, once
        wf.poll(code=False)
        assert wf.stats()["articles"] == 24 and wf.stats()["duplicates"] == 0


def test_watch_pass_updates_stories_and_alerts(local_server: LocalServer, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from conftest_http import FeedEntry, rss

    published = datetime(2025, 10, 20, 9, tzinfo=UTC)
    body = (
        "Russian warplanes bombed rebel positions in northern Syria on Monday, killing 12 people.\n"
        "The United States condemned Russia over the strikes."
    )
    entries = [
        FeedEntry(guid=f"g{n}", title=f"Strikes in Syria {n}", link=f"http://example.org/{n}",
                  content=body + f"\nUpdate number {n} from the correspondents.",
                  published=published)
        for n in range(2)
    ]  # fmt: skip
    local_server.add("/political.xml", Reply(body=rss(entries), content_type="application/rss+xml"))
    settings = make_settings(tmp_path)
    with Watchfloor(settings.db, settings=settings) as wf:
        wf.add_sources(
            [feed("political", local_server.url("/political.xml"), fetch_articles="never")]
        )
        report = wf.poll(force=True)
        assert report.stored == 2 and report.events > 0
        assert isinstance(report.alerts, list)
        members = wf.store.query("SELECT count(*) AS n FROM story_members")["n"][0]
    assert members == 2  # every new article was placed in a story by the pass itself
