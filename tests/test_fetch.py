"""Fetching against a real server on 127.0.0.1: policy, safety, limits, encodings."""

from __future__ import annotations

import gzip
import zlib
from datetime import timedelta

import pytest
from conftest_http import (
    FakeClock,
    LocalServer,
    Reply,
    gzip_bomb,
    make_settings,
    serve_locally,
)

from watchfloor.errors import FetchError, RefusedContentError, RetryLaterError, UnsafeURLError
from watchfloor.ingest.fetch import (
    AddressGuard,
    Fetcher,
    FetchPolicy,
    HostPacer,
    HTTPStatusError,
    decode_body,
    is_transient,
    parse_retry_after,
    refuse_xml_entities,
)

local_server = pytest.fixture(serve_locally, name="local_server")


def make_fetcher(clock: FakeClock | None = None, **overrides: object) -> Fetcher:
    return Fetcher.from_settings(make_settings(**overrides), clock=clock or FakeClock())


# --------------------------------------------------------------------------- politeness


def test_fetch_sends_user_agent_and_follows_redirect(local_server: LocalServer) -> None:
    local_server.add("/old", Reply(status=301, headers={"Location": "/new"}))
    local_server.add("/new", "<html><body>moved here</body></html>")
    with make_fetcher() as fetcher:
        result = fetcher.fetch(local_server.url("/old"))
    assert result.final_url == local_server.url("/new")
    assert result.redirects == (local_server.url("/old"),)
    assert b"moved here" in result.content
    agents = {r.headers["user-agent"] for r in local_server.requests}
    assert agents == {make_settings().user_agent}


def test_fetch_conditional_get_returns_not_modified(local_server: LocalServer) -> None:
    local_server.add(
        "/feed", "<rss/>", etag='"v1"', headers={"Last-Modified": "Sun, 10 Mar 2024 10:00:00 GMT"}
    )
    with make_fetcher() as fetcher:
        first = fetcher.fetch(local_server.url("/feed"))
        second = fetcher.fetch(
            local_server.url("/feed"), etag=first.etag, last_modified=first.last_modified
        )
    assert (first.etag, first.not_modified) == ('"v1"', False)
    assert second.not_modified and second.content == b""
    assert local_server.requests[1].headers["if-none-match"] == '"v1"'
    assert local_server.requests[1].headers["if-modified-since"] == "Sun, 10 Mar 2024 10:00:00 GMT"


@pytest.mark.parametrize(
    ("routes", "start", "message"),
    [
        ({"/a": "/b", "/b": "/a"}, "/a", "redirect loop"),
        ({"/a": "/a"}, "/a", "redirect loop"),
        ({f"/r{i}": f"/r{i + 1}" for i in range(10)}, "/r0", "more than 5 redirects"),
    ],
    ids=["two-hop-loop", "self-loop", "too-many"],
)
def test_fetch_redirect_limits(
    local_server: LocalServer, routes: dict[str, str], start: str, message: str
) -> None:
    for path, target in routes.items():
        local_server.add(path, Reply(status=302, headers={"Location": target}))
    with make_fetcher() as fetcher, pytest.raises(FetchError, match=message):
        fetcher.fetch(local_server.url(start))
    assert len(local_server.requests) <= 6


def test_fetch_retries_503_honouring_retry_after(local_server: LocalServer) -> None:
    def flaky(request):  # noqa: ANN001, ANN202
        if request.number <= 2:
            return Reply(status=503, headers={"Retry-After": "7"}, body=b"busy")
        return Reply(body=b"<html>ok</html>")

    local_server.add("/busy", flaky)
    clock = FakeClock()
    with make_fetcher(clock) as fetcher:
        result = fetcher.fetch(local_server.url("/busy"))
    assert result.content == b"<html>ok</html>"
    assert clock.sleeps == [7.0, 7.0]


def test_fetch_backs_off_exponentially_without_retry_after(local_server: LocalServer) -> None:
    local_server.add("/down", Reply(status=502, body=b"bad gateway"))
    clock = FakeClock()
    with (
        make_fetcher(clock, retries=3) as fetcher,
        pytest.raises(FetchError, match="gave up after 4"),
    ):
        fetcher.fetch(local_server.url("/down"))
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert local_server.hits["/down"] == 4


def test_fetch_429_with_long_retry_after_is_retry_later(local_server: LocalServer) -> None:
    local_server.add("/limited", Reply(status=429, headers={"Retry-After": "3600"}))
    clock = FakeClock()
    with make_fetcher(clock) as fetcher, pytest.raises(RetryLaterError) as caught:
        fetcher.fetch(local_server.url("/limited"))
    assert caught.value.retry_after_s == 3600
    assert caught.value.code == "W306"
    assert clock.sleeps == []  # never waits longer than max_retry_wait_s inside a fetch
    assert local_server.hits["/limited"] == 1


def test_fetch_retry_after_http_date() -> None:
    clock = FakeClock()
    later = clock.now() + timedelta(seconds=90)
    header = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert parse_retry_after(header, clock.now()) == 90
    assert parse_retry_after("soon", clock.now()) is None


def test_fetch_404_is_permanent_error(local_server: LocalServer) -> None:
    with make_fetcher() as fetcher, pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(local_server.url("/missing"))
    assert caught.value.status == 404 and not is_transient(caught.value)
    assert local_server.hits["/missing"] == 1


def test_fetch_timeout_is_fetch_error(local_server: LocalServer) -> None:
    local_server.add("/slow", Reply(body=b"late", delay_s=1.5))
    with (
        make_fetcher(timeout_s=0.3, retries=0) as fetcher,
        pytest.raises(FetchError, match="timed out"),
    ):
        fetcher.fetch(local_server.url("/slow"))


def test_fetch_pacing_spaces_requests_per_host() -> None:
    clock = FakeClock()
    pacer = HostPacer(2.0, clock)
    waits = [pacer.wait("a.example"), pacer.wait("a.example"), pacer.wait("b.example")]
    assert waits == [0.0, 2.0, 0.0]
    clock.advance(5)
    assert pacer.wait("a.example") == 0.0


def test_fetch_pacing_applies_to_real_requests(local_server: LocalServer) -> None:
    local_server.add("/p", "<html>p</html>")
    clock = FakeClock()
    with make_fetcher(clock, per_host_interval_s=3.0) as fetcher:
        for _ in range(3):
            fetcher.fetch(local_server.url("/p"))
    assert clock.sleeps == [3.0, 3.0]


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "::1",
     "fe80::1", "fc00::5", "0.0.0.0", "::ffff:127.0.0.1", "100.64.0.1", "224.0.0.1"],
)  # fmt: skip
def test_fetch_guard_refuses_non_global_addresses(address: str) -> None:
    guard = AddressGuard((), resolver=lambda host, port: [address])
    with pytest.raises(UnsafeURLError, match="private, loopback or link-local"):
        guard.check_url("http://news.example/feed")


def test_fetch_guard_checks_every_address() -> None:
    guard = AddressGuard((), resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with pytest.raises(UnsafeURLError, match="10.0.0.7"):
        guard.check_url("https://mixed.example/")
    assert (
        AddressGuard((), resolver=lambda h, p: ["93.184.216.34"]).check_url("https://ok.example/")
        is None
    )


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/", "http://user:pw@example.org/"],
)
def test_fetch_guard_refuses_other_schemes_and_credentials(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        AddressGuard(()).check_url(url)


def test_fetch_refuses_loopback_by_default(local_server: LocalServer) -> None:
    local_server.add("/x", "<html>x</html>")
    with (
        Fetcher(FetchPolicy(user_agent="t"), clock=FakeClock()) as fetcher,
        pytest.raises(UnsafeURLError),
    ):
        fetcher.fetch(local_server.url("/x"))
    assert local_server.hits["/x"] == 0


def test_fetch_refuses_redirect_to_disallowed_address(local_server: LocalServer) -> None:
    local_server.add("/out", Reply(status=302, headers={"Location": "http://10.0.0.1/internal"}))
    local_server.add(
        "/loop2", Reply(status=302, headers={"Location": f"http://127.0.0.2:{local_server.port}/x"})
    )
    with make_fetcher(allow_networks=("127.0.0.1/32",)) as fetcher:
        with pytest.raises(UnsafeURLError, match="10.0.0.1"):
            fetcher.fetch(local_server.url("/out"))
        with pytest.raises(UnsafeURLError, match="127.0.0.2"):
            fetcher.fetch(local_server.url("/loop2"))


def test_fetch_connect_time_check_uses_resolved_name(local_server: LocalServer) -> None:
    # a host name is checked where the socket connects: resolved by our resolver, then pinned
    local_server.add("/named", "<html>named</html>")
    names = {"feeds.test": ["127.0.0.1"]}
    settings = make_settings()
    with Fetcher.from_settings(
        settings, clock=FakeClock(), resolver=lambda h, p: names[h]
    ) as fetcher:
        result = fetcher.fetch(f"http://feeds.test:{local_server.port}/named")
        assert result.content == b"<html>named</html>"
        names["feeds.test"] = ["10.9.9.9"]
        with pytest.raises(UnsafeURLError):
            fetcher.fetch(f"http://feeds.test:{local_server.port}/named")


# --------------------------------------------------------------------------- limits


def test_fetch_refuses_declared_huge_response(local_server: LocalServer) -> None:
    local_server.add("/big", Reply(body=b"x" * 2_000_000))
    with (
        make_fetcher(max_bytes=1_000_000) as fetcher,
        pytest.raises(RefusedContentError, match="2,000,000 bytes"),
    ):
        fetcher.fetch(local_server.url("/big"))


def test_fetch_stops_streaming_past_max_bytes(local_server: LocalServer) -> None:
    served: list[int] = []

    def endless():  # noqa: ANN202 - no Content-Length: the client must count
        for n in range(10_000):
            served.append(n)
            yield b"y" * 65536

    local_server.add("/endless", lambda request: Reply(body=endless()))
    with (
        make_fetcher(max_bytes=500_000) as fetcher,
        pytest.raises(RefusedContentError, match="larger than 500,000"),
    ):
        fetcher.fetch(local_server.url("/endless"))
    assert len(served) < 100  # stopped long before the 650 MB the server would send


def test_fetch_refuses_gzip_bomb(local_server: LocalServer) -> None:
    bomb = gzip_bomb(20_000_000)
    assert len(bomb) < 40_000
    local_server.add("/bomb", Reply(body=bomb, headers={"Content-Encoding": "gzip"}))
    with (
        make_fetcher(max_bytes=1_000_000) as fetcher,
        pytest.raises(RefusedContentError, match="decompression bomb"),
    ):
        fetcher.fetch(local_server.url("/bomb"))


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", lambda b: gzip.compress(b)),
        ("deflate", lambda b: zlib.compress(b)),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send it
    ],
    ids=["gzip", "zlib-deflate", "raw-deflate"],
)
def test_fetch_decodes_content_encoding(local_server: LocalServer, encoding: str, encode) -> None:  # noqa: ANN001
    body = ("<html><body>" + "compressed text " * 500 + "</body></html>").encode()
    local_server.add("/z", Reply(body=encode(body), headers={"Content-Encoding": encoding}))
    with make_fetcher() as fetcher:
        assert fetcher.fetch(local_server.url("/z")).content == body


def test_fetch_refuses_unknown_content_encoding(local_server: LocalServer) -> None:
    local_server.add("/br", Reply(body=b"....", headers={"Content-Encoding": "br"}))
    with make_fetcher() as fetcher, pytest.raises(RefusedContentError, match="Content-Encoding"):
        fetcher.fetch(local_server.url("/br"))


@pytest.mark.parametrize(
    "content_type", ["image/png", "application/pdf", "application/octet-stream", "video/mp4"]
)
def test_fetch_refuses_content_types(local_server: LocalServer, content_type: str) -> None:
    local_server.add("/file", Reply(body=b"\x89PNG....", content_type=content_type))
    with make_fetcher() as fetcher, pytest.raises(RefusedContentError, match="content type"):
        fetcher.fetch(local_server.url("/file"))


@pytest.mark.parametrize(
    "content_type",
    [
        "application/rss+xml",
        "application/atom+xml; charset=utf-8",
        "text/xml",
        "application/xml",
        "text/html",
        None,
    ],
)
def test_fetch_accepts_feed_and_page_types(
    local_server: LocalServer, content_type: str | None
) -> None:
    local_server.add("/ok", Reply(body=b"<rss/>", content_type=content_type))
    with make_fetcher() as fetcher:
        assert fetcher.fetch(local_server.url("/ok")).content == b"<rss/>"


# --------------------------------------------------------------------------- encodings

CAFE = "Zürich café — Montréal"


@pytest.mark.parametrize(
    ("data", "header", "expected"),
    [
        (CAFE.encode("utf-8"), None, CAFE),
        (CAFE.encode("utf-8"), "iso-8859-1", CAFE),  # wrong header: bytes are UTF-8
        (CAFE.encode("cp1252"), "utf-8", CAFE),  # wrong header the other way round
        (CAFE.encode("cp1252"), "iso-8859-1", CAFE),  # latin-1 label read as windows-1252
        (b'<?xml version="1.0" encoding="windows-1252"?><t>' + CAFE.encode("cp1252") + b"</t>",
         None,
         '<?xml version="1.0" encoding="windows-1252"?><t>' + CAFE + "</t>"),
        (b'<meta charset="koi8-r"><p>' + "Москва".encode("koi8_r") + b"</p>", None,
         '<meta charset="koi8-r"><p>Москва</p>'),
        ("Москва".encode("cp1251"), "windows-1251", "Москва"),
        (("\ufeff" + CAFE).encode("utf-16-le"), None, CAFE),
        (b"\xef\xbb\xbf" + CAFE.encode("utf-8"), "iso-8859-1", CAFE),
        (b"plain ascii", "no-such-charset", "plain ascii"),
    ],
    ids=["utf8", "utf8-declared-latin1", "cp1252-declared-utf8", "latin1-label", "xml-declaration",
         "meta-charset", "cp1251-header", "utf16-bom", "utf8-bom", "unknown-label"],
)  # fmt: skip
def test_fetch_decode_body_without_mojibake(data: bytes, header: str | None, expected: str) -> None:
    assert decode_body(data, header) == expected


def test_fetch_result_text_uses_header_charset(local_server: LocalServer) -> None:
    local_server.add(
        "/ru",
        Reply(
            body="<p>Новости дня</p>".encode("cp1251"),
            content_type="text/html; charset=windows-1251",
        ),
    )
    with make_fetcher() as fetcher:
        assert fetcher.fetch(local_server.url("/ru")).text() == "<p>Новости дня</p>"


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "x">]><r>&a;</r>', True),
        ('<!-- <a href="x"> --><!DOCTYPE r [<!ENTITY a SYSTEM "file:///etc/passwd">]><r/>', True),
        (
            '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://x/rss.dtd"><rss/>',
            False,
        ),
        (
            "<!DOCTYPE html><html><body><p>Writing &lt;!ENTITY x&gt; is how XML declares one."
            "</p></body></html>",
            False,
        ),
        (
            "<rss><channel><item><description><![CDATA[ <!ENTITY is text here ]]>"
            "</description></item></channel></rss>",
            False,
        ),
    ],
    ids=[
        "billion-laughs",
        "hidden-behind-comment",
        "rss091-external",
        "escaped-in-text",
        "in-cdata",
    ],
)
def test_fetch_refuse_xml_entities(text: str, refused: bool) -> None:
    if refused:
        with pytest.raises(RefusedContentError, match="internal subset"):
            refuse_xml_entities(text, "doc")
    else:
        refuse_xml_entities(text, "doc")
