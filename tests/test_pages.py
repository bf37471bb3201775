"""Single pages and press-release index pages, ``watchfloor extract`` and ``ingest URL``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest_http import (
    FIXTURES,
    LocalServer,
    Reply,
    article_html,
    invented_text,
    make_settings,
    serve_locally,
)
from typer.testing import CliRunner

from watchfloor.api import Watchfloor
from watchfloor.cli import app
from watchfloor.ingest.fetch import FetchResult
from watchfloor.ingest.pages import find_links, sniff_format
from watchfloor.ingest.registry import SourceEntry

local_server = pytest.fixture(serve_locally, name="local_server")


def open_wf(tmp_path: Path) -> Watchfloor:
    settings = make_settings(tmp_path)
    return Watchfloor(settings.db, settings=settings)


def cli_env(tmp_path: Path) -> dict[str, str]:
    config = tmp_path / "watchfloor.toml"
    config.write_text("[watchfloor]\nper_host_interval_s = 0\nretries = 1\n", encoding="utf-8")
    return {
        "WATCHFLOOR_CONFIG": str(config),
        "WATCHFLOOR_ALLOW_NETWORKS": "127.0.0.0/8",
        "WATCHFLOOR_DB": str(tmp_path / "cli.duckdb"),
    }


# --------------------------------------------------------------------------- single pages


def test_pages_page_source_conditional_get_and_edit(
    local_server: LocalServer, tmp_path: Path
) -> None:
    text = invented_text(21)
    version = {"etag": '"p1"', "text": text}
    local_server.add(
        "/statement",
        lambda request: Reply(
            body=article_html(
                "Statement on the harbour",
                version["text"],
                extra_head='<meta name="author" content="Press Office">',
            ).encode(),
            etag=version["etag"],
        ),
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [
                SourceEntry.from_dict(
                    {"name": "Ministry", "kind": "page", "url": local_server.url("/statement")}
                )
            ]
        )
        first = wf.poll(force=True, code=False)
        second = wf.poll(force=True, code=False)
        version.update(etag='"p2"', text=text + "\nThe statement was updated with a new paragraph.")
        third = wf.poll(force=True, code=False)
        articles = wf.store.articles()
    assert (first.stored, second.sources[0].status, third.updated) == (1, "not_modified", 1)
    assert len(articles) == 1
    assert articles[0].title == "Statement on the harbour"
    assert articles[0].author == "Press Office"
    assert articles[0].text.endswith("updated with a new paragraph.")
    assert local_server.requests[1].headers.get("if-none-match") == '"p1"'


def test_pages_scripts_never_reach_text(local_server: LocalServer, tmp_path: Path) -> None:
    html = article_html("Quiet page", invented_text(22)).replace(
        "</article>",
        "<script>document.body.innerHTML = 'INJECTED'</script>"
        "<noscript>NOSCRIPT</noscript></article>",
    )
    local_server.add("/quiet", html)
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [
                SourceEntry.from_dict(
                    {"name": "Q", "kind": "page", "url": local_server.url("/quiet")}
                )
            ]
        )
        wf.poll(force=True, code=False)
        (article,) = wf.store.articles()
    assert "INJECTED" not in article.text and "NOSCRIPT" not in article.text


def test_pages_wrong_header_charset_decoded(local_server: LocalServer, tmp_path: Path) -> None:
    text = (
        "Le maire de Saint-Étienne a présenté le budget du port aux élus réunis à l'hôtel "
        "de ville. " * 3
    )
    local_server.add(
        "/fr",
        Reply(
            body=article_html("Budget présenté", text, lang="fr", charset="windows-1252").encode(
                "cp1252"
            ),
            content_type="text/html; charset=utf-8",
        ),
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [SourceEntry.from_dict({"name": "FR", "kind": "page", "url": local_server.url("/fr")})]
        )
        wf.poll(force=True, code=False)
        (article,) = wf.store.articles()
    assert "Saint-Étienne a présenté" in article.text
    assert article.title == "Budget présenté" and article.language == "fr"


# --------------------------------------------------------------------------- index pages


def serve_index(server: LocalServer, numbers: list[int]) -> None:
    links = "".join(
        f'<li><a href="/press/2024/{n}">Release {n}</a></li>' for n in reversed(numbers)
    )
    server.add(
        "/press/",
        '<html><body><nav><a href="/about">About</a><a href="/press/">Press</a></nav>'
        f"<ul>{links}</ul>"
        '<a href="https://elsewhere.invalid/press/2024/9">offsite</a></body></html>',
    )
    for n in numbers:
        server.add(f"/press/2024/{n}", article_html(f"Release {n}", invented_text(300 + n)))


def test_pages_index_follows_new_matching_links_once(
    local_server: LocalServer, tmp_path: Path
) -> None:
    serve_index(local_server, [1, 2, 3])
    entry = SourceEntry.from_dict(
        {
            "name": "Ministry",
            "kind": "ministry",
            "fetch": "index",
            "url": local_server.url("/press/"),
            "follow": r"127\.0\.0\.1:\d+/press/\d{4}/\d+$",
        }
    )
    with open_wf(tmp_path) as wf:
        wf.add_sources([entry])
        first = wf.poll(force=True, code=False)
        serve_index(local_server, [1, 2, 3, 4])
        second = wf.poll(force=True, code=False)
        titles = [a.title for a in wf.store.articles()]
    assert first.stored == 3 and second.stored == 1
    assert sorted(titles) == ["Release 1", "Release 2", "Release 3", "Release 4"]
    assert [local_server.hits[f"/press/2024/{n}"] for n in (1, 2, 3, 4)] == [1, 1, 1, 1]
    assert local_server.hits["/about"] == 0


def test_pages_index_link_without_text_is_not_retried(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.add(
        "/list", '<html><body><a href="/r/empty">Empty</a><a href="/r/full">Full</a></body></html>'
    )
    local_server.add("/r/empty", "<html><body><p>Photo gallery.</p></body></html>")
    local_server.add("/r/full", article_html("Full release", invented_text(40)))
    with open_wf(tmp_path) as wf:
        wf.add_sources(
            [
                SourceEntry.from_dict(
                    {
                        "name": "L",
                        "kind": "index",
                        "url": local_server.url("/list"),
                        "follow": "/r/",
                    }
                )
            ]
        )
        first = wf.poll(force=True, code=False)
        wf.poll(force=True, code=False)
    assert first.stored == 1 and first.sources[0].skipped == 1
    assert any("W303" in w for w in first.sources[0].warnings)
    assert local_server.hits["/r/empty"] == 1


@pytest.mark.parametrize(
    ("html", "pattern", "expected"),
    [
        (
            '<a href="/press/2024/a">a</a><a href="/press/x">x</a>',
            r"/press/\d{4}/",
            ["https://m.example/press/2024/a"],
        ),
        (
            '<a href="2024/b#top">b</a><a href="2024/b">again</a>',
            r"/\d{4}/",
            ["https://m.example/press/2024/b"],
        ),
        (
            '<base href="https://cdn.example/news/"><a href="item">i</a>',
            None,
            ["https://cdn.example/news/item"],
        ),
        (
            '<a href="javascript:go()">j</a><a href="mailto:a@b">m</a><a href="ftp://x/y">f</a>',
            None,
            [],
        ),
    ],
    ids=["pattern", "fragment-dedup", "base-href", "non-http"],
)
def test_pages_find_links(html: str, pattern: str | None, expected: list[str]) -> None:
    assert (
        find_links(
            f"<html><head></head><body>{html}</body></html>", "https://m.example/press/", pattern
        )
        == expected
    )


@pytest.mark.parametrize(
    ("body", "media_type", "kind"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>', "text/xml", "feed"),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom"/>',
            None,
            "feed",
        ),
        (b'<rdf:RDF xmlns:rdf="x"/>', "application/xml", "feed"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "application/rss+xml", "page"),
        (b"garbage", "application/atom+xml", "feed"),
        (b"garbage", "text/html", "page"),
    ],
)
def test_pages_sniff_format(body: bytes, media_type: str | None, kind: str) -> None:
    assert sniff_format(FetchResult("u", "u", 200, body, media_type=media_type)) == kind


# --------------------------------------------------------------------------- CLI


def test_pages_extract_cli_file_stdin_and_url(local_server: LocalServer, tmp_path: Path) -> None:
    html = article_html("Extract me", invented_text(50))
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    local_server.add("/x", html)
    runner = CliRunner()
    env = cli_env(tmp_path)
    from_file = runner.invoke(app, ["extract", str(page), "--json"], env=env)
    from_stdin = runner.invoke(app, ["extract", "-"], input=html, env=env)
    from_url = runner.invoke(app, ["extract", local_server.url("/x"), "--json"], env=env)
    assert from_file.exit_code == 0, from_file.output
    data = json.loads(from_file.stdout)
    assert data["title"] == "Extract me" and data["language"] == "en"
    assert data["text"] == invented_text(50)
    assert from_stdin.exit_code == 0 and from_stdin.stdout.startswith("title: Extract me")
    assert invented_text(50).splitlines()[0] in from_stdin.stdout
    assert json.loads(from_url.stdout)["url"] == local_server.url("/x")


def test_pages_extract_cli_refuses_loopback_without_allow_list(
    local_server: LocalServer, tmp_path: Path
) -> None:
    local_server.add("/x", article_html("Private", invented_text(51)))
    env = {**cli_env(tmp_path), "WATCHFLOOR_ALLOW_NETWORKS": ""}
    result = CliRunner().invoke(app, ["extract", local_server.url("/x")], env=env)
    assert result.exit_code != 0 and "W302" in str(result.exception)
    assert local_server.hits["/x"] == 0


def test_pages_ingest_cli_accepts_feed_and_page_urls(
    local_server: LocalServer, tmp_path: Path
) -> None:

    atom = (
        (FIXTURES / "atom.xml")
        .read_text(encoding="utf-8")
        .replace("http://assembly.invalid", local_server.url(""))
    )
    local_server.add("/atom", atom, content_type="application/xml")
    for n, path in enumerate(["/record/budget", "/record/hearing"]):  # the entries are teasers
        local_server.add(path, article_html(f"Record {n}", invented_text(70 + n)))
    local_server.add("/one-page", article_html("A page", invented_text(60)))
    env = cli_env(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["ingest", local_server.url("/atom"), local_server.url("/one-page"), "--no-code"],
        env=env,
    )
    again = runner.invoke(app, ["ingest", local_server.url("/atom"), "--no-code"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{local_server.url('/atom')}: 2 stored" in result.output
    assert f"{local_server.url('/one-page')}: 1 stored" in result.output
    assert "0 stored, 0 duplicate(s)" in again.output  # items already seen are not re-offered
    assert local_server.hits["/record/budget"] == 1
    with Watchfloor(env["WATCHFLOOR_DB"], settings=make_settings()) as wf:
        sources = sorted({a.source for a in wf.store.articles()})
    assert sources == ["127.0.0.1"]
