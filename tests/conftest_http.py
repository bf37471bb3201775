"""A real HTTP server on 127.0.0.1 for the ingestion tests, and helpers to build what it serves.

Not a conftest (the lead owns ``tests/conftest.py``): test modules import from it::

    from conftest_http import LocalServer, serve_locally

    local_server = pytest.fixture(serve_locally, name="local_server")

Pages and feeds are built here from invented sentences; no news text is copied into the tests.
"""

from __future__ import annotations

import gzip
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchfloor.settings import Settings, load_settings

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
RSS_SNAPSHOTS = SHARED / "corpora" / "rss_feed_snapshots"

Body = bytes | Iterable[bytes]


@dataclass
class Reply:
    """What a route answers. ``body`` may be an iterable of chunks (streamed, no length)."""

    body: Body = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    etag: str | None = None
    delay_s: float = 0.0


Route = Reply | Callable[["Request"], Reply]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    number: int  # how many times this path was requested, this one included


class LocalServer:
    """A threaded HTTP/1.0 server whose routes tests add and replace while it runs."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, route: Route | bytes | str, **reply: Any) -> str:
        """Serve ``route`` (a Reply, a function of the Request, or a body) at ``path``."""
        if isinstance(route, str):
            route = route.encode("utf-8")
        if isinstance(route, bytes):
            route = Reply(body=route, **reply)
        self.routes[path] = route
        return self.url(path)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits[path] += 1
            request = Request(
                path, {k.lower(): v for k, v in handler.headers.items()}, self.hits[path]
            )
            self.requests.append(request)
        route = self.routes.get(path)
        if route is None:
            reply = Reply(body=b"not found", status=404, content_type="text/plain")
        else:
            reply = route(request) if callable(route) else route
        if reply.delay_s:
            time.sleep(reply.delay_s)
        if reply.etag and request.headers.get("if-none-match") == reply.etag:
            handler.send_response(304)
            handler.send_header("ETag", reply.etag)
            handler.end_headers()
            return
        try:
            handler.send_response(reply.status)
            if reply.content_type:
                handler.send_header("Content-Type", reply.content_type)
            if reply.etag:
                handler.send_header("ETag", reply.etag)
            for key, value in reply.headers.items():
                handler.send_header(key, value)
            if isinstance(reply.body, bytes):
                if "Content-Length" not in reply.headers:
                    handler.send_header("Content-Length", str(len(reply.body)))
                handler.end_headers()
                handler.wfile.write(reply.body)
            else:
                handler.end_headers()
                for chunk in reply.body:
                    handler.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading: what several tests expect


def serve_locally() -> Iterator[LocalServer]:
    """A fresh server for one test.

    In a test module: ``local_server = pytest.fixture(serve_locally, name="local_server")``
    (an imported fixture would be flagged as an unused import by linters).
    """
    with LocalServer() as server:
        yield server


class FakeClock:
    """A clock whose sleeps return at once and are recorded."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
        self.ticks = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.ticks

    def now(self) -> datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.ticks += seconds
        self.current += timedelta(seconds=seconds)


def make_settings(tmp_path: Path | None = None, **overrides: Any) -> Settings:
    """Settings for tests: 127.0.0.0/8 allowed, no pacing, quick timeouts, a store in tmp_path."""
    values: dict[str, Any] = {
        "allow_networks": ("127.0.0.0/8",),
        "per_host_interval_s": 0.0,
        "retries": 2,
        "timeout_s": 5.0,
    }
    if tmp_path is not None:
        values["db"] = str(tmp_path / "watchfloor.duckdb")
    values.update(overrides)
    return load_settings(env={}, **values)


# --------------------------------------------------------------------------- invented content

_SUBJECTS = (
    "The harbour authority", "The coastal council", "A delegation of fishing cooperatives",
    "The provincial governor", "The ferry operator", "Inspectors from the maritime agency",
    "The assembly's budget committee", "Representatives of the island villages",
    "The minister for maritime affairs", "A group of dock workers", "The port's new director",
    "Marine biologists from the university", "The regional roads office", "Customs officers",
)  # fmt: skip
_ACTIONS = (
    "announced a review of", "published a report on", "asked for a debate about",
    "rejected the proposal on", "agreed to a timetable for", "raised concerns about",
    "opened an inquiry into", "promised more money for", "criticised the delays in",
    "postponed a decision on", "welcomed the agreement on", "called for a vote on",
)  # fmt: skip
_TOPICS = (
    "the northern harbour", "the spring fishing quotas", "the ferry subsidy", "dredging contracts",
    "the lighthouse radios", "the salt pan leases", "the bridge repairs", "storm warnings",
    "the island bus service", "the fish market hall", "the sluice gates", "pilot boat crews",
)  # fmt: skip
_PLACES = (
    "Port Aldmere", "Kestrel Island", "the Venn valley", "the southern lagoon", "Greyhaven",
    "the headland villages", "Lowmarsh", "the provincial capital", "Saltby", "North Quay",
)  # fmt: skip
_DAYS = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "at the weekend")
_ENDINGS = (
    "according to officials who attended the meeting",
    "and said that further talks would follow",
    "while residents waited for a written answer",
    "in a statement that was read to reporters",
    "after a session that lasted most of the day",
    "with the support of two opposition members",
)  # fmt: skip


def invented_text(seed: int, sentences: int = 6) -> str:
    """Paragraphs of invented but well-formed English news prose, different for every seed."""
    rng = random.Random(seed)
    lines = []
    for _ in range(sentences):
        lines.append(
            f"{rng.choice(_SUBJECTS)} {rng.choice(_ACTIONS)} {rng.choice(_TOPICS)} in "
            f"{rng.choice(_PLACES)} {rng.choice(_DAYS)}, {rng.choice(_ENDINGS)}; the item "
            f"number {seed} was filed {rng.randint(2, 59)} minutes later."
        )
    return "\n".join(lines)


def article_html(
    title: str,
    text: str,
    *,
    lang: str = "en",
    published: datetime | None = None,
    charset: str = "utf-8",
    extra_head: str = "",
) -> str:
    """An article page with navigation and footer around the story, as real sites have."""
    paragraphs = "\n".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    stamp = (
        f'<meta property="article:published_time" content="{published.isoformat()}">'
        if published
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="{charset}">'
        f"<title>{escape(title)}</title>{stamp}{extra_head}</head><body>"
        '<nav><a href="/">Home</a> <a href="/coast">Coast</a> <a href="/islands">Islands</a></nav>'
        f"<article><h1>{escape(title)}</h1>{paragraphs}</article>"
        "<footer><p>Invented pages for watchfloor tests.</p></footer></body></html>"
    )


@dataclass
class FeedEntry:
    guid: str
    title: str
    link: str
    description: str = ""
    content: str = ""
    published: datetime | None = None


def rss(
    entries: Iterable[FeedEntry], *, title: str = "Invented feed", language: str = "en"
) -> bytes:
    """An RSS 2.0 document, newest item first as real feeds list them."""
    items = []
    for e in entries:
        parts = [
            f"<title>{escape(e.title)}</title>",
            f"<link>{escape(e.link)}</link>",
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>',
        ]
        if e.published:
            parts.append(f"<pubDate>{format_datetime(e.published, usegmt=True)}</pubDate>")
        if e.description:
            parts.append(f"<description>{escape(e.description)}</description>")
        if e.content:
            paragraphs = "".join(f"<p>{escape(line)}</p>" for line in e.content.splitlines())
            parts.append(f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded>")
        items.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>http://feeds.invalid/</link>"
        f"<description>Invented.</description><language>{language}</language>"
        + "".join(reversed(items))
        + "</channel></rss>"
    ).encode("utf-8")


def gzip_bomb(decoded_bytes: int) -> bytes:
    """A gzip body that is small on the wire and ``decoded_bytes`` long once decompressed."""
    return gzip.compress(b"\0" * decoded_bytes, compresslevel=9)


def serve_site(
    server: LocalServer,
    prefix: str,
    count: int,
    *,
    seed: int = 0,
    delay_s: float = 0.0,
    teaser: bool = True,
) -> list[str]:
    """Serve a feed at ``{prefix}/feed.xml`` of ``count`` items with one page each.

    Returns the page URLs. With ``teaser`` the feed carries one line per item, so the poller
    must fetch each page; otherwise it carries the full text.
    """
    base = datetime(2024, 3, 1, tzinfo=UTC)
    entries = []
    urls = []
    for n in range(count):
        path = f"{prefix}/story/{n}"
        text = invented_text(seed * 100_000 + n)
        title = f"Invented story {seed}-{n}"
        published = base + timedelta(hours=n)
        server.add(path, article_html(title, text, published=published), delay_s=delay_s)
        urls.append(server.url(path))
        entries.append(
            FeedEntry(
                guid=f"{prefix}-{n}",
                title=title,
                link=server.url(path),
                description=text.splitlines()[0] if teaser else "",
                content="" if teaser else text,
                published=published,
            )
        )
    server.add(f"{prefix}/feed.xml", rss(entries), content_type="application/rss+xml")
    return urls
