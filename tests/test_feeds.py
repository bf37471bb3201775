"""RSS and Atom feeds: parsing, safety, encodings, edits, near-duplicates, language."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest_http import (
    FIXTURES,
    RSS_SNAPSHOTS,
    FakeClock,
    FeedEntry,
    LocalServer,
    article_html,
    invented_text,
    make_settings,
    rss,
    serve_locally,
)

from watchfloor.api import Watchfloor
from watchfloor.errors import FeedError, RefusedContentError
from watchfloor.ingest.feeds import html_to_text, parse_feed
from watchfloor.ingest.registry import SourceEntry
from watchfloor.ingest.watch import Poller
from watchfloor.records import Event

local_server = pytest.fixture(serve_locally, name="local_server")


def open_wf(tmp_path: Path, **overrides: object) -> Watchfloor:
    settings = make_settings(tmp_path, **overrides)
    return Watchfloor(settings.db, settings=settings)


def feed_source(name: str, url: str, **extra: object) -> SourceEntry:
    return SourceEntry.from_dict({"name": name, "kind": "feed", "url": url, **extra})


# --------------------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("fixture", "version", "count", "first_title", "language"),
    [
        ("rss20.xml", "rss20", 3, "Harbour talks resume in Port Aldmere", "en"),
        ("rss10.rdf", "rss10", 2, "Ministry announces new quota review", None),
        ("rss091.xml", "rss091n", 2, "Bridge over the Venn river reopens", "en"),
        ("atom.xml", "atom10", 2, "Assembly passes coastal budget", "en"),
    ],
)
def test_feeds_parse_formats(
    fixture: str, version: str, count: int, first_title: str, language: str | None
) -> None:
    feed = parse_feed((FIXTURES / fixture).read_bytes(), url="http://gazette.invalid/feed")
    assert feed.format == version
    assert len(feed.items) == count
    assert feed.items[0].title == first_title
    assert feed.language == language
    assert feed.warning is None
    assert all(item.key and item.fingerprint and item.text for item in feed.items)


def test_feeds_parse_resolves_relative_links_and_dates() -> None:
    feed = parse_feed(
        (FIXTURES / "rss20.xml").read_bytes(), url="http://gazette.invalid/feeds/coast.xml"
    )
    first = feed.items[0]
    assert first.link == "http://gazette.invalid/articles/harbour-talks"
    assert first.published == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert first.author == "Ines Varga"
    assert "never run" not in feed.items[1].content  # the item's <script> is dropped


def test_feeds_entity_bomb_refused_before_parsing() -> None:
    started = time.perf_counter()
    with pytest.raises(RefusedContentError, match="internal subset"):
        parse_feed((FIXTURES / "entity_bomb.xml").read_bytes(), url="http://bomb.invalid/feed")
    assert time.perf_counter() - started < 1.0


def test_feeds_not_a_feed_is_feed_error() -> None:
    with pytest.raises(FeedError, match="not an RSS or Atom feed") as caught:
        parse_feed((FIXTURES / "not_a_feed.html").read_bytes(), url="http://x.invalid/feed")
    assert caught.value.code == "W304"


def test_feeds_malformed_feed_read_leniently_with_warning() -> None:
    feed = parse_feed((FIXTURES / "malformed.xml").read_bytes(), url="http://bulletin.invalid/feed")
    assert feed.warning is not None and "malformed" in feed.warning
    assert [item.title for item in feed.items][:1] == ["Salt & pepper harvest report"]


def test_feeds_wrong_declared_charset_has_no_mojibake() -> None:
    feed = parse_feed((FIXTURES / "wrong_charset.xml").read_bytes(), charset="iso-8859-1")
    item = feed.items[0]
    assert item.title == "Zürich delegation visits Montréal — trade talks"
    assert "café imports, naïve tariff tables" in item.summary
    assert "Ã" not in item.summary + (feed.title or "")


def test_feeds_parse_never_opens_local_paths(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss([FeedEntry("s", "Leaked title", "http://x.invalid/s", "leaked body")]))
    with pytest.raises(FeedError):
        parse_feed(str(secret).encode())  # feedparser would open a bare path; we hand it a stream


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\nTwo."),
        ("Plain &amp; simple", "Plain & simple"),
        ("Line<br>break", "Line\nbreak"),
        ("<div>Kept<script>var x = 1;</script> tail</div>", "Kept tail"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("", ""),
    ],
)
def test_feeds_html_to_text(fragment: str, text: str) -> None:
    assert html_to_text(fragment) == text


# --------------------------------------------------------------------------- polling


def test_feeds_rss_items_fetch_teaser_pages_only(local_server: LocalServer, tmp_path: Path) -> None:
    local_server.add(
        "/coast.xml", (FIXTURES / "rss20.xml").read_bytes(), content_type="application/rss+xml"
    )
    page_text = invented_text(1)
    local_server.add("/articles/harbour-talks", article_html("Harbour talks resume", page_text))
    with open_wf(tmp_path) as wf:
        wf.add_sources([feed_source("Gazette", local_server.url("/coast.xml"), language="en")])
        report = wf.poll(force=True, code=False)
        articles = {a.title: a for a in wf.store.articles()}
    assert report.sources[0].status == "ok", report.sources[0]
    assert report.stored == 3
    assert local_server.hits["/articles/harbour-talks"] == 1  # the teaser item's page
    assert local_server.hits["/articles/dredging-audit"] == 0  # full text in the feed
    talks = articles["Harbour talks resume in Port Aldmere"]
    assert talks.text == page_text
    assert talks.url == local_server.url("/articles/harbour-talks")
    assert talks.published_at == datetime(2024, 3, 5, 9, 30, tzinfo=UTC)
    assert talks.language == "en" and talks.source == "Gazette"
    assert (
        "silt that was never measured" in articles["Coastal council publishes dredging audit"].text
    )


def test_feeds_edited_items_update_and_unchanged_are_skipped(
    local_server: LocalServer, tmp_path: Path
) -> None:
    stories = [invented_text(10 + n) for n in range(4)]

    def serve(texts: list[str]) -> None:
        entries = [
            FeedEntry(f"g{n}", f"Story {n}", local_server.url(f"/s/{n}"), content=text)
            for n, text in enumerate(texts)
        ]
        local_server.add("/feed.xml", rss(entries), content_type="application/rss+xml")

    serve(stories[:3])
    with open_wf(tmp_path) as wf:
        wf.add_sources([feed_source("Edits", local_server.url("/feed.xml"))])
        first = wf.poll(force=True, code=False)
        stored = {a.title: a.id for a in wf.store.articles()}
        # pretend the coder has coded everything
        wf.store.replace_events(
            [(article_id, list[Event]()) for article_id in stored.values()], "c@1"
        )
        edited = stories[1] + "\nA correction was appended to this invented story."
        serve([stories[0], edited, stories[2], stories[3]])
        second = wf.poll(force=True, code=False)
        third = wf.poll(force=True, code=False)
        articles = {a.title: a for a in wf.store.articles()}
        uncoded = [a.id for batch in wf.store.uncoded_articles("c@1") for a in batch]
        stats = wf.stats()
    assert (first.stored, first.updated) == (3, 0)
    assert (second.stored, second.updated, second.sources[0].unchanged) == (1, 1, 2)
    assert (third.stored, third.updated, third.sources[0].unchanged) == (0, 0, 4)
    assert articles["Story 1"].text == edited
    assert articles["Story 1"].id == stored["Story 1"]
    assert sorted(uncoded) == sorted([stored["Story 1"], articles["Story 3"].id])  # edit recoded
    assert stats["articles"] == 4 and stats["duplicates"] == 0


def test_feeds_near_duplicate_across_sources_is_linked(
    local_server: LocalServer, tmp_path: Path
) -> None:
    wire = invented_text(500, sentences=10)
    copy = (
        "By our correspondent.\n"
        + "\n".join(wire.splitlines()[:-1])
        + "\nThis copy was edited for length."
    )
    unrelated = invented_text(501, sentences=10)
    local_server.add(
        "/wire.xml", rss([FeedEntry("w1", "Wire story", local_server.url("/w/1"), content=wire)])
    )
    local_server.add(
        "/paper.xml",
        rss(
            [
                FeedEntry("p1", "Paper story", local_server.url("/p/1"), content=copy),
                FeedEntry("p2", "Own story", local_server.url("/p/2"), content=unrelated),
            ]
        ),
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources([feed_source("Wire", local_server.url("/wire.xml"))])
        wf.poll(force=True, code=False)
        wf.add_sources([feed_source("Paper", local_server.url("/paper.xml"))])
        report = wf.poll(names=["Paper"], force=True, code=False)
        articles = {a.title: a for a in wf.store.articles()}
        stats = wf.stats()
    assert articles["Paper story"].duplicate_of == articles["Wire story"].id
    assert articles["Own story"].duplicate_of is None
    assert articles["Wire story"].duplicate_of is None
    assert report.near_duplicates == 1
    assert stats["near_duplicates"] == 1
    assert stats["by_source"]["Paper"]["near_duplicates"] == 1
    assert stats["by_source"]["Wire"]["near_duplicates"] == 0


def test_feeds_near_duplicate_index_survives_restart(
    local_server: LocalServer, tmp_path: Path
) -> None:
    wire = invented_text(600, sentences=10)
    local_server.add(
        "/a.xml", rss([FeedEntry("a", "Original", local_server.url("/a/1"), content=wire)])
    )
    local_server.add(
        "/b.xml",
        rss([FeedEntry("b", "Copy", local_server.url("/b/1"), content=wire + "\nExtra line.")]),
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [
                feed_source("A", local_server.url("/a.xml")),
                feed_source("B", local_server.url("/b.xml")),
            ]
        )
        wf.poll(names=["A"], force=True, code=False)
    with open_wf(tmp_path) as wf:  # a new process would start with an empty index
        wf.poll(names=["B"], force=True, code=False)
        articles = {a.title: a for a in wf.store.articles()}
    assert articles["Copy"].duplicate_of == articles["Original"].id


def test_feeds_non_english_items_are_kept_and_not_coded(
    local_server: LocalServer, tmp_path: Path
) -> None:
    french = (
        "Le conseil de la côte a publié mardi un rapport sur les travaux du port, et les pêcheurs "
        "ont demandé que la liste des entreprises soit rendue publique avant la prochaine séance. "
        "Le ministre a déclaré que les travaux reprendraient au printemps pour la plupart "
        "des quais."
    )
    local_server.add(
        "/mixed.xml",
        rss(
            [
                FeedEntry("fr", "Rapport sur le port", local_server.url("/fr"), content=french),
                FeedEntry("en", "Port report", local_server.url("/en"), content=invented_text(7)),
            ]
        ),
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [feed_source("Mixed", local_server.url("/mixed.xml"), fetch_articles="never")]
        )
        wf.poll(force=True, code=False)
        languages = {a.title: a.language for a in wf.store.articles()}
        uncoded = [a.title for batch in wf.store.uncoded_articles("c@1") for a in batch]
    assert languages == {"Rapport sur le port": "fr", "Port report": "en"}
    assert uncoded == ["Port report"]


def test_feeds_transient_page_failure_is_retried_next_poll(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.add(
        "/t.xml", rss([FeedEntry("t1", "Teaser", local_server.url("/page"), description="Short.")])
    )
    outcomes = iter([503, 503, 503, 200])

    def page(request):  # noqa: ANN001, ANN202
        from conftest_http import Reply

        status = next(outcomes, 200)
        if status == 503:
            return Reply(status=503, body=b"busy")
        return Reply(body=article_html("Teaser", invented_text(3)).encode())

    local_server.add("/page", page)
    with open_wf(tmp_path, retries=2) as wf:
        poller = Poller(wf.settings, clock=FakeClock())  # backoff sleeps return at once
        wf.add_sources([feed_source("T", local_server.url("/t.xml"))])
        first = wf.poll(force=True, code=False, poller=poller)
        state_after_first = wf.store.source_states()["T"]
        second = wf.poll(force=True, code=False, poller=poller)
        state_after_second = wf.store.source_states()["T"]
    assert (first.stored, first.sources[0].retry_later) == (0, 1)
    assert poller.clock.sleeps == [1.0, 2.0]  # type: ignore[attr-defined]
    assert state_after_first.etag is None and "1 item(s) failed" in (
        state_after_first.last_error or ""
    )
    assert second.stored == 1
    assert state_after_second.consecutive_failures == 0


def test_feeds_real_snapshots_store_every_item_once(
    local_server: LocalServer, tmp_path: Path
) -> None:

    if not RSS_SNAPSHOTS.is_dir():
        pytest.skip("../shared/corpora/rss_feed_snapshots is absent (shared corpora not mounted)")
    files = sorted(RSS_SNAPSHOTS.glob("*.xml"))
    expected: dict[str, int] = {}
    with open_wf(tmp_path) as wf:
        entries = []
        for path in files:
            local_server.add(f"/{path.name}", path.read_bytes(), content_type="application/rss+xml")
            root = ET.fromstring(path.read_bytes().strip())
            expected[path.stem] = len(
                {
                    (i.findtext("guid") or i.findtext("link") or "").strip()
                    for i in root.iter("item")
                }
            )
            entries.append(
                feed_source(path.stem, local_server.url(f"/{path.name}"), fetch_articles="never")
            )
        wf.add_sources(entries)
        report = wf.poll(force=True, code=False)
        again = wf.poll(force=True, code=False)
        seen = {path.stem: len(wf.store.seen_items(path.stem)) for path in files}
        articles = wf.store.articles()
    assert all(s.status == "ok" for s in report.sources), [s.error for s in report.sources]
    assert seen == expected
    assert again.stored == 0 and again.updated == 0
    assert len(articles) > 0.8 * sum(expected.values())
    assert not any("<img" in a.text or "<p>" in a.text for a in articles)
